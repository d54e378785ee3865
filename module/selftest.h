/* SPDX-License-Identifier: GPL-2.0 */
/*
 * selftest.c: a self-test of the table, in a module built with
 * VADDR_SELFTEST=y only (tests/vm/selftest.sh); elsewhere it passes
 * without a word.
 */
#ifndef _VADDR_SELFTEST_H
#define _VADDR_SELFTEST_H

#ifdef VADDR_SELFTEST
int vaddr_selftest(void);
#else
static inline int vaddr_selftest(void)
{
	return 0;
}
#endif

#endif /* _VADDR_SELFTEST_H */
