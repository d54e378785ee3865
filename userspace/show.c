// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl show: the settings of the namespace and its allow list, then
 * the table, joined from three dumps (domains, uids, cgroups) into one
 * paragraph per domain.
 */
#include "lib/cgroup2.h"
#include "lib/cmd.h"
#include "lib/ipc.h"
#include "lib/owner.h"
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
 * Text: "isolation allow: 0 (root), 1004" when there is any. JSON:
 * "isolation_allow": [{"uid": 0, "user": "root"}, ...], always.
 */
static void show_allow(const struct maps *m)
{
	size_t i;

	if (m->n)
		print_text("isolation allow: ");
	print_open_array("isolation_allow");
	for (i = 0; i < m->n; i++) {
		print_open_object(NULL);
		if (i)
			print_text(", ");
		print_user(m->v[i].key, m->v[i].name, 0);
		print_close_object();
	}
	print_close_array();
	if (m->n)
		print_text("\n");
}

/*
 * Text: the settings, what the module found at load, then a paragraph per
 * domain. JSON: {"settings": {...}, "module": {...}, "domains": [...]}.
 */
int cmd_show(int argc, char **argv)
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
	show_allow(&allow);
	print_close_object();
	print_open_object("module");
	module_state_print(&s.module);
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
