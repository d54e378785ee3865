// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model of the namespace's table: what a request may get
 * back, what it changes when it succeeds, and the table as dump lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* ---- the reference model ------------------------------------------------ */

void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	p = realloc(p, *cap * size);
	if (!p)
		fail("out of memory");
	return p;
}

struct table *table_new(void)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		fail("out of memory");
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	free(t->d);
	free(t->u);
	free(t->c);
	free(t);
}

struct dom *dom_find(struct table *t, int name)
{
	size_t i;

	for (i = 0; i < t->nd; i++)
		if (t->d[i].name == name)
			return &t->d[i];
	return NULL;
}

static bool addr_used(struct table *t, const uint8_t *a, bool v6)
{
	size_t i;

	for (i = 0; i < t->nd; i++)
		if (v6 ? t->d[i].has6 && !memcmp(t->d[i].a6, a, 16) :
			 t->d[i].has4 && !memcmp(t->d[i].a4, a, 4))
			return true;
	return false;
}

struct map *map_find(struct map *m, size_t n, uint64_t key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].key == key)
			return &m[i];
	return NULL;
}

static size_t map_count(struct map *m, size_t n, int name)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += m[i].name == name;
	return k;
}

static void map_del(struct map *m, size_t *n, struct map *e)
{
	*e = m[--*n];
}

static void dom_del(struct table *t, struct dom *d)
{
	int name = d->name;
	size_t i;

	for (i = 0; i < t->nu;)
		if (t->u[i].name == name)
			map_del(t->u, &t->nu, &t->u[i]);
		else
			i++;
	for (i = 0; i < t->nc;)
		if (t->c[i].name == name)
			map_del(t->c, &t->nc, &t->c[i]);
		else
			i++;
	*d = t->d[--t->nd];
}

struct table *live;
uint32_t *allow;
size_t nallow, callow;
bool set_nat = true, set_iso;
bool gen_known;
uint32_t gen;

/* Whether the caller may change the table (CAP_NET_ADMIN over the netns). */
bool admin;

/* The module's max_entries, when the caller says (-m): 0, no limit. */
unsigned long max_entries;

/* Whether @n more entries would take @t over max_entries. */
static bool over(const struct table *t, size_t n)
{
	return max_entries && t->nd + t->nu + t->nc + n > max_entries;
}

static bool full(const struct table *t)
{
	return over(t, 1);
}

/*
 * UID_ADD with a list (VADDR_A_UIDS): all of it or nothing. The list is
 * checked before the table: a uid with it, an empty list, a uid the
 * caller's namespace does not map; then the table, the domain, the room,
 * and the uids mapped already or listed twice.
 */
static unsigned int predict_uids(const struct table *t, const struct req *r)
{
	unsigned int i, j, m = 0;

	if (r->has_uid || !r->nuids)
		return ebit(EINVAL);
	for (i = 0; i < r->nuids; i++)
		if (!uid_valid(r->uids[i]))
			return ebit(EINVAL);
	if (!t)
		return ebit(ENOENT);
	if (!r->has_name)
		return ebit(EINVAL);
	if (!dom_find((struct table *)t, r->name))
		return ebit(ENOENT);
	if (over(t, r->nuids))
		m |= ebit(ENOSPC);
	for (i = 0; i < r->nuids; i++) {
		if (map_find(t->u, t->nu, r->uids[i]))
			m |= ebit(EEXIST);
		for (j = 0; j < i; j++)
			if (r->uids[j] == r->uids[i])
				m |= ebit(EEXIST);
	}
	return m ? m : OK;
}

/* ---- predictions ------------------------------------------------------- */

/*
 * The answers the module may give @r sent on @s: a set, since where
 * several checks fail the order they run in is not the protocol.
 */
