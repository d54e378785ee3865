// SPDX-License-Identifier: GPL-2.0
/*
 * Uids and cgroups in text and JSON. JSON always has both keys, null for
 * a name or path that was not found.
 */
#include <inttypes.h>
#include <stdio.h>

#include "owner.h"
#include "print.h"

void user_label(uint64_t uid, const char *name, char *buf, size_t size)
{
	if (name)
		snprintf(buf, size, "%" PRIu64 " (%s)", uid, name);
	else
		snprintf(buf, size, "%" PRIu64, uid);
}

void print_user(uint64_t uid, const char *name, int width)
{
	char label[512];

	user_label(uid, name, label, sizeof(label));
	print_str(PRINT_TEXT, NULL, width, label);
	print_u64(PRINT_JSON, "uid", 0, uid);
	print_str(PRINT_JSON, "user", 0, name);
}

void print_cgroup(uint64_t id, const char *path, int width,
		  const char *id_key, const char *path_key)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, id);
	print_str(PRINT_TEXT, NULL, width, path ? path : text);
	print_u64(PRINT_JSON, id_key, 0, id);
	print_str(PRINT_JSON, path_key, 0, path);
}
