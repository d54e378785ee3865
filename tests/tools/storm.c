// SPDX-License-Identifier: GPL-2.0
/*
 * storm: the connect storm of tests/vm/stress.sh and its remote end.
 *
 *   storm connect ID SECONDS DST4 DST6 PORT
 *       For SECONDS, connect over and over, alternating DST4 and DST6, and
 *       print one line per connect:
 *           ID SEQ START_US END_US LOCAL_ADDR LOCAL_PORT ERRNO DONE_US ACKED
 *           IO_ERRNO
 *       START_US and END_US (CLOCK_REALTIME, microseconds: bash's
 *       $EPOCHREALTIME is the same clock) enclose the connect() call, in
 *       which the source address is chosen; LOCAL_ADDR and LOCAL_PORT are
 *       what getsockname() said ("-" and 0 on failure, but for
 *       ECONNABORTED: a connection aborted as it completed, whose port
 *       stays and whose address the kernel resets), ERRNO 0 or the
 *       failure's. After the connect the client sends "ID SEQ\n", waits
 *       for the sink's "ok\n" (ACKED 1 if it came, else 0) and closes with
 *       a reset, at DONE_US. IO_ERRNO: 0, or the error of that write or
 *       read (ECONNABORTED: the connection was aborted under it).
 *   storm sink ADDR PORT
 *       Accept until SIGTERM; per connection (each in its own process),
 *       read the client's line, print "ID SEQ PEER_ADDR PEER_PORT" ("? ?"
 *       for ID SEQ when no line came within 15 s) and answer "ok\n" to a
 *       line. Prints "ready" first; exits when every connection is done.
 *
 * A connect that hangs (its source address went away after the SYN left)
 * is given 60 s (SO_SNDTIMEO) before it counts as failed. The client's
 * output is buffered and written at exit. IPv4-mapped addresses print as
 * IPv4.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* "ADDR PORT" of @ss in @buf. */
static const char *fmt(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, n, "%s %u", addr_ntop(ss, a, sizeof(a)),
		 ntohs(ss->ss_family == AF_INET ? s4->sin_port : s6->sin6_port));
	return buf;
}

/*
 * One line from the peer, waiting up to @ms between reads; "" if none
 * came. Returns 0, or the error of a read that failed.
 */
static int read_line(int fd, char *buf, size_t n, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t r;
	int err = 0;

	while (got < n - 1 && poll(&p, 1, ms) > 0) {
		r = read(fd, buf + got, n - 1 - got);
		if (r < 0)
			err = errno;
		if (r <= 0)
			break;
		got += r;
		if (memchr(buf, '\n', got))
			break;
	}
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

static int storm(const char *id, int seconds, char **dst, int port)
{
	struct timeval tmo = { .tv_sec = 60 };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_storage local;
	struct addr d[2];
	long long start, end, stop_at;
	socklen_t llen;
	char addr[INET6_ADDRSTRLEN + 8], line[64];
	int seq = 0;

	for (int i = 0; i < 2; i++)
		d[i] = addr_parse(dst[i], port, false);
	stop_at = now_us() + seconds * 1000000LL;
	while (!stop && now_us() < stop_at) {
		const struct addr *to = &d[seq & 1];
		bool acked = false;
		int fd, err = 0, ioerr = 0, n;

		fd = xsocket(to->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
		start = now_us();
		if (connect(fd, (const struct sockaddr *)&to->ss, to->len) < 0)
			err = errno;
		end = now_us();
		strcpy(addr, "- 0");
		llen = sizeof(local);
		if ((!err || err == ECONNABORTED) &&
		    getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
			fmt(&local, addr, sizeof(addr));
		if (!err) {
			n = snprintf(line, sizeof(line), "%s %d\n", id, seq);
			/* The sink's "ok": the remote saw this connection. */
			ssize_t w = write(fd, line, n);

			if (w == n) {
				ioerr = read_line(fd, line, sizeof(line), 10000);
				acked = !strcmp(line, "ok");
			} else {
				ioerr = w < 0 ? errno : EIO;
			}
		}
		/* A reset: no TIME_WAIT on either side, ports come back. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(fd);
		printf("%s %d %lld %lld %s %d %lld %d %d\n", id, seq, start, end,
		       addr, err, now_us(), acked, ioerr);
		seq++;
	}
	fflush(stdout);
	return 0;
}

/* One accepted connection, in its own process: its line, then "ok". */
static void serve(int c, const struct sockaddr_storage *peer)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	char addr[INET6_ADDRSTRLEN + 8], line[64];

	/*
	 * 15 s: on the debug kernel, beside another VM, an id took up to 6 s
	 * to come, and 5 s made the oracle report connections whose id was
	 * only late.
	 */
	read_line(c, line, sizeof(line), 15000);
	printf("%s %s\n", line[0] ? line : "? ?", fmt(peer, addr, sizeof(addr)));
	fflush(stdout);
	/*
	 * With a line: "ok" and a FIN behind it; the client then resets, so
	 * neither side keeps a TIME_WAIT. Without one: a reset.
	 */
	if (line[0] && write(c, "ok\n", 3) == 3)
		shutdown(c, SHUT_WR);
	else
		setsockopt(c, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(c);
}

/*
 * A process per connection: a connection whose line never comes (its
 * translation cut by an unload) must not hold the others up for 15 s.
 * Children are reaped by the kernel (SIGCHLD ignored) and waited for at
 * the end, so that every line is in the output when the sink exits.
 */
static int sink(const char *text, int port)
{
	struct sigaction sa = { .sa_handler = on_term };	/* no SA_RESTART */
	int fd = bound(text, port, SOCK_STREAM);

	sigaction(SIGTERM, &sa, NULL);
	signal(SIGCHLD, SIG_IGN);
	if (listen(fd, 1024) < 0)
		die("listen");
	say("ready");
	while (!stop) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int c = accept4(fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		pid_t pid;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(fd);
			serve(c, &peer);
			_exit(0);
		}
		close(c);
	}
	close(fd);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "connect"))
		return storm(argv[2], atoi(argv[3]), argv + 4, atoi(argv[6]));
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return sink(argv[2], atoi(argv[3]));
	fputs("usage: storm connect ID SECONDS DST4 DST6 PORT | storm sink ADDR PORT\n",
	      stderr);
	return 1;
}
