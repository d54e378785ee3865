/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test programs share (peer.c, storm.c, nsexec.c and the
 * benchmarks' ../bench/loop.c): failing with a message, numbers and
 * options from the command line, socket addresses, and the sockets every
 * one of them opens.
 * Messages go to stderr as "PROGRAM: ...", PROGRAM the name it was run as.
 */
#ifndef TESTS_COMMON_H
#define TESTS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* An address and port, IPv4 or IPv6, as connect() and bind() take it. */
struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* The exit status of die() and fail(): 1 unless the program sets another. */
extern int fail_status;

/* A failed system call: the message, then strerror(errno); exits. */
void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);

/* Any other failure: the message alone; exits. */
void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...);

/* S as a number from 0 to MAX, or fail() naming it WHAT. */
long num(const char *s, const char *what, long max);

/*
 * One --NAME option of a command line: a flag (FLAG set), or one that
 * takes the next word as TEXT, or as a number N from 0 to MAX.
 */
struct opt {
	const char *name;
	bool *flag;
	const char **text;
	long *n;
	long max;
};

/* The ARGC words of ARGV as OPTS say (a NULL name ends them), or fail(). */
void parse_opts(int argc, char **argv, const struct opt *opts);

/* Print S on a line of its own at once (a "ready" a test waits for). */
void say(const char *s);

/*
 * TEXT and PORT as an address; AS_V6 maps an IPv4 address into IPv6.
 * ADDR%IFNAME is an IPv6 address of that interface's link (fe80::1%eth0).
 */
struct addr addr_parse(const char *text, int port, bool as_v6);

/* The address of SS in BUF (N bytes), IPv4-mapped ones as plain IPv4. */
const char *addr_ntop(const struct sockaddr_storage *ss, char *buf, size_t n);

/* socket(), or die(). */
int xsocket(int family, int type, int proto);

/* connect() FD to DST, or die(). */
void xconnect(int fd, const struct addr *dst);

/* A socket of TYPE bound to TEXT:PORT for receiving ("::" takes IPv4 too). */
int bound(const char *text, int port, int type);

#endif
