// SPDX-License-Identifier: GPL-2.0
/*
 * Facts about a socket that every hook asks: whether an address is local
 * to it, and whether it is a kernel socket vaddr leaves alone. A leaf:
 * it reads the socket and the host's addresses, nothing of vaddr's.
 *
 * Whether a virtual address is configured on the host right now: vaddr
 * never gives a socket an address the kernel would refuse to bind, so it
 * asks exactly what __inet_bind() and __inet6_bind() ask. Both lookups are
 * RCU and safe in atomic context.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/netdevice.h>
#include <linux/user_namespace.h>
#include <net/addrconf.h>
#include <net/l3mdev.h>
#include <net/mptcp.h>
#include <net/route.h>
#include <net/sock.h>

#include "sock.h"

/* Is @addr a local address for this socket, as __inet_bind() checks? */
bool vaddr_sk_local4(const struct sock *sk, __be32 addr)
{
	struct net *net = sock_net(sk);
	u32 tb_id;

	tb_id = l3mdev_fib_table_by_index(net, sk->sk_bound_dev_if) ? :
		RT_TABLE_LOCAL;
	return inet_addr_type_table(net, addr, tb_id) == RTN_LOCAL;
}

/* Is @addr a usable local address for this socket, as __inet6_bind() checks? */
bool vaddr_sk_local6(const struct sock *sk, const struct in6_addr *addr)
{
	struct net *net = sock_net(sk);
	struct net_device *dev = NULL;

	if (sk->sk_bound_dev_if) {
		dev = dev_get_by_index_rcu(net, sk->sk_bound_dev_if);
		if (!dev)
			return false;
	}
	return ipv6_chk_addr(net, addr, dev, 0);
}

/*
 * Kernel sockets are the kernel's own (TCP's control sockets, tunnels,
 * ...), except MPTCP subflows: the kernel creates them with
 * sock_create_kern() for a user's MPTCP socket, and they carry its
 * traffic. A subflow has its parent's cgroup, and the first one is
 * created when the program creates its socket, so its sk_uid is the
 * program's; they are judged as the program's own sockets.
 */
bool vaddr_sk_exempt(const struct sock *sk)
{
	if (!sk->sk_kern_sock)
		return false;
	return sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	       !sk_is_mptcp(sk);
}

/*
 * The user namespace a socket was created in: that of the credentials of
 * its file (the creator's, also when the socket was passed on), or NULL
 * for a socket with no file (a kernel socket, or one being closed). Under
 * rcu_read_lock(): the socket's inode and file are freed after a grace
 * period, and the credentials with them.
 */
const struct user_namespace *vaddr_sk_userns(const struct sock *sk)
{
	const struct socket *sock = READ_ONCE(sk->sk_socket);
	const struct file *file = sock ? READ_ONCE(sock->file) : NULL;

	return file ? file->f_cred->user_ns : NULL;
}

/*
 * Who created the user namespace @ns descends from, at the top: the
 * owner of its ancestor whose parent is the initial namespace. A tenant's
 * rootless container (subordinate uids mapped in by newuidmap) runs as
 * uids that belong to no one, but the tenant created its namespace.
 * INVALID_UID for the initial namespace. At most 32 levels.
 */
kuid_t vaddr_userns_owner(const struct user_namespace *ns)
{
	if (!ns || ns == &init_user_ns)
		return INVALID_UID;
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	return ns->owner;
}
