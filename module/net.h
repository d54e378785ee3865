/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.c: a namespace's vaddr, its settings and the hooks they need. The
 * inline accessors below only read it and serve every file; net.c's own
 * functions are called by main.c and the netlink handlers only.
 */
#ifndef _VADDR_NET_H
#define _VADDR_NET_H

#include <linux/rcupdate.h>
#include <linux/static_key.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "compat.h"
#include "table.h"
#include "vaddr.h"

/* Enabled while any namespace has a uid or cgroup mapping. */
DECLARE_STATIC_KEY_FALSE(vaddr_active);

extern unsigned int vaddr_net_id;

static inline struct vaddr_net *vaddr_net(const struct net *net)
{
	return net_generic(net, vaddr_net_id);
}

/*
 * net_generic() for any RCU reader: without a read section of its own,
 * which would nest in the caller's, and for a kprobe handler too, which
 * runs with preemption disabled and looks a socket up without one.
 */
static inline struct vaddr_net *vaddr_net_rcu(const struct net *net)
{
	return rcu_dereference_all(net->gen)->ptr[vaddr_net_id];
}

/*
 * The domain of a socket, for any RCU reader: under rcu_read_lock(), or
 * with preemption disabled.
 */
static inline struct vaddr_domain *vaddr_sock_domain(struct sock *sk)
{
	struct vaddr_table *t =
		rcu_dereference_all(vaddr_net_rcu(sock_net(sk))->table);

	return t ? vaddr_domain_of_sock(t, sk) : NULL;
}

int vaddr_net_init(void);
void vaddr_net_exit(void);
void vaddr_net_changed(struct vaddr_net *vn);
int vaddr_net_prepare(struct vaddr_net *vn, const struct vaddr_table *t);
void vaddr_net_replace(struct vaddr_net *vn, struct vaddr_table *t);
int vaddr_net_set(struct vaddr_net *vn, int nat, int isolation,
		  bool *nat_failed);

#endif /* _VADDR_NET_H */
