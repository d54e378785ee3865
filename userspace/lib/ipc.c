// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the module's objects: one decoder per object, from the
 * attributes nl.c checked against their types, and the request or dump
 * that gets it. A decoder returns -EBADMSG when an attribute the object
 * cannot go without is missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "util.h"

#define TABLE_TRIES	8

static void addrs_decode(const nl_attrs tb, char addr4[INET_ADDRSTRLEN],
			 char addr6[INET6_ADDRSTRLEN])
{
	addr4[0] = addr6[0] = '\0';
	if (tb[VADDR_A_ADDR4])
		inet_ntop(AF_INET, mnl_attr_get_payload(tb[VADDR_A_ADDR4]),
			  addr4, INET_ADDRSTRLEN);
	if (tb[VADDR_A_ADDR6])
		inet_ntop(AF_INET6, mnl_attr_get_payload(tb[VADDR_A_ADDR6]),
			  addr6, INET6_ADDRSTRLEN);
}

/* --- domains ------------------------------------------------------------ */

static int domain_decode(const nl_attrs tb, struct domain *d)
{
	memset(d, 0, sizeof(*d));
	if (!tb[VADDR_A_DOMAIN])
		return -EBADMSG;
	snprintf(d->name, sizeof(d->name), "%s",
		 mnl_attr_get_str(tb[VADDR_A_DOMAIN]));
	addrs_decode(tb, d->addr4, d->addr6);
	if (tb[VADDR_A_NR_UIDS])
		d->nr_uids = mnl_attr_get_u32(tb[VADDR_A_NR_UIDS]);
	if (tb[VADDR_A_NR_CGROUPS])
		d->nr_cgroups = mnl_attr_get_u32(tb[VADDR_A_NR_CGROUPS]);
	if (tb[VADDR_A_FAIL_CLOSED])
		d->fail_closed = mnl_attr_get_u8(tb[VADDR_A_FAIL_CLOSED]);
	return 0;
}

static int domain_cb(const nl_attrs tb, void *data)
{
	struct domains *ds = data;
	struct domain *d;

	d = array_grow(ds->v, ds->n, sizeof(*d));
	if (!d)
		return -ENOMEM;
	ds->v = d;
	if (domain_decode(tb, &d[ds->n]))
		return -EBADMSG;
	ds->n++;
	return 0;
}

static void domains_reset(void *data)
{
	struct domains *ds = data;

	ds->n = 0;
}

static int domain_cmp(const void *a, const void *b)
{
	const struct domain *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int domains_get(struct domains *ds)
{
	struct nl_dump d = {
		.cmd = VADDR_CMD_DOMAIN_GET,
		.cb = domain_cb,
		.reset = domains_reset,
		.data = ds,
	};

	if (nl_dump(&d))
		return -1;
	ds->gen = d.gen;
	if (ds->n)
		qsort(ds->v, ds->n, sizeof(*ds->v), domain_cmp);
	return 0;
}

int domain_get(const char *name, struct domains *ds)
{
	struct nlmsghdr *nlh = nl_msg(VADDR_CMD_DOMAIN_GET);

	if (!nlh)
		return -1;
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, name);
	return nl_request(nlh, domain_cb, ds);
}

void domains_free(struct domains *ds)
{
	free(ds->v);
	ds->v = NULL;
	ds->n = 0;
}

/* --- uid and cgroup mappings, the allow list ---------------------------- */

struct maps_dump {
	struct maps *m;
	uint16_t key;			/* VADDR_A_UID or VADDR_A_CGROUP_ID */
	bool domain;			/* the messages name one */
};

static int map_decode(const nl_attrs tb, const struct maps_dump *md,
		      struct map *m)
{
	const struct nlattr *key = tb[md->key];

	if (!key || (md->domain && !tb[VADDR_A_DOMAIN]))
		return -EBADMSG;
	*m = (struct map) {
		.key = md->key == VADDR_A_UID ? mnl_attr_get_u32(key) :
						mnl_attr_get_u64(key),
	};
	if (!md->domain)
		return 0;
	m->domain = strdup(mnl_attr_get_str(tb[VADDR_A_DOMAIN]));
	return m->domain ? 0 : -ENOMEM;
}

