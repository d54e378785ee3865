// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel knows a cgroup by its id, the kernfs node id of its
 * directory; its path is found again by walking the cgroup v2 tree.
 */
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "cgroup2.h"
#include "parse.h"

/* Where cgroup2 is mounted: unified hierarchy, or hybrid (v1 and v2). */
static const char *const cgroup2_roots[] = {
	"/sys/fs/cgroup",
	"/sys/fs/cgroup/unified",
};

const char *cgroup2_root(void)
{
	struct statfs sfs;
	size_t i;

	for (i = 0; i < sizeof(cgroup2_roots) / sizeof(cgroup2_roots[0]); i++)
		if (!statfs(cgroup2_roots[i], &sfs) &&
		    sfs.f_type == CGROUP2_SUPER_MAGIC)
			return cgroup2_roots[i];
	return NULL;
}

/* nftw() passes its callback no context. */
static struct {
	struct maps *cgroups;		/* sorted by id */
	size_t left;			/* not found yet */
} walk;

static int walk_cb(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	struct map key = {}, *c;

	(void)st;
	(void)ftw;
	if (type != FTW_D || cgroup_dir_id(path, &key.key))
		return 0;
	c = bsearch(&key, walk.cgroups->v, walk.cgroups->n, sizeof(*c),
		    map_key_cmp);
	if (c && !c->name) {
		c->name = strdup(path);
		walk.left -= !!c->name;
	}
	return !walk.left;		/* non-zero ends the walk */
}

bool cgroups_resolve(struct maps *m)
{
	const char *root;

	if (!m->n)
		return true;
	root = cgroup2_root();
	if (!root)
		return false;
	walk.cgroups = m;
	walk.left = m->n;
	nftw(root, walk_cb, 16, FTW_PHYS | FTW_MOUNT);
	return true;
}

char *cgroup_path(uint64_t id)
{
	struct map c = { .key = id };
	struct maps one = { .v = &c, .n = 1 };

	cgroups_resolve(&one);
	return c.name;
}
