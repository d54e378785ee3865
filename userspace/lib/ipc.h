/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's objects as vaddrctl reads them, after wireguard-tools'
 * ipc.c: a type per object, the one decoder of its attributes, and the
 * request or dump that gets it. Each *_get() prints why it failed and
 * returns -1; what it filled is freed with the *_free() of its type
 * either way. Nothing here looks a name up or prints a result.
 */
#ifndef VADDRCTL_IPC_H
#define VADDRCTL_IPC_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "settings.h"

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

/* Every domain, sorted by name. */
int domains_get(struct domains *ds);
/* The domain of that name, added to ds: fails if there is none. */
int domain_get(const char *name, struct domains *ds);
void domains_free(struct domains *ds);

/*
 * A uid or cgroup mapping, with the name found for its key: the user name
 * of a uid, the path of a cgroup. On the allow list, domain is NULL.
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

/* All mappings of one kind, sorted by key. */
int uid_maps_get(struct maps *m);
int cgroup_maps_get(struct maps *m);
/* The uids isolation lets use any domain's address, sorted. */
int allow_get(struct maps *m);
void maps_free(struct maps *m);

int map_key_cmp(const void *a, const void *b);
void maps_sort_by_domain(struct maps *m);

/*
 * In m, sorted by domain, the mappings of domain start at the returned
 * index and end at the new *pos; *pos starts at 0 for the first domain.
 */
size_t maps_run(const struct maps *m, size_t *pos, const char *domain);

/* The whole table, from three dumps that saw one generation. */
struct table {
	struct domains domains;
	struct maps users;
	struct maps cgroups;
};

int table_get(struct table *t);
void table_free(struct table *t);

int settings_get(struct settings *s);

/* The counters of a domain, indexed by VADDR_STAT_*. */
struct stats_row {
	char domain[VADDR_DOMAIN_MAX + 1];
	uint64_t count[VADDR_STAT_MAX + 1];
};

struct stats {
	struct stats_row *v;
	size_t n;
};

/* Every domain's counters, sorted by domain. */
int stats_get(struct stats *s);
void stats_free(struct stats *s);

/* What the caller's new sockets get, and why (VADDR_CMD_WHOAMI). */
struct whoami {
	uint8_t match;			/* VADDR_MATCH_* */
	char domain[VADDR_DOMAIN_MAX + 1];
	char addr4[INET_ADDRSTRLEN];
	char addr6[INET6_ADDRSTRLEN];
	uint32_t uid;			/* VADDR_MATCH_UID */
	uint64_t cgroup_id;		/* VADDR_MATCH_CGROUP */
};

int whoami_get(struct whoami *w);

/* A message of the "events" group; what is absent is NULL, "" or false. */
struct event {
	uint8_t cmd;			/* 0: events were lost */
	char time[48];			/* "" without timestamps */
	const char *domain;
	char addr4[INET_ADDRSTRLEN];
	char addr6[INET6_ADDRSTRLEN];
	bool has_uid, has_cgroup, has_nr_uids, has_nr_cgroups, has_nat;
	uint32_t uid;
	const char *user;		/* the uid's name, if it has one */
	uint64_t cgroup_id;
	const char *cgroup;		/* the cgroup's path, if found */
	uint32_t nr_uids, nr_cgroups;
	bool nat;
};

/* Fill e from an event's attributes (tb NULL: lost); strings point into tb. */
void event_decode(uint8_t cmd, const nl_attrs tb, struct event *e);

#endif
