// SPDX-License-Identifier: GPL-2.0
/* What the test programs share: see common.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int fail_status = 1;

static void __attribute__((noreturn)) vfail(int err, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(fail_status);
}

void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vfail(err, fmt, ap);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(0, fmt, ap);
}

long num(const char *s, const char *what, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < 0 || v > max)
		fail("bad %s '%s'", what, s);
	return v;
}

void parse_opts(int argc, char **argv, const struct opt *opts)
{
	for (int i = 0; i < argc; i++) {
		const struct opt *o = opts;

		while (o->name && strcmp(argv[i], o->name))
			o++;
		if (!o->name || (!o->flag && i + 1 == argc))
			fail("unknown option '%s'", argv[i]);
		if (o->flag)
			*o->flag = true;
		else if (o->text)
			*o->text = argv[++i];
		else
			*o->n = num(argv[++i], o->name, o->max);
	}
}

void say(const char *s)
{
	puts(s);
	fflush(stdout);
}

struct addr addr_parse(const char *text, int port, bool as_v6)
{
	struct addr a = { 0 };
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a.ss;
	const char *pct = strchr(text, '%');
	struct in_addr v4;
	char v6[INET6_ADDRSTRLEN];

	if (pct && (size_t)(pct - text) < sizeof(v6)) {
		/* ADDR%IFNAME: an IPv6 address of that link. */
		memcpy(v6, text, pct - text);
		v6[pct - text] = 0;
		s6->sin6_scope_id = if_nametoindex(pct + 1);
		if (!s6->sin6_scope_id || inet_pton(AF_INET6, v6, &s6->sin6_addr) != 1)
			fail("bad address '%s'", text);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		a.len = sizeof(*s6);
	} else if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		a.len = sizeof(*s6);
	} else if (inet_pton(AF_INET, text, &v4) == 1 && as_v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], &v4, 4);
		a.len = sizeof(*s6);
	} else if (inet_pton(AF_INET, text, &v4) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr = v4;
		a.len = sizeof(*s4);
	} else {
		fail("bad address '%s'", text);
	}
	return a;
}

const char *addr_ntop(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &s4->sin_addr, buf, n);
	else if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, n);
	else
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, n);
	return buf;
}

int xsocket(int family, int type, int proto)
{
	int fd = socket(family, type, proto);

	if (fd < 0)
		die("socket");
	return fd;
}

void xconnect(int fd, const struct addr *dst)
{
	if (connect(fd, (const struct sockaddr *)&dst->ss, dst->len) < 0)
		die("connect");
}

int bound(const char *text, int port, int type)
{
	struct addr a = addr_parse(text, port, false);
	int fd = xsocket(a.ss.ss_family, type | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR");
	if (a.ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
		die("IPV6_V6ONLY");
	if (bind(fd, (struct sockaddr *)&a.ss, a.len) < 0)
		die("bind %s port %d", text, port);
	return fd;
}
