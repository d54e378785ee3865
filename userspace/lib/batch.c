// SPDX-License-Identifier: GPL-2.0
/*
 * The batch, after iproute2's do_batch(): it knows no command, the caller
 * passes the function that runs a line. -f (force) goes on after a
 * failure; either way the exit status says whether one failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "util.h"

#define BATCH_WORDS_MAX	64

int batch_run(const char *file, bool force, batch_cmd cmd, void *data)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	const char *name = strcmp(file, "-") ? file : "stdin";
	unsigned int line = 0, failed = 0, first = 0;
	char *argv[BATCH_WORDS_MAX];
	char where[512];
	char *buf = NULL;
	size_t size = 0;
	int argc, err;

	if (!f)
		return fail("cannot open '%s': %s", file, strerror(errno));
	while (getline(&buf, &size, f) >= 0) {
		line++;
		argc = split_words(buf, argv, BATCH_WORDS_MAX);
		if (!argc)
			continue;
		snprintf(where, sizeof(where), "%s:%u: ", name, line);
		fail_where = where;
		if (argc < 0)
			err = fail("more than %d words", BATCH_WORDS_MAX);
		else
			err = cmd(argc, argv, data);
		fail_where = "";
		fflush(stdout);
		if (!err)
			continue;
		if (!failed++)
			first = line;
		if (!force) {
			fail("%s:%u: failed, stopping here (-f goes on)", name,
			     line);
			break;
		}
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	if (failed && force)
		fail("%s: %u command%s failed, the first at line %u", name,
		     failed, failed > 1 ? "s" : "", first);
	return failed ? -1 : 0;
}
