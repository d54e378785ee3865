/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.c: per-domain counters.
 */
#ifndef _VADDR_STATS_H
#define _VADDR_STATS_H

#include <linux/atomic.h>

#include "vaddr.h"

struct vaddr_stats *vaddr_stats_alloc(void);
void vaddr_stats_free(struct vaddr_stats *stats);
u64 vaddr_stat_read(const struct vaddr_domain *d, enum vaddr_stat stat);

/* d->stats may be handed to d's successor by a table replacement. */
static inline void vaddr_count(struct vaddr_domain *d, enum vaddr_stat stat)
{
	struct vaddr_stats *stats = READ_ONCE(d->stats);

	atomic64_inc(&stats->count[stat]);
}

#endif /* _VADDR_STATS_H */
