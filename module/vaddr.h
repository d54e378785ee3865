/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaddr: per-domain source addresses. Internal declarations shared by the
 * module's files.
 */
#ifndef _VADDR_H
#define _VADDR_H

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/static_key.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <uapi/linux/vaddr.h>

struct sk_buff;
struct sock;
struct netlink_ext_ack;

/*
 * Allocations a table change makes on behalf of userspace: charged to the
 * caller's memory cgroup, and when that (or the host) is out of memory the
 * request fails with -ENOMEM rather than invoking the OOM killer or
 * warning: the table is left as it was and the caller told why.
 */
#define VADDR_GFP (GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

struct vaddr_stats {
	u64 count[VADDR_STAT_MAX + 1];
};

/* A virtual address in vaddr_table.addrs; IPv4 is kept v4-mapped. */
struct vaddr_addr_node {
	struct rhash_head node;
	struct in6_addr key;
	struct vaddr_domain *domain;
};

/*
 * A domain and its addresses. Readers reach it under RCU through a uid or
 * cgroup mapping or through one of its addresses, and only read
 * addr4/addr6/has4/has6/name and fail_closed (READ_ONCE) and bump stats;
 * all other fields belong to writers, who hold vaddr_net.lock.
 */
struct vaddr_domain {
	struct rhash_head node;		/* in vaddr_table.names */
	struct vaddr_addr_node src4;	/* in vaddr_table.addrs if has4 */
	struct vaddr_addr_node src6;	/* in vaddr_table.addrs if has6 */
	struct rcu_head rcu;
	u32 id;				/* index in vaddr_table.domains */
	u32 nr_uids;
	u32 nr_cgroups;
	bool has4;
	bool has6;
	bool fail_closed;		/* never leave from another address */
	__be32 addr4;
	struct in6_addr addr6;
	struct vaddr_stats __percpu *stats;
	char name[VADDR_DOMAIN_MAX + 1];
};

/*
 * A uid's mapping, in vaddr_table.uids. Uids are hashed, not indexed: an
 * xarray spends a 576-byte node on a uid with no neighbour within 64, and
 * hosting panels hand out uids far apart; this costs the same wherever
 * the uid is (40 bytes and a bucket).
 */
struct vaddr_uid_map {
	struct rhash_head node;
	u32 uid;			/* kuid value */
	struct vaddr_domain *domain;
	struct rcu_head rcu;
};

/*
 * One namespace's table. An RCU lookup costs one hash and a short chain
 * for a uid, a walk of a few fixed levels for a cgroup id (cgroup ids are
 * dense, allocated in sequence) whatever the size.
 */
struct vaddr_table {
	struct xarray domains;		/* id -> domain */
	struct rhashtable names;	/* name -> domain, writers only */
	struct rhashtable addrs;	/* address -> domain, RCU readers */
	struct rhashtable uids;		/* kuid value -> vaddr_uid_map */
	struct xarray cgroups;		/* cgroup id -> domain */
	unsigned long nr_uids;
	unsigned long nr_cgroups;
	unsigned long nr_fail_closed;	/* domains with fail_closed */
	struct rcu_work free_work;
};

struct vaddr_net {
	struct vaddr_table __rcu *table;
	struct list_head stages;	/* replacements being built, stage.c */
	struct net *net;		/* the namespace this belongs to */
	struct mutex lock;		/* serializes every change */
	u32 generation;			/* bumped by every change */
	bool active;			/* has mappings; counted in vaddr_active */
	bool nat;			/* setting: rewrite sources */
	bool nat_hooked;		/* NAT hooks registered */
	bool isolation;			/* setting: addresses are the domain's */
	bool guard_hooked;		/* guard.c output hooks registered */
	struct xarray allow;		/* isolation: kuid -> allowed any address */
};

/* Which mapping gave an owner its domain (whoami). */
struct vaddr_owner {
	enum vaddr_match match;
	kuid_t uid;			/* VADDR_MATCH_UID */
	u64 cgroup;			/* VADDR_MATCH_CGROUP: the mapped one */
};

/* Enabled while any namespace has a uid or cgroup mapping (net.c). */
DECLARE_STATIC_KEY_FALSE(vaddr_active);
/* Enabled while any namespace has isolation or a fail-closed domain. */
DECLARE_STATIC_KEY_FALSE(vaddr_guarded);

extern unsigned int vaddr_net_id;

static inline struct vaddr_net *vaddr_net(const struct net *net)
{
	return net_generic(net, vaddr_net_id);
}

/* table.c */
int vaddr_table_init(void);
void vaddr_table_exit(void);
struct vaddr_table *vaddr_table_alloc(void);
void vaddr_table_free(struct vaddr_table *t);
struct vaddr_table *vaddr_table_locked(struct vaddr_net *vn);
void vaddr_table_replace(struct vaddr_net *vn, struct vaddr_table *t);
void vaddr_table_keep_stats(struct vaddr_table *t, struct vaddr_table *old);
bool vaddr_domain_name_valid(const char *name);
struct vaddr_domain *vaddr_domain_find(struct vaddr_table *t,
				       const char *name);
