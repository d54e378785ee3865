/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaddr: per-domain source addresses. The types the module's files share,
 * and nothing else: each file declares what it exports in its own header.
 */
#ifndef _VADDR_H
#define _VADDR_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/vaddr.h>

struct net;
struct vaddr_uids;

/*
 * Allocations a table change makes on behalf of userspace: charged to the
 * caller's memory cgroup, and when that (or the host) is out of memory the
 * request fails with -ENOMEM rather than invoking the OOM killer or
 * warning: the table is left as it was and the caller told why.
 */
#define VADDR_GFP (GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

/*
 * kmalloc() aligns it to its size class (128 bytes): its lines, written by
 * every CPU that counts, share nothing with the read-mostly domain.
 */
struct vaddr_stats {
	atomic64_t count[VADDR_STAT_MAX + 1];
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
	/*
	 * The namespace's rt_genid_ipv4() + 1 when a connect last found
	 * addr4 local, 0 never: connect.c's cache of that lookup.
	 */
	unsigned long local4_gen;
	struct in6_addr addr6;
	struct vaddr_stats *stats;
	char name[VADDR_DOMAIN_MAX + 1];
};

/*
 * One namespace's table. An RCU lookup costs one hash and a short chain
 * for a uid, a walk of a few fixed levels for a cgroup id (cgroup ids are
 * dense, allocated in sequence) whatever the size. A socket's cgroup is
 * looked up at the levels of its ancestry that hold mappings only, never
 * along its whole ancestry: cgroup_levels says which.
 */
struct vaddr_table {
	struct xarray domains;		/* id -> domain */
	struct rhashtable names;	/* name -> domain, writers only */
	struct rhashtable addrs;	/* address -> domain, RCU readers */
	struct vaddr_uids __rcu *uids;	/* kuid value -> domain, uids.c */
	struct xarray cgroups;		/* cgroup id -> domain */
	unsigned long nr_uids;
	unsigned long nr_cgroups;
	u64 cgroup_levels;		/* bit L: a mapping was at level L */
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

#endif /* _VADDR_H */
