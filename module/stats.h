/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.c: per-domain counters, one copy per CPU.
 */
#ifndef _VADDR_STATS_H
#define _VADDR_STATS_H

#include <linux/percpu.h>

#include "vaddr.h"

struct vaddr_stats __percpu *vaddr_stats_alloc(void);
void vaddr_stats_free(struct vaddr_stats __percpu *stats);
void vaddr_stats_sum(const struct vaddr_domain *d, struct vaddr_stats *sum);

/* d->stats may be handed to d's successor by a table replacement. */
static inline void vaddr_count(struct vaddr_domain *d, enum vaddr_stat stat)
{
	struct vaddr_stats __percpu *stats = READ_ONCE(d->stats);

	this_cpu_inc(stats->count[stat]);
}

#endif /* _VADDR_STATS_H */
