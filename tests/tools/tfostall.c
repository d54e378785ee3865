// SPDX-License-Identifier: GPL-2.0
/*
 * tfostall: TCP Fast Open connects held inside the kernel's connect.
 *
 *   tfostall DST PORT COUNT [--v6]
 *
 * COUNT threads each send a Fast Open SYN (sendto MSG_FASTOPEN) to DST:PORT
 * from a page that is not there yet: the kernel copies the SYN's data from
 * user memory inside tcp_v4_connect()/tcp_v6_connect(), after the source
 * address is chosen, and the copy waits on a userfaultfd that this program
 * answers only when told. Prints "stalled COUNT" once every thread waits
 * inside its connect, then, after a line on stdin, lets them all go and
 * prints each socket's local address, one line each (a send that failed
 * after the connect, as when the remote closed at once, is said on stderr:
 * the address was chosen all the same).
 *
 * A hook that holds a per-call instance for the whole connect (a
 * kretprobe) runs out of them while these connects wait; the connects of
 * others made meanwhile show whether vaddr still binds them. Needs
 * vm.unprivileged_userfaultfd=1 for a user without CAP_SYS_PTRACE: the
 * fault happens in kernel mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

#define MAX_THREADS 1024
#define STALL_TIMEOUT_MS 30000

struct conn {
	pthread_t thread;
	struct addr dst;
	void *data;
	int fd;
	int err;
};

static void *fastopen(void *arg)
{
	struct conn *c = arg;

	c->fd = xsocket(c->dst.ss.ss_family, SOCK_STREAM, 0);
	if (sendto(c->fd, c->data, 64, MSG_FASTOPEN,
		   (struct sockaddr *)&c->dst.ss, c->dst.len) < 0)
		c->err = errno;
	return NULL;
}

/* The address of the next page fault on UFFD, within the time left. */
static unsigned long next_fault(int uffd)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	for (;;) {
		int n = poll(&p, 1, STALL_TIMEOUT_MS);

		if (n < 0)
			die("poll userfaultfd");
		if (n == 0)
			fail("the connects did not all reach the copy of their data in %d ms",
			     STALL_TIMEOUT_MS);
		if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			die("read userfaultfd");
		if (msg.event == UFFD_EVENT_PAGEFAULT)
			return msg.arg.pagefault.address;
	}
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), count;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	bool v6 = false;
	const struct opt opts[] = {
		{ "--v6", .flag = &v6 },
		{ NULL },
	};
	static struct conn conns[MAX_THREADS];
	char line[16], buf[64], *zero;
	struct addr dst;
	int uffd, i;

	if (argc < 4)
		fail("usage: tfostall DST PORT COUNT [--v6]");
	parse_opts(argc - 4, argv + 4, opts);
	dst = addr_parse(argv[1], num(argv[2], "port", 65535), v6);
	count = num(argv[3], "count", MAX_THREADS);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		die("userfaultfd (vm.unprivileged_userfaultfd=1?)");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API");
	zero = calloc(1, page);
	reg.range.len = count * page;
	reg.range.start = (unsigned long)mmap(NULL, reg.range.len,
					      PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS,
					      -1, 0);
	if (!zero || reg.range.start == (unsigned long)MAP_FAILED)
		die("memory");
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER");

	for (i = 0; i < count; i++) {
		conns[i].dst = dst;
		conns[i].data = (char *)reg.range.start + i * page;
		if (pthread_create(&conns[i].thread, NULL, fastopen, &conns[i]))
			fail("pthread_create failed");
	}
	for (i = 0; i < count; i++)
		next_fault(uffd);
	snprintf(buf, sizeof(buf), "stalled %ld", count);
	say(buf);

	if (!fgets(line, sizeof(line), stdin))
		fail("no line on stdin");
	for (i = 0; i < count; i++) {
		struct uffdio_copy copy = {
			.dst = (unsigned long)conns[i].data,
			.src = (unsigned long)zero,
			.len = page,
		};

		if (ioctl(uffd, UFFDIO_COPY, &copy) < 0 && errno != EEXIST)
			die("UFFDIO_COPY");
	}
	for (i = 0; i < count; i++) {
		struct sockaddr_storage local;
		socklen_t len = sizeof(local);

		pthread_join(conns[i].thread, NULL);
		if (conns[i].err)
			fprintf(stderr, "tfostall: connect %d: %s\n", i,
				strerror(conns[i].err));
		if (getsockname(conns[i].fd, (struct sockaddr *)&local, &len) < 0)
			die("getsockname");
		printf("%s\n", addr_ntop(&local, buf, sizeof(buf)));
	}
	return 0;
}
