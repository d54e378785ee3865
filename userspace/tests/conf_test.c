// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of conf_parse.c and conf_write.c: vaddr.conf(5) read and
 * written, with users and cgroups from a fake database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/conf_parse.h"
#include "../lib/conf_write.h"
#include "tap.h"

static int fake_user(const char *name, uint32_t *uid)
{
	static const struct {
		const char *name;
		uint32_t uid;
	} users[] = { { "bob", 1005 }, { "b1", 1001 }, { "b2", 1002 } };
	size_t i;

	if (strspn(name, "0123456789") == strlen(name)) {
		*uid = strtoul(name, NULL, 10);
		return 0;
	}
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		if (!strcmp(users[i].name, name)) {
			*uid = users[i].uid;
			return 0;
		}
	}
	return parse_error("unknown user '%s'", name);
}

/* /cg/NAME is the cgroup of id 100 + strlen(NAME); digits are an id. */
static int fake_cgroup(const char *path, uint64_t *id)
{
	if (strspn(path, "0123456789") == strlen(path)) {
		*id = strtoull(path, NULL, 10);
		return 0;
	}
	if (strncmp(path, "/cg/", 4))
		return parse_error("cannot access '%s': No such file or directory",
				   path);
	*id = 100 + strlen(path + 4);
	return 0;
}

static const struct conf_resolve fake = {
	.user = fake_user,
	.cgroup = fake_cgroup,
};

static int parse_text(struct conf *c, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err = conf_parse(c, f, &fake);

	fclose(f);
	return err;
}

/* The errors as conf_print_errors() writes them. */
static char *errors(const struct conf *c)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	conf_print_errors(c, "t.conf", f, 50);
	fclose(f);
	return buf;
}

static void expect_errors(const char *name, const char *text,
			  const char *want)
{
	struct conf c;
	int err = parse_text(&c, text);
	char *got = errors(&c);

	ok(err && !strcmp(got, want), "%s", name);
	if (strcmp(got, want))
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
	conf_free(&c);
}

static void test_conf_ok(void)
{
	static const char text[] =
		"# the hosting server\n"
		"\n"
		"domain bcd.example\n"
		"    addr 198.51.100.70   # v4\n"
		"\taddr 2001:db8::70\n"
		"    user bob 1006 2000-2002\n"
		"    cgroup /cg/bcd\n"
		"domain CDE.example fail-closed\n"
		"    addr 203.0.113.5\n"
		"    user b1 b2\n"
		"    cgroup 7\n";
	struct conf c;
	int err = parse_text(&c, text);

	ok(!err, "a valid file parses");
	if (err) {
		char *got = errors(&c);

		printf("# %s", got);
		free(got);
	}
	ok(c.nr_domains == 2 && !strcmp(c.domains[0].name, "bcd.example") &&
	   !strcmp(c.domains[1].name, "cde.example"),
	   "two domains, names lowercased, in file order");
	ok(c.domains[0].addr4.family == AF_INET &&
	   c.domains[0].addr6.family == AF_INET6 &&
	   c.domains[0].line4 == 4 && c.domains[0].line6 == 5,
	   "addresses and their lines");
	ok(!c.domains[0].fail_closed && c.domains[1].fail_closed,
	   "fail-closed on the domain line");
	ok(c.nr_uids == 7 && c.uids[0].key == 1001 && c.uids[0].domain == 1 &&
	   c.uids[2].key == 1005 && c.uids[2].line == 6 &&
	   c.uids[6].key == 2002, "users, uids and ranges, sorted by uid");
	ok(c.nr_cgroups == 2 && c.cgroups[0].key == 7 &&
	   c.cgroups[1].key == 103 && c.cgroups[1].domain == 0,
	   "cgroups by path and by id");
	conf_free(&c);

	ok(!parse_text(&c, "") && !c.nr_domains, "an empty file is an empty table");
	conf_free(&c);
	ok(!parse_text(&c, "domain a\naddr 192.0.2.1"),
	   "no newline at the end, no indentation");
	conf_free(&c);
}

