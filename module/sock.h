/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sock.c: facts about a socket (a leaf: it knows nothing of vaddr's).
 * Whose a socket is, below, is inline: every connect asks it.
 */
#ifndef _VADDR_SOCK_H
#define _VADDR_SOCK_H

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/in6.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/mptcp.h>
#include <net/sock.h>

struct sk_buff;

/* Where a destination is, as vaddr sees it (see vaddr_scope4()). */
enum vaddr_scope {
	VADDR_SCOPE_GLOBAL,	/* served: a domain's address */
	VADDR_SCOPE_LOOPBACK,	/* the host itself */
	VADDR_SCOPE_LINK,	/* link-local, multicast, broadcast */
};

bool vaddr_sk_local4(const struct sock *sk, __be32 addr);
bool vaddr_sk_local6(const struct sock *sk, const struct in6_addr *addr);
bool vaddr_sk_exempt(const struct sock *sk);
bool vaddr_sk_addr_chosen(const struct sock *sk);
bool vaddr_sk_rcv_any6(const struct in6_addr *addr);
enum vaddr_scope vaddr_scope4(const struct sock *sk, __be32 daddr,
			      const struct sk_buff *skb);
enum vaddr_scope vaddr_scope6(const struct in6_addr *daddr);

/*
 * The uid a socket is judged as: its sk_uid, except for an MPTCP subflow
 * that the path manager adds. A kernel worker creates those, as root, and
 * the subflow gets its program's uid (mptcp_sock_graft()) only after its
 * connect has sent the SYN. But mptcp_subflow_create_socket() gives the
 * subflow's own socket inode the uid of its MPTCP socket's inode first,
 * and the graft later makes sk_socket the MPTCP socket itself: so the
 * inode behind sk_socket always holds the program's uid. Under RCU
 * (rcu_read_lock(), or preemption disabled) or the socket's lock: a
 * socket's inode is freed after a grace period.
 */
static inline kuid_t vaddr_sk_uid(const struct sock *sk)
{
	struct socket *sock;

	if (!sk->sk_kern_sock || !sk_is_mptcp(sk))
		return READ_ONCE(sk->sk_uid);
	sock = READ_ONCE(sk->sk_socket);
	return sock ? SOCK_INODE(sock)->i_uid : READ_ONCE(sk->sk_uid);
}

/*
 * The user namespace a socket was created in: that of the credentials of
 * its file (the creator's, also when the socket was passed on), or NULL
 * for a socket with no file (a kernel socket, or one being closed). Under
 * RCU (rcu_read_lock(), or preemption disabled): the socket's inode and
 * file are freed after a grace period, and the credentials with them.
 */
static inline const struct user_namespace *
vaddr_sk_userns(const struct sock *sk)
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
static inline kuid_t vaddr_userns_owner(const struct user_namespace *ns)
{
	if (!ns || ns == &init_user_ns)
		return INVALID_UID;
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	return ns->owner;
}

#endif /* _VADDR_SOCK_H */