unsigned int predict(struct sk *s, const struct req *r)
{
	struct table *t = r->staged ? s->stage : live;
	unsigned int m = 0;
	int c;

	if (!admin && !ops[r->cmd].public)
		return ebit(EPERM);
	switch (r->cmd) {
	case VADDR_CMD_DOMAIN_NEW:
		if (!r->has_name || !name_ok(names[r->name]))
			m |= ebit(EINVAL);
		if ((r->has4 && addr_class(r->a4, false) != 1) ||
		    (r->has6 && addr_class(r->a6, true) != 1) ||
		    (!r->has4 && !r->has6))
			m |= ebit(EINVAL);
		if (m)
			return m;
		if (!t)
			return ebit(ENOENT);
		if (dom_find(t, r->name))
			m |= ebit(EEXIST);
		if ((r->has4 && addr_used(t, r->a4, false)) ||
		    (r->has6 && addr_used(t, r->a6, true)))
			m |= ebit(EADDRINUSE);
		if (!m && full(t))
			m |= ebit(ENOSPC);
		return m ? m : OK;
	case VADDR_CMD_DOMAIN_SET:
		if (!r->has_fc)
			return ebit(EINVAL);
		/* fall through */
	case VADDR_CMD_DOMAIN_DEL:
	case VADDR_CMD_DOMAIN_GET:
		if (r->dump)
			return OK;
		if (!t)
			m |= ebit(ENOENT);
		if (!r->has_name)
			m |= ebit(EINVAL);
		else if (t && !dom_find(t, r->name))
			m |= ebit(ENOENT);
		return m ? m : OK;
	case VADDR_CMD_UID_ADD:
	case VADDR_CMD_UID_DEL:
		if (r->cmd == VADDR_CMD_UID_ADD && r->has_uids)
			return predict_uids(t, r);
		if (!r->has_uid || !uid_valid(r->uid))
			return ebit(EINVAL);
		if (!t)
			return ebit(ENOENT);
		if (r->cmd == VADDR_CMD_UID_DEL)
			return map_find(t->u, t->nu, r->uid) ? OK : ebit(ENOENT);
		if (!r->has_name)
			return ebit(EINVAL);
		if (!dom_find(t, r->name))
			return ebit(ENOENT);
		if (full(t))
			m |= ebit(ENOSPC);
		if (map_find(t->u, t->nu, r->uid))
			m |= ebit(EEXIST);
		return m ? m : OK;
	case VADDR_CMD_CGROUP_ADD:
		if (!r->has_cg)
			return ebit(EINVAL);
		c = cg_exists(r->cg);
		if (!c)
			return ebit(ENOENT);
		if (c < 0)
			m |= ebit(ENOENT);
		if (!t)
			return m | ebit(ENOENT);
		if (!r->has_name)
			return m | ebit(EINVAL);
		if (!dom_find(t, r->name))
			return m | ebit(ENOENT);
		if (full(t))
			return m | ebit(ENOSPC) |
			       (map_find(t->c, t->nc, r->cg) ? ebit(EEXIST) : 0);
		if (map_find(t->c, t->nc, r->cg))
			return m | ebit(EEXIST);
		return m | OK;
	case VADDR_CMD_CGROUP_DEL:
		if (!r->has_cg)
			return ebit(EINVAL);
		if (!t)
			return ebit(ENOENT);
		return map_find(t->c, t->nc, r->cg) ? OK : ebit(ENOENT);
	case VADDR_CMD_ALLOW_ADD:
	case VADDR_CMD_ALLOW_DEL: {
		bool in = false;
		size_t i;

		if (!r->has_uid || !uid_valid(r->uid))
			return ebit(EINVAL);
		for (i = 0; i < nallow; i++)
			in |= allow[i] == r->uid;
		if (r->cmd == VADDR_CMD_ALLOW_ADD)
			return in ? ebit(EEXIST) : OK;
		return in ? OK : ebit(ENOENT);
	}
	case VADDR_CMD_REPLACE_BEGIN:
		return s->stage ? ebit(EEXIST) : OK;
	case VADDR_CMD_REPLACE_ABORT:
		return s->stage ? OK : ebit(ENOENT);
	case VADDR_CMD_REPLACE_COMMIT:
		if (!s->stage)
			return ebit(ENOENT);
		if (r->has_gen && !gen_known)
			return OK | ebit(ESTALE);
		if (r->has_gen && r->gen != gen)
			return ebit(ESTALE);
		return OK;
	default:
		return OK;	/* flush, settings, whoami, dumps */
	}
}

void apply(struct sk *s, const struct req *r)
{
	struct table *t = r->staged ? s->stage : live;
	bool changed = !r->staged;
	struct map *e;
	struct dom *d;
	unsigned int i;

	switch (r->cmd) {
	case VADDR_CMD_DOMAIN_NEW:
		t->d = grow(t->d, &t->cd, t->nd, sizeof(*t->d));
		d = &t->d[t->nd++];
		memset(d, 0, sizeof(*d));
		d->name = r->name;
		d->has4 = r->has4;
		d->has6 = r->has6;
		memcpy(d->a4, r->a4, 4);
		memcpy(d->a6, r->a6, 16);
		d->fc = r->has_fc && r->fc;
		d->fixed_nu = d->fixed_nc = -1;
		break;
	case VADDR_CMD_DOMAIN_DEL:
		dom_del(t, dom_find(t, r->name));
		break;
	case VADDR_CMD_DOMAIN_SET:
		dom_find(t, r->name)->fc = r->fc;
		break;
	case VADDR_CMD_UID_ADD:
		for (i = 0; i < (r->has_uids ? r->nuids : 1); i++) {
			t->u = grow(t->u, &t->cu, t->nu, sizeof(*t->u));
			t->u[t->nu].key = r->has_uids ? r->uids[i] : r->uid;
			t->u[t->nu++].name = r->name;
		}
		break;
	case VADDR_CMD_UID_DEL:
		map_del(t->u, &t->nu, map_find(t->u, t->nu, r->uid));
		break;
	case VADDR_CMD_CGROUP_ADD:
		t->c = grow(t->c, &t->cc, t->nc, sizeof(*t->c));
		t->c[t->nc].key = r->cg;
		t->c[t->nc++].name = r->name;
		break;
	case VADDR_CMD_CGROUP_DEL:
		e = map_find(t->c, t->nc, r->cg);
		map_del(t->c, &t->nc, e);
		break;
	case VADDR_CMD_FLUSH:
		table_free(live);
		live = table_new();
		break;
	case VADDR_CMD_SETTINGS_SET:
		if (r->has_nat)
			set_nat = r->nat;
		if (r->has_iso)
			set_iso = r->iso;
		break;
	case VADDR_CMD_ALLOW_ADD:
		allow = grow(allow, &callow, nallow, sizeof(*allow));
		allow[nallow++] = r->uid;
		break;
	case VADDR_CMD_ALLOW_DEL: {
		size_t i;

		for (i = 0; allow[i] != r->uid; i++)
			;
		allow[i] = allow[--nallow];
		break;
	}
	case VADDR_CMD_REPLACE_BEGIN:
		s->stage = table_new();
		changed = false;
		st_begin++;
		break;
	case VADDR_CMD_REPLACE_COMMIT:
		table_free(live);
		live = s->stage;
		s->stage = NULL;
		st_commit++;
		break;
	case VADDR_CMD_REPLACE_ABORT:
		table_free(s->stage);
		s->stage = NULL;
		changed = false;
		st_abort++;
		break;
	default:
		changed = false;
	}
	if (changed)
		gen_known = false;
}

