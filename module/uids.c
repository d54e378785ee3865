// SPDX-License-Identifier: GPL-2.0
/*
 * A table's uid mappings: one array of (uid, domain) slots, hashed with
 * linear probing, instead of an rhashtable of one allocation per uid. A
 * mapping costs a 16-byte slot at a load of 3/8 to 3/4, 21 to 43 bytes,
 * all of it in one allocation charged to the writer's memory cgroup
 * (rhashtable's bucket arrays are not); a load of a million uids makes
 * some twenty allocations instead of a million.
 *
 * Readers take no lock (vaddr_uids_lookup() in uids.h); writers hold the
 * namespace's lock, or own a table nobody reads yet. An array that fills
 * to 3/4 is replaced by a larger one, and one mostly emptied by removals
 * by a smaller one, each time without its tombstones; readers still on
 * the old one finish there, and it is freed after a grace period.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "uids.h"
#include "vaddr.h"

#define VADDR_UIDS_MIN_BITS	4
/* 2^31 slots: more uids than max_entries can ever allow. */
#define VADDR_UIDS_MAX_BITS	31

static struct vaddr_uids *vaddr_uids_get(struct vaddr_uids __rcu **up)
{
	/* Writers only: the namespace's lock, or a table nobody reads yet. */
	return rcu_dereference_protected(*up, true);
}

static struct vaddr_uids *vaddr_uids_alloc(u32 bits)
{
	struct vaddr_uids *u;
	u32 i;

	u = kmalloc(sizeof(*u), VADDR_GFP);
	if (!u)
		return NULL;
	/* A header in the same allocation would double its page count. */
	u->slots = kvmalloc_array(1UL << bits, sizeof(*u->slots), VADDR_GFP);
	if (!u->slots) {
		kfree(u);
		return NULL;
	}
	u->bits = bits;
	u->seed = get_random_u32();
	u->used = 0;
	u->live = 0;
	for (i = 0; i < (1U << bits); i++) {
		u->slots[i].uid = VADDR_UID_EMPTY;
		u->slots[i].domain = NULL;
	}
	return u;
}

void vaddr_uids_free(struct vaddr_uids *u)
{
	if (!u)
		return;
	kvfree(u->slots);
	kfree(u);
}

/*
 * Not kvfree_rcu(): it may hold on to the memory for seconds, and a load
 * of a million uids replaces the array twenty times.
 */
static void vaddr_uids_free_rcu(struct rcu_head *head)
{
	vaddr_uids_free(container_of(head, struct vaddr_uids, rcu));
}

/* The slot of @uid in @u, or the empty one where it would go. */
static struct vaddr_uid_slot *vaddr_uids_slot(struct vaddr_uids *u, u32 uid)
{
	u32 mask = (1U << u->bits) - 1, i = vaddr_uids_hash(u, uid);

	while (u->slots[i].uid != uid && u->slots[i].uid != VADDR_UID_EMPTY)
		i = (i + 1) & mask;
	return &u->slots[i];
}

/*
 * Replace *@up by an array for @live mappings, at most half full, holding
 * its live ones; the old one goes after a grace period. With @live 0, by
 * nothing. Grown at 3/4, an array doubles: a load of 3/8 after.
 */
static int vaddr_uids_rebuild(struct vaddr_uids __rcu **up, unsigned long live)
{
	struct vaddr_uids *old = vaddr_uids_get(up), *u = NULL;
	struct vaddr_uid_slot *s;
	u32 bits, i;

	if (live) {
		bits = max_t(u32, VADDR_UIDS_MIN_BITS,
			     order_base_2(live * 2));
		if (bits > VADDR_UIDS_MAX_BITS)
			return -ENOMEM;
		u = vaddr_uids_alloc(bits);
		if (!u)
			return -ENOMEM;
	}
	for (i = 0; old && u && i < (1U << old->bits); i++) {
		if (!(i % 4096))
			cond_resched();
		if (!old->slots[i].domain)
			continue;
		s = vaddr_uids_slot(u, old->slots[i].uid);
		*s = old->slots[i];
		u->used++;
		u->live++;
	}
	rcu_assign_pointer(*up, u);
	if (old)
		call_rcu(&old->rcu, vaddr_uids_free_rcu);
	return 0;
}

