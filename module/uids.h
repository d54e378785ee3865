/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uids.c: a table's uid mappings, an open-addressing hash of uid and
 * domain. Depends on nothing of the module's.
 */
#ifndef _VADDR_UIDS_H
#define _VADDR_UIDS_H

#include <linux/hash.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct vaddr_domain;

/* A slot no uid has taken yet: INVALID_UID's value is never mapped. */
#define VADDR_UID_EMPTY	((u32)-1)

/*
 * A slot: @uid is set once, when an add takes the slot, and then never
 * changes until the array is rebuilt; @domain is NULL when the uid was
 * removed (a tombstone, which an add of the same uid revives). So a
 * reader that found its uid in a slot reads that uid's domain, or NULL.
 */
struct vaddr_uid_slot {
	u32 uid;
	struct vaddr_domain *domain;
};

/*
 * One array of 2^bits slots, linear probing. Writers (under the
 * namespace's lock) fill empty slots and keep at least a quarter of them
 * empty, so that every probe ends; they replace the array, by RCU, to
 * grow it or to drop tombstones.
 */
struct vaddr_uids {
	struct vaddr_uid_slot *slots;	/* apart: a power of two of bytes */
	u32 bits;
	u32 seed;			/* random: no one picks colliding uids */
	u32 used;			/* slots taken, tombstones included */
	u32 live;			/* slots with a domain */
	struct rcu_head rcu;
};

static __always_inline u32 vaddr_uids_hash(const struct vaddr_uids *u, u32 uid)
{
	return hash_32(uid ^ u->seed, u->bits);
}

/*
 * The domain @uid is mapped to in @u, or NULL. Under RCU. An empty slot
 * ends the probe first: INVALID_UID, a socket's when its namespace maps
 * no root, must not match a slot being filled.
 */
static __always_inline struct vaddr_domain *
vaddr_uids_lookup(const struct vaddr_uids *u, u32 uid)
{
	u32 mask = (1U << u->bits) - 1, i = vaddr_uids_hash(u, uid), key;

	for (;; i = (i + 1) & mask) {
		/* Pairs with the release in vaddr_uids_add(). */
		key = smp_load_acquire(&u->slots[i].uid);
		if (key == VADDR_UID_EMPTY)
			return NULL;
		if (key == uid)
			return READ_ONCE(u->slots[i].domain);
	}
}

int vaddr_uids_add(struct vaddr_uids __rcu **up, u32 uid,
		   struct vaddr_domain *d);
int vaddr_uids_reserve(struct vaddr_uids __rcu **up, unsigned long n);
struct vaddr_domain *vaddr_uids_del(struct vaddr_uids __rcu **up, u32 uid);
struct vaddr_domain *vaddr_uids_find(struct vaddr_uids __rcu **up, u32 uid);
unsigned long vaddr_uids_erase_domain(struct vaddr_uids __rcu **up,
				      const struct vaddr_domain *d);
unsigned long vaddr_uids_collect(struct vaddr_uids __rcu **up, u32 *uids,
				 unsigned long max);
void vaddr_uids_free(struct vaddr_uids *u);

#endif /* _VADDR_UIDS_H */
