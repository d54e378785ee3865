// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of event.c and ipc.c's event_decode(): what monitor prints
 * for each event, in text and JSON, from the attributes the module sends.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/event.h"
#include "../lib/print.h"
#include "tap.h"

static union {
	char buf[1024];
	struct nlmsghdr align;
} msg;
static struct nlmsghdr *nlh;
static nl_attrs tb;
static struct event ev;

static void msg_start(void)
{
	memset(tb, 0, sizeof(tb));
	nlh = mnl_nlmsg_put_header(msg.buf);
}

/* Each put records where its attribute landed, as nl_parse() would. */
static void put_str(int type, const char *s)
{
	tb[type] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_strz(nlh, type, s);
}

static void put_addr(int type, int family, const char *text)
{
	unsigned char a[16];

	inet_pton(family, text, a);
	tb[type] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, type, family == AF_INET ? 4 : 16, a);
}

static void put_u32(int type, uint32_t v)
{
	tb[type] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, type, v);
}

static void put_u64(int type, uint64_t v)
{
	tb[type] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, type, v);
}

static void put_u8(int type, uint8_t v)
{
	tb[type] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u8(nlh, type, v);
}

static void print_event(void)
{
	event_print(&ev);
}

static void expect(uint8_t cmd, const char *text, const char *json)
{
	event_decode(cmd, cmd ? tb : NULL, &ev);
	ok(output_is(print_event, false, false, text), "event %u text: %.*s",
	   cmd, (int)strcspn(text, "\n"), text);
	ok(output_is(print_event, true, false, json), "event %u JSON", cmd);
}

static void test_domain_events(void)
{
	msg_start();
	put_str(VADDR_A_DOMAIN, "bcd.example");
	put_addr(VADDR_A_ADDR4, AF_INET, "198.51.100.70");
	put_addr(VADDR_A_ADDR6, AF_INET6, "2001:db8::70");
	put_u32(VADDR_A_NR_UIDS, 0);
	put_u32(VADDR_A_NR_CGROUPS, 0);
	expect(VADDR_CMD_DOMAIN_NEW,
	       "domain add bcd.example addr 198.51.100.70 addr 2001:db8::70\n",
	       "{\"event\":\"domain_add\",\"domain\":\"bcd.example\",\"addr4\":\"198.51.100.70\",\"addr6\":\"2001:db8::70\",\"nr_users\":0,\"nr_cgroups\":0}\n");

	msg_start();
	put_str(VADDR_A_DOMAIN, "bcd.example");
	put_addr(VADDR_A_ADDR4, AF_INET, "198.51.100.70");
	put_u32(VADDR_A_NR_UIDS, 2);
	put_u32(VADDR_A_NR_CGROUPS, 0);
	expect(VADDR_CMD_DOMAIN_DEL,
	       "domain del bcd.example addr 198.51.100.70 users 2\n",
	       "{\"event\":\"domain_del\",\"domain\":\"bcd.example\",\"addr4\":\"198.51.100.70\",\"nr_users\":2,\"nr_cgroups\":0}\n");
}

static void test_map_events(void)
{
	msg_start();
	put_u32(VADDR_A_UID, 1003);
	put_str(VADDR_A_DOMAIN, "bcd.example");
	event_decode(VADDR_CMD_UID_ADD, tb, &ev);
	ev.user = "b1";
	ok(output_is(print_event, false, false,
		     "user add 1003 (b1) domain bcd.example\n"),
	   "user add text names the user");
	ok(output_is(print_event, true, false,
		     "{\"event\":\"user_add\",\"uid\":1003,\"user\":\"b1\",\"domain\":\"bcd.example\"}\n"),
	   "user add JSON");
	expect(VADDR_CMD_UID_DEL, "user del 1003 domain bcd.example\n",
	       "{\"event\":\"user_del\",\"uid\":1003,\"user\":null,\"domain\":\"bcd.example\"}\n");

	msg_start();
	put_u64(VADDR_A_CGROUP_ID, 4242);
	put_str(VADDR_A_DOMAIN, "bcd.example");
	event_decode(VADDR_CMD_CGROUP_ADD, tb, &ev);
	ev.cgroup = "/sys/fs/cgroup/bcd";
	ok(output_is(print_event, false, false,
		     "cgroup add /sys/fs/cgroup/bcd domain bcd.example\n"),
	   "cgroup add text shows the path");
	expect(VADDR_CMD_CGROUP_DEL, "cgroup del 4242 domain bcd.example\n",
	       "{\"event\":\"cgroup_del\",\"cgroup_id\":4242,\"cgroup\":null,\"domain\":\"bcd.example\"}\n");
}

static void test_other_events(void)
{
	msg_start();
	expect(VADDR_CMD_FLUSH, "flush\n", "{\"event\":\"flush\"}\n");
	put_u8(VADDR_A_NAT, 0);
	expect(VADDR_CMD_SETTINGS_SET, "set nat off\n",
	       "{\"event\":\"settings\",\"nat\":false}\n");

	msg_start();
	put_u32(VADDR_A_NR_UIDS, 100000);
	put_u32(VADDR_A_NR_CGROUPS, 3);
	expect(VADDR_CMD_REPLACE_COMMIT, "replaced users 100000 cgroups 3\n",
	       "{\"event\":\"replaced\",\"nr_users\":100000,\"nr_cgroups\":3}\n");

	msg_start();
	expect(200, "command 200\n", "{\"event\":\"command_200\"}\n");
	expect(0, "events lost: the socket overflowed, 'vaddrctl show' has the table now\n",
	       "{\"event\":\"lost\"}\n");

	msg_start();
	event_decode(VADDR_CMD_FLUSH, tb, &ev);
	strcpy(ev.time, "2026-11-23T10:57:28.000001+0000");
	ok(output_is(print_event, false, false,
		     "2026-11-23T10:57:28.000001+0000 flush\n"),
	   "timestamp leads the text line");
	ok(output_is(print_event, true, false,
		     "{\"time\":\"2026-11-23T10:57:28.000001+0000\",\"event\":\"flush\"}\n"),
	   "timestamp is \"time\" in JSON");
}

static void test_event_time(void)
{
	struct timespec ts = { .tv_sec = 1795431448, .tv_nsec = 123456789 };
	char buf[48];

	setenv("TZ", "UTC", 1);
	tzset();
	event_time(&ts, buf, sizeof(buf));
	ok(!strcmp(buf, "2026-11-23T10:57:28.123456+0000"),
	   "event_time in UTC: %s", buf);
}

void test_event(void)
{
	test_domain_events();
	test_map_events();
	test_other_events();
	test_event_time();
}
