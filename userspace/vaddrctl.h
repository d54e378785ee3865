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
#include "lib/nl.h"

/* domain.c */
struct domain {
	char name[VADDR_DOMAIN_MAX + 1];
	char addr4[INET_ADDRSTRLEN];	/* "" when the domain has none */
	char addr6[INET6_ADDRSTRLEN];
	uint32_t nr_uids;
	uint32_t nr_cgroups;
	bool fail_closed;
};

struct domains {
	struct domain *v;
	size_t n;
	struct nl_gen gen;
};

extern const struct cmd domain_cmds[];
int domains_get(struct domains *ds);
void domains_free(struct domains *ds);

/*
 * map.c: a uid or cgroup mapping, with the name found for its key: the
 * user name of a uid, the path of a cgroup.
 */
struct map {
	uint64_t key;
	char *domain;
	char *name;			/* NULL when none was found */
};

struct maps {
	struct map *v;
	size_t n;
	struct nl_gen gen;
};

int maps_get(struct maps *m, uint8_t cmd);
void maps_sort_by_domain(struct maps *m);
int map_key_cmp(const void *a, const void *b);
void maps_free(struct maps *m);

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

/* table.c: the whole table, from three dumps that saw one generation. */
struct table {
	struct domains domains;
	struct maps users;
	struct maps cgroups;
};

int table_get(struct table *t);
void table_free(struct table *t);
int do_show(int argc, char **argv);
int do_set(int argc, char **argv);
int do_flush(int argc, char **argv);

/* config.c */
int do_load(int argc, char **argv);
int do_check(int argc, char **argv);
int do_save(int argc, char **argv);

/* allow.c: the uids isolation lets use any domain's address. */
int allow_set(int argc, char **argv, bool add);
int allow_get(struct maps *m);
void allow_print(const struct maps *m);

/* stats.c */
int do_stats(int argc, char **argv);

/* monitor.c, whoami.c, exec.c, doctor.c */
int do_monitor(int argc, char **argv);
int do_whoami(int argc, char **argv);
int do_exec(int argc, char **argv);
int do_doctor(int argc, char **argv);

#endif
