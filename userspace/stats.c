// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl stats: the per-domain counters of VADDR_CMD_STATS_GET, one row
 * per domain, one column per VADDR_STAT_* counter.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/ipc.h"
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
	STAT_NAME(FAIL_CLOSED_NAT),
};

_Static_assert(VADDR_STAT_MAX == VADDR_STAT_FAIL_CLOSED_NAT,
	       "a VADDR_STAT_* counter was added: name it in stat_names");

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

int cmd_stats(int argc, char **argv)
{
	struct stats s = {};
	int err;

	if (no_more_args(argc, argv))
		return -1;
	err = stats_get(&s);
	if (!err)
		stats_print(&s);
	stats_free(&s);
	return err;
}
