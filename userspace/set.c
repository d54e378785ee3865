// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl set: the settings of the namespace (lib/settings.c has their
 * table), and the allow list of isolation: the uids that may use any
 * domain's address (VADDR_CMD_ALLOW_*).
 */
#include "lib/cmd.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/parse.h"
#include "lib/print.h"
#include "lib/settings.h"
#include "lib/util.h"
#include "vaddrctl.h"

/* set isolation allow|disallow USER|UID */
static int set_allow(int argc, char **argv, bool add)
{
	struct nlmsghdr *nlh;
	uint32_t uid;

	if (argc < 1)
		return fail("'set isolation %s' needs a user or uid",
			    add ? "allow" : "disallow");
	if (no_more_args(argc - 1, argv + 1))
		return -1;
	if (parse_uid(argv[0], &uid))
		return fail("%s", parse_err());
	nlh = nl_msg(add ? VADDR_CMD_ALLOW_ADD : VADDR_CMD_ALLOW_DEL);
	if (!nlh)
		return -1;
	mnl_attr_put_u32(nlh, VADDR_A_UID, uid);
	return nl_request(nlh, NULL, NULL);
}

/*
 * set SETTING VALUE...: all or nothing; set alone prints the settings.
 * set isolation allow|disallow USER: the allow list of isolation.
 */
int cmd_set(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct settings s;

	if (argc >= 2 && is_keyword(argv[0], "isolation") &&
	    (is_keyword(argv[1], "allow") || is_keyword(argv[1], "disallow")))
		return set_allow(argc - 2, argv + 2,
				 is_keyword(argv[1], "allow"));

	if (!argc) {
		if (settings_get(&s))
			return -1;
		print_open_object(NULL);
		settings_print(&s);
		print_close_object();
		return 0;
	}
	if (settings_parse(argc, argv, &s))
		return fail("%s", parse_err());
	nlh = nl_msg(VADDR_CMD_SETTINGS_SET);
	if (!nlh)
		return -1;
	settings_put(nlh, &s);
	return nl_request(nlh, NULL, NULL);
}
