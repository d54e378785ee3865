/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning command-line words into the values the kernel takes. Nothing here
 * prints: a failing helper returns -1 and leaves its reason in parse_err().
 */
#ifndef VADDRCTL_PARSE_H
#define VADDRCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/vaddr.h>

struct addr {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

const char *parse_err(void);

/* For parsers elsewhere: keep the reason for parse_err(), return -1. */
__attribute__((format(printf, 1, 2)))
int parse_error(const char *fmt, ...);

bool is_keyword(const char *arg, const char *keyword);
int parse_on_off(const char *what, const char *arg, bool *val);
int parse_addr(const char *arg, struct addr *a);
int parse_domain(const char *arg, char name[VADDR_DOMAIN_MAX + 1]);
int parse_uid(const char *arg, uint32_t *uid);
int parse_cgroup(const char *arg, uint64_t *id);
int parse_cgroup_or_id(const char *arg, uint64_t *id);
int cgroup_dir_id(const char *path, uint64_t *id);

#endif
