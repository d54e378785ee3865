// SPDX-License-Identifier: GPL-2.0
/*
 * peer: the client and the remote end of the VM tests. Output is numeric, one
 * item per line; errors go to stderr and exit with status 1. Receiving
 * commands print "ready" once they can receive, so tests need not sleep.
 *
 *   peer tcp-listen ADDR PORT [COUNT] [--cookies]
 *                                          print each accepted peer address
 *   peer tcp-connect DST PORT [--bind ADDR] [--bind-port PORT] [--nonblock]
 *                    [--tfo] [--v6] [--mptcp]
 *                                          print the local address
 *   peer udp-echo ADDR PORT [COUNT]        print each source, echo it back
 *                                          (joins ADDR if it is a
 *                                          multicast group: ff02::fb%eth0)
 *   peer udp-send DST PORT [--connect] [--bind ADDR] [--v6] [--wait]
 *                    [--pktinfo ADDR] [--count N] [--no-broadcast]
 *                                          print the local address, "reply"
 *   peer ping DST [--connect] [--v6] [--raw] [--bind ADDR]
 *                                          print the local address, "reply"
 *   peer icmp-watch 4|6 COUNT TIMEOUT_S    print each echo request's source
 *   peer rds-send DST PORT [--bind ADDR]   one AF_RDS message over TCP (a
 *                                          kernel socket connects to DST port
 *                                          16385); print "sent"
 *   peer rxrpc-send DST PORT [--bind ADDR] one AF_RXRPC client call to
 *                                          service 1 (a kernel UDP socket
 *                                          sends it); print "sent"
 *
 * --fail-first ADDR (tcp-connect, udp-send --connect) first connects the
 * same socket to ADDR, which must fail at once (no route), prints
 * "failed", then goes on (after the --wait line, if given).
 * --wait creates the socket, prints "socket", and sends only once a line
 * arrives on stdin (a socket that exists before a change of the table).
 * --pktinfo ADDR sends with IP_PKTINFO / IPV6_PKTINFO asking for source
 * ADDR. --count N (udp-send) sends N datagrams (with --pktinfo too) and
 * waits for
 * no reply; if any send failed, it says how many and why, and fails.
 * With --connect too, the socket's local address comes before "sent".
 * --raw pings from a raw socket (as root) instead of a ping socket.
 * --cookies listens with a backlog of 0: the SYN queue is always full, so
 * (with net.ipv4.tcp_syncookies=1, the default) every SYN-ACK carries a
 * SYN cookie, as under a SYN flood. Any user may listen so.
 * udp-send sets SO_BROADCAST, so that it can send to a broadcast address,
 * unless --no-broadcast.
 * --mptcp connects an MPTCP socket (IPPROTO_MPTCP); if the kernel has no
 * MPTCP, it prints "no mptcp" and exits with status 2.
 * rds-send and rxrpc-send print "no rds" / "no rxrpc" and exit with status
 * 2 when the kernel has no such family.
 * COUNT 0 means forever. --v6 with an IPv4 DST uses an AF_INET6 socket and
 * the v4-mapped address. IPv4-mapped addresses are printed as plain IPv4.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/rds.h>
#include <linux/rxrpc.h>

#include "common.h"

static struct {
	const char *bind;
	const char *fail_first;
	const char *pktinfo;
	long bind_port, count;
	bool connect, cookies, mptcp, no_broadcast, nonblock, raw, tfo, v6,
	     wait;
} opt;

static const struct opt opts[] = {
	{ "--bind", .text = &opt.bind },
	{ "--bind-port", .n = &opt.bind_port, .max = 65535 },
	{ "--connect", .flag = &opt.connect },
	{ "--cookies", .flag = &opt.cookies },
	{ "--count", .n = &opt.count, .max = 65535 },
	{ "--fail-first", .text = &opt.fail_first },
	{ "--mptcp", .flag = &opt.mptcp },
	{ "--no-broadcast", .flag = &opt.no_broadcast },
	{ "--nonblock", .flag = &opt.nonblock },
	{ "--pktinfo", .text = &opt.pktinfo },
	{ "--raw", .flag = &opt.raw },
	{ "--tfo", .flag = &opt.tfo },
	{ "--v6", .flag = &opt.v6 },
	{ "--wait", .flag = &opt.wait },
	{ NULL }
};

/* A port, count or timeout of the command line: 0 to 65535. */
static int num16(const char *s, const char *what)
{
	return num(s, what, 65535);
}

