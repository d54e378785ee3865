/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests: one TAP stream, "ok N - name" or "not ok N - name" per
 * check, then the plan. unit_test.c holds the helpers and main(); each
 * *_test.c file is a suite of checks.
 */
#ifndef VADDRCTL_TAP_H
#define VADDRCTL_TAP_H

#include <stdbool.h>

__attribute__((format(printf, 2, 3)))
void ok(int cond, const char *fmt, ...);
void skip(const char *name, const char *why);

/* Does parse_err() say want? Prints both when not. */
int err_is(const char *want);

/* Does print(), run with the output mode given, write exactly want? */
int output_is(void (*print)(void), bool json, bool pretty, const char *want);

void test_parse(void);
void test_print(void);
void test_settings(void);
void test_passwd(void);
void test_event(void);
void test_findings(void);
void test_conf(void);

#endif
