// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl user add|del|show: the uids whose sockets get a domain's
 * addresses. Users are given by name or uid; uids are shown with their
 * name when they have one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/owner.h"
#include "lib/parse.h"
#include "lib/passwd.h"
#include "lib/print.h"
#include "lib/util.h"
#include "vaddrctl.h"

static int user_usage(void)
{
	return cmd_usage(cmd_user, "user");
}

static int user_add(int argc, char **argv)
{
	char name[VADDR_DOMAIN_MAX + 1];
	struct nlmsghdr *nlh;
	uint32_t uid;

	if (argc < 3)
		return user_usage();
	if (expect_keyword(argc - 1, argv + 1, "domain"))
		return -1;
	if (parse_uid(argv[0], &uid) || parse_domain(argv[2], name))
		return fail("%s", parse_err());
	nlh = nl_msg(VADDR_CMD_UID_ADD);
	if (!nlh)
		return -1;
	mnl_attr_put_u32(nlh, VADDR_A_UID, uid);
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, name);
	return nl_request(nlh, NULL, NULL);
}

static int user_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	uint32_t uid;

	if (argc < 1)
		return user_usage();
	if (no_more_args(argc - 1, argv + 1))
		return -1;
	if (parse_uid(argv[0], &uid))
		return fail("%s", parse_err());
	nlh = nl_msg(VADDR_CMD_UID_DEL);
	if (!nlh)
		return -1;
	mnl_attr_put_u32(nlh, VADDR_A_UID, uid);
	return nl_request(nlh, NULL, NULL);
}

static void users_print(const struct maps *users)
{
	const struct map *u;
	int w = 4;			/* "USER" */
	char label[512];

	for (u = users->v; u < users->v + users->n; u++) {
		user_label(u->key, u->name, label, sizeof(label));
		w = print_width(w, label);
	}
	if (users->n)
		print_text("%-*s  DOMAIN\n", w, "USER");
	print_open_array(NULL);
	for (u = users->v; u < users->v + users->n; u++) {
		print_open_object(NULL);
		print_user(u->key, u->name, -w);
		print_text("  ");
		print_str(PRINT_ANY, "domain", 0, u->domain);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
}

static int user_show(int argc, char **argv)
{
	struct maps users = {};
	int err;

	if (no_more_args(argc, argv))
		return -1;
	err = uid_maps_get(&users);
	if (!err) {
		users_resolve(&users);
		users_print(&users);
	}
	maps_free(&users);
	return err;
}

const struct cmd cmd_user[] = {
	{ "add", user_add, NULL, "USER|UID domain NAME" },
	{ "del", user_del, NULL, "USER|UID" },
	{ "show", user_show, NULL, "" },
	{}
};
