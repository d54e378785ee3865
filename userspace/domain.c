// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl domain add|del|set|show: domains, their virtual addresses and
 * their options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/parse.h"
#include "lib/print.h"
#include "lib/util.h"
#include "vaddrctl.h"

static int domain_usage(void)
{
	return cmd_usage(cmd_domain, "domain");
}

/* The options of a domain; fail_closed is -1 while not given. */
struct domain_opts {
	int fail_closed;
};

/* "fail-closed on|off" at argv: 2 words used, 0 for another word, -1. */
static int parse_domain_opt(int argc, char **argv, struct domain_opts *o)
{
	bool on;

	if (!is_keyword(argv[0], "fail-closed"))
		return 0;
	if (o->fail_closed >= 0)
		return fail("option 'fail-closed' given twice");
	if (parse_on_off("fail-closed", argc > 1 ? argv[1] : NULL, &on))
		return fail("%s", parse_err());
	o->fail_closed = on;
	return 2;
}

static void put_domain_opts(struct nlmsghdr *nlh, const struct domain_opts *o)
{
	if (o->fail_closed >= 0)
		mnl_attr_put_u8(nlh, VADDR_A_FAIL_CLOSED, o->fail_closed);
}

/*
 * "addr A [addr A6] [fail-closed on|off]": at most one address of each
 * family, at least one.
 */
static int parse_addrs(int argc, char **argv, struct addr *a4, struct addr *a6,
		       struct domain_opts *o)
{
	while (argc) {
		struct addr a, *slot;
		int used = parse_domain_opt(argc, argv, o);

		if (used < 0)
			return -1;
		if (used) {
			argc -= used;
			argv += used;
			continue;
		}
		if (!is_keyword(argv[0], "addr"))
			return fail("expected 'addr' or 'fail-closed', got '%s'",
				    argv[0]);
		if (argc < 2)
			return domain_usage();
		if (parse_addr(argv[1], &a))
			return fail("%s", parse_err());
		slot = a.family == AF_INET ? a4 : a6;
		if (slot->family)
			return fail("two %s addresses: a domain has at most one of each family",
				    a.family == AF_INET ? "IPv4" : "IPv6");
		*slot = a;
		argc -= 2;
		argv += 2;
	}
	if (!a4->family && !a6->family)
		return fail("a domain needs an address: 'addr ADDR'");
	return 0;
}

static int domain_add(int argc, char **argv)
{
	struct domain_opts o = { .fail_closed = -1 };
	char name[VADDR_DOMAIN_MAX + 1];
	struct addr a4 = {}, a6 = {};
	struct nlmsghdr *nlh;

	if (argc < 1)
		return domain_usage();
	if (parse_domain(argv[0], name))
		return fail("%s", parse_err());
	if (parse_addrs(argc - 1, argv + 1, &a4, &a6, &o))
		return -1;
	nlh = nl_msg(VADDR_CMD_DOMAIN_NEW);
	if (!nlh)
		return -1;
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, name);
	if (a4.family)
		mnl_attr_put(nlh, VADDR_A_ADDR4, sizeof(a4.v4), &a4.v4);
	if (a6.family)
		mnl_attr_put(nlh, VADDR_A_ADDR6, sizeof(a6.v6), &a6.v6);
	put_domain_opts(nlh, &o);
	return nl_request(nlh, NULL, NULL);
}

/* domain set NAME fail-closed on|off */
static int domain_set(int argc, char **argv)
{
	struct domain_opts o = { .fail_closed = -1 };
	char name[VADDR_DOMAIN_MAX + 1];
	struct nlmsghdr *nlh;
	int used;

	if (argc < 2)
		return domain_usage();
	if (parse_domain(argv[0], name))
		return fail("%s", parse_err());
	for (argc--, argv++; argc; argc -= used, argv += used) {
		used = parse_domain_opt(argc, argv, &o);
		if (used < 0)
			return -1;
		if (!used)
			return fail("unknown domain option '%s' (options: fail-closed)",
				    argv[0]);
	}
	nlh = nl_msg(VADDR_CMD_DOMAIN_SET);
	if (!nlh)
		return -1;
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, name);
	put_domain_opts(nlh, &o);
	return nl_request(nlh, NULL, NULL);
}

/* The name of a command taking a domain name and nothing else. */
static int domain_arg(int argc, char **argv, char name[VADDR_DOMAIN_MAX + 1])
{
	if (no_more_args(argc - 1, argv + 1))
		return -1;
	if (parse_domain(argv[0], name))
		return fail("%s", parse_err());
	return 0;
}

static int domain_del(int argc, char **argv)
{
	char name[VADDR_DOMAIN_MAX + 1];
	struct nlmsghdr *nlh;

	if (argc < 1)
		return domain_usage();
	if (domain_arg(argc, argv, name))
		return -1;
	nlh = nl_msg(VADDR_CMD_DOMAIN_DEL);
	if (!nlh)
		return -1;
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, name);
	return nl_request(nlh, NULL, NULL);
}

static const char *addr_or_null(const char *addr)
{
	return addr[0] ? addr : NULL;
}

static void domains_print(const struct domains *ds)
{
	struct {
		int name, addr4, addr6, users, cgroups;
	} w = { 6, 4, 4, 5, 7 };	/* the headers */
	const struct domain *d;

	for (d = ds->v; d < ds->v + ds->n; d++) {
		w.name = print_width(w.name, d->name);
		w.addr4 = print_width(w.addr4, addr_or_null(d->addr4));
		w.addr6 = print_width(w.addr6, addr_or_null(d->addr6));
		w.users = print_u64_width(w.users, d->nr_uids);
		w.cgroups = print_u64_width(w.cgroups, d->nr_cgroups);
	}
	if (ds->n)
		print_text("%-*s  %-*s  %-*s  %*s  %*s  %s\n", w.name,
			   "DOMAIN", w.addr4, "IPV4", w.addr6, "IPV6", w.users,
			   "USERS", w.cgroups, "CGROUPS", "FAIL-CLOSED");
	print_open_array(NULL);
	for (d = ds->v; d < ds->v + ds->n; d++) {
		print_open_object(NULL);
		print_str(PRINT_ANY, "domain", -w.name, d->name);
		print_text("  ");
		print_str(PRINT_ANY, "addr4", -w.addr4, addr_or_null(d->addr4));
		print_text("  ");
		print_str(PRINT_ANY, "addr6", -w.addr6, addr_or_null(d->addr6));
		print_text("  ");
		print_u64(PRINT_ANY, "nr_users", w.users, d->nr_uids);
		print_text("  ");
		print_u64(PRINT_ANY, "nr_cgroups", w.cgroups, d->nr_cgroups);
		print_text("  ");
		print_on_off(PRINT_ANY, "fail_closed", 0, d->fail_closed);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
}

static int domain_show(int argc, char **argv)
{
	char name[VADDR_DOMAIN_MAX + 1];
	struct domains ds = {};
	int err;

	if (!argc)
		err = domains_get(&ds);
	else
		err = domain_arg(argc, argv, name) ?: domain_get(name, &ds);
	if (!err)
		domains_print(&ds);
	domains_free(&ds);
	return err;
}

const struct cmd cmd_domain[] = {
	{ "add", domain_add, NULL,
	  "NAME addr ADDR [addr ADDR] [fail-closed on|off]" },
	{ "del", domain_del, NULL, "NAME" },
	{ "set", domain_set, NULL, "NAME fail-closed on|off" },
	{ "show", domain_show, NULL, "[NAME]" },
	{}
};
