// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of parse.c and of print.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "../lib/parse.h"
#include "../lib/print.h"
#include "tap.h"

static void test_addr_ok(const char *arg, int family, const char *want)
{
	char buf[INET6_ADDRSTRLEN] = "";
	struct addr a;
	int err = parse_addr(arg, &a);

	if (!err)
		inet_ntop(a.family, &a.v6, buf, sizeof(buf));
	ok(!err && a.family == family && !strcmp(buf, want),
	   "addr '%s' is %s %s", arg, family == AF_INET ? "IPv4" : "IPv6",
	   want);
}

static void test_addr_bad(const char *arg)
{
	struct addr a;
	char want[128];

	snprintf(want, sizeof(want),
		 "'addr' expects an IPv4 or IPv6 address, got '%s'", arg);
	ok(parse_addr(arg, &a) && err_is(want), "addr '%s' is refused", arg);
}

static void test_addr(void)
{
	struct addr a;

	test_addr_ok("198.51.100.70", AF_INET, "198.51.100.70");
	test_addr_ok("0.0.0.0", AF_INET, "0.0.0.0");
	test_addr_ok("2001:db8::70", AF_INET6, "2001:db8::70");
	test_addr_ok("2001:DB8:0:0:0:0:0:70", AF_INET6, "2001:db8::70");
	test_addr_ok("::1", AF_INET6, "::1");
	test_addr_bad("foo");
	test_addr_bad("");
	test_addr_bad("198.51.100");
	test_addr_bad("198.51.100.70.1");
	test_addr_bad("198.51.100.256");
	test_addr_bad("198.51.100.70/24");
	test_addr_bad(" 198.51.100.70");
	test_addr_bad("2001:db8::g");
	test_addr_bad("2001:db8:::70");
	test_addr_bad("fe80::1%eth0");
	ok(parse_addr("::ffff:198.51.100.70", &a) &&
	   err_is("'addr' expects an IPv4 or IPv6 address, got the IPv4-mapped '::ffff:198.51.100.70': write 198.51.100.70"),
	   "IPv4-mapped IPv6 address is refused, naming the IPv4 form");
}

/* A name of len bytes: labels of 63 'a', the last one shorter. */
static void test_domain_len(size_t len, int valid)
{
	char name[VADDR_DOMAIN_MAX + 1], *arg = malloc(len + 1);
	size_t i;
	int err;

	for (i = 0; i < len; i++)
		arg[i] = i % 64 == 63 ? '.' : 'a';
	arg[len] = '\0';
	err = parse_domain(arg, name);
	ok(valid ? !err && !strcmp(arg, name) : err != 0,
	   "domain name of %zu bytes is %s", len,
	   valid ? "accepted" : "refused");
	free(arg);
}

static void test_domain_ok(const char *arg, const char *want)
{
	char name[VADDR_DOMAIN_MAX + 1];
	int err = parse_domain(arg, name);

	if (err)
		printf("# %s\n", parse_err());
	ok(!err && !strcmp(name, want), "domain '%s' is accepted as %s", arg,
	   want);
}

static void test_domain_bad(const char *arg, const char *want)
{
	char name[VADDR_DOMAIN_MAX + 1];

	ok(parse_domain(arg, name) && err_is(want), "domain '%s' is refused",
	   arg);
}

/* A label of n bytes, then ".example". */
static void test_domain_label(size_t n, int valid)
{
	char arg[256], want[512], name[VADDR_DOMAIN_MAX + 1];

	memset(arg, 'b', n);
	strcpy(arg + n, ".example");
	if (valid) {
		test_domain_ok(arg, arg);
		return;
	}
	snprintf(want, sizeof(want),
		 "invalid domain name '%s': label '%.*s' has %zu bytes, at most 63 allowed",
		 arg, (int)n, arg, n);
	ok(parse_domain(arg, name) && err_is(want),
	   "domain with a label of %zu bytes is refused", n);
}

