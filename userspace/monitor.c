// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl monitor [-t]: every change of the namespace's table and
 * settings, as the module announces it on its "events" group, one line
 * (or one JSON object) per event, flushed at once so that a pipe sees it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/cgroup2.h"
#include "lib/event.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/passwd.h"
#include "lib/util.h"
#include "vaddrctl.h"

struct monitor {
	bool timestamp;
};

static int monitor_cb(uint8_t cmd, const nl_attrs tb, void *data)
{
	const struct monitor *mon = data;
	char *name = NULL, *path = NULL;
	struct timespec now;
	struct event e;

	event_decode(cmd, tb, &e);
	if (mon->timestamp) {
		clock_gettime(CLOCK_REALTIME, &now);
		event_time(&now, e.time, sizeof(e.time));
	}
	if (e.has_uid)
		e.user = name = user_name(e.uid);
	if (e.has_cgroup)
		e.cgroup = path = cgroup_path(e.cgroup_id);
	event_print(&e);
	free(name);
	free(path);
	if (fflush(stdout) || ferror(stdout))
		return -EIO;
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor mon = {};

	for (; argc; argc--, argv++) {
		if (strcmp(argv[0], "-t") && strcmp(argv[0], "--timestamp"))
			return fail("unexpected argument '%s' (monitor takes -t, --timestamp)",
				    argv[0]);
		mon.timestamp = true;
	}
	return nl_listen(monitor_cb, &mon);
}
