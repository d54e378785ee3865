// SPDX-License-Identifier: GPL-2.0
/*
 * loop: the benchmark workloads. Each client command times N operations with
 * CLOCK_MONOTONIC and prints one line, "ops=N ns_per_op=X"; any failed system
 * call ends the run with a message on stderr and status 1, since a run with
 * errors in it measures something else.
 *
 *   loop tcp-connect DST PORT N [--v6] [--timewait]
 *       N x (socket, connect, close). close() after SO_LINGER {1, 0} sends a
 *       RST and leaves no TIME_WAIT, so any N fits in the ephemeral range;
 *       --timewait closes normally (FIN, TIME_WAIT on this side).
 *   loop tcp-churn DST PORT N [--dsts K] [--bind ADDR [--no-port]]
 *       N x (socket, connect, close with FIN: TIME_WAIT here), to K
 *       destinations DST, DST+1, ... (IPv4, round robin; default 1). A
 *       failed connect is counted, not fatal: the line ends with
 *       "failed=F slow=S max_ms=M first_error=E", S the connects that took
 *       over 200 ms. --bind binds to ADDR port 0 first; --no-port with
 *       IP_BIND_ADDRESS_NO_PORT, so the port is chosen at connect.
 *   loop udp-connect DST PORT N [--v6]
 *       N x (socket, connect, send one byte, close).
 *   loop ping-connect DST PORT N
 *       N x (socket, connect, send one echo request, close) on an ICMP
 *       datagram socket, a "ping socket" as ping(8) opens one (the user's
 *       group must be in net.ipv4.ping_group_range); PORT is not used.
 *   loop udp-send DST PORT N [--v6] [--flows K]
 *       N x sendto() of an 8-byte datagram on an unconnected socket. Without
 *       --flows: one socket per run, so one 5-tuple (one conntrack flow);
 *       each packet after the first measures the per-packet path. --flows K: a fresh
 *       socket (a new source port, so a new flow) every K datagrams; the
 *       socket() and close() are in the timing, once per K datagrams.
 *   loop tcp-sink ADDR PORT [--cpu C] [--eof]   accept and close, forever;
 *       --eof reads each connection to its end first, so that the client
 *       closes first and the TIME_WAIT is the client's
 *   loop udp-sink ADDR PORT [--cpu C]    read and drop, forever
 *
 * Client options: --stdin makes one process do many runs: one per line of
 * stdin, of the N on that line (empty line: N), until end of input; a
 * benchmark saves the ~0.15 s of starting a process per run under emulation
 * and the runs it compares come closer in time. --warmup W runs W untimed operations first (default N/20:
 * the first operations fault in pages and fill caches). --v6 with an IPv4
 * DST uses an AF_INET6 socket and the v4-mapped address.
 * --cpu C (all commands) pins the process to CPU C: a client and its sink
 * sharing a CPU, or moving between CPUs, makes runs differ by up to 2x.
 * Sinks print "ready" once they can receive, then nothing; "::" takes IPv4 too.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static struct {
	bool v6, timewait, stdin, eof, no_port;
	long flows, warmup, cpu, dsts;
	const char *bind;
} opt = { .warmup = -1, .cpu = -1, .dsts = 1 };

static const struct opt opts[] = {
	{ "--bind", .text = &opt.bind },
	{ "--cpu", .n = &opt.cpu, .max = CPU_SETSIZE - 1 },
	{ "--dsts", .n = &opt.dsts, .max = 1L << 16 },
	{ "--eof", .flag = &opt.eof },
	{ "--flows", .n = &opt.flows, .max = 1L << 40 },
	{ "--no-port", .flag = &opt.no_port },
	{ "--stdin", .flag = &opt.stdin },
	{ "--timewait", .flag = &opt.timewait },
	{ "--v6", .flag = &opt.v6 },
	{ "--warmup", .n = &opt.warmup, .max = 1L << 40 },
	{ NULL }
};

/* A socket no child inherits, or die(). */
static int sock(int family, int type)
{
	return xsocket(family, type | SOCK_CLOEXEC, 0);
}