static void test_domain(void)
{
	char name[VADDR_DOMAIN_MAX + 1];

	test_domain_len(1, 1);
	test_domain_len(VADDR_DOMAIN_MAX, 1);
	test_domain_len(VADDR_DOMAIN_MAX + 1, 0);
	ok(parse_domain(&"x"[1], name) && err_is("empty domain name"),
	   "empty domain name is refused");
	test_domain_ok("bcd.example", "bcd.example");
	test_domain_ok("x_y-z.0", "x_y-z.0");
	test_domain_ok("BCD.Example", "bcd.example");
	test_domain_ok("a", "a");
	test_domain_ok("_dmarc.bcd.example", "_dmarc.bcd.example");
	test_domain_ok("xn--bcher-kva.example", "xn--bcher-kva.example");
	/* The kernel's rule, not the hostname rule of RFC 952/1123. */
	test_domain_ok("-x-.9.example", "-x-.9.example");
	test_domain_label(63, 1);
	test_domain_label(64, 0);
	test_domain_label(200, 0);
	test_domain_bad("a b",
			"invalid domain name 'a b': byte 0x20 is not allowed (a-z, 0-9, '-', '_', '.')");
	test_domain_bad("a/b",
			"invalid domain name 'a/b': '/' is not allowed (a-z, 0-9, '-', '_', '.')");
	test_domain_bad("a*.example",
			"invalid domain name 'a*.example': '*' is not allowed (a-z, 0-9, '-', '_', '.')");
	test_domain_bad("b\xc3\xbc" "cher.example",
			"invalid domain name 'b\xc3\xbc" "cher.example': byte 0xc3 is not allowed (a-z, 0-9, '-', '_', '.')");
	test_domain_bad("caf\xe9.example",
			"invalid domain name 'caf\xe9.example': byte 0xe9 is not allowed (a-z, 0-9, '-', '_', '.')");
	test_domain_bad(".", "invalid domain name '.': it starts with '.'");
	test_domain_bad("..", "invalid domain name '..': it starts with '.'");
	test_domain_bad(".bcd.example",
			"invalid domain name '.bcd.example': it starts with '.'");
	test_domain_bad("bcd.example.",
			"invalid domain name 'bcd.example.': it ends with '.' (write 'bcd.example')");
	test_domain_bad("BCD.Example.",
			"invalid domain name 'BCD.Example.': it ends with '.' (write 'BCD.Example')");
	test_domain_bad("bcd..example",
			"invalid domain name 'bcd..example': empty label between two '.'");
	test_domain_bad("bcd.example..",
			"invalid domain name 'bcd.example..': empty label between two '.'");
	/* Characters are checked first, then labels. */
	test_domain_bad(".a b",
			"invalid domain name '.a b': byte 0x20 is not allowed (a-z, 0-9, '-', '_', '.')");
}

static void test_uid(void)
{
	uint32_t uid = 1;

	ok(!parse_uid("1001", &uid) && uid == 1001, "uid 1001 is 1001");
	ok(!parse_uid("0", &uid) && uid == 0, "uid 0 is 0");
	ok(!parse_uid("4294967294", &uid) && uid == 4294967294u,
	   "uid 4294967294 is the largest");
	uid = 1;
	ok(!parse_uid("root", &uid) && uid == 0, "user root is uid 0");
	ok(parse_uid("nosuchuser-vaddr", &uid) &&
	   err_is("unknown user 'nosuchuser-vaddr'"),
	   "unknown user name is refused");
	ok(parse_uid("4294967295", &uid) &&
	   err_is("uid 4294967295 out of range (0-4294967294)"),
	   "uid 4294967295, the invalid uid, is refused");
	ok(parse_uid("99999999999999999999", &uid) &&
	   err_is("uid 99999999999999999999 out of range (0-4294967294)"),
	   "uid beyond 64 bits is refused");
	ok(parse_uid("-1", &uid) && err_is("unknown user '-1'"),
	   "uid -1 is not a number, and no user");
	ok(parse_uid("", &uid) && err_is("unknown user ''"),
	   "empty user is refused");
}

