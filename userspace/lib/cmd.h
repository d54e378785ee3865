/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command tables: each word of a command line picks a row, which runs a
 * handler or leads to the table of the next word. The rows also make the
 * usage lines, so that what runs and what the help says are one table.
 */
#ifndef VADDRCTL_CMD_H
#define VADDRCTL_CMD_H

#include <stdio.h>

/* A command word: a handler, or the table of the words that follow it. */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct cmd *sub;
	/* Synopsis of the handler's arguments; '\n' separates two forms. */
	const char *args;
};

/* Run the row argv[0] names in cmds, which follow the word object. */
int cmd_run(const struct cmd *cmds, const char *object, int argc,
	    char **argv);

/* The usage lines of cmds on stderr; returns -1. */
int cmd_usage(const struct cmd *cmds, const char *object);

/* A line per command of cmds and the tables below: first, then rest lead. */
void cmd_list(FILE *f, const struct cmd *cmds, const char *object,
	      const char *first, const char *rest);

/* Words left after a complete command are an error, not ignored. */
int no_more_args(int argc, char **argv);

/* argv: keyword VALUE, and nothing after. */
int expect_keyword(int argc, char **argv, const char *keyword);

#endif
