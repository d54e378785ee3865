/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sock.c: facts about a socket (a leaf: it knows nothing of vaddr's).
 */
#ifndef _VADDR_SOCK_H
#define _VADDR_SOCK_H

#include <linux/in6.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct sk_buff;
struct sock;
struct user_namespace;

/* Where a destination is, as vaddr sees it (see vaddr_scope4()). */
enum vaddr_scope {
	VADDR_SCOPE_GLOBAL,	/* served: a domain's address */
	VADDR_SCOPE_LOOPBACK,	/* the host itself */
	VADDR_SCOPE_LINK,	/* link-local, multicast, broadcast */
};

bool vaddr_sk_local4(const struct sock *sk, __be32 addr);
bool vaddr_sk_local6(const struct sock *sk, const struct in6_addr *addr);
bool vaddr_sk_exempt(const struct sock *sk);
kuid_t vaddr_sk_uid(const struct sock *sk);
const struct user_namespace *vaddr_sk_userns(const struct sock *sk);
kuid_t vaddr_userns_owner(const struct user_namespace *ns);
bool vaddr_sk_addr_chosen(const struct sock *sk);
bool vaddr_sk_rcv_any6(const struct in6_addr *addr);
enum vaddr_scope vaddr_scope4(const struct sock *sk, __be32 daddr,
			      const struct sk_buff *skb);
enum vaddr_scope vaddr_scope6(const struct in6_addr *daddr);

#endif /* _VADDR_SOCK_H */
