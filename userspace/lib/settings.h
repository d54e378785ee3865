/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The settings of the namespace (VADDR_CMD_SETTINGS_SET/GET), from a table
 * in settings.c with one entry per setting: its words on the command line,
 * its attribute and how it prints. Nothing here talks to the kernel or
 * prints an error: a failing parser leaves its reason in parse_err().
 */
#ifndef VADDRCTL_SETTINGS_H
#define VADDRCTL_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nl.h"

/*
 * What the module found when it loaded, reported with the settings: not
 * settings, since nothing sets them.
 */
struct module_state {
	bool known;			/* the module reported it */
	bool refusal;			/* connects can be refused */
	uint64_t missed;		/* connects its probes missed */
};

struct settings {
	uint32_t given;			/* bit i: entry i of the table is set */
	bool nat;
	bool isolation;
	struct module_state module;
};

/* The words of "vaddrctl set": SETTING VALUE..., each setting once. */
int settings_parse(int argc, char **argv, struct settings *s);

/* Add the attribute of each given setting to a VADDR_CMD_SETTINGS_SET. */
void settings_put(struct nlmsghdr *nlh, const struct settings *s);

/* An nl_msg_cb reading a VADDR_CMD_SETTINGS_GET reply into data, a settings. */
int settings_cb(const nl_attrs tb, void *data);

/*
 * Text: a "name: value" line per setting. JSON: "name": value, in the
 * object the caller opened. A setting the kernel did not report is "-"
 * or null.
 */
void settings_print(const struct settings *s);

/*
 * Text: "connect refusal: works|unavailable ..." and "missed connects: N".
 * JSON: "connect_refusal": bool, "missed_connects": N. Nothing when the
 * module did not report them.
 */
void module_state_print(const struct module_state *m);

/* The settings and their values, for the help text. */
void settings_help(FILE *f);

#endif
