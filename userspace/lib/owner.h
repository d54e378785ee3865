/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the owners of sockets are shown wherever they appear (show, user
 * and cgroup show, monitor, whoami): a uid with its user name, a cgroup
 * by its path or, when none was found, its id.
 */
#ifndef VADDRCTL_OWNER_H
#define VADDRCTL_OWNER_H

#include <stddef.h>
#include <stdint.h>

/* "1001 (b1)", or "1001" for a uid without a name (name NULL). */
void user_label(uint64_t uid, const char *name, char *buf, size_t size);

/* Text: the label, padded to width as print_str() does. JSON: uid, user. */
void print_user(uint64_t uid, const char *name, int width);

/* Text: the path, or the id without one. JSON: id_key, then path_key. */
void print_cgroup(uint64_t id, const char *path, int width,
		  const char *id_key, const char *path_key);

#endif