/* One operation of each client workload; I counts from 0 (udp-send). */
static void op_tcp_connect(const struct addr *dst, long i)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	int fd = sock(dst->ss.ss_family, SOCK_STREAM);

	(void)i;
	xconnect(fd, dst);
	if (!opt.timewait &&
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst)) < 0)
		die("SO_LINGER");
	close(fd);
}

static void op_udp_connect(const struct addr *dst, long i)
{
	int fd = sock(dst->ss.ss_family, SOCK_DGRAM);

	(void)i;
	xconnect(fd, dst);
	if (send(fd, "x", 1, 0) != 1)
		die("send");
	close(fd);
}

static void op_ping_connect(const struct addr *dst, long i)
{
	bool v6 = dst->ss.ss_family == AF_INET6;
	/* An echo request: type, code 0, the rest the kernel fills in. */
	const unsigned char echo[8] = { v6 ? 128 : 8 };
	int fd = xsocket(dst->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC,
			 v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);

	(void)i;
	xconnect(fd, dst);
	if (send(fd, echo, sizeof(echo), 0) != sizeof(echo))
		die("send");
	close(fd);
}

/* udp-send's socket; closed at the end of each run, so runs share no flow. */
static int udp_fd = -1;

static void op_udp_send(const struct addr *dst, long i)
{
	int fd = udp_fd;

	/* A new socket gets a new ephemeral port at its first sendto(). */
	if (fd < 0 || (opt.flows && i % opt.flows == 0)) {
		if (fd >= 0)
			close(fd);
		fd = udp_fd = sock(dst->ss.ss_family, SOCK_DGRAM);
	}
	if (sendto(fd, "vaddr-b", 8, 0, (const struct sockaddr *)&dst->ss,
		   dst->len) != 8)
		die("sendto");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define CHURN_SLOW_NS	200e6

/* tcp-churn: errors are what it counts, so only socket() and bind() fail. */
static int tcp_churn(const struct addr *dst, long n)
{
	const struct sockaddr_in *base = (const struct sockaddr_in *)&dst->ss;
	long failed = 0, slow = 0, i;
	double start, t, max = 0;
	int first_err = 0, one = 1;
	struct addr src = { 0 };

	if (dst->ss.ss_family != AF_INET)
		fail("tcp-churn takes an IPv4 destination");
	if (opt.bind)
		src = addr_parse(opt.bind, 0, false);
	start = now_ns();
	for (i = 0; i < n; i++) {
		struct sockaddr_in to = *base;
		int fd = sock(AF_INET, SOCK_STREAM);

		to.sin_addr.s_addr = htonl(ntohl(base->sin_addr.s_addr) +
					   i % opt.dsts);
		if (opt.no_port &&
		    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			       sizeof(one)) < 0)
			die("IP_BIND_ADDRESS_NO_PORT");
		if (opt.bind && bind(fd, (struct sockaddr *)&src.ss, src.len) < 0) {
			/* The port range is full: that is a failed connect. */
			if (errno != EADDRINUSE && errno != EADDRNOTAVAIL)
				die("bind %s", opt.bind);
			failed++;
			first_err = first_err ? first_err : errno;
			close(fd);
			continue;
		}
		t = now_ns();
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
			failed++;
			first_err = first_err ? first_err : errno;
		}
		t = now_ns() - t;
		if (t > max)
			max = t;
		if (t > CHURN_SLOW_NS)
			slow++;
		close(fd);
	}
	printf("ops=%ld ns_per_op=%.1f failed=%ld slow=%ld max_ms=%.1f first_error=%s\n",
	       n, (now_ns() - start) / n, failed, slow, max / 1e6,
	       first_err ? strerror(first_err) : "none");
	return 0;
}