/* ---- the model as lines, like the dumps -------------------------------- */

void fmt_addr(char *buf, size_t n, bool has, const uint8_t *a, bool v6)
{
	if (!has)
		snprintf(buf, n, "-");
	else if (!v6)
		snprintf(buf, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		snprintf(buf, n, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:"
			 "%02x%02x:%02x%02x:%02x%02x:%02x%02x",
			 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
			 a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
}

void dom_line(char *buf, size_t n, const char *name, bool has4,
	      const uint8_t *a4, bool has6, const uint8_t *a6,
	      unsigned int fc, unsigned long nu, unsigned long nc)
{
	char s4[20], s6[48];

	fmt_addr(s4, sizeof(s4), has4, a4, false);
	fmt_addr(s6, sizeof(s6), has6, a6, true);
	snprintf(buf, n, "domain %s %s %s fc=%u uids=%lu cgroups=%lu", name,
		 s4, s6, fc, nu, nc);
}

void model_dom_line(char *buf, size_t n, struct table *t,
		    const struct dom *d)
{
	unsigned long nu = d->fixed_nu >= 0 ? (unsigned long)d->fixed_nu :
			   map_count(t->u, t->nu, d->name);
	unsigned long nc = d->fixed_nc >= 0 ? (unsigned long)d->fixed_nc :
			   map_count(t->c, t->nc, d->name);

	dom_line(buf, n, names[d->name], d->has4, d->a4, d->has6, d->a6,
		 d->fc, nu, nc);
}

void model_lines(uint8_t cmd, struct lines *l)
{
	char buf[512];
	size_t i;

	switch (cmd) {
	case VADDR_CMD_DOMAIN_GET:
		for (i = 0; i < live->nd; i++) {
			model_dom_line(buf, sizeof(buf), live, &live->d[i]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_STATS_GET:
		for (i = 0; i < live->nd; i++) {
			snprintf(buf, sizeof(buf), "stats %s",
				 names[live->d[i].name]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_UID_GET:
		for (i = 0; i < live->nu; i++) {
			snprintf(buf, sizeof(buf), "uid %" PRIu64 " %s",
				 live->u[i].key, names[live->u[i].name]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_CGROUP_GET:
		for (i = 0; i < live->nc; i++) {
			snprintf(buf, sizeof(buf), "cgroup %" PRIu64 " %s",
				 live->c[i].key, names[live->c[i].name]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_ALLOW_GET:
		for (i = 0; i < nallow; i++) {
			snprintf(buf, sizeof(buf), "allow %u", allow[i]);
			lines_add(l, buf);
		}
		break;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Equal as sets of lines; else print the difference and fail. */
void lines_compare(const char *what, struct lines *kernel,
		   struct lines *model)
{
	size_t i = 0, j = 0, shown = 0;
	bool same;

	qsort(kernel->v, kernel->n, sizeof(char *), cmp_str);
	qsort(model->v, model->n, sizeof(char *), cmp_str);
	same = kernel->n == model->n;
	for (i = 0; same && i < kernel->n; i++)
		same = !strcmp(kernel->v[i], model->v[i]);
	if (same)
		return;
	fprintf(stderr, "fuzz: %s: the kernel's dump (+) and the model (-)"
		" differ:\n", what);
	i = 0;
	while ((i < kernel->n || j < model->n) && shown < 40) {
		int c = i >= kernel->n ? 1 : j >= model->n ? -1 :
			strcmp(kernel->v[i], model->v[j]);

		if (!c) {
			i++;
			j++;
			continue;
		}
		shown++;
		if (c < 0)
			fprintf(stderr, "fuzz:   + %s\n", kernel->v[i++]);
		else
			fprintf(stderr, "fuzz:   - %s\n", model->v[j++]);
	}
	fail("%s: dump and model differ (%zu lines vs %zu)", what, kernel->n,
	     model->n);
}
