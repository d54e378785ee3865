/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaddrctl: what the command files share. Every handler and helper that can
 * fail prints why and returns -1; main() turns that into exit status 1.
 */
#ifndef VADDRCTL_H
#define VADDRCTL_H

#include <arpa/inet.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cmd.h"
#include "lib/util.h"
#include "lib/ipc.h"
#include "lib/nl.h"

/* domain.c */
extern const struct cmd domain_cmds[];

/* user.c */
extern const struct cmd user_cmds[];
void users_resolve(struct maps *users);		/* sorted by key */
void user_print(const struct map *u, int width);

/* passwd.c: where user names come from; tests bring their own. */
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

/* cgroup.c */
extern const struct cmd cgroup_cmds[];
bool cgroups_resolve(struct maps *cgroups);
void cgroup_print(const struct map *c, int width);

/* table.c */
int do_show(int argc, char **argv);
int do_set(int argc, char **argv);
int do_flush(int argc, char **argv);

/* config.c */
int do_load(int argc, char **argv);
int do_check(int argc, char **argv);
int do_save(int argc, char **argv);

/* allow.c: the uids isolation lets use any domain's address. */
int allow_set(int argc, char **argv, bool add);
void allow_print(const struct maps *m);

/* stats.c */
int do_stats(int argc, char **argv);

/* monitor.c, whoami.c, exec.c, doctor.c */
int do_monitor(int argc, char **argv);
int do_whoami(int argc, char **argv);
int do_exec(int argc, char **argv);
int do_doctor(int argc, char **argv);

#endif
