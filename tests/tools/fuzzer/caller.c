// SPDX-License-Identifier: GPL-2.0
/*
 * What the caller is: the uids its uid_map makes valid, the ids of the
 * cgroups it is in and of those that exist.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FILEID_KERNFS
#define FILEID_KERNFS 0xfe
#endif

/* ---- what the caller is: uid map, cgroups ------------------------------- */

struct idrange {
	uint32_t first, count;
};

static struct idrange uidmap[64];
static int nuidmap;

void read_uid_map(void)
{
	FILE *f = fopen("/proc/self/uid_map", "r");
	unsigned int a, b, c;

	if (!f)
		fail("cannot read /proc/self/uid_map: %s", strerror(errno));
	while (nuidmap < 64 && fscanf(f, "%u %u %u", &a, &b, &c) == 3) {
		uidmap[nuidmap].first = a;
		uidmap[nuidmap++].count = c;
	}
	fclose(f);
}

bool uid_valid(uint32_t uid)
{
	int i;

	if (uid == UINT32_MAX)
		return false;
	for (i = 0; i < nuidmap; i++)
		if (uid >= uidmap[i].first &&
		    uid - uidmap[i].first < uidmap[i].count)
			return true;
	return false;
}

int cgroup_id(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		unsigned char pad[64];
	} h = { .fh.handle_bytes = 64 };
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) ||
	    h.fh.handle_type != FILEID_KERNFS || h.fh.handle_bytes != 8)
		return -1;
	memcpy(id, h.fh.f_handle, 8);
	return 0;
}

uint64_t cg_pool[32];
int ncg_pool;
uint64_t cg_self[32];	/* own cgroup, then its ancestors */
int ncg_self;
static uint64_t cg_exist[4096];	/* every cgroup seen at start */
static int ncg_exist;

static int cg_walk(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_D && ncg_exist < 4096 &&
	    !cgroup_id(path, &cg_exist[ncg_exist]))
		ncg_exist++;
	return 0;
}

void read_cgroups(void)
{
	char line[4096], path[4200], *p;
	FILE *f;

	nftw("/sys/fs/cgroup", cg_walk, 16, FTW_PHYS);
	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s", line + 3);
		for (;;) {
			if (ncg_self < 32 && !cgroup_id(path, &cg_self[ncg_self]))
				ncg_self++;
			p = strrchr(path, '/');
			if (!p || p == path + strlen("/sys/fs"))
				break;
			*p = 0;
		}
	}
	fclose(f);
}

/* 1: exists, 0: surely not, -1: cannot tell (follow the kernel). */
int cg_exists(uint64_t id)
{
	int i;

	if (id == 0 || (id >> 48) == 0xdead)
		return 0;
	for (i = 0; i < ncg_exist; i++)
		if (cg_exist[i] == id)
			return 1;
	return -1;
}
