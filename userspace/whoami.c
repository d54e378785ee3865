// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl whoami: what the caller's new sockets get, and why. Any user may
 * ask; the kernel answers from the caller's fsuid and cgroup, the owner a
 * socket created now would have (VADDR_CMD_WHOAMI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cgroup2.h"
#include "lib/cmd.h"
#include "lib/ipc.h"
#include "lib/owner.h"
#include "lib/passwd.h"
#include "lib/print.h"
#include "vaddrctl.h"

static const char *match_name(uint8_t match)
{
	switch (match) {
	case VADDR_MATCH_NONE:
		return "none";
	case VADDR_MATCH_UID:
		return "uid";
	case VADDR_MATCH_CGROUP:
		return "cgroup";
	}
	return "unknown";
}

static void whoami_addr(const char *key, const char *addr)
{
	if (addr[0])
		print_text("%-8s%s\n", "addr", addr);
	print_str(PRINT_JSON, key, 0, addr[0] ? addr : NULL);
}

/* The uid, with its name; the cgroup, with its path when it is found. */
static void whoami_why(const struct whoami *w)
{
	char *name;

	if (w->match == VADDR_MATCH_UID) {
		name = user_name(w->uid);
		print_text("because uid ");
		print_user(w->uid, name, 0);
	} else {
		name = cgroup_path(w->cgroup_id);
		print_text("because cgroup ");
		print_cgroup(w->cgroup_id, name, 0, "cgroup_id", "cgroup");
	}
	print_text(" is mapped to it\n");
	free(name);
}

int cmd_whoami(int argc, char **argv)
{
	struct whoami w;

	if (no_more_args(argc, argv) || whoami_get(&w))
		return -1;
	print_open_object(NULL);
	print_str(PRINT_JSON, "match", 0, match_name(w.match));
	if (w.match == VADDR_MATCH_NONE) {
		print_text("no domain: connections leave from the host's addresses\n");
		print_str(PRINT_JSON, "domain", 0, NULL);
	} else {
		print_text("%-8s", "domain");
		print_str(PRINT_ANY, "domain", 0, w.domain);
		print_text("\n");
		whoami_addr("addr4", w.addr4);
		whoami_addr("addr6", w.addr6);
		whoami_why(&w);
	}
	print_close_object();
	return 0;
}