static int map_cb(const nl_attrs tb, void *data)
{
	const struct maps_dump *md = data;
	struct maps *m = md->m;
	struct map *v;
	int err;

	v = array_grow(m->v, m->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->v = v;
	err = map_decode(tb, md, &v[m->n]);
	if (!err)
		m->n++;
	return err;
}

static void maps_reset(void *data)
{
	struct maps_dump *md = data;
	struct maps *m = md->m;

	while (m->n) {
		m->n--;
		free(m->v[m->n].domain);
		free(m->v[m->n].name);
	}
}

int map_key_cmp(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static int map_domain_cmp(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	return strcmp(x->domain, y->domain) ?: map_key_cmp(a, b);
}

static int maps_get(struct maps *m, uint8_t cmd, uint16_t key, bool domain)
{
	struct maps_dump md = { .m = m, .key = key, .domain = domain };
	struct nl_dump d = {
		.cmd = cmd,
		.cb = map_cb,
		.reset = maps_reset,
		.data = &md,
	};

	if (nl_dump(&d))
		return -1;
	m->gen = d.gen;
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), map_key_cmp);
	return 0;
}

int uid_maps_get(struct maps *m)
{
	return maps_get(m, VADDR_CMD_UID_GET, VADDR_A_UID, true);
}

int cgroup_maps_get(struct maps *m)
{
	return maps_get(m, VADDR_CMD_CGROUP_GET, VADDR_A_CGROUP_ID, true);
}

int allow_get(struct maps *m)
{
	return maps_get(m, VADDR_CMD_ALLOW_GET, VADDR_A_UID, false);
}

void maps_sort_by_domain(struct maps *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), map_domain_cmp);
}

size_t maps_run(const struct maps *m, size_t *pos, const char *domain)
{
	size_t first;

	while (*pos < m->n && strcmp(m->v[*pos].domain, domain) < 0)
		(*pos)++;
	first = *pos;
	while (*pos < m->n && !strcmp(m->v[*pos].domain, domain))
		(*pos)++;
	return first;
}

void maps_free(struct maps *m)
{
	struct maps_dump md = { .m = m };

	maps_reset(&md);
	free(m->v);
	m->v = NULL;
}

/* --- the whole table ---------------------------------------------------- */

void table_free(struct table *t)
{
	domains_free(&t->domains);
	maps_free(&t->users);
	maps_free(&t->cgroups);
}

/* Each dump is consistent; together only if they saw the same generation. */
static bool table_consistent(const struct table *t)
{
	return !nl_gen_differ(&t->domains.gen, &t->users.gen) &&
	       !nl_gen_differ(&t->domains.gen, &t->cgroups.gen) &&
	       !nl_gen_differ(&t->users.gen, &t->cgroups.gen);
}

int table_get(struct table *t)
{
	int i;

	for (i = 0; i < TABLE_TRIES; i++) {
		if (domains_get(&t->domains) || uid_maps_get(&t->users) ||
		    cgroup_maps_get(&t->cgroups))
			return -1;
		if (table_consistent(t))
			return 0;
		table_free(t);
	}
	return fail("the table kept changing while it was read, try again");
}

/* --- settings ----------------------------------------------------------- */

int settings_get(struct settings *s)
{
	struct nlmsghdr *nlh = nl_msg(VADDR_CMD_SETTINGS_GET);

	memset(s, 0, sizeof(*s));
	return nlh ? nl_request(nlh, settings_cb, s) : -1;
}

/* --- counters ----------------------------------------------------------- */

static int stats_decode(const nl_attrs tb, struct stats_row *r)
{
	const struct nlattr *attr;

	memset(r, 0, sizeof(*r));
	if (!tb[VADDR_A_DOMAIN] || !tb[VADDR_A_STATS])
		return -EBADMSG;
	snprintf(r->domain, sizeof(r->domain), "%s",
		 mnl_attr_get_str(tb[VADDR_A_DOMAIN]));
	mnl_attr_for_each_nested(attr, tb[VADDR_A_STATS]) {
		uint16_t type = mnl_attr_get_type(attr);

		/* Padding, or a counter of a newer kernel. */
		if (type <= VADDR_STAT_PAD || type > VADDR_STAT_MAX)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64))
			return -EBADMSG;
		r->count[type] = mnl_attr_get_u64(attr);
	}
	return 0;
}