struct vaddr_domain *vaddr_domain_by_addr4(struct vaddr_table *t,
					   __be32 addr);
struct vaddr_domain *vaddr_domain_by_addr6(struct vaddr_table *t,
					   const struct in6_addr *addr);
int vaddr_domain_add(struct vaddr_table *t, const char *name,
		     const __be32 *addr4, const struct in6_addr *addr6);
void vaddr_domain_del(struct vaddr_table *t, struct vaddr_domain *d);
void vaddr_domain_set_fail_closed(struct vaddr_table *t,
				  struct vaddr_domain *d, bool on);
bool vaddr_table_full(struct vaddr_table *t);
int vaddr_uid_add(struct vaddr_table *t, kuid_t uid, struct vaddr_domain *d);
int vaddr_uid_del(struct vaddr_table *t, kuid_t uid);
int vaddr_cgroup_add(struct vaddr_table *t, u64 id, struct vaddr_domain *d);
int vaddr_cgroup_del(struct vaddr_table *t, u64 id);
struct vaddr_domain *vaddr_domain_of_sock(struct vaddr_table *t,
					  struct sock *sk);
struct vaddr_domain *vaddr_domain_of_current(struct vaddr_table *t,
					     struct vaddr_owner *why);
struct vaddr_domain *vaddr_uid_domain(struct vaddr_table *t, kuid_t uid);
u32 *vaddr_uid_list(struct vaddr_table *t, unsigned long *nr);
struct vaddr_domain *vaddr_cgroup_domain(struct vaddr_table *t, u64 id);

/* net.c */
int vaddr_net_init(void);
void vaddr_net_exit(void);
void vaddr_net_changed(struct vaddr_net *vn);
int vaddr_net_prepare(struct vaddr_net *vn, const struct vaddr_table *t);
void vaddr_net_replace(struct vaddr_net *vn, struct vaddr_table *t);
int vaddr_net_set(struct vaddr_net *vn, int nat, int isolation,
		  bool *nat_failed);

/* The domain of a socket, under rcu_read_lock(). */
static inline struct vaddr_domain *vaddr_sock_domain(struct sock *sk)
{
	struct vaddr_table *t = rcu_dereference(vaddr_net(sock_net(sk))->table);

	return t ? vaddr_domain_of_sock(t, sk) : NULL;
}

/* sock.c */
bool vaddr_sk_local4(const struct sock *sk, __be32 addr);
bool vaddr_sk_local6(const struct sock *sk, const struct in6_addr *addr);
bool vaddr_sk_exempt(const struct sock *sk);

/* nat.c */
int vaddr_nat_sync(struct vaddr_net *vn, bool want);

/* conntrack.c */
int vaddr_conntrack_get(struct net *net);
void vaddr_conntrack_put(struct net *net);

/* guard.c */
void vaddr_guard_net_init(struct vaddr_net *vn);
void vaddr_guard_net_exit(struct vaddr_net *vn);
int vaddr_guard_sync(struct vaddr_net *vn, const struct vaddr_table *t);
int vaddr_guard_allow_add(struct vaddr_net *vn, kuid_t uid);
int vaddr_guard_allow_del(struct vaddr_net *vn, kuid_t uid);
int vaddr_guard_allow_foreach(struct vaddr_net *vn, unsigned long *pos,
			      int (*fn)(kuid_t uid, void *arg), void *arg);
int vaddr_guard_isolation(struct sock *sk, const struct vaddr_domain *own,
			  int family, const void *saddr);
int vaddr_guard_fail_closed(struct sock *sk, struct vaddr_domain *d,
			    int family, const void *saddr, bool exempt,
			    const struct sk_buff *skb);

/* stats.c */
struct vaddr_stats __percpu *vaddr_stats_alloc(void);
void vaddr_stats_free(struct vaddr_stats __percpu *stats);
void vaddr_stats_sum(const struct vaddr_domain *d, struct vaddr_stats *sum);

/* d->stats may be handed to d's successor by a table replacement. */
static inline void vaddr_count(struct vaddr_domain *d, enum vaddr_stat stat)
{
	struct vaddr_stats __percpu *stats = READ_ONCE(d->stats);

	this_cpu_inc(stats->count[stat]);
}

/* stage.c */
int vaddr_stage_init(void);
void vaddr_stage_exit(void);
int vaddr_stage_begin(struct vaddr_net *vn, u32 portid, const void *owner);
struct vaddr_table *vaddr_stage_table(struct vaddr_net *vn, u32 portid,
				      const void *owner);
struct vaddr_table *vaddr_stage_take(struct vaddr_net *vn, u32 portid,
				     const void *owner);
int vaddr_stage_abort(struct vaddr_net *vn, u32 portid, const void *owner);
void vaddr_stage_flush(struct vaddr_net *vn);

/* netlink.c */
int vaddr_genl_init(void);
void vaddr_genl_exit(void);

/* connect.c */
int vaddr_connect_init(void);
void vaddr_connect_exit(void);
bool vaddr_refusal_works(void);
u64 vaddr_connect_missed(void);

#endif /* _VADDR_H */
