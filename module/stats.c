// SPDX-License-Identifier: GPL-2.0
/*
 * Per-domain counters: one atomic64_t each, in an allocation of their own.
 *
 * Not per-CPU: a per-CPU copy costs its size on every possible CPU, about
 * 14 KB a domain on a host with 64 possible CPUs, 140 MB for 10k domains
 * whatever their traffic. A domain's counters are written once per connect
 * or new flow of that domain, so an atomic add on a line of their own is
 * cheap beside the connect, and it keeps them exact.
 */
#include <linux/slab.h>

#include "stats.h"

struct vaddr_stats *vaddr_stats_alloc(void)
{
	return kzalloc(sizeof(struct vaddr_stats), VADDR_GFP);
}

void vaddr_stats_free(struct vaddr_stats *stats)
{
	kfree(stats);
}

u64 vaddr_stat_read(const struct vaddr_domain *d, enum vaddr_stat stat)
{
	return atomic64_read(&READ_ONCE(d->stats)->count[stat]);
}
