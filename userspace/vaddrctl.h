/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of vaddrctl, as the dispatch table of vaddrctl.c runs them:
 * an object's table of subcommands, or the handler of a command, each
 * defined in the file named after it. A handler gets the words after its
 * own and returns 0, or -1 once it printed why it failed.
 */
#ifndef VADDRCTL_H
#define VADDRCTL_H

#include "lib/cmd.h"

extern const struct cmd cmd_domain[];		/* domain.c */
extern const struct cmd cmd_user[];		/* user.c */
extern const struct cmd cmd_cgroup[];		/* cgroup.c */

int cmd_show(int argc, char **argv);		/* show.c */
int cmd_set(int argc, char **argv);		/* set.c */
int cmd_stats(int argc, char **argv);		/* stats.c */

/* table.c: the whole table at once */
int cmd_flush(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_save(int argc, char **argv);

int cmd_monitor(int argc, char **argv);		/* monitor.c */
int cmd_whoami(int argc, char **argv);		/* whoami.c */
int cmd_exec(int argc, char **argv);		/* exec.c */
int cmd_doctor(int argc, char **argv);		/* doctor.c */

#endif