/*
 * Room for @n more uids: the adds that follow rebuild nothing, so they
 * cannot fail for memory, and a list of uids is copied over once.
 */
int vaddr_uids_reserve(struct vaddr_uids __rcu **up, unsigned long n)
{
	struct vaddr_uids *u = vaddr_uids_get(up);

	if (u && (u->used + (u64)n) * 4 <= (3ULL << u->bits))
		return 0;
	return vaddr_uids_rebuild(up, (u ? u->live : 0) + n);
}

/* Map @uid to @d: -EEXIST if it is mapped, -ENOMEM if there is no room. */
int vaddr_uids_add(struct vaddr_uids __rcu **up, u32 uid,
		   struct vaddr_domain *d)
{
	struct vaddr_uids *u = vaddr_uids_get(up);
	struct vaddr_uid_slot *s;
	int err;

	if (uid == VADDR_UID_EMPTY)
		return -EINVAL;
	if (u) {
		s = vaddr_uids_slot(u, uid);
		if (s->domain)
			return -EEXIST;
		if (s->uid == uid) {
			/* Its tombstone: readers see NULL or @d, both right. */
			WRITE_ONCE(s->domain, d);
			u->live++;
			return 0;
		}
	}
	if (!u || (u->used + 1ULL) * 4 > (3ULL << u->bits)) {
		err = vaddr_uids_rebuild(up, (u ? u->live : 0) + 1UL);
		if (err)
			return err;
		u = vaddr_uids_get(up);
	}
	s = vaddr_uids_slot(u, uid);
	s->domain = d;
	/* The domain before the uid: a reader that sees one sees both. */
	smp_store_release(&s->uid, uid);
	u->used++;
	u->live++;
	return 0;
}

/*
 * Shrink an array that removals left at most 1/16 live, or empty: what
 * the table's size calls for, not its past. A failure is no harm.
 */
static void vaddr_uids_shrink(struct vaddr_uids __rcu **up)
{
	struct vaddr_uids *u = vaddr_uids_get(up);

	if (!u->live || (u->bits > VADDR_UIDS_MIN_BITS &&
			 u->live * 16ULL <= (1ULL << u->bits)))
		vaddr_uids_rebuild(up, u->live);
}

/* Unmap @uid: the domain it had, or NULL if it had none. */
struct vaddr_domain *vaddr_uids_del(struct vaddr_uids __rcu **up, u32 uid)
{
	struct vaddr_uids *u = vaddr_uids_get(up);
	struct vaddr_domain *d;
	struct vaddr_uid_slot *s;

	if (!u || uid == VADDR_UID_EMPTY)
		return NULL;
	s = vaddr_uids_slot(u, uid);
	d = s->domain;
	if (d) {
		WRITE_ONCE(s->domain, NULL);
		u->live--;
		vaddr_uids_shrink(up);
	}
	return d;
}

/* The domain of @uid; writers only. */
struct vaddr_domain *vaddr_uids_find(struct vaddr_uids __rcu **up, u32 uid)
{
	struct vaddr_uids *u = vaddr_uids_get(up);

	if (!u || uid == VADDR_UID_EMPTY)
		return NULL;
	return vaddr_uids_slot(u, uid)->domain;
}

/* Unmap every uid of @d: how many there were. */
unsigned long vaddr_uids_erase_domain(struct vaddr_uids __rcu **up,
				      const struct vaddr_domain *d)
{
	struct vaddr_uids *u = vaddr_uids_get(up);
	unsigned long n = 0;
	u32 i;

	for (i = 0; u && i < (1U << u->bits); i++) {
		if (u->slots[i].domain == d) {
			WRITE_ONCE(u->slots[i].domain, NULL);
			u->live--;
			n++;
		}
		if (!(i % 4096))
			cond_resched();
	}
	if (n)
		vaddr_uids_shrink(up);
	return n;
}

/* Up to @max mapped uids into @uids, in no order: how many. */
unsigned long vaddr_uids_collect(struct vaddr_uids __rcu **up, u32 *uids,
				 unsigned long max)
{
	struct vaddr_uids *u = vaddr_uids_get(up);
	unsigned long n = 0;
	u32 i;

	for (i = 0; u && i < (1U << u->bits) && n < max; i++) {
		if (u->slots[i].domain)
			uids[n++] = u->slots[i].uid;
		if (!(i % 4096))
			cond_resched();
	}
	return n;
}
