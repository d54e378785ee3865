/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaddrctl -b FILE: one command a line, as its words after "vaddrctl"
 * (no global options, no quoting), '#' starting a comment.
 */
#ifndef VADDRCTL_BATCH_H
#define VADDRCTL_BATCH_H

#include <stdbool.h>

/* Runs the words of one line; 0, or -1 once it printed why it failed. */
typedef int (*batch_cmd)(int argc, char **argv, void *data);

/*
 * Call cmd with each line of file ('-': stdin), errors prefixed with
 * FILE:LINE. The first failure stops the batch unless force; either way
 * the result is -1 if a line failed.
 */
int batch_run(const char *file, bool force, batch_cmd cmd, void *data);

#endif