static void print_addr(const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];

	say(addr_ntop(ss, buf, sizeof(buf)));
}

static void print_local(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		die("getsockname");
	print_addr(&ss);
}

/* Client socket for DST, bound per --bind/--bind-port. */
static int client(const struct addr *dst, int type, int proto)
{
	int fd = xsocket(dst->ss.ss_family, type, proto);
	const char *any = dst->ss.ss_family == AF_INET ? "0.0.0.0" : "::";
	struct addr b;

	if (!opt.bind && !opt.bind_port)
		return fd;
	b = addr_parse(opt.bind ? opt.bind : any, opt.bind_port,
		       dst->ss.ss_family == AF_INET6);
	if (bind(fd, (struct sockaddr *)&b.ss, b.len) < 0)
		die("bind %s port %ld", opt.bind ? opt.bind : any, opt.bind_port);
	return fd;
}

/* Wait up to MS for EVENTS on FD; false on timeout. */
static bool wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("poll");
	return n > 0;
}

static int tcp_listen(const char *addr, int port, int count)
{
	int fd = bound(addr, port, SOCK_STREAM);

	if (listen(fd, opt.cookies ? 0 : 128) < 0)
		die("listen");
	say("ready");
	for (int n = 0; count == 0 || n < count; n++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int c = accept(fd, (struct sockaddr *)&ss, &len);

		if (c < 0)
			die("accept");
		print_addr(&ss);
		close(c);
	}
	close(fd);
	return 0;
}

/* --fail-first: a connect of FD that must fail, then --wait. */
static void fail_first(int fd, const struct addr *dst)
{
	char line[64];
	struct addr bad;

	if (!opt.fail_first)
		return;
	bad = addr_parse(opt.fail_first, 9, dst->ss.ss_family == AF_INET6);
	if (connect(fd, (const struct sockaddr *)&bad.ss, bad.len) == 0)
		fail("connect to %s succeeded", opt.fail_first);
	say("failed");
	if (opt.wait && !fgets(line, sizeof(line), stdin))
		fail("stdin closed before the go line");
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int tcp_connect(const struct addr *dst)
{
	int fd, err = 0;
	socklen_t len = sizeof(err);

	if (opt.mptcp) {
		fd = socket(dst->ss.ss_family, SOCK_STREAM, IPPROTO_MPTCP);
		if (fd < 0 && (errno == EPROTONOSUPPORT || errno == EINVAL ||
			       errno == ENOPROTOOPT)) {
			say("no mptcp");
			exit(2);
		}
		if (fd < 0)
			die("socket");
		close(fd);
	}
	fd = client(dst, SOCK_STREAM, opt.mptcp ? IPPROTO_MPTCP : 0);

	fail_first(fd, dst);
	if (opt.tfo) {
		if (sendto(fd, "vaddr", 5, MSG_FASTOPEN,
			   (const struct sockaddr *)&dst->ss, dst->len) < 0)
			die("sendto MSG_FASTOPEN");
	} else if (opt.nonblock) {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, (const struct sockaddr *)&dst->ss, dst->len) < 0 &&
		    errno != EINPROGRESS)
			die("connect");
		if (!wait_for(fd, POLLOUT, 5000))
			fail("connect: timed out");
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			die("SO_ERROR");
		errno = err;
		if (err)
			die("connect");
	} else {
		xconnect(fd, dst);
	}
	print_local(fd);
	close(fd);
	return 0;
}

