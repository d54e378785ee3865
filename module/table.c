// SPDX-License-Identifier: GPL-2.0
/*
 * The table of one network namespace: domains, uid and cgroup mappings.
 *
 * Readers (the connect hooks, the NAT and output hooks) take no lock: they
 * reach the table through vaddr_net.table under RCU and look a socket's
 * owner up in the uids array (uids.c) and the cgroups xarray, and a source
 * address in the addrs rhashtable, which are RCU-safe. Writers hold
 * vaddr_net.lock. A domain taken out of a live table is freed after a
 * grace period; a table that is replaced or flushed is freed whole, after
 * a grace period, from a workqueue.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "sock.h"
#include "stats.h"
#include "table.h"
#include "uids.h"

/*
 * Entries (domains, uids and cgroups) one table may hold, live; and all
 * the replacements open in a namespace together (stage.c): whoever
 * manages a namespace's table, root of a user namespace included, cannot
 * grow it without bound, nor open replacements to multiply it. 4M entries is four times the largest
 * table the benchmarks load.
 */
static unsigned int max_entries = 1U << 22;
module_param(max_entries, uint, 0644);
MODULE_PARM_DESC(max_entries,
		 "most domains, uids and cgroups in one namespace's table");

static struct workqueue_struct *vaddr_wq;

/*
 * Names are hashed and compared as strings, not as the whole NUL-padded
 * array: a load looks the domain up once per uid it maps, and hashing 254
 * bytes each time was a sixth of its time.
 */
static u32 vaddr_name_hash(const void *data, u32 len, u32 seed)
{
	return jhash(data, strnlen(data, len), seed);
}

static int vaddr_name_cmp(struct rhashtable_compare_arg *arg,
			  const void *obj)
{
	const struct vaddr_domain *d = obj;

	return strcmp(d->name, arg->key);
}

static const struct rhashtable_params vaddr_names_params = {
	.head_offset = offsetof(struct vaddr_domain, node),
	.key_offset = offsetof(struct vaddr_domain, name),
	.key_len = sizeof_field(struct vaddr_domain, name),
	.hashfn = vaddr_name_hash,
	.obj_cmpfn = vaddr_name_cmp,
	.automatic_shrinking = true,
};

/* Both families in one table: IPv4 addresses are kept v4-mapped. */
static const struct rhashtable_params vaddr_addrs_params = {
	.head_offset = offsetof(struct vaddr_addr_node, node),
	.key_offset = offsetof(struct vaddr_addr_node, key),
	.key_len = sizeof_field(struct vaddr_addr_node, key),
	.automatic_shrinking = true,
};

struct vaddr_table *vaddr_table_alloc(void)
{
	struct vaddr_table *t;

