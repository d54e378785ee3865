// SPDX-License-Identifier: GPL-2.0
/*
 * The uid and cgroup mappings, read with VADDR_CMD_UID_GET or
 * VADDR_CMD_CGROUP_GET dumps: both map a key to a domain name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vaddrctl.h"

struct maps_dump {
	struct maps *m;
	uint8_t cmd;
};

static int map_cb(const nl_attrs tb, void *data)
{
	const struct maps_dump *md = data;
	struct maps *m = md->m;
	struct map *v;
	uint64_t key;

	if (!tb[VADDR_A_DOMAIN])
		return -EBADMSG;
	if (md->cmd == VADDR_CMD_UID_GET && tb[VADDR_A_UID])
		key = mnl_attr_get_u32(tb[VADDR_A_UID]);
	else if (md->cmd == VADDR_CMD_CGROUP_GET && tb[VADDR_A_CGROUP_ID])
		key = mnl_attr_get_u64(tb[VADDR_A_CGROUP_ID]);
	else
		return -EBADMSG;
	v = array_grow(m->v, m->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->v = v;
	v[m->n] = (struct map) {
		.key = key,
		.domain = strdup(mnl_attr_get_str(tb[VADDR_A_DOMAIN])),
	};
	return v[m->n++].domain ? 0 : -ENOMEM;
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

/* All mappings of one kind, sorted by key. */
int maps_get(struct maps *m, uint8_t cmd)
{
	struct maps_dump md = { .m = m, .cmd = cmd };
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

void maps_sort_by_domain(struct maps *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), map_domain_cmp);
}

void maps_free(struct maps *m)
{
	struct maps_dump md = { .m = m };

	maps_reset(&md);
	free(m->v);
	m->v = NULL;
}
