/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User names for uids, from the system's database or, in the unit tests,
 * from one they make up.
 */
#ifndef VADDRCTL_PASSWD_H
#define VADDRCTL_PASSWD_H

#include <pwd.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc.h"

struct pw_db {
	void (*open)(void);
	struct passwd *(*next)(void);
	void (*close)(void);
	struct passwd *(*by_uid)(uid_t uid);
};

/* More uids than this without a name: read the whole database once. */
#define PW_LOOKUPS_MAX	64

extern const struct pw_db pw_system;

/* Name the uids of v, sorted by key, that have no name yet. */
void users_name(struct map *v, size_t n, const struct pw_db *db);

/* users_name() of m, sorted by key, from the system's database. */
void users_resolve(struct maps *m);

/* The name of one uid, to free, or NULL when it has none. */
char *user_name(uint32_t uid);

#endif
