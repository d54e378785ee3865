/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every part of vaddrctl uses: error messages, growing arrays,
 * splitting a line into words. A function that can fail prints why with
 * fail() and returns -1; main() turns that into exit status 1.
 */
#ifndef VADDRCTL_UTIL_H
#define VADDRCTL_UTIL_H

#include <stddef.h>

/* Where an error happened, printed before it: "FILE:LINE: " or "". */
extern const char *fail_where;

/* The message on stderr after fail_where, or "vaddrctl: "; returns -1. */
__attribute__((format(printf, 1, 2)))
int fail(const char *fmt, ...);

/* Room for element n of v: the capacity is the next power of two. */
void *array_grow(void *v, size_t n, size_t size);

/*
 * The words of s, cut in place, up to one that starts with '#': how many,
 * or -1 for more than max.
 */
int split_words(char *s, char **argv, int max);

#endif
