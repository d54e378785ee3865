// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl set isolation allow|disallow USER|UID: the uids that isolation
 * lets use any domain's address (VADDR_CMD_ALLOW_*), and their list in
 * show.
 */

#include "lib/owner.h"
#include "lib/parse.h"
#include "lib/print.h"
#include "vaddrctl.h"

int allow_set(int argc, char **argv, bool add)
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
 * Text: "isolation allow: 0 (root), 1004" when there is any. JSON:
 * "isolation_allow": [{"uid": 0, "user": "root"}, ...], always.
 */
void allow_print(const struct maps *m)
{
	size_t i;

	if (m->n)
		print_text("isolation allow: ");
	print_open_array("isolation_allow");
	for (i = 0; i < m->n; i++) {
		print_open_object(NULL);
		if (i)
			print_text(", ");
		print_user(m->v[i].key, m->v[i].name, 0);
		print_close_object();
	}
	print_close_array();
	if (m->n)
		print_text("\n");
}