static void test_keyword(void)
{
	ok(is_keyword("domain", "domain"), "keyword 'domain' matches");
	ok(!is_keyword("dom", "domain"), "prefix 'dom' does not match");
	ok(!is_keyword("d", "domain"), "prefix 'd' does not match");
	ok(!is_keyword("domains", "domain"), "'domains' does not match");
	ok(!is_keyword("DOMAIN", "domain"), "'DOMAIN' does not match");
	ok(!is_keyword("", "domain"), "empty word does not match");
	ok(!is_keyword(NULL, "domain"), "missing word does not match");
}

static void test_on_off(void)
{
	bool val = false;

	ok(!parse_on_off("nat", "on", &val) && val, "'on' is on");
	ok(!parse_on_off("nat", "off", &val) && !val, "'off' is off");
	ok(parse_on_off("nat", NULL, &val) &&
	   err_is("'nat' needs a value: 'on' or 'off'"),
	   "a missing value is refused");
	ok(parse_on_off("nat", "ON", &val) &&
	   err_is("'nat' expects 'on' or 'off', got 'ON'"),
	   "'ON' is refused");
	ok(parse_on_off("nat", "o", &val) &&
	   err_is("'nat' expects 'on' or 'off', got 'o'"),
	   "prefix 'o' is refused");
	ok(parse_on_off("nat", "1", &val) &&
	   err_is("'nat' expects 'on' or 'off', got '1'"),
	   "'1' is refused");
	ok(parse_on_off("nat", "", &val) &&
	   err_is("'nat' expects 'on' or 'off', got ''"),
	   "empty value is refused");
}

