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
#include <linux/netdevice.h>
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
 * program's; they are judged as the program's own sockets. The others
 * are never auto-bound nor rewritten, and vaddr knows no owner of theirs:
 * guard.c judges what they start by the packet alone.
 */
bool vaddr_sk_exempt(const struct sock *sk)
{
	if (!sk->sk_kern_sock)
		return false;
	return sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	       !sk_is_mptcp(sk);
}