static int stats_cb(const nl_attrs tb, void *data)
{
	struct stats *s = data;
	struct stats_row *r;

	r = array_grow(s->v, s->n, sizeof(*r));
	if (!r)
		return -ENOMEM;
	s->v = r;
	if (stats_decode(tb, &r[s->n]))
		return -EBADMSG;
	s->n++;
	return 0;
}

static void stats_reset(void *data)
{
	struct stats *s = data;

	s->n = 0;
}

static int stats_row_cmp(const void *a, const void *b)
{
	const struct stats_row *x = a, *y = b;

	return strcmp(x->domain, y->domain);
}

int stats_get(struct stats *s)
{
	struct nl_dump d = {
		.cmd = VADDR_CMD_STATS_GET,
		.cb = stats_cb,
		.reset = stats_reset,
		.data = s,
	};

	if (nl_dump(&d))
		return -1;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), stats_row_cmp);
	return 0;
}

void stats_free(struct stats *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* --- whoami ------------------------------------------------------------- */

static int whoami_decode(const nl_attrs tb, struct whoami *w)
{
	memset(w, 0, sizeof(*w));
	if (!tb[VADDR_A_MATCH])
		return -EBADMSG;
	w->match = mnl_attr_get_u8(tb[VADDR_A_MATCH]);
	if (w->match == VADDR_MATCH_NONE)
		return 0;
	if (!tb[VADDR_A_DOMAIN] ||
	    (w->match == VADDR_MATCH_UID && !tb[VADDR_A_UID]) ||
	    (w->match == VADDR_MATCH_CGROUP && !tb[VADDR_A_CGROUP_ID]))
		return -EBADMSG;
	snprintf(w->domain, sizeof(w->domain), "%s",
		 mnl_attr_get_str(tb[VADDR_A_DOMAIN]));
	addrs_decode(tb, w->addr4, w->addr6);
	if (tb[VADDR_A_UID])
		w->uid = mnl_attr_get_u32(tb[VADDR_A_UID]);
	if (tb[VADDR_A_CGROUP_ID])
		w->cgroup_id = mnl_attr_get_u64(tb[VADDR_A_CGROUP_ID]);
	return 0;
}

static int whoami_cb(const nl_attrs tb, void *data)
{
	return whoami_decode(tb, data);
}

int whoami_get(struct whoami *w)
{
	struct nlmsghdr *nlh = nl_msg(VADDR_CMD_WHOAMI);

	memset(w, 0, sizeof(*w));
	return nlh ? nl_request(nlh, whoami_cb, w) : -1;
}

/* --- events ------------------------------------------------------------- */

void event_decode(uint8_t cmd, const nl_attrs tb, struct event *e)
{
	memset(e, 0, sizeof(*e));
	e->cmd = cmd;
	if (!tb)
		return;
	if (tb[VADDR_A_DOMAIN])
		e->domain = mnl_attr_get_str(tb[VADDR_A_DOMAIN]);
	addrs_decode(tb, e->addr4, e->addr6);
	e->has_uid = tb[VADDR_A_UID];
	if (e->has_uid)
		e->uid = mnl_attr_get_u32(tb[VADDR_A_UID]);
	e->has_cgroup = tb[VADDR_A_CGROUP_ID];
	if (e->has_cgroup)
		e->cgroup_id = mnl_attr_get_u64(tb[VADDR_A_CGROUP_ID]);
	e->has_nr_uids = tb[VADDR_A_NR_UIDS];
	if (e->has_nr_uids)
		e->nr_uids = mnl_attr_get_u32(tb[VADDR_A_NR_UIDS]);
	e->has_nr_cgroups = tb[VADDR_A_NR_CGROUPS];
	if (e->has_nr_cgroups)
		e->nr_cgroups = mnl_attr_get_u32(tb[VADDR_A_NR_CGROUPS]);
	e->has_nat = tb[VADDR_A_NAT];
	if (e->has_nat)
		e->nat = mnl_attr_get_u8(tb[VADDR_A_NAT]);
}
