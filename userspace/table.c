// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl show, set and flush: the whole table and the settings of the
 * namespace. show prints the settings, then joins three dumps (domains,
 * uids, cgroups) into one view per domain.
 */
#include <string.h>

#include "lib/cgroup2.h"
#include "lib/owner.h"
#include "lib/parse.h"
#include "lib/passwd.h"
#include "lib/print.h"
#include "lib/settings.h"
#include "vaddrctl.h"

/* Text lists the addresses a domain has; JSON always has both keys. */
static void show_addr(const char *key, const char *addr)
{
	if (addr[0])
		print_text("\t%-7s%s\n", "addr", addr);
	print_str(PRINT_JSON, key, 0, addr[0] ? addr : NULL);
}

static void show_user(const struct map *u)
{
	print_user(u->key, u->name, 0);
}

static void show_cgroup(const struct map *c)
{
	print_cgroup(c->key, c->name, 0, "id", "path");
}

static void show_maps(const char *key, const char *word, const struct maps *m,
		      size_t *pos, const char *domain,
		      void (*print)(const struct map *))
{
	size_t i = maps_run(m, pos, domain);

	print_open_array(key);
	for (; i < *pos; i++) {
		print_open_object(NULL);
		print_text("\t%-7s", word);
		print(&m->v[i]);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
}

static void show_domain(const struct table *t, const struct domain *d,
			size_t *user, size_t *cgroup)
{
	print_open_object(NULL);
	print_text("domain ");
	print_str(PRINT_ANY, "domain", 0, d->name);
	print_text("\n");
	show_addr("addr4", d->addr4);
	show_addr("addr6", d->addr6);
	if (d->fail_closed)
		print_text("\t%-7s%s\n", "option", "fail-closed on");
	print_on_off(PRINT_JSON, "fail_closed", 0, d->fail_closed);
	show_maps("users", "user", &t->users, user, d->name, show_user);
	show_maps("cgroups", "cgroup", &t->cgroups, cgroup, d->name,
		  show_cgroup);
	print_close_object();
}

/*
 * Text: the settings, then a paragraph per domain. JSON:
 * {"settings": {...}, "domains": [{...}, ...]}.
 */
int do_show(int argc, char **argv)
{
	struct maps allow = {};
	struct settings s;
	struct table t = {};
	size_t i, user = 0, cgroup = 0;

	if (no_more_args(argc, argv))
		return -1;
	if (settings_get(&s))
		return -1;
	if (allow_get(&allow)) {
		maps_free(&allow);
		return -1;
	}
	users_resolve(&allow);
	if (table_get(&t)) {
		table_free(&t);
		maps_free(&allow);
		return -1;
	}
	users_resolve(&t.users);
	cgroups_resolve(&t.cgroups);
	maps_sort_by_domain(&t.users);
	maps_sort_by_domain(&t.cgroups);
	print_open_object(NULL);
	print_open_object("settings");
	settings_print(&s);
	allow_print(&allow);
	print_close_object();
	print_open_array("domains");
	for (i = 0; i < t.domains.n; i++) {
		print_text("\n");
		show_domain(&t, &t.domains.v[i], &user, &cgroup);
	}
	print_close_array();
	print_close_object();
	table_free(&t);
	maps_free(&allow);
	return 0;
}

/*
 * set SETTING VALUE...: all or nothing; set alone prints the settings.
 * set isolation allow|disallow USER: the allow list of isolation.
 */
int do_set(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct settings s;

	if (argc >= 2 && is_keyword(argv[0], "isolation") &&
	    (is_keyword(argv[1], "allow") || is_keyword(argv[1], "disallow")))
		return allow_set(argc - 2, argv + 2,
				 is_keyword(argv[1], "allow"));

	if (!argc) {
		if (settings_get(&s))
			return -1;
		print_open_object(NULL);
		settings_print(&s);
		print_close_object();
		return 0;
	}
	if (settings_parse(argc, argv, &s))
		return fail("%s", parse_err());
	nlh = nl_msg(VADDR_CMD_SETTINGS_SET);
	if (!nlh)
		return -1;
	settings_put(nlh, &s);
	return nl_request(nlh, NULL, NULL);
}

int do_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (no_more_args(argc, argv))
		return -1;
	nlh = nl_msg(VADDR_CMD_FLUSH);
	return nlh ? nl_request(nlh, NULL, NULL) : -1;
}