static int udp_echo(const char *addr, int port, int count)
{
	int fd = bound(addr, port, SOCK_DGRAM);
	struct addr a = addr_parse(addr, port, false);
	char buf[2048];

	if (a.ss.ss_family == AF_INET &&
	    IN_MULTICAST(ntohl(((struct sockaddr_in *)&a.ss)->sin_addr.s_addr))) {
		struct ip_mreqn m = {
			.imr_multiaddr = ((struct sockaddr_in *)&a.ss)->sin_addr,
		};

		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)) < 0)
			die("IP_ADD_MEMBERSHIP %s", addr);
	}
	if (a.ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_MULTICAST(&((struct sockaddr_in6 *)&a.ss)->sin6_addr)) {
		struct ipv6_mreq m = {
			.ipv6mr_multiaddr = ((struct sockaddr_in6 *)&a.ss)->sin6_addr,
			.ipv6mr_interface = ((struct sockaddr_in6 *)&a.ss)->sin6_scope_id,
		};

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)) < 0)
			die("IPV6_JOIN_GROUP %s", addr);
	}

	say("ready");
	for (int n = 0; count == 0 || n < count; n++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &len);

		if (r < 0)
			die("recvfrom");
		print_addr(&ss);
		if (sendto(fd, buf, r, 0, (struct sockaddr *)&ss, len) < 0)
			die("sendto");
	}
	close(fd);
	return 0;
}

/* sendto() DST asking for the source --pktinfo names. */
static ssize_t send_pktinfo(int fd, const struct addr *dst, const void *msg,
			    size_t n)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} c = { 0 };
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = n };
	struct msghdr mh = {
		.msg_name = (void *)&dst->ss, .msg_namelen = dst->len,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.buf,
	};
	struct addr src = addr_parse(opt.pktinfo, 0, false);
	struct cmsghdr *cm = (struct cmsghdr *)c.buf;

	if (src.ss.ss_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		pi.ipi_spec_dst = ((struct sockaddr_in *)&src.ss)->sin_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		pi.ipi6_addr = ((struct sockaddr_in6 *)&src.ss)->sin6_addr;
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	return sendmsg(fd, &mh, 0);
}

/*
 * --count N: N datagrams, no reply awaited (a socket connected to a group
 * would get none); fails if any send failed. Connected, it prints the
 * local address first.
 */
static int send_count(int fd, const struct addr *dst, const void *msg,
		      size_t n)
{
	int failed = 0, err = 0;

	for (int i = 0; i < opt.count; i++) {
		ssize_t r;

		if (opt.connect)
			r = send(fd, msg, n, 0);
		else if (opt.pktinfo)
			r = send_pktinfo(fd, dst, msg, n);
		else
			r = sendto(fd, msg, n, 0,
				   (const struct sockaddr *)&dst->ss, dst->len);
		if (r < 0) {
			failed++;
			err = errno;
		}
	}
	if (failed) {
		errno = err;
		die("%d of %ld sends failed", failed, opt.count);
	}
	if (opt.connect)
		print_local(fd);
	say("sent");
	return 0;
}

/* Send MSG to DST (connected or not) on FD; print local address, "reply". */
static int send_wait(int fd, const struct addr *dst, const void *msg, size_t n,
		     bool (*is_reply)(const char *, ssize_t))
{
	char buf[2048];
	ssize_t r;

	if (opt.connect)
		fail_first(fd, dst);
	if (opt.wait && !opt.fail_first) {
		say("socket");
		if (!fgets(buf, sizeof(buf), stdin))
			fail("stdin closed before the go line");
	}
	if (opt.connect) {
		xconnect(fd, dst);
		if (opt.count)
			return send_count(fd, dst, msg, n);
		r = send(fd, msg, n, 0);
	} else if (opt.count) {
		return send_count(fd, dst, msg, n);
	} else if (opt.pktinfo) {
		r = send_pktinfo(fd, dst, msg, n);
	} else {
		r = sendto(fd, msg, n, 0, (const struct sockaddr *)&dst->ss, dst->len);
	}
	if (r < 0)
		die("send");
	print_local(fd);
	for (;;) {
		if (!wait_for(fd, POLLIN, 10000))
			fail("no reply within 10 s");
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0)
			die("recv");
		if (!is_reply || is_reply(buf, r))
			break;
	}
	say("reply");
	close(fd);
	return 0;
}

