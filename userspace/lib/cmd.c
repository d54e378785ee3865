// SPDX-License-Identifier: GPL-2.0
/*
 * Running a command table, and printing its usage. Keywords match
 * exactly, as in iproute2 now: no abbreviations.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "parse.h"
#include "util.h"

/* A line per synopsis; *lead starts the first line, rest the others. */
static void cmd_lines(FILE *f, const struct cmd *cmds, const char *object,
		      const char **lead, const char *rest)
{
	const struct cmd *c;
	const char *args;
	int n;

	for (c = cmds; c->name; c++) {
		if (c->sub) {
			cmd_lines(f, c->sub, c->name, lead, rest);
			continue;
		}
		args = c->args;
		do {
			n = strcspn(args, "\n");
			fprintf(f, "%s%s%s%s%s%.*s\n", *lead,
				object ? object : "", object ? " " : "",
				c->name, n ? " " : "", n, args);
			*lead = rest;
			args += n + !!args[n];
		} while (*args);
	}
}

void cmd_list(FILE *f, const struct cmd *cmds, const char *object,
	      const char *first, const char *rest)
{
	cmd_lines(f, cmds, object, &first, rest);
}

int cmd_usage(const struct cmd *cmds, const char *object)
{
	cmd_list(stderr, cmds, object, "Usage: vaddrctl ", "       vaddrctl ");
	return -1;
}

int cmd_run(const struct cmd *cmds, const char *object, int argc,
	    char **argv)
{
	const struct cmd *c;

	if (argc < 1)
		return cmd_usage(cmds, object);
	for (c = cmds; c->name; c++) {
		if (!is_keyword(argv[0], c->name))
			continue;
		if (c->sub)
			return cmd_run(c->sub, c->name, argc - 1, argv + 1);
		return c->fn(argc - 1, argv + 1);
	}
	if (!object)
		return fail("unknown command '%s', see 'vaddrctl help'",
			    argv[0]);
	fail("unknown command '%s %s'", object, argv[0]);
	return cmd_usage(cmds, object);
}

int no_more_args(int argc, char **argv)
{
	return argc ? fail("unexpected argument '%s'", argv[0]) : 0;
}

int expect_keyword(int argc, char **argv, const char *keyword)
{
	if (!is_keyword(argv[0], keyword))
		return fail("expected '%s', got '%s'", keyword, argv[0]);
	return no_more_args(argc - 2, argv + 2);
}
