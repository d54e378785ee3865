/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guard.c: isolation and fail-closed, and the allow list.
 */
#ifndef _VADDR_GUARD_H
#define _VADDR_GUARD_H

#include <linux/static_key.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include "sock.h"
#include "vaddr.h"

struct sk_buff;
struct sock;

/* Enabled while any namespace has isolation or a fail-closed domain. */
DECLARE_STATIC_KEY_FALSE(vaddr_guarded);

void vaddr_guard_net_init(struct vaddr_net *vn);
void vaddr_guard_net_pre_exit(struct vaddr_net *vn);
void vaddr_guard_net_exit(struct vaddr_net *vn);
int vaddr_guard_sync(struct vaddr_net *vn, const struct vaddr_table *t);

int vaddr_guard_allow_add(struct vaddr_net *vn, kuid_t uid);
int vaddr_guard_allow_del(struct vaddr_net *vn, kuid_t uid);
int vaddr_guard_allow_foreach(struct vaddr_net *vn, unsigned long *pos,
			      int (*fn)(kuid_t uid, void *arg), void *arg);

int vaddr_guard_isolation(struct sock *sk, const struct vaddr_domain *own,
			  int family, const void *saddr);
int vaddr_guard_fail_closed(struct sock *sk, struct vaddr_domain *d,
			    int family, const void *saddr,
			    enum vaddr_scope scope, const struct sk_buff *skb);

#endif /* _VADDR_GUARD_H */
