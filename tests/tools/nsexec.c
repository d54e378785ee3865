// SPDX-License-Identifier: GPL-2.0
/*
 * nsexec: run a command in a named network namespace, a cgroup, as a user.
 *
 *   nsexec [-n NETNS] [-c CGROUP_DIR] [-u UID [-r]] -- CMD [ARG...]
 *
 * In that order: move into CGROUP_DIR (cgroup v2), enter /run/netns/NETNS,
 * then drop to uid = gid = UID with no supplementary groups, and exec CMD.
 * -r keeps CAP_NET_RAW across the change of uid and the exec (as an
 * ambient capability), like a ping binary with cap_net_raw would have it.
 * One exec instead of `ip netns exec` + `setpriv` (which cost about a second
 * per command under emulation), and unlike `ip netns exec` it leaves /sys
 * alone, so the cgroup tree stays where the tests put it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

static void join_cgroup(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		die("cannot join cgroup '%s'", dir);
	close(fd);
}

static void join_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("cannot enter network namespace '%s'", name);
	close(fd);
}

/* Make CAP_NET_RAW permitted, effective, inheritable and ambient. */
static void keep_net_raw(const char *uid_arg)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	data[0].permitted = data[0].effective = data[0].inheritable =
		1U << CAP_NET_RAW;
	if (syscall(SYS_capset, &hdr, data) ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0))
		die("cannot keep CAP_NET_RAW for uid '%s'", uid_arg);
}

static void become(const char *uid_arg, int net_raw)
{
	char *end;
	unsigned long id = strtoul(uid_arg, &end, 10);

	if (*end || end == uid_arg) {
		errno = EINVAL;
		die("bad uid '%s'", uid_arg);
	}
	if (net_raw && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		die("cannot keep capabilities for uid '%s'", uid_arg);
	if (setgroups(0, NULL) || setresgid(id, id, id) ||
	    setresuid(id, id, id))
		die("cannot become uid '%s'", uid_arg);
	if (net_raw)
		keep_net_raw(uid_arg);
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *cgroup = NULL, *uid = NULL;
	int opt, net_raw = 0;

	fail_status = 127;	/* as a shell's for a command it could not run */
	while ((opt = getopt(argc, argv, "+n:c:u:r")) != -1) {
		switch (opt) {
		case 'n':
			netns = optarg;
			break;
		case 'c':
			cgroup = optarg;
			break;
		case 'u':
			uid = optarg;
			break;
		case 'r':
			net_raw = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	if (cgroup)
		join_cgroup(cgroup);
	if (netns)
		join_netns(netns);
	if (uid)
		become(uid, net_raw);
	execvp(argv[optind], argv + optind);
	die("cannot run '%s'", argv[optind]);
usage:
	fputs("usage: nsexec [-n NETNS] [-c CGROUP_DIR] [-u UID [-r]] -- CMD [ARG...]\n",
	      stderr);
	return 127;
}