static bool is_echo_reply(const char *buf, ssize_t n)
{
	unsigned char type = (unsigned char)buf[0];

	return n >= 8 && (type == ICMP_ECHOREPLY || type == ICMP6_ECHO_REPLY);
}

static int ping(const struct addr *dst)
{
	bool v6 = dst->ss.ss_family == AF_INET6;
	int fd = client(dst, opt.raw ? SOCK_RAW : SOCK_DGRAM,
			v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	unsigned char msg[16] = { v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO };
	unsigned int sum = 0;

	msg[7] = 1;	/* sequence 1; the kernel sets id and checksum */
	if (opt.raw && !v6) {	/* but not on a raw IPv4 socket */
		msg[4] = 0x56;
		for (size_t i = 0; i < sizeof(msg); i += 2)
			sum += msg[i] << 8 | msg[i + 1];
		sum = (sum & 0xffff) + (sum >> 16);
		sum = ~(sum + (sum >> 16)) & 0xffff;
		msg[2] = sum >> 8;
		msg[3] = sum & 0xff;
	}
	return send_wait(fd, dst, msg, sizeof(msg), is_echo_reply);
}

static int icmp_watch(int family, int count, int timeout_s)
{
	bool v6 = family == AF_INET6;
	int fd = xsocket(family, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	time_t end = time(NULL) + timeout_s;
	unsigned char buf[2048];
	int seen = 0;

	say("ready");
	while (count == 0 || seen < count) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		time_t left = end - time(NULL);
		ssize_t r, off = 0;

		if (left <= 0 || !wait_for(fd, POLLIN, left * 1000)) {
			if (count == 0)
				break;	/* watching for TIMEOUT_S only */
			fail("saw %d of %d echo requests", seen, count);
		}
		r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &len);
		if (r < 0)
			die("recvfrom");
		if (!v6)	/* raw IPv4 sockets deliver the IP header too */
			off = (buf[0] & 0x0f) * 4;
		if (r > off && buf[off] == (v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO)) {
			print_addr(&ss);
			seen++;
		}
	}
	close(fd);
	return 0;
}

/* A socket of a family the kernel may not have: "no NAME", status 2. */
static int family_socket(int family, int type, int proto, const char *name)
{
	int fd = socket(family, type, proto);

	if (fd < 0 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
		printf("no %s\n", name);
		exit(2);
	}
	if (fd < 0)
		die("socket %s", name);
	return fd;
}

/* RDS over TCP: bound to --bind (RDS needs an address), one message. */
static int rds_send(const struct addr *dst)
{
	int fd = family_socket(AF_RDS, SOCK_SEQPACKET, 0, "rds");
	int tcp = RDS_TRANS_TCP;
	struct addr b;

	if (setsockopt(fd, SOL_RDS, SO_RDS_TRANSPORT, &tcp, sizeof(tcp)) < 0)
		die("setsockopt SO_RDS_TRANSPORT");
	b = addr_parse(opt.bind ? opt.bind :
		       dst->ss.ss_family == AF_INET ? "0.0.0.0" : "::",
		       opt.bind_port, false);
	if (bind(fd, (struct sockaddr *)&b.ss, b.len) < 0)
		die("bind");
	/*
	 * Non-blocking: RDS may wait, without end, for a connection that
	 * does not come up (multipath's handshake) before it queues.
	 */
	if (sendto(fd, "vaddr", 5, MSG_DONTWAIT,
		   (const struct sockaddr *)&dst->ss, dst->len) < 0)
		die("sendto");
	say("sent");
	close(fd);
	return 0;
}

