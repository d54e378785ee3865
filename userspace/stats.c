// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl stats: the per-domain counters of VADDR_CMD_STATS_GET, one row
 * per domain, one column per VADDR_STAT_* counter.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/print.h"
#include "vaddrctl.h"

/* Column header VADDR_STAT_FOO is "FOO"; its JSON key is "foo". */
#define STAT_NAME(x)	[VADDR_STAT_##x] = #x

static const char *const stat_names[VADDR_STAT_MAX + 1] = {
	STAT_NAME(BOUND4),
	STAT_NAME(BOUND6),
	STAT_NAME(SKIP_BOUND),
	STAT_NAME(SKIP_LOOPBACK),
	STAT_NAME(SKIP_SCOPE),
	STAT_NAME(SKIP_NO_ADDR),
	STAT_NAME(SKIP_ADDR_GONE),
	STAT_NAME(SKIP_KERNEL),
	STAT_NAME(NAT4),
	STAT_NAME(NAT6),
	STAT_NAME(ISOLATED),
	STAT_NAME(FAIL_CLOSED),
};

_Static_assert(VADDR_STAT_MAX == VADDR_STAT_FAIL_CLOSED,
	       "a VADDR_STAT_* counter was added: name it in stat_names");

struct stats_row {
	char domain[VADDR_DOMAIN_MAX + 1];
	uint64_t count[VADDR_STAT_MAX + 1];
};

struct stats {
	struct stats_row *v;
	size_t n;
};

static int stats_nest(struct stats_row *r, const struct nlattr *nest)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);

		/* Padding, or a counter of a newer kernel. */
		if (type > VADDR_STAT_MAX || !stat_names[type])
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

	if (!tb[VADDR_A_DOMAIN] || !tb[VADDR_A_STATS])
		return -EBADMSG;
	r = array_grow(s->v, s->n, sizeof(*r));
	if (!r)
		return -ENOMEM;
	s->v = r;
	r = memset(&r[s->n++], 0, sizeof(*r));
	snprintf(r->domain, sizeof(r->domain), "%s",
		 mnl_attr_get_str(tb[VADDR_A_DOMAIN]));
	return stats_nest(r, tb[VADDR_A_STATS]);
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

static const char *stat_key(int i)
{
	static char key[32];
	size_t j;

	for (j = 0; stat_names[i][j] && j < sizeof(key) - 1; j++)
		key[j] = tolower((unsigned char)stat_names[i][j]);
	key[j] = '\0';
	return key;
}

static void stats_row_print(const struct stats_row *r, const int *w)
{
	int i;

	print_open_object(NULL);
	print_str(PRINT_ANY, "domain", -w[0], r->domain);
	for (i = 0; i <= VADDR_STAT_MAX; i++) {
		if (!stat_names[i])
			continue;
		print_text("  ");
		print_u64(PRINT_ANY, stat_key(i), w[i], r->count[i]);
	}
	print_text("\n");
	print_close_object();
}

/* w[0] is the domain column, w[i] the column of counter i. */
static void stats_print(const struct stats *s)
{
	int i, w[VADDR_STAT_MAX + 1] = { 6 };	/* "DOMAIN" */
	const struct stats_row *r;

	for (i = 1; i <= VADDR_STAT_MAX; i++)
		w[i] = stat_names[i] ? strlen(stat_names[i]) : 0;
	for (r = s->v; r < s->v + s->n; r++) {
		w[0] = print_width(w[0], r->domain);
		for (i = 1; i <= VADDR_STAT_MAX; i++)
			w[i] = print_u64_width(w[i], r->count[i]);
	}
	if (s->n) {
		print_text("%-*s", w[0], "DOMAIN");
		for (i = 1; i <= VADDR_STAT_MAX; i++)
			if (stat_names[i])
				print_text("  %*s", w[i], stat_names[i]);
		print_text("\n");
	}
	print_open_array(NULL);
	for (r = s->v; r < s->v + s->n; r++)
		stats_row_print(r, w);
	print_close_array();
}

int do_stats(int argc, char **argv)
{
	struct stats s = {};
	struct nl_dump d = {
		.cmd = VADDR_CMD_STATS_GET,
		.cb = stats_cb,
		.reset = stats_reset,
		.data = &s,
	};
	int err;

	if (no_more_args(argc, argv))
		return -1;
	err = nl_dump(&d);
	if (!err) {
		if (s.n)
			qsort(s.v, s.n, sizeof(*s.v), stats_row_cmp);
		stats_print(&s);
	}
	free(s.v);
	return err;
}
