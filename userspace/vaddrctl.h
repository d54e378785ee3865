/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaddrctl: what the command files share. Every handler and helper that can
 * fail prints why and returns -1; main() turns that into exit status 1.
 */
#ifndef VADDRCTL_H
#define VADDRCTL_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cmd.h"
#include "lib/util.h"
#include "lib/ipc.h"
#include "lib/nl.h"

/* domain.c */
extern const struct cmd domain_cmds[];

/* user.c */
extern const struct cmd user_cmds[];
/* cgroup.c */
extern const struct cmd cgroup_cmds[];

/* show.c, set.c */
int do_show(int argc, char **argv);
int do_set(int argc, char **argv);

/* table.c */
int do_flush(int argc, char **argv);
int do_load(int argc, char **argv);
int do_check(int argc, char **argv);
int do_save(int argc, char **argv);

/* stats.c */
int do_stats(int argc, char **argv);

/* monitor.c, whoami.c, exec.c, doctor.c */
int do_monitor(int argc, char **argv);
int do_whoami(int argc, char **argv);
int do_exec(int argc, char **argv);
int do_doctor(int argc, char **argv);

#endif
