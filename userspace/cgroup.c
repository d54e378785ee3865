// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl cgroup add|del|show: cgroup v2 directories whose sockets (and
 * those of every cgroup below) get a domain's addresses.
 */
#include "lib/cgroup2.h"
#include "lib/cmd.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/owner.h"
#include "lib/parse.h"
#include "lib/print.h"
#include "lib/util.h"
#include "vaddrctl.h"

static int cgroup_usage(void)
{
	return cmd_usage(cmd_cgroup, "cgroup");
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
		print_cgroup(c->key, c->name, -w, "id", "path");
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

const struct cmd cmd_cgroup[] = {
	{ "add", cgroup_add, NULL, "PATH domain NAME" },
	{ "del", cgroup_del, NULL, "PATH|ID" },
	{ "show", cgroup_show, NULL, "" },
	{}
};
