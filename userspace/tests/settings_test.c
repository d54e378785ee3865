// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of settings.c: the words of "vaddrctl set", the attributes
 * they become, and how a reply prints.
 */
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "../lib/parse.h"
#include "../lib/print.h"
#include "../lib/settings.h"
#include "tap.h"

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(s, ...)	settings_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), s)

static void test_parse_bad(int argc, char **argv, const char *want)
{
	struct settings s;
	char words[256] = "";
	int i;

	for (i = 0; i < argc; i++)
		snprintf(words + strlen(words), sizeof(words) - strlen(words),
			 "%s%s", i ? " " : "", argv[i]);
	ok(settings_parse(argc, argv, &s) && err_is(want),
	   "set '%s' is refused", words);
}

#define PARSE_BAD(want, ...) \
	test_parse_bad(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), want)

static void test_settings_parse(void)
{
	struct settings s;

	ok(!PARSE(&s, "nat", "on") && s.given == 1 && s.nat,
	   "set nat on");
	ok(!PARSE(&s, "nat", "off") && s.given == 1 && !s.nat,
	   "set nat off");
	s.given = 0xff;
	ok(!PARSE(&s, "nat", "off") && s.given == 1,
	   "set starts from no setting given");
	ok(settings_parse(0, ARGV(NULL), &s) &&
	   err_is("'set' needs a setting"), "set without a setting is refused");
	PARSE_BAD("'nat' needs a value: 'on' or 'off'", "nat");
	PARSE_BAD("'nat' expects 'on' or 'off', got 'maybe'", "nat", "maybe");
	PARSE_BAD("'nat' expects 'on' or 'off', got 'On'", "nat", "On");
	PARSE_BAD("'nat' expects 'on' or 'off', got 'true'", "nat", "true");
	PARSE_BAD("unknown setting 'foo' (settings: nat, isolation)", "foo", "on");
	PARSE_BAD("unknown setting 'NAT' (settings: nat, isolation)", "NAT", "on");
	PARSE_BAD("unknown setting 'na' (settings: nat, isolation)", "na", "on");
	PARSE_BAD("unknown setting 'on' (settings: nat, isolation)", "on");
	PARSE_BAD("unknown setting 'on' (settings: nat, isolation)", "nat", "on", "on");
	PARSE_BAD("setting 'nat' given twice", "nat", "on", "nat", "off");
	ok(!PARSE(&s, "isolation", "on", "nat", "off") && s.given == 3 &&
	   s.isolation && !s.nat, "isolation on nat off");
	PARSE_BAD("'isolation' expects 'on' or 'off', got 'allow'",
		  "isolation", "allow");
}

/* The attributes of the request settings_put() builds from s. */
static int put_is(const struct settings *s, int want_nat)
{
	union {
		char buf[1024];
		struct nlmsghdr align;
	} msg;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msg.buf);
	const struct nlattr *attr;
	int n = 0, nat = -1;

	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	settings_put(nlh, s);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		n++;
		if (mnl_attr_get_type(attr) == VADDR_A_NAT &&
		    mnl_attr_get_payload_len(attr) == 1)
			nat = mnl_attr_get_u8(attr);
	}
	if (nat != want_nat || n != (want_nat >= 0))
		printf("# %d attributes, nat %d\n", n, nat);
	return nat == want_nat && n == (want_nat >= 0);
}

static void test_settings_put(void)
{
	struct settings s = {};

	ok(put_is(&s, -1), "no setting given, no attribute");
	ok(!PARSE(&s, "nat", "on") && put_is(&s, 1),
	   "nat on is VADDR_A_NAT 1");
	ok(!PARSE(&s, "nat", "off") && put_is(&s, 0),
	   "nat off is VADDR_A_NAT 0");
}

static struct settings shown;

static void print_settings(void)
{
	print_open_object(NULL);
	settings_print(&shown);
	print_close_object();
}

/* A reply with VADDR_A_NAT nat and VADDR_A_ISOLATION nat too, or none. */
static void reply(int nat)
{
	union {
		char buf[256];
		struct nlattr align;
	} a;
	nl_attrs tb = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(a.buf);

	if (nat >= 0) {
		tb[VADDR_A_NAT] = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u8(nlh, VADDR_A_NAT, nat);
		tb[VADDR_A_ISOLATION] = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u8(nlh, VADDR_A_ISOLATION, nat);
	}
	memset(&shown, 0, sizeof(shown));
	settings_cb(tb, &shown);
}

static void test_settings_print(void)
{
	reply(1);
	ok(shown.given == 3 && shown.nat && shown.isolation,
	   "reply VADDR_A_NAT 1 is nat on");
	ok(output_is(print_settings, false, false,
		     "nat: on\nisolation: on\n"),
	   "text nat on");
	ok(output_is(print_settings, true, false,
		     "{\"nat\":true,\"isolation\":true}\n"),
	   "JSON nat on");
	ok(output_is(print_settings, true, true,
		     "{\n    \"nat\": true,\n    \"isolation\": true\n}\n"),
	   "pretty JSON nat on");
	reply(0);
	ok(shown.given == 3 && !shown.nat && !shown.isolation,
	   "reply VADDR_A_NAT 0 is nat off");
	ok(output_is(print_settings, false, false,
		     "nat: off\nisolation: off\n"),
	   "text nat off");
	ok(output_is(print_settings, true, false,
		     "{\"nat\":false,\"isolation\":false}\n"),
	   "JSON nat off");
	reply(-1);
	ok(!shown.given, "reply without VADDR_A_NAT gives no nat");
	ok(output_is(print_settings, false, false,
		     "nat: -\nisolation: -\n"),
	   "text nat not reported");
	ok(output_is(print_settings, true, false,
		     "{\"nat\":null,\"isolation\":null}\n"),
	   "JSON nat not reported");
}

void test_settings(void)
{
	test_settings_parse();
	test_settings_put();
	test_settings_print();
}
