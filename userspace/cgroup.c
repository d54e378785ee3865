// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl cgroup add|del|show: cgroup v2 directories whose sockets (and
 * those of every cgroup below) get a domain's addresses. The kernel knows
 * a cgroup by its id; its path is found again by walking the cgroup tree.
 */
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "lib/parse.h"
#include "lib/print.h"
#include "vaddrctl.h"

/* Where cgroup2 is mounted: unified hierarchy, or hybrid (v1 and v2). */
static const char *const cgroup_roots[] = {
	"/sys/fs/cgroup",
	"/sys/fs/cgroup/unified",
};

static int cgroup_usage(void)
{
	return cmd_usage(cgroup_cmds, "cgroup");
}

static int cgroup_add(int argc, char **argv)
{
	char name[VADDR_DOMAIN_MAX + 1];
	struct nlmsghdr *nlh;
	uint64_t id;

	if (argc < 3)
		return cgroup_usage();
	if (expect_keyword(argc - 1, argv + 1, "domain"))
		return -1;
	if (parse_cgroup(argv[0], &id) || parse_domain(argv[2], name))
		return fail("%s", parse_err());
	nlh = nl_msg(VADDR_CMD_CGROUP_ADD);
	if (!nlh)
		return -1;
	mnl_attr_put_u64(nlh, VADDR_A_CGROUP_ID, id);
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, name);
	return nl_request(nlh, NULL, NULL);
}

static int cgroup_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	uint64_t id;

	if (argc < 1)
		return cgroup_usage();
	if (no_more_args(argc - 1, argv + 1))
		return -1;
	if (parse_cgroup_or_id(argv[0], &id))
		return fail("%s", parse_err());
	nlh = nl_msg(VADDR_CMD_CGROUP_DEL);
	if (!nlh)
		return -1;
	mnl_attr_put_u64(nlh, VADDR_A_CGROUP_ID, id);
	return nl_request(nlh, NULL, NULL);
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

/*
 * Find the path of each mapped cgroup, by id; cgroups must be sorted by id.
 * False when no cgroup v2 tree was found to look in.
 */
bool cgroups_resolve(struct maps *cgroups)
{
	struct statfs sfs;
	size_t i;

	if (!cgroups->n)
		return true;
	walk.cgroups = cgroups;
	walk.left = cgroups->n;
	for (i = 0; i < sizeof(cgroup_roots) / sizeof(cgroup_roots[0]); i++) {
		if (statfs(cgroup_roots[i], &sfs) ||
		    sfs.f_type != CGROUP2_SUPER_MAGIC)
			continue;
		nftw(cgroup_roots[i], walk_cb, 16, FTW_PHYS | FTW_MOUNT);
		return true;
	}
	return false;
}

void cgroup_print(const struct map *c, int width)
{
	char id[24];

	snprintf(id, sizeof(id), "%" PRIu64, c->key);
	print_str(PRINT_TEXT, NULL, width, c->name ? c->name : id);
	print_u64(PRINT_JSON, "id", 0, c->key);
	print_str(PRINT_JSON, "path", 0, c->name);
}

static void cgroups_print(const struct maps *cgroups)
{
	const struct map *c;
	int w = 6;			/* "CGROUP" */

	for (c = cgroups->v; c < cgroups->v + cgroups->n; c++)
		w = c->name ? print_width(w, c->name) :
			      print_u64_width(w, c->key);
	if (cgroups->n)
		print_text("%-*s  DOMAIN\n", w, "CGROUP");
	print_open_array(NULL);
	for (c = cgroups->v; c < cgroups->v + cgroups->n; c++) {
		print_open_object(NULL);
		cgroup_print(c, -w);
		print_text("  ");
		print_str(PRINT_ANY, "domain", 0, c->domain);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
}

static int cgroup_show(int argc, char **argv)
{
	struct maps cgroups = {};
	int err;

	if (no_more_args(argc, argv))
		return -1;
	err = cgroup_maps_get(&cgroups);
	if (!err) {
		cgroups_resolve(&cgroups);
		cgroups_print(&cgroups);
	}
	maps_free(&cgroups);
	return err;
}

const struct cmd cgroup_cmds[] = {
	{ "add", cgroup_add, NULL, "PATH domain NAME" },
	{ "del", cgroup_del, NULL, "PATH|ID" },
	{ "show", cgroup_show, NULL, "" },
	{}
};