/* A cgroup2 mount, or NULL. */
static const char *cgroup2_root(void)
{
	static const char *const roots[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
	};
	struct statfs sfs;
	size_t i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (!statfs(roots[i], &sfs) && sfs.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

static void test_cgroup(void)
{
	const char *root = cgroup2_root();
	uint64_t id = 0, id2 = 0;
	char path[256], want[512];

	ok(parse_cgroup("/proc", &id) &&
	   err_is("'/proc' is not on a cgroup v2 filesystem"),
	   "cgroup path off cgroup2 is refused");
	ok(parse_cgroup("/nonexistent-vaddr", &id) &&
	   err_is("cannot access '/nonexistent-vaddr': No such file or directory"),
	   "missing cgroup path is refused");
	ok(!parse_cgroup_or_id("12345", &id) && id == 12345,
	   "cgroup id 12345 is taken as an id");
	ok(parse_cgroup("12345", &id), "cgroup add takes no id");
	if (!root) {
		skip("cgroup2 root directory has an id", "no cgroup2 mount");
		skip("cgroup2 file is refused", "no cgroup2 mount");
		return;
	}
	ok(!parse_cgroup(root, &id) && id && !cgroup_dir_id(root, &id2) &&
	   id == id2, "cgroup2 root directory %s has an id", root);
	snprintf(path, sizeof(path), "%s/cgroup.procs", root);
	snprintf(want, sizeof(want), "'%s' is not a cgroup directory", path);
	ok(parse_cgroup(path, &id) && err_is(want),
	   "cgroup2 file is refused");
}

/* The JSON that printing s with json_string() gives. */
static int json_is(const char *s, const char *want)
{
	char *got = NULL;
	size_t len;
	FILE *f = open_memstream(&got, &len);
	int same;

	json_string(f, s);
	fclose(f);
	same = !strcmp(got, want);
	if (!same)
		printf("# got:  %s\n# want: %s\n", got, want);
	free(got);
	return same;
}

static void test_json_string(void)
{
	ok(json_is("bcd.example", "\"bcd.example\""), "JSON plain string");
	ok(json_is("", "\"\""), "JSON empty string");
	ok(json_is("a\"b\\c", "\"a\\\"b\\\\c\""),
	   "JSON escapes quote and backslash");
	ok(json_is("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\""),
	   "JSON escapes \\n \\t \\r \\b \\f");
	ok(json_is("\x01\x1f", "\"\\u0001\\u001f\""),
	   "JSON escapes other control characters as \\u00XX");
	ok(json_is("/sys/fs/cgroup/b\xc3\xbc" "cher", "\"/sys/fs/cgroup/b\xc3\xbc" "cher\""),
	   "JSON keeps valid UTF-8");
	ok(json_is("\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\""),
	   "JSON keeps 3- and 4-byte UTF-8");
	ok(json_is("a\xff" "b", "\"a\\ufffdb\""),
	   "JSON replaces an invalid byte with U+FFFD");
	ok(json_is("\xc0\xaf", "\"\\ufffd\\ufffd\""),
	   "JSON replaces an overlong sequence");
	ok(json_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""),
	   "JSON replaces a UTF-16 surrogate");
	ok(json_is("x\xe2\x82", "\"x\\ufffd\\ufffd\""),
	   "JSON replaces a truncated sequence");
}

/* The output of print(), run in JSON mode. */
static int print_is(void (*print)(void), int pretty, const char *want)
{
	return output_is(print, true, pretty, want);
}

static void print_empty(void)
{
	print_open_array(NULL);
	print_close_array();
}

static void print_nested(void)
{
	print_open_array(NULL);
	print_open_object(NULL);
	print_str(PRINT_ANY, "domain", -20, "bcd.example");
	print_text("text only");
	print_str(PRINT_TEXT, NULL, 0, "text only");
	print_str(PRINT_JSON, "addr6", 0, NULL);
	print_open_array("users");
	print_close_array();
	print_open_array("cgroups");
	print_open_object(NULL);
	print_u64(PRINT_ANY, "id", 8, 18446744073709551615u);
	print_close_object();
	print_close_array();
	print_close_object();
	print_close_array();
}

static void print_switches(void)
{
	print_open_object(NULL);
	print_text("[");
	print_on_off(PRINT_ANY, "nat", -4, true);
	print_text("|");
	print_on_off(PRINT_ANY, "other", 4, false);
	print_text("]\n");
	print_close_object();
}

static void test_on_off_print(void)
{
	ok(output_is(print_switches, false, false, "[on  | off]\n"),
	   "text switches are on and off");
	ok(output_is(print_switches, true, false,
		     "{\"nat\":true,\"other\":false}\n"),
	   "JSON switches are true and false");
}

static void test_json_print(void)
{
	ok(print_is(print_empty, 0, "[]\n"), "JSON empty list");
	ok(print_is(print_empty, 1, "[]\n"), "pretty JSON empty list");
	ok(print_is(print_nested, 0,
		    "[{\"domain\":\"bcd.example\",\"addr6\":null,\"users\":[],"
		    "\"cgroups\":[{\"id\":18446744073709551615}]}]\n"),
	   "JSON nested objects, null, no text");
	ok(print_is(print_nested, 1,
		    "[\n"
		    "    {\n"
		    "        \"domain\": \"bcd.example\",\n"
		    "        \"addr6\": null,\n"
		    "        \"users\": [],\n"
		    "        \"cgroups\": [\n"
		    "            {\n"
		    "                \"id\": 18446744073709551615\n"
		    "            }\n"
		    "        ]\n"
		    "    }\n"
		    "]\n"),
	   "pretty JSON nested objects");
}

void test_parse(void)
{
	test_addr();
	test_domain();
	test_uid();
	test_keyword();
	test_on_off();
	test_cgroup();
}

void test_print(void)
{
	test_json_string();
	test_json_print();
	test_on_off_print();
}
