// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl exec DOMAIN -- CMD [ARGS]: run CMD inside a domain, like
 * ip vrf exec. The domain gets a cgroup v2 directory of its own under
 * vaddr's (/sys/fs/cgroup/vaddr/DOMAIN), created once and mapped to the
 * domain; vaddrctl moves itself there and execs CMD, changing nothing
 * else: CMD keeps its uid, its capabilities and its environment, and its
 * sockets (and its children's) get the domain's addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cgroup2.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/parse.h"
#include "lib/util.h"
#include "vaddrctl.h"

#define EXEC_DIR	"vaddr"		/* under the cgroup v2 root */
#define PRIV_HINT	" (exec needs root: it creates and maps a cgroup)"

static int make_dir(const char *path)
{
	if (!mkdir(path, 0755) || errno == EEXIST)
		return 0;
	return fail("cannot create cgroup '%s': %s%s", path, strerror(errno),
		    errno == EACCES || errno == EPERM || errno == EROFS ?
		    PRIV_HINT : "");
}

/*
 * Map the cgroup to the domain unless it is already; a cgroup mapped to
 * another domain is an error (someone else's, or a domain renamed).
 */
static int exec_map(uint64_t id, const char *path, const char *domain)
{
	struct maps cgroups = {};
	struct nlmsghdr *nlh;
	const struct map *m;
	int err = 0;

	if (cgroup_maps_get(&cgroups))
		return -1;
	for (m = cgroups.v; m < cgroups.v + cgroups.n; m++)
		if (m->key == id)
			break;
	if (m < cgroups.v + cgroups.n) {
		if (strcmp(m->domain, domain))
			err = fail("cgroup '%s' is mapped to domain '%s', not '%s'",
				   path, m->domain, domain);
		maps_free(&cgroups);
		return err;
	}
	maps_free(&cgroups);
	nlh = nl_msg(VADDR_CMD_CGROUP_ADD);
	if (!nlh)
		return -1;
	mnl_attr_put_u64(nlh, VADDR_A_CGROUP_ID, id);
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, domain);
	return nl_request(nlh, NULL, NULL);
}

/* Move this process into the cgroup; its children follow it. */
static int exec_enter(const char *path)
{
	char procs[PATH_MAX], pid[24];
	int fd, len, err = 0;

	if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", path) >=
	    (int)sizeof(procs))
		return fail("cgroup path too long: '%s'", path);
	len = snprintf(pid, sizeof(pid), "%d\n", getpid());
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, pid, len) != len)
		err = fail("cannot move into cgroup '%s': %s%s", path,
			   strerror(errno),
			   errno == EACCES || errno == EPERM ? PRIV_HINT : "");
	if (fd >= 0)
		close(fd);
	return err;
}

int cmd_exec(int argc, char **argv)
{
	char name[VADDR_DOMAIN_MAX + 1], dir[PATH_MAX], path[PATH_MAX];
	struct domains ds = {};
	char **cmd = argv + 1;
	const char *root;
	uint64_t id;
	int err;

	if (argc >= 2 && !strcmp(argv[1], "--"))
		cmd++;
	if (argc < 1 || !*cmd)
		return fail("usage: vaddrctl exec DOMAIN [--] CMD [ARGS]...");
	if (parse_domain(argv[0], name))
		return fail("%s", parse_err());
	/* An unknown domain leaves no directory behind. */
	err = domain_get(name, &ds);
	domains_free(&ds);
	if (err)
		return -1;
	root = cgroup2_root();
	if (!root)
		return fail("no cgroup v2 hierarchy at /sys/fs/cgroup: exec needs one (mount -t cgroup2 none /sys/fs/cgroup)");
	snprintf(dir, sizeof(dir), "%s/%s", root, EXEC_DIR);
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return fail("cgroup path too long for domain '%s'", name);
	if (make_dir(dir) || make_dir(path))
		return -1;
	if (cgroup_dir_id(path, &id))
		return fail("%s", parse_err());
	if (exec_map(id, path, name) || exec_enter(path))
		return -1;
	nl_close();
	fflush(stdout);
	execvp(cmd[0], cmd);
	fail("cannot run '%s': %s", cmd[0], strerror(errno));
	exit(errno == ENOENT ? 127 : 126);
}
