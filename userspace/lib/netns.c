// SPDX-License-Identifier: GPL-2.0
/*
 * Entering a named network namespace before the netlink socket is opened,
 * as ip -n does: the module then answers for that namespace's table.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("cannot open network namespace '%s': %s", name,
			    strerror(errno));
	err = setns(fd, CLONE_NEWNET);
	if (err)
		fail("cannot enter network namespace '%s': %s", name,
		     strerror(errno));
	close(fd);
	return err;
}
