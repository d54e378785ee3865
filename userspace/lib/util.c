// SPDX-License-Identifier: GPL-2.0
/*
 * Error messages, growing arrays and words: the helpers below everything
 * else, knowing nothing of netlink or of the commands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *fail_where = "";

int fail(const char *fmt, ...)
{
	va_list ap;

	fputs(*fail_where ? fail_where : "vaddrctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void *array_grow(void *v, size_t n, size_t size)
{
	if (n & (n - 1))
		return v;
	return reallocarray(v, n ? 2 * n : 1, size);
}

int split_words(char *s, char **argv, int max)
{
	int argc = 0;
	char *p;

	for (p = strtok(s, " \t\r\n\v\f"); p; p = strtok(NULL, " \t\r\n\v\f")) {
		if (*p == '#')
			break;
		if (argc == max)
			return -1;
		argv[argc++] = p;
	}
	return argc;
}