static void test_conf_errors(void)
{
	expect_errors("unknown user",
		      "domain a\n addr 192.0.2.1\n user bob b9\n",
		      "t.conf:3: unknown user 'b9'\n");
	expect_errors("unknown keyword",
		      "domain a\n address 192.0.2.1\n",
		      "t.conf:1: domain 'a' has no address: add an 'addr' line\n"
		      "t.conf:2: unknown keyword 'address' (domain, addr, user or cgroup)\n");
	expect_errors("item outside a domain",
		      "user bob\n",
		      "t.conf:1: 'user' outside a domain: write a 'domain NAME' line first\n");
	expect_errors("domain defined twice",
		      "domain a\n addr 192.0.2.1\ndomain a\n addr 192.0.2.2\n",
		      "t.conf:3: domain 'a' is defined twice (line 1)\n");
	expect_errors("address in two domains",
		      "domain a\n addr 192.0.2.1\n addr 2001:db8::1\n"
		      "domain b\n addr 2001:db8::1\n",
		      "t.conf:5: address 2001:db8::1 belongs to domain 'a' already (line 3)\n");
	expect_errors("two IPv4 addresses",
		      "domain a\n addr 192.0.2.1 192.0.2.2\n",
		      "t.conf:2: domain 'a' has an IPv4 address already (line 2): a domain has at most one of each family\n");
	expect_errors("uid in two domains",
		      "domain a\n addr 192.0.2.1\n user bob\n"
		      "domain b\n addr 192.0.2.2\n user 1005\n",
		      "t.conf:6: uid 1005 belongs to domain 'a' already (line 3)\n");
	expect_errors("overlapping ranges: one error",
		      "domain a\n addr 192.0.2.1\n user 10-20\n"
		      "domain b\n addr 192.0.2.2\n user 15-30\n",
		      "t.conf:6: uid 15 belongs to domain 'a' already (line 3)\n");
	expect_errors("uid twice in a domain",
		      "domain a\n addr 192.0.2.1\n user 7\n user 7\n",
		      "t.conf:4: uid 7 is listed twice in domain 'a' (line 3)\n");
	expect_errors("cgroup in two domains",
		      "domain a\n addr 192.0.2.1\n cgroup /cg/xy\n"
		      "domain b\n addr 192.0.2.2\n cgroup 102\n",
		      "t.conf:6: cgroup 102 belongs to domain 'a' already (line 3)\n");
	expect_errors("missing cgroup",
		      "domain a\n addr 192.0.2.1\n cgroup /nope\n",
		      "t.conf:3: cannot access '/nope': No such file or directory\n");
	expect_errors("bad ranges",
		      "domain a\n addr 192.0.2.1\n user 5-3 1-x 0-4294967295 1-2000000\n",
		      "t.conf:3: uid range '5-3' ends before it starts\n"
		      "t.conf:3: '1-x' is not a uid range (write FIRST-LAST, e.g. 2000-2099)\n"
		      "t.conf:3: uid range '0-4294967295' out of range (0-4294967294)\n"
		      "t.conf:3: uid range '1-2000000' spans 2000000 uids, at most 1048576 allowed\n");
	expect_errors("addresses the kernel refuses",
		      "domain a\n addr 127.0.0.1 fe80::1\n",
		      "t.conf:1: domain 'a' has no address: add an 'addr' line\n"
		      "t.conf:2: address '127.0.0.1' is not a unicast IPv4 address\n"
		      "t.conf:2: address 'fe80::1' is not a global unicast IPv6 address\n");
	expect_errors("bad domain line",
		      "domain\ndomain a.. \ndomain b strict\n addr 192.0.2.1\n",
		      "t.conf:1: 'domain' needs a name\n"
		      "t.conf:2: invalid domain name 'a..': empty label between two '.'\n"
		      "t.conf:3: unexpected 'strict' after the domain name (options: fail-closed)\n");
	expect_errors("empty item",
		      "domain a\n addr 192.0.2.1\n user\n",
		      "t.conf:3: 'user' needs a user, uid or uid range\n");
}

