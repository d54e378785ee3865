/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vaddr supports (Debian's 5.10 to
 * 7.x), in one place. Each entry names the kernel that changed and why it
 * matters here; nothing else in module/ tests a kernel version. Where a
 * distribution backports a change (Debian's 6.1 has 6.7's multicast
 * flags), the test is on the feature, not the version.
 */
#ifndef _VADDR_COMPAT_H
#define _VADDR_COMPAT_H

#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/netfilter/nf_conntrack.h>

/* Built against kernel MAJOR.MINOR or later (Kbuild passes the version). */
#define VADDR_LINUX_AT_LEAST(major, minor)				\
	(VADDR_LINUX_MAJOR > (major) ||					\
	 (VADDR_LINUX_MAJOR == (major) && VADDR_LINUX_MINOR >= (minor)))

/*
 * 7.2 (and maybe earlier) has rcu_dereference_all(): a pointer read by
 * any RCU reader, one with preemption disabled (a kprobe's handler)
 * included, which synchronize_rcu() waits for since 5.0. Before it, the
 * same check spelled out.
 */
#ifndef rcu_dereference_all
#define rcu_dereference_all(p)	\
	rcu_dereference_check(p, rcu_read_lock_any_held())
#endif

/*
 * 6.1 added the missing-attribute report to extended ACKs. Before it the
 * message alone says which attribute is missing.
 */
#ifndef NL_SET_ERR_ATTR_MISS
#define NL_SET_ERR_ATTR_MISS(extack, nest, type)	do { } while (0)
#endif

/*
 * Who may join a multicast group: 6.7 (and Debian's 6.1) check
 * GENL_MCAST_CAP_NET_ADMIN; before that genl_bind() checked the group's
 * GENL_UNS_ADMIN_PERM flag (Debian's 5.10 does). Both ask for
 * CAP_NET_ADMIN in the user namespace owning the network namespace.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define VADDR_MCGRP_ADMIN_ONLY	GENL_MCAST_CAP_NET_ADMIN
#else
#define VADDR_MCGRP_ADMIN_ONLY	GENL_UNS_ADMIN_PERM
#endif

/*
 * 5.19 folded nf_ct_iterate_cleanup_net()'s arguments into struct
 * nf_ct_iter_data. Kill the entries of @net that @iter picks (given
 * @data), silently.
 */
static inline void vaddr_ct_cleanup(struct net *net,
				    int (*iter)(struct nf_conn *ct, void *data),
				    void *data)
{
#if VADDR_LINUX_AT_LEAST(5, 19)
	struct nf_ct_iter_data d = { .net = net, .data = data };

	nf_ct_iterate_cleanup_net(iter, &d);
#else
	nf_ct_iterate_cleanup_net(net, iter, data, 0, 0);
#endif
}

/*
 * The hashinfo argument of __inet{,6}_lookup_established() went between
 * 6.12 and 7.2 (the table is always the namespace's own). The connected
 * TCP socket of @net with local address and port @laddr:@lport and remote
 * @raddr:@rport, referenced, or NULL. Under rcu_read_lock().
 */
static inline struct sock *vaddr_tcp_lookup4(struct net *net,
					     __be32 laddr, __be16 lport,
					     __be32 raddr, __be16 rport)
{
#if VADDR_LINUX_AT_LEAST(7, 0)
	return __inet_lookup_established(net, raddr, rport, laddr,
					 ntohs(lport), 0, 0);
#else
	return __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
					 raddr, rport, laddr, ntohs(lport),
					 0, 0);
#endif
}

static inline struct sock *vaddr_tcp_lookup6(struct net *net,
					     const struct in6_addr *laddr,
					     __be16 lport,
					     const struct in6_addr *raddr,
					     __be16 rport)
{
#if VADDR_LINUX_AT_LEAST(7, 0)
	return __inet6_lookup_established(net, raddr, rport, laddr,
					  ntohs(lport), 0, 0);
#else
	return __inet6_lookup_established(net,
					  net->ipv4.tcp_death_row.hashinfo,
					  raddr, rport, laddr, ntohs(lport),
					  0, 0);
#endif
}

/*
 * The listener a TCP SYN from @raddr:@rport to @laddr:@lport, received on
 * device @dif, would find (as the receive path finds it, reuseport and
 * socket-lookup programs included), not referenced, or NULL. Listeners
 * are freed after a grace period: under rcu_read_lock(). The hashinfo
 * argument went with __inet_lookup_established()'s.
 */
static inline struct sock *vaddr_tcp_listener4(struct net *net,
					       __be32 laddr, __be16 lport,
					       __be32 raddr, __be16 rport,
					       int dif)
{
#if VADDR_LINUX_AT_LEAST(7, 0)
	return __inet_lookup_listener(net, NULL, 0, raddr, rport, laddr,
				      ntohs(lport), dif, 0);
#else
	return __inet_lookup_listener(net, net->ipv4.tcp_death_row.hashinfo,
				      NULL, 0, raddr, rport, laddr,
				      ntohs(lport), dif, 0);
#endif
}

static inline struct sock *vaddr_tcp_listener6(struct net *net,
					       const struct in6_addr *laddr,
					       __be16 lport,
					       const struct in6_addr *raddr,
					       __be16 rport, int dif)
{
#if VADDR_LINUX_AT_LEAST(7, 0)
	return inet6_lookup_listener(net, NULL, 0, raddr, rport, laddr,
				     ntohs(lport), dif, 0);
#else
	return inet6_lookup_listener(net, net->ipv4.tcp_death_row.hashinfo,
				     NULL, 0, raddr, rport, laddr,
				     ntohs(lport), dif, 0);
#endif
}

/*
 * The level of cgroup v2 directory @id (0: the root), if it exists and the
 * caller can see it from its cgroup namespace, else -ENOENT. 6.1's
 * cgroup_get_from_id() answers exactly that.
 * Before 6.1 it ignored the caller's namespace and returned NULL, not an
 * error pointer, for an unknown id, and before 5.15 it did not exist: look
 * among the live descendants of the namespace's root instead, which costs
 * a walk of the cgroups but asks nothing the caller may not know.
 */
static inline int vaddr_cgroup_level(u64 id)
{
#if VADDR_LINUX_AT_LEAST(6, 1)
	struct cgroup *cgrp = cgroup_get_from_id(id);
	int level;

	if (IS_ERR(cgrp))
		return -ENOENT;
	level = cgrp->level;
	cgroup_put(cgrp);
	return level;
#else
	struct cgroup_subsys_state *css;
	struct cgroup *root;
	int level = -ENOENT;

	rcu_read_lock();
	root = current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
	css_for_each_descendant_pre(css, &root->self) {
		if (cgroup_id(css->cgroup) == id) {
			if (READ_ONCE(css->flags) & CSS_ONLINE)
				level = css->cgroup->level;
			break;
		}
	}
	rcu_read_unlock();
	return level;
#endif
}

#endif /* _VADDR_COMPAT_H */