/* An RXRPC address of transport address A and SERVICE. */
static struct sockaddr_rxrpc rxrpc_addr(const struct addr *a, int service)
{
	struct sockaddr_rxrpc srx = {
		.srx_family = AF_RXRPC,
		.srx_service = service,
		.transport_type = SOCK_DGRAM,
		.transport_len = a->len,
	};

	memcpy(&srx.transport, &a->ss, a->len);
	return srx;
}

/* An anonymous client call carrying "vaddr", from --bind if given. */
static int rxrpc_send(const struct addr *dst)
{
	int fam = dst->ss.ss_family;
	int fd = family_socket(AF_RXRPC, SOCK_DGRAM, fam, "rxrpc");
	struct sockaddr_rxrpc srx, to = rxrpc_addr(dst, 1);
	unsigned long id = 1;
	char ctl[CMSG_SPACE(sizeof(id))] = { 0 };
	struct iovec iov = { .iov_base = "vaddr", .iov_len = 5 };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	struct addr b;

	if (opt.bind) {
		b = addr_parse(opt.bind, opt.bind_port, false);
		srx = rxrpc_addr(&b, 0);
		if (bind(fd, (struct sockaddr *)&srx, sizeof(srx)) < 0)
			die("bind");
	}
	c->cmsg_level = SOL_RXRPC;
	c->cmsg_type = RXRPC_USER_CALL_ID;
	c->cmsg_len = CMSG_LEN(sizeof(id));
	memcpy(CMSG_DATA(c), &id, sizeof(id));
	if (sendmsg(fd, &msg, MSG_DONTWAIT) < 0)
		die("sendmsg");
	say("sent");
	close(fd);
	return 0;
}

static void __attribute__((noreturn)) usage(void)
{
	fputs("usage: peer tcp-listen|tcp-connect|udp-echo|udp-send|ping|icmp-watch|\n"
	      "            rds-send|rxrpc-send ...\n"
	      "       (see the comment at the top of tests/tools/peer.c)\n", stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	struct addr dst;
	int fd, one = 1;

	if (argc < 3)
		usage();
	if (!strcmp(cmd, "tcp-listen") && argc >= 4) {
		int count = 1, rest = 4;

		if (argc > 4 && strncmp(argv[4], "--", 2)) {
			count = num16(argv[4], "count");
			rest = 5;
		}
		parse_opts(argc - rest, argv + rest, opts);
		return tcp_listen(argv[2], num16(argv[3], "port"), count);
	}
	if (!strcmp(cmd, "udp-echo") && argc >= 4 && argc <= 5)
		return udp_echo(argv[2], num16(argv[3], "port"),
				argc == 5 ? num16(argv[4], "count") : 1);
	if (!strcmp(cmd, "icmp-watch") && argc == 5)
		return icmp_watch(!strcmp(argv[2], "6") ? AF_INET6 : AF_INET,
				  num16(argv[3], "count"), num16(argv[4], "timeout"));
	if (!strcmp(cmd, "ping")) {
		parse_opts(argc - 3, argv + 3, opts);
		dst = addr_parse(argv[2], 0, opt.v6);
		return ping(&dst);
	}
	if (argc < 4 || (strcmp(cmd, "tcp-connect") && strcmp(cmd, "udp-send") &&
			 strcmp(cmd, "rds-send") && strcmp(cmd, "rxrpc-send")))
		usage();
	parse_opts(argc - 4, argv + 4, opts);
	dst = addr_parse(argv[2], num16(argv[3], "port"), opt.v6);
	if (!strcmp(cmd, "tcp-connect"))
		return tcp_connect(&dst);
	if (!strcmp(cmd, "rds-send"))
		return rds_send(&dst);
	if (!strcmp(cmd, "rxrpc-send"))
		return rxrpc_send(&dst);
	fd = client(&dst, SOCK_DGRAM, 0);
	if (!opt.no_broadcast &&
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0)
		die("SO_BROADCAST");
	return send_wait(fd, &dst, "vaddr", 5, NULL);
}
