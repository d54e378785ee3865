// SPDX-License-Identifier: GPL-2.0
/*
 * The unit tests of vaddrctl: what can be checked without the module.
 * Exits non-zero if any check failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/parse.h"
#include "../lib/print.h"
#include "tap.h"

static int tests, failures;

void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failures += !cond;
}

void skip(const char *name, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tests, name, why);
}

int err_is(const char *want)
{
	if (strcmp(parse_err(), want)) {
		printf("# got:  %s\n# want: %s\n", parse_err(), want);
		return 0;
	}
	return 1;
}

int output_is(void (*print)(void), bool json, bool pretty, const char *want)
{
	char *got = NULL;
	size_t len;
	FILE *f = open_memstream(&got, &len);
	int same;

	print_init(f, json, pretty);
	print();
	fclose(f);
	same = !strcmp(got, want);
	if (!same)
		printf("# got:  %s\n# want: %s\n", got, want);
	free(got);
	return same;
}

int main(void)
{
	test_parse();
	test_print();
	test_settings();
	test_passwd();
	test_event();
	test_findings();
	test_conf();
	printf("1..%d\n", tests);
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
