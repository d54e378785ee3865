// SPDX-License-Identifier: GPL-2.0
/*
 * Per-domain counters. Each CPU counts in its own copy, so the connect
 * hooks never share a cache line; readers add the copies up.
 */
#include <linux/percpu.h>
#include <linux/string.h>

#include "stats.h"

struct vaddr_stats __percpu *vaddr_stats_alloc(void)
{
	return alloc_percpu_gfp(struct vaddr_stats, VADDR_GFP);
}

void vaddr_stats_free(struct vaddr_stats __percpu *stats)
{
	free_percpu(stats);
}

void vaddr_stats_sum(const struct vaddr_domain *d, struct vaddr_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct vaddr_stats *s = per_cpu_ptr(d->stats, cpu);

		for (i = 0; i <= VADDR_STAT_MAX; i++)
			sum->count[i] += READ_ONCE(s->count[i]);
	}
}
