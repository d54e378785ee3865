/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup v2 tree: where it is mounted, and the paths of cgroups the
 * kernel knows by id only (their ids come from parse.c's cgroup_dir_id()).
 */
#ifndef VADDRCTL_CGROUP2_H
#define VADDRCTL_CGROUP2_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc.h"

/* The root of the cgroup v2 tree, or NULL when none is mounted. */
const char *cgroup2_root(void);

/*
 * Find the path of each cgroup of m, sorted by id, by walking the tree.
 * False when no cgroup v2 tree was found to look in.
 */
bool cgroups_resolve(struct maps *m);

/* The path of one cgroup, to free, or NULL when it was not found. */
char *cgroup_path(uint64_t id);

#endif
