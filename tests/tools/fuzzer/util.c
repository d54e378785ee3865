// SPDX-License-Identifier: GPL-2.0
/*
 * What every part of the fuzzer uses: the log of recent requests and
 * fail(), the seeded random numbers, the errno sets, the interned names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* ---- output and failure ------------------------------------------------ */

uint64_t seed;
unsigned long nmsg, want_msgs;
bool verbose;

#define NLOG 24
static char oplog[NLOG][200];
static unsigned long nlog;

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(oplog[nlog++ % NLOG], sizeof(oplog[0]), fmt, ap);
	va_end(ap);
	if (verbose)
		fprintf(stderr, "# %s\n", oplog[(nlog - 1) % NLOG]);
}

void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	unsigned long i;
	va_list ap;

	fprintf(stderr, "fuzz: FAIL at message %lu: ", nmsg);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, "fuzz: the last requests, oldest first:\n");
	for (i = nlog > NLOG ? nlog - NLOG : 0; i < nlog; i++)
		fprintf(stderr, "fuzz:   %s\n", oplog[i % NLOG]);
	fprintf(stderr, "fuzz: replay with: FUZZ_SEED=%" PRIu64
		" (fuzz -s %" PRIu64 " -n %lu)\n", seed, seed, want_msgs);
	exit(1);
}

/* ---- random numbers (splitmix64: one seed, one sequence) --------------- */

uint64_t rng;

uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t rnd(uint32_t n)
{
	return n ? rnd64() % n : 0;
}

bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* ---- errno sets: what may answer a request ------------------------------ */

const int errs[NERRS] = { 0, EINVAL, ERANGE, ENOENT, EEXIST, EADDRINUSE,
			  EPERM, EOPNOTSUPP, ESTALE, EBUSY, ENOSPC };

unsigned int ebit(int e)
{
	unsigned int i;

	for (i = 0; i < NERRS; i++)
		if (errs[i] == e)
			return 1u << i;
	return 1u << 31;
}

unsigned long count_err[NERRS + 1];

const char *ename(int e)
{
	static char buf[16];

	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EADDRINUSE: return "EADDRINUSE";
	case EPERM: return "EPERM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ESTALE: return "ESTALE";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

const char *mask_str(unsigned int m)
{
	static char buf[128];
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < NERRS; i++)
		if (m & (1u << i))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", buf[0] ? "|" : "", ename(errs[i]));
	return buf;
}

/* ---- interned domain names ---------------------------------------------- */

char **names;
static int nnames;

int intern(const char *s)
{
	int i;

	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], s))
			return i;
	names = realloc(names, (nnames + 1) * sizeof(*names));
	names[nnames] = strdup(s);
	if (!names || !names[nnames])
		fail("out of memory");
	return nnames++;
}

/* The module's rule: dot-separated labels of 1-63 of [a-z0-9_-]. */
bool name_ok(const char *p)
{
	size_t label = 0;

	for (; *p; p++) {
		if (*p == '.') {
			if (!label)
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			   *p == '-' || *p == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label;
}