	t = kzalloc(sizeof(*t), VADDR_GFP);
	if (!t)
		return NULL;
	if (rhashtable_init(&t->names, &vaddr_names_params))
		goto err_free;
	if (rhashtable_init(&t->addrs, &vaddr_addrs_params))
		goto err_names;
	xa_init_flags(&t->domains, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	xa_init_flags(&t->cgroups, XA_FLAGS_ACCOUNT);
	return t;
err_names:
	rhashtable_destroy(&t->names);
err_free:
	kfree(t);
	return NULL;
}

static void vaddr_domain_free(struct vaddr_domain *d)
{
	vaddr_stats_free(d->stats);
	kfree(d);
}

static void vaddr_domain_free_rcu(struct rcu_head *head)
{
	vaddr_domain_free(container_of(head, struct vaddr_domain, rcu));
}

static void vaddr_table_destroy(struct vaddr_table *t)
{
	struct vaddr_domain *d;
	unsigned long id;

	vaddr_uids_free(rcu_dereference_protected(t->uids, true));
	xa_destroy(&t->cgroups);
	xa_for_each(&t->domains, id, d)
		vaddr_domain_free(d);
	xa_destroy(&t->domains);
	rhashtable_destroy(&t->names);
	rhashtable_destroy(&t->addrs);
	kfree(t);
}

static void vaddr_table_free_work(struct work_struct *work)
{
	vaddr_table_destroy(container_of(to_rcu_work(work), struct vaddr_table,
					 free_work));
}

/*
 * Free a table, with its domains and mappings, once no reader can see it
 * any more: after a grace period, from vaddr's workqueue. The only way a
 * table is freed.
 */
void vaddr_table_free(struct vaddr_table *t)
{
	INIT_RCU_WORK(&t->free_work, vaddr_table_free_work);
	queue_rcu_work(vaddr_wq, &t->free_work);
}

/*
 * The live table of @vn, for a writer: the caller holds vn->lock (which
 * lockdep checks). Not a reference: it is valid until the lock goes.
 */
struct vaddr_table *vaddr_table_locked(struct vaddr_net *vn)
{
	return rcu_dereference_protected(vn->table,
					 lockdep_is_held(&vn->lock));
}

/*
 * Whether @name may name a domain: dot-separated labels of 1 to 63
 * characters out of [a-z0-9_-]. Its length (at most VADDR_DOMAIN_MAX) is
 * the caller's to check.
 */
bool vaddr_domain_name_valid(const char *name)
{
	size_t label = 0;
	const char *p;

	for (p = name; *p; p++) {
		if (*p == '.') {
			if (!label)
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || isdigit(*p) || *p == '-' ||
			   *p == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}

/* @name: NUL-terminated, at most VADDR_DOMAIN_MAX bytes before the NUL. */
struct vaddr_domain *vaddr_domain_find(struct vaddr_table *t,
				       const char *name)
{
	return rhashtable_lookup_fast(&t->names, name, vaddr_names_params);
}

static struct vaddr_domain *vaddr_domain_by_key(struct vaddr_table *t,
						 const struct in6_addr *key)
{
	struct vaddr_addr_node *a;

	a = rhashtable_lookup_fast(&t->addrs, key, vaddr_addrs_params);
	return a ? a->domain : NULL;
}

/* The domain owning an address; for writers, and for readers under RCU. */
struct vaddr_domain *vaddr_domain_by_addr4(struct vaddr_table *t,
					   __be32 addr)
{
	struct in6_addr key;

	ipv6_addr_set_v4mapped(addr, &key);
	return vaddr_domain_by_key(t, &key);
}

struct vaddr_domain *vaddr_domain_by_addr6(struct vaddr_table *t,
					   const struct in6_addr *addr)
{
	return vaddr_domain_by_key(t, addr);
}

static int vaddr_addr_insert(struct vaddr_table *t, struct vaddr_domain *d,
			     struct vaddr_addr_node *a)
{
	a->domain = d;
	return rhashtable_insert_fast(&t->addrs, &a->node, vaddr_addrs_params);
}

static void vaddr_addr_remove(struct vaddr_table *t, struct vaddr_addr_node *a)
{
	rhashtable_remove_fast(&t->addrs, &a->node, vaddr_addrs_params);
}

/* The caller has checked that the name and the addresses are free. */
int vaddr_domain_add(struct vaddr_table *t, const char *name,
		     const __be32 *addr4, const struct in6_addr *addr6)
{
	struct vaddr_domain *d;
	int err;

	d = kzalloc(sizeof(*d), VADDR_GFP);
	if (!d)
		return -ENOMEM;
	d->stats = vaddr_stats_alloc();
	if (!d->stats) {
		kfree(d);
		return -ENOMEM;
	}
	strscpy(d->name, name, sizeof(d->name));
	if (addr4) {
		d->has4 = true;
		d->addr4 = *addr4;
		ipv6_addr_set_v4mapped(*addr4, &d->src4.key);
	}
	if (addr6) {
		d->has6 = true;
		d->addr6 = *addr6;
		d->src6.key = *addr6;
	}

	err = xa_alloc(&t->domains, &d->id, d, xa_limit_32b, VADDR_GFP);
	if (err)
		goto err_free;
	err = rhashtable_insert_fast(&t->names, &d->node, vaddr_names_params);
	if (err)
		goto err_erase;
	if (d->has4) {
		err = vaddr_addr_insert(t, d, &d->src4);
		if (err)
			goto err_names;
	}
	if (d->has6) {
		err = vaddr_addr_insert(t, d, &d->src6);
		if (err)
			goto err_addr4;
	}
	return 0;

err_addr4:
	if (d->has4)
		vaddr_addr_remove(t, &d->src4);
err_names:
	rhashtable_remove_fast(&t->names, &d->node, vaddr_names_params);
err_erase:
	xa_erase(&t->domains, d->id);
	/* RCU readers may have found it by its IPv4 address already. */
	call_rcu(&d->rcu, vaddr_domain_free_rcu);
	return err;
err_free:
	vaddr_domain_free(d);
	return err;
}

static void vaddr_erase_domain_entries(struct xarray *xa,
				       const struct vaddr_domain *d,
				       unsigned long *nr)
{
	struct vaddr_domain *entry;
	unsigned long index;

	xa_for_each(xa, index, entry) {
		if (entry == d) {
			xa_erase(xa, index);
			WRITE_ONCE(*nr, *nr - 1);
		}
	}
}

/* Every uid mapping of @d. */
static void vaddr_erase_domain_uids(struct vaddr_table *t,
				    struct vaddr_domain *d)
{
	unsigned long n = vaddr_uids_erase_domain(&t->uids, d);

	WRITE_ONCE(t->nr_uids, t->nr_uids - n);
	d->nr_uids -= n;
	WARN_ON_ONCE(d->nr_uids);
}

/* Remove a domain and its mappings; readers may still hold it. */
void vaddr_domain_del(struct vaddr_table *t, struct vaddr_domain *d)
{
	if (d->nr_uids)
		vaddr_erase_domain_uids(t, d);
	if (d->nr_cgroups)
		vaddr_erase_domain_entries(&t->cgroups, d, &t->nr_cgroups);
	if (d->has4)
		vaddr_addr_remove(t, &d->src4);
	if (d->has6)
		vaddr_addr_remove(t, &d->src6);
	if (d->fail_closed)
		t->nr_fail_closed--;
	rhashtable_remove_fast(&t->names, &d->node, vaddr_names_params);
	xa_erase(&t->domains, d->id);
	call_rcu(&d->rcu, vaddr_domain_free_rcu);
}

/*
 * Readers see the switch at once; for the live table, the caller then
 * registers the output hooks it needs (vaddr_net_prepare()).
 */
void vaddr_domain_set_fail_closed(struct vaddr_table *t,
				  struct vaddr_domain *d, bool on)
{
	if (d->fail_closed == on)
		return;
	WRITE_ONCE(d->fail_closed, on);
	if (on)
		t->nr_fail_closed++;
	else
		t->nr_fail_closed--;
}

/* Entries (domains, uids, cgroups) in @t; writers only. */
unsigned long vaddr_table_size(struct vaddr_table *t)
{
	return atomic_read(&t->names.nelems) + t->nr_uids + t->nr_cgroups;
}

/* Whether @n entries are more than a table may hold (max_entries). */
bool vaddr_table_over(unsigned long n)
{
	return n > READ_ONCE(max_entries);
}

int vaddr_uid_add(struct vaddr_table *t, kuid_t uid, struct vaddr_domain *d)
{
	int err = vaddr_uids_add(&t->uids, __kuid_val(uid), d);

	if (err)
		return err;
	WRITE_ONCE(t->nr_uids, t->nr_uids + 1);
	d->nr_uids++;
	return 0;
}

/* Room for @n more uids in @t: vaddr_uid_add() then fails only on -EEXIST. */
int vaddr_uid_reserve(struct vaddr_table *t, unsigned long n)
{
	return vaddr_uids_reserve(&t->uids, n);
}

int vaddr_uid_del(struct vaddr_table *t, kuid_t uid)
{
	struct vaddr_domain *d = vaddr_uids_del(&t->uids, __kuid_val(uid));

	if (!d)
		return -ENOENT;
	WRITE_ONCE(t->nr_uids, t->nr_uids - 1);
	d->nr_uids--;
	return 0;
}

static int vaddr_u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

#define VADDR_RADIX	256

/*
 * @v sorted by radix, a byte a pass, through @tmp (@n entries, and
 * VADDR_RADIX counters after them): back in @v after four passes.
 */
static void vaddr_u32_radix_sort(u32 *v, u32 *tmp, unsigned long n)
{
	u32 *src = v, *dst = tmp, *count = tmp + n;
	unsigned long i, sum;
	unsigned int shift;
	u32 c;

	for (shift = 0; shift < 32; shift += 8) {
		memset(count, 0, VADDR_RADIX * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < VADDR_RADIX; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		swap(src, dst);
		cond_resched();
	}
}

/*
 * Sort @n uids in place and drop duplicates: how many are left. A dump
 * sorts every mapped uid under the namespace's lock: by radix, eight
 * passes over them, where sort() makes some 20 compares per uid of a
 * million; sort() when there are few, or no memory for the copy.
 */
unsigned long vaddr_uid_sort(u32 *uids, unsigned long n)
{
	u32 *tmp = n > 256 ? kvmalloc_array(n + VADDR_RADIX, sizeof(*tmp),
					     VADDR_GFP) : NULL;
	unsigned long i, nr = 0;

	if (tmp) {
		vaddr_u32_radix_sort(uids, tmp, n);
		kvfree(tmp);
	} else {
		sort(uids, n, sizeof(*uids), vaddr_u32_cmp, NULL);
	}
	for (i = 0; i < n; i++)
		if (!nr || uids[nr - 1] != uids[i])
			uids[nr++] = uids[i];
	return nr;
}

/*
 * The mapped uids in ascending order, for a dump to resume by position:
 * a kvmalloc'ed array of *@nr kuid values (NULL when there are none), or
 * an ERR_PTR. The caller holds vaddr_net.lock, so exactly nr_uids are
 * there.
 */
u32 *vaddr_uid_list(struct vaddr_table *t, unsigned long *nr)
{
	unsigned long n, max = t->nr_uids;
	u32 *uids;

	*nr = 0;
	if (!max)
		return NULL;
	uids = kvmalloc_array(max, sizeof(*uids), VADDR_GFP);
	if (!uids)
		return ERR_PTR(-ENOMEM);
	n = vaddr_uids_collect(&t->uids, uids, max);
	*nr = vaddr_uid_sort(uids, n);
	/* nr_uids counts what the array holds, each uid once. */
	WARN_ON_ONCE(*nr != max);
	return uids;
}

/*
 * A walk of @xa from index *@pos on, in order: @fn until it returns
 * non-zero, which is returned; *@pos is then the index of the entry it
 * stopped at, where a walk resumes. Writers only.
 */
static int vaddr_walk(struct xarray *xa, unsigned long *pos,
		      int (*fn)(unsigned long index, struct vaddr_domain *d,
				void *arg),
		      void *arg)
{
	struct vaddr_domain *d;
	unsigned long index;
	int err = 0;

	xa_for_each_start(xa, index, d, *pos) {
		err = fn(index, d, arg);
		if (err)
			break;
	}
	*pos = index;
	return err;
}

/* Each domain by its id (@index), as vaddr_walk(). */
int vaddr_domain_foreach(struct vaddr_table *t, unsigned long *pos,
			 int (*fn)(unsigned long index, struct vaddr_domain *d,
				   void *arg),
			 void *arg)
{
	return vaddr_walk(&t->domains, pos, fn, arg);
}

/*
 * Map cgroup @id, at @level of the hierarchy (0 is the root, at most
 * VADDR_CGROUP_LEVEL_MAX), to @d. A deletion leaves its level's bit:
 * the lookup then tries one level more, until the table is replaced.
 */
int vaddr_cgroup_add(struct vaddr_table *t, u64 id, int level,
		     struct vaddr_domain *d)
{
	int err;

	if (level < 0 || level > VADDR_CGROUP_LEVEL_MAX)
		return -E2BIG;
	err = xa_insert(&t->cgroups, id, d, VADDR_GFP);
	if (err)
		return err == -EBUSY ? -EEXIST : err;
	WRITE_ONCE(t->cgroup_levels, t->cgroup_levels | BIT_ULL(level));
	WRITE_ONCE(t->nr_cgroups, t->nr_cgroups + 1);
	d->nr_cgroups++;
	return 0;
}

int vaddr_cgroup_del(struct vaddr_table *t, u64 id)
{
	struct vaddr_domain *d;

	d = xa_erase(&t->cgroups, id);
	if (!d)
		return -ENOENT;
	WRITE_ONCE(t->nr_cgroups, t->nr_cgroups - 1);
	d->nr_cgroups--;
	return 0;
}

/* Each cgroup mapping by cgroup id (@index), as vaddr_walk(). */
int vaddr_cgroup_foreach(struct vaddr_table *t, unsigned long *pos,
			 int (*fn)(unsigned long index, struct vaddr_domain *d,
				   void *arg),
			 void *arg)
{
	return vaddr_walk(&t->cgroups, pos, fn, arg);
}

/*
 * Publish @t as the namespace's table and free the old one after a grace
 * period. Readers see either the old table or the new one, never a mix.
 */
void vaddr_table_replace(struct vaddr_net *vn, struct vaddr_table *t)
{
	struct vaddr_table *old = vaddr_table_locked(vn);

	rcu_assign_pointer(vn->table, t);
	vaddr_table_free(old);
}

/*
 * Before @t replaces @old: each domain of @t that @old has by name takes
 * over its counters, so that reloading a configuration does not reset
 * them. Readers of @old may still count into the fresh counters that the
 * old domain gets in exchange; they are freed with it.
 */
void vaddr_table_keep_stats(struct vaddr_table *t, struct vaddr_table *old)
{
	struct vaddr_stats *stats;
	struct vaddr_domain *d, *o;
	unsigned long id;

	xa_for_each(&t->domains, id, d) {
		o = vaddr_domain_find(old, d->name);
		if (!o)
			continue;
		stats = d->stats;
		WRITE_ONCE(d->stats, o->stats);
		WRITE_ONCE(o->stats, stats);
	}
}

/* The domain @uid is mapped to, or NULL. Under RCU. */
static __always_inline struct vaddr_domain *
vaddr_uid_lookup(struct vaddr_table *t, kuid_t uid)
{
	struct vaddr_uids *u = rcu_dereference_check(t->uids, true);

	return u ? vaddr_uids_lookup(u, __kuid_val(uid)) : NULL;
}

/*
 * The domain of the nearest mapped ancestor of @cgrp, or NULL. Not inline
 * in vaddr_owner_domain(): a connect on a host without cgroup mappings
 * would pay for its registers.
 */
static noinline struct vaddr_domain *
vaddr_cgroup_owner(struct vaddr_table *t, struct cgroup *cgrp,
		   struct vaddr_owner *why)
{
	u64 levels = READ_ONCE(t->cgroup_levels);
	struct vaddr_domain *d;
	struct cgroup *a;
	int level;

	if (cgrp->level < VADDR_CGROUP_LEVEL_MAX)
		levels &= GENMASK_ULL(cgrp->level, 0);
	/* The deepest first: the nearest mapped ancestor wins. */
	while (levels) {
		level = fls64(levels) - 1;
		levels &= ~BIT_ULL(level);
		a = cgroup_ancestor(cgrp, level);
		d = a ? xa_load(&t->cgroups, cgroup_id(a)) : NULL;
		if (d) {
			if (why) {
				why->match = VADDR_MATCH_CGROUP;
				why->cgroup = cgroup_id(a);
			}
			return d;
		}
	}
	return NULL;
}

/*
 * The domain of an owner: the nearest mapped ancestor of @cgrp, else @uid,
 * else the uid that created the user namespace the owner lives in, at the
 * top (a tenant's container, see vaddr_userns_owner()): that of socket
 * @sk, or current's when @sk is NULL. Sockets and whoami both
 * come here, so that what a task is told is what its sockets get. @why,
 * when not NULL, says which mapping matched. Called under RCU
 * (rcu_read_lock(), or preemption disabled) or vaddr_net.lock, and RCU
 * for @cgrp.
 */
static __always_inline struct vaddr_domain *
vaddr_owner_domain(struct vaddr_table *t, struct cgroup *cgrp, kuid_t uid,
		   const struct sock *sk, struct vaddr_owner *why)
{
	struct vaddr_domain *d;

	if (READ_ONCE(t->nr_cgroups) && cgrp) {
		d = vaddr_cgroup_owner(t, cgrp, why);
		if (d)
			return d;
	}
	if (!READ_ONCE(t->nr_uids))
		return NULL;
	d = vaddr_uid_lookup(t, uid);
	if (!d) {
		uid = vaddr_userns_owner(sk ? vaddr_sk_userns(sk) :
					 current_user_ns());
		if (!uid_valid(uid))
			return NULL;
		d = vaddr_uid_lookup(t, uid);
		if (!d)
			return NULL;
	}
	if (why) {
		why->match = VADDR_MATCH_UID;
		why->uid = uid;
	}
	return d;
}

/*
 * The domain of a socket: its nearest mapped cgroup ancestor, else its
 * owner's uid, else the creator of its user namespace. Called under
 * rcu_read_lock(), or with preemption disabled (a kprobe's handler).
 */
struct vaddr_domain *vaddr_domain_of_sock(struct vaddr_table *t,
					  struct sock *sk)
{
	return vaddr_owner_domain(t, sock_cgroup_ptr(&sk->sk_cgrp_data),
				  vaddr_sk_uid(sk), sk, NULL);
}

/*
 * The domain the sockets current creates now would get, and why: a new
 * socket takes the creator's fsuid as sk_uid (sock_alloc() gives its inode
 * current_fsuid()), the creator's cgroup v2 (cgroup_sk_alloc()) and its
 * file the creator's credentials. Called under rcu_read_lock() or with
 * vaddr_net.lock held; the domain stays valid while either is.
 */
struct vaddr_domain *vaddr_domain_of_current(struct vaddr_table *t,
					     struct vaddr_owner *why)
{
	struct vaddr_domain *d;

	why->match = VADDR_MATCH_NONE;
	rcu_read_lock();
	d = vaddr_owner_domain(t, task_dfl_cgroup(current), current_fsuid(),
			       NULL, why);
	rcu_read_unlock();
	return d;
}

/* The domain a uid or a cgroup is mapped to, if any; writers only. */
struct vaddr_domain *vaddr_uid_domain(struct vaddr_table *t, kuid_t uid)
{
	return vaddr_uids_find(&t->uids, __kuid_val(uid));
}

struct vaddr_domain *vaddr_cgroup_domain(struct vaddr_table *t, u64 id)
{
	return xa_load(&t->cgroups, id);
}

int vaddr_table_init(void)
{
	/* Frees, no CPU of their own: 7.x warns when neither is said. */
	vaddr_wq = alloc_workqueue("vaddr", WQ_UNBOUND, 0);
	return vaddr_wq ? 0 : -ENOMEM;
}

/* After the namespaces: no table is left but those being freed. */
void vaddr_table_exit(void)
{
	/* Let pending frees queue their work, then drain it. */
	rcu_barrier();
	destroy_workqueue(vaddr_wq);
}