/* The error of line 37 of a long file is reported at line 37. */
static void test_conf_line37(void)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	int i;

	for (i = 1; i <= 36; i++)
		fprintf(f, i % 3 == 1 ? "domain d%d\n" :
			   i % 3 == 2 ? " addr 192.0.2.%d\n" : " user %d\n", i);
	fprintf(f, " user b9\n domain\n");
	fclose(f);
	expect_errors("error at line 37", text,
		      "t.conf:37: unknown user 'b9'\n"
		      "t.conf:38: 'domain' needs a name\n");
	free(text);
}

static char *write_text(const struct conf *c)
{
	struct map uids[64], cgroups[8];
	char *buf = NULL;
	size_t len, i, j;
	FILE *f = open_memstream(&buf, &len);

	for (i = 0; i < c->nr_domains; i++) {
		const struct conf_domain *d = &c->domains[i];
		char a4[INET_ADDRSTRLEN] = "", a6[INET6_ADDRSTRLEN] = "";
		struct conf_out o = {
			.name = d->name, .fail_closed = d->fail_closed,
			.addr4 = a4, .addr6 = a6,
			.uids = uids, .cgroups = cgroups,
		};

		if (d->addr4.family)
			inet_ntop(AF_INET, &d->addr4.v4, a4, sizeof(a4));
		if (d->addr6.family)
			inet_ntop(AF_INET6, &d->addr6.v6, a6, sizeof(a6));
		for (j = 0; j < c->nr_uids && o.nr_uids < 64; j++)
			if (c->uids[j].domain == i)
				uids[o.nr_uids++] = (struct map){
					.key = c->uids[j].key,
					.name = c->uids[j].key == 1005 ?
						"bob" : NULL,
				};
		for (j = 0; j < c->nr_cgroups && o.nr_cgroups < 8; j++)
			if (c->cgroups[j].domain == i)
				cgroups[o.nr_cgroups++] = (struct map){
					.key = c->cgroups[j].key,
					.name = c->cgroups[j].key == 103 ?
						"/cg/xyz" : NULL,
				};
		conf_write_domain(f, &o);
	}
	fclose(f);
	return buf;
}

static void test_conf_write(void)
{
	static const char text[] =
		"domain b.example fail-closed\n"
		" addr 2001:db8::70 198.51.100.70\n"
		" user 1-3 5 7-8 bob 10 12 14 16 18 20 22 24\n"
		" cgroup /cg/xyz 9\n"
		"domain c.example\n"
		" addr 203.0.113.5\n";
	static const char want[] =
		"domain b.example fail-closed\n"
		"\taddr 198.51.100.70\n"
		"\taddr 2001:db8::70\n"
		"\tuser 1-3 5 7-8 10 12 14 16 18\n"
		"\tuser 20 22 24\n"
		"\tuser 1005\t# bob\n"
		"\tcgroup 9\t# no cgroup v2 tree to find its path in\n"
		"\tcgroup /cg/xyz\n"
		"domain c.example\n"
		"\taddr 203.0.113.5\n";
	struct conf c, again;
	char *out, *out2;

	ok(!parse_text(&c, text), "a file to write back parses");
	out = write_text(&c);
	ok(!strcmp(out, want), "written: ranges, names as comments, ids");
	if (strcmp(out, want))
		printf("# got:\n%s# want:\n%s", out, want);
	ok(!parse_text(&again, out), "what is written parses");
	out2 = write_text(&again);
	ok(!strcmp(out, out2), "and writes back the same");
	free(out);
	free(out2);
	conf_free(&c);
	conf_free(&again);
}

void test_conf(void)
{
	test_conf_ok();
	test_conf_errors();
	test_conf_line37();
	test_conf_write();
}
