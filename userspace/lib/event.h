/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events of the "events" multicast group, as monitor prints them:
 * decoded from their attributes, named, then printed in one line of text
 * or one JSON object. Nothing here talks to the kernel or looks names up.
 */
#ifndef VADDRCTL_EVENT_H
#define VADDRCTL_EVENT_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "nl.h"

struct event {
	uint8_t cmd;			/* 0: events were lost */
	char time[48];			/* "" without timestamps */
	const char *domain;		/* NULL when absent */
	char addr4[INET_ADDRSTRLEN];	/* "" when absent */
	char addr6[INET6_ADDRSTRLEN];
	bool has_uid, has_cgroup, has_nr_uids, has_nr_cgroups, has_nat;
	uint32_t uid;
	const char *user;		/* the uid's name, if it has one */
	uint64_t cgroup_id;
	const char *cgroup;		/* the cgroup's path, if found */
	uint32_t nr_uids, nr_cgroups;
	bool nat;
};

/* Fill e from an event's attributes; strings point into tb. */
void event_decode(uint8_t cmd, const nl_attrs tb, struct event *e);

/* "domain_add", "user_del", ...; "command_N" for one this tool predates. */
const char *event_name(uint8_t cmd, char *buf, size_t size);

/* One line of text, or one JSON object. */
void event_print(const struct event *e);

/* ts as local ISO 8601 with microseconds: 2026-11-23T10:57:28.123456+0000 */
void event_time(const struct timespec *ts, char *buf, size_t size);

#endif
