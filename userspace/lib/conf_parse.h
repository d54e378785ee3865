/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading vaddr.conf(5): parsed, names resolved and every rule checked
 * here, without the kernel. Nothing here prints but conf_print_errors().
 *
 *	domain NAME [fail-closed]
 *		addr ADDR...
 *		user USER|UID|UID-UID...
 *		cgroup PATH|ID...
 */
#ifndef VADDRCTL_CONF_PARSE_H
#define VADDRCTL_CONF_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

/* A uid range spans at most this many uids: more is surely a typo. */
#define CONF_RANGE_MAX	(1u << 20)

struct conf_domain {
	char name[VADDR_DOMAIN_MAX + 1];
	unsigned int line;
	bool fail_closed;
	struct addr addr4, addr6;	/* family 0: none */
	unsigned int line4, line6;
};

/* A uid or cgroup id, in the domain of index domain. */
struct conf_map {
	uint64_t key;
	uint32_t domain;
	unsigned int line;
};

struct conf_err {
	unsigned int line;
	unsigned int seq;		/* order found, within a line */
	char *msg;
};

/* Where names come from: tests bring their own. Both return -1 with parse_error(). */
struct conf_resolve {
	int (*user)(const char *name, uint32_t *uid);
	int (*cgroup)(const char *path, uint64_t *id);
};

extern const struct conf_resolve conf_system;

struct conf {
	struct conf_domain *domains;	/* in file order */
	size_t nr_domains;
	struct conf_map *uids;		/* sorted by uid */
	size_t nr_uids;
	struct conf_map *cgroups;	/* sorted by id */
	size_t nr_cgroups;
	struct conf_err *errs;		/* sorted by line */
	size_t nr_errs;
};

/* Read f to its end: 0, or -1 with c->errs filled. */
int conf_parse(struct conf *c, FILE *f, const struct conf_resolve *r);

/* Each error as "FILE:LINE: what", the first max of them. */
void conf_print_errors(const struct conf *c, const char *file, FILE *out,
		       size_t max);

void conf_free(struct conf *c);

#endif