static void run(void (*op)(const struct addr *, long), const struct addr *dst,
		long n)
{
	long warmup = opt.warmup >= 0 ? opt.warmup : n / 20;
	double start;

	for (long i = 0; i < warmup; i++)
		op(dst, i);
	start = now_ns();
	for (long i = 0; i < n; i++)
		op(dst, warmup + i);
	printf("ops=%ld ns_per_op=%.1f\n", n, (now_ns() - start) / n);
	fflush(stdout);
	if (udp_fd >= 0)
		close(udp_fd);
	udp_fd = -1;
}

/* --stdin: one run per line read, of the N on the line (empty: the N of
 * the command line), until end of input. */
static int serve(void (*op)(const struct addr *, long), const struct addr *dst,
		 long n)
{
	char line[64];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		run(op, dst, *line ? num(line, "N", 1L << 40) : n);
	}
	return 0;
}

static int tcp_sink(const char *addr, int port)
{
	int fd = bound(addr, port, SOCK_STREAM);

	/* Deep queue: a connect whose SYN is dropped waits a second to retry. */
	if (listen(fd, 4096) < 0)
		die("listen");
	say("ready");
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		/* The client's RST may come first: that is no error here. */
		if (c >= 0) {
			char buf[64];

			while (opt.eof && read(c, buf, sizeof(buf)) > 0)
				;
			close(c);
		} else if (errno != ECONNABORTED && errno != EINTR)
			die("accept");
	}
}

static int udp_sink(const char *addr, int port)
{
	int fd = bound(addr, port, SOCK_DGRAM);
	char buf[2048];

	say("ready");
	for (;;)
		if (recv(fd, buf, sizeof(buf), 0) < 0 && errno != EINTR)
			die("recv");
}

static void pin(void)
{
	cpu_set_t set;

	if (opt.cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(opt.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity %ld", opt.cpu);
}

static void __attribute__((noreturn)) usage(void)
{
	fputs("usage: loop tcp-connect|tcp-churn|udp-connect|udp-send|ping-connect DST PORT N [options]\n"
	      "       loop tcp-sink|udp-sink ADDR PORT\n"
	      "       (see the comment at the top of tests/bench/loop.c)\n", stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*op)(const struct addr *, long);
	} clients[] = {
		{ "tcp-connect", op_tcp_connect },
		{ "udp-connect", op_udp_connect },
		{ "udp-send", op_udp_send },
		{ "ping-connect", op_ping_connect },
	};
	const char *cmd = argc > 1 ? argv[1] : "";
	bool sink = !strcmp(cmd, "tcp-sink") || !strcmp(cmd, "udp-sink");

	if (sink && argc >= 4) {
		parse_opts(argc - 4, argv + 4, opts);
		pin();
		if (!strcmp(cmd, "tcp-sink"))
			return tcp_sink(argv[2], num(argv[3], "port", 65535));
		return udp_sink(argv[2], num(argv[3], "port", 65535));
	}
	if (argc < 5)
		usage();
	if (!strcmp(cmd, "tcp-churn")) {
		long n = num(argv[4], "N", 1L << 40);
		struct addr dst;

		parse_opts(argc - 5, argv + 5, opts);
		pin();
		dst = addr_parse(argv[2], num(argv[3], "port", 65535), false);
		if (n == 0 || opt.dsts == 0)
			fail("N and --dsts must be at least 1");
		return tcp_churn(&dst, n);
	}
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		struct addr dst;
		long n;

		if (strcmp(cmd, clients[i].name))
			continue;
		n = num(argv[4], "N", 1L << 40);
		if (n == 0)
			fail("N must be at least 1");
		parse_opts(argc - 5, argv + 5, opts);
		pin();
		dst = addr_parse(argv[2], num(argv[3], "port", 65535), opt.v6);
		if (opt.stdin)
			return serve(clients[i].op, &dst, n);
		run(clients[i].op, &dst, n);
		return 0;
	}
	usage();
}
