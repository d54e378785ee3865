// SPDX-License-Identifier: GPL-2.0
/*
 * Events, printed. Text reads like the command that would make the change
 * ("user add 1003 (b1) domain bcd.example"); JSON has the same keys as
 * show -j, plus "event" and, with timestamps, "time".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "owner.h"
#include "print.h"

static const struct {
	const char *name;		/* JSON */
	const char *words;		/* text */
	int lead;			/* attribute written right after words */
} events[VADDR_CMD_MAX + 1] = {
	[VADDR_CMD_DOMAIN_NEW] = { "domain_add", "domain add", VADDR_A_DOMAIN },
	[VADDR_CMD_DOMAIN_DEL] = { "domain_del", "domain del", VADDR_A_DOMAIN },
	[VADDR_CMD_UID_ADD] = { "user_add", "user add", VADDR_A_UID },
	[VADDR_CMD_UID_DEL] = { "user_del", "user del", VADDR_A_UID },
	[VADDR_CMD_CGROUP_ADD] = { "cgroup_add", "cgroup add", VADDR_A_CGROUP_ID },
	[VADDR_CMD_CGROUP_DEL] = { "cgroup_del", "cgroup del", VADDR_A_CGROUP_ID },
	[VADDR_CMD_FLUSH] = { "flush", "flush", 0 },
	[VADDR_CMD_SETTINGS_SET] = { "settings", "set", 0 },
	/* The whole table was replaced (load): what came with it. */
	[VADDR_CMD_REPLACE_COMMIT] = { "replaced", "replaced", 0 },
	[VADDR_CMD_DOMAIN_SET] = { "domain_set", "domain set", VADDR_A_DOMAIN },
	[VADDR_CMD_ALLOW_ADD] = { "allow_add", "allow add", VADDR_A_UID },
	[VADDR_CMD_ALLOW_DEL] = { "allow_del", "allow del", VADDR_A_UID },
};

const char *event_name(uint8_t cmd, char *buf, size_t size)
{
	if (!cmd)
		return "lost";
	if (cmd <= VADDR_CMD_MAX && events[cmd].name)
		return events[cmd].name;
	snprintf(buf, size, "command_%u", cmd);
	return buf;
}

static int event_lead(const struct event *e)
{
	return e->cmd <= VADDR_CMD_MAX ? events[e->cmd].lead : 0;
}

/* In text, " word value" unless the value led the line already. */
static void text_key(const struct event *e, int attr, const char *word)
{
	if (event_lead(e) != attr)
		print_text(" %s", word);
	print_text(" ");
}

static void event_uid(const struct event *e)
{
	text_key(e, VADDR_A_UID, "user");
	print_user(e->uid, e->user, 0);
}

static void event_cgroup(const struct event *e)
{
	text_key(e, VADDR_A_CGROUP_ID, "cgroup");
	print_cgroup(e->cgroup_id, e->cgroup, 0, "cgroup_id", "cgroup");
}

/* Counts: zero ones (a new domain's) say nothing in text. */
static void print_count(const char *key, const char *word, uint32_t n)
{
	if (n)
		print_text(" %s %" PRIu32, word, n);
	print_u64(PRINT_JSON, key, 0, n);
}

void event_print(const struct event *e)
{
	char buf[32];

	print_open_object(NULL);
	if (e->time[0]) {
		print_str(PRINT_ANY, "time", 0, e->time);
		print_text(" ");
	}
	print_str(PRINT_JSON, "event", 0, event_name(e->cmd, buf, sizeof(buf)));
	if (!e->cmd)
		print_text("events lost: the socket overflowed, 'vaddrctl show' has the table now");
	else if (e->cmd <= VADDR_CMD_MAX && events[e->cmd].words)
		print_text("%s", events[e->cmd].words);
	else
		print_text("command %u", e->cmd);
	if (e->has_uid && event_lead(e) == VADDR_A_UID)
		event_uid(e);
	if (e->has_cgroup && event_lead(e) == VADDR_A_CGROUP_ID)
		event_cgroup(e);
	if (e->domain) {
		text_key(e, VADDR_A_DOMAIN, "domain");
		print_str(PRINT_ANY, "domain", 0, e->domain);
	}
	if (e->addr4[0]) {
		print_text(" addr ");
		print_str(PRINT_ANY, "addr4", 0, e->addr4);
	}
	if (e->addr6[0]) {
		print_text(" addr ");
		print_str(PRINT_ANY, "addr6", 0, e->addr6);
	}
	if (e->has_uid && event_lead(e) != VADDR_A_UID)
		event_uid(e);
	if (e->has_cgroup && event_lead(e) != VADDR_A_CGROUP_ID)
		event_cgroup(e);
	if (e->has_nr_uids)
		print_count("nr_users", "users", e->nr_uids);
	if (e->has_nr_cgroups)
		print_count("nr_cgroups", "cgroups", e->nr_cgroups);
	if (e->has_nat) {
		print_text(" nat ");
		print_on_off(PRINT_ANY, "nat", 0, e->nat);
	}
	print_text("\n");
	print_close_object();
}

void event_time(const struct timespec *ts, char *buf, size_t size)
{
	char date[32], zone[8];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, size, "%s.%06ld%s", date, ts->tv_nsec / 1000, zone);
}
