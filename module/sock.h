/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sock.c: facts about a socket (a leaf: it knows nothing of vaddr's).
 */
#ifndef _VADDR_SOCK_H
#define _VADDR_SOCK_H

#include <linux/in6.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct sock;
struct user_namespace;

bool vaddr_sk_local4(const struct sock *sk, __be32 addr);
bool vaddr_sk_local6(const struct sock *sk, const struct in6_addr *addr);
bool vaddr_sk_exempt(const struct sock *sk);
const struct user_namespace *vaddr_sk_userns(const struct sock *sk);
kuid_t vaddr_userns_owner(const struct user_namespace *ns);

#endif /* _VADDR_SOCK_H */
