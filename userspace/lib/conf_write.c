// SPDX-License-Identifier: GPL-2.0
/*
 * Writing vaddr.conf(5), for `vaddrctl save`: what conf_parse() reads back
 * into the same table. uids are written as numbers, the exact round trip
 * (a user's name is a comment: names can move to other uids); consecutive
 * uids become ranges. A cgroup is written as its path when one was found
 * and can be written as a word, else as its id (save leaves out cgroups
 * that are gone).
 */
#include <inttypes.h>
#include <string.h>

#include "conf_write.h"

/* Unnamed uids and ranges per "user" line. */
#define CONF_USERS_PER_LINE	8

static void write_users(FILE *f, const struct map *v, size_t n)
{
	size_t i, j, words = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].key == v[j - 1].key + 1; j++)
			;
		if (j - i == 1 && v[i].name) {
			if (words)
				fputc('\n', f);
			fprintf(f, "\tuser %" PRIu64 "\t# %s\n", v[i].key,
				v[i].name);
			words = 0;
			continue;
		}
		if (words == CONF_USERS_PER_LINE) {
			fputc('\n', f);
			words = 0;
		}
		fputs(words ? " " : "\tuser ", f);
		if (j - i == 1)
			fprintf(f, "%" PRIu64, v[i].key);
		else
			fprintf(f, "%" PRIu64 "-%" PRIu64, v[i].key,
				v[j - 1].key);
		words++;
	}
	if (words)
		fputc('\n', f);
}

static void write_cgroups(FILE *f, const struct map *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *path = v[i].name;

		if (path && !path[strcspn(path, " \t\n\r\v\f#")] &&
		    (path[0] < '0' || path[0] > '9'))
			fprintf(f, "\tcgroup %s\n", path);
		else
			fprintf(f, "\tcgroup %" PRIu64 "\t# %s\n", v[i].key,
				path ? "its path cannot be written as a word" :
				       "no cgroup v2 tree to find its path in");
	}
}

void conf_write_domain(FILE *f, const struct conf_out *d)
{
	fprintf(f, "domain %s%s\n", d->name,
		d->fail_closed ? " fail-closed" : "");
	if (d->addr4 && d->addr4[0])
		fprintf(f, "\taddr %s\n", d->addr4);
	if (d->addr6 && d->addr6[0])
		fprintf(f, "\taddr %s\n", d->addr6);
	write_users(f, d->uids, d->nr_uids);
	write_cgroups(f, d->cgroups, d->nr_cgroups);
}
