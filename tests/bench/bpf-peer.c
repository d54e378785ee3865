// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-peer: the eBPF peer of the benchmarks (see bpf-peer.bpf.c), loaded,
 * filled and attached to a cgroup, until SIGTERM or SIGINT.
 *
 *   bpf-peer OBJECT TABLE [CGROUP]
 *
 * OBJECT is bpf-peer.bpf.o; TABLE has a line per uid, "UID ADDR4 ADDR6",
 * "-" for an address it has none of; CGROUP defaults to /sys/fs/cgroup.
 * Prints "ready N" (N uids) once both programs are attached, and detaches
 * them when it ends: nothing of it outlives the process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* As in bpf-peer.bpf.c. */
struct peer_addrs {
	uint32_t addr4;
	uint32_t addr6[4];
	uint8_t has4;
	uint8_t has6;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "bpf-peer: %s: %s\n", what, strerror(err));
	exit(1);
}

/* TABLE's lines, parsed into keys and values; exits on a bad line. */
static size_t read_table(const char *path, uint32_t **keys,
			 struct peer_addrs **vals)
{
	size_t n = 0, cap = 1024, line = 0;
	char a4[64], a6[64];
	unsigned int uid;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		die(path, errno);
	*keys = malloc(cap * sizeof(**keys));
	*vals = malloc(cap * sizeof(**vals));
	while (++line, fscanf(f, "%u %63s %63s", &uid, a4, a6) == 3) {
		struct peer_addrs *v;

		if (n == cap) {
			cap *= 2;
			*keys = realloc(*keys, cap * sizeof(**keys));
			*vals = realloc(*vals, cap * sizeof(**vals));
		}
		if (!*keys || !*vals)
			die("reading the table", ENOMEM);
		v = &(*vals)[n];
		memset(v, 0, sizeof(*v));
		v->has4 = strcmp(a4, "-") != 0;
		v->has6 = strcmp(a6, "-") != 0;
		if ((v->has4 && inet_pton(AF_INET, a4, &v->addr4) != 1) ||
		    (v->has6 && inet_pton(AF_INET6, a6, v->addr6) != 1)) {
			fprintf(stderr, "bpf-peer: %s:%zu: bad address\n", path, line);
			exit(1);
		}
		(*keys)[n++] = uid;
	}
	if (!feof(f)) {
		fprintf(stderr, "bpf-peer: %s:%zu: want \"UID ADDR4 ADDR6\"\n",
			path, line);
		exit(1);
	}
	fclose(f);
	return n;
}

static struct bpf_link *attach(struct bpf_object *obj, const char *name, int cg)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);
	struct bpf_link *link;

	if (!prog)
		die(name, ENOENT);
	link = bpf_program__attach_cgroup(prog, cg);
	if (!link)
		die(name, errno);
	return link;
}

int main(int argc, char **argv)
{
	const char *cgroup = argc > 3 ? argv[3] : "/sys/fs/cgroup";
	struct bpf_link *link4, *link6;
	struct peer_addrs *vals;
	struct bpf_object *obj;
	struct bpf_map *map;
	uint32_t *keys;
	size_t n, done;
	sigset_t set;
	int cg, sig;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: bpf-peer OBJECT TABLE [CGROUP]\n");
		return 2;
	}
	n = read_table(argv[2], &keys, &vals);
	if (!n) {
		fprintf(stderr, "bpf-peer: %s: no uid\n", argv[2]);
		return 1;
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		die(argv[1], errno);
	map = bpf_object__find_map_by_name(obj, "uids");
	if (!map)
		die("map uids", ENOENT);
	if (bpf_map__set_max_entries(map, n))
		die("map size", errno);
	if (bpf_object__load(obj))
		die("loading the programs", errno);
	/* In batches, as a loader of a large table would. */
	for (done = 0; done < n;) {
		uint32_t count = n - done > 65536 ? 65536 : n - done;

		if (bpf_map_update_batch(bpf_map__fd(map), keys + done,
					 vals + done, &count, NULL))
			die("filling the map", errno);
		done += count;
	}
	free(keys);
	free(vals);

	cg = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cg < 0)
		die(cgroup, errno);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	link4 = attach(obj, "peer_connect4", cg);
	link6 = attach(obj, "peer_connect6", cg);
	printf("ready %zu\n", n);
	fflush(stdout);

	sigwait(&set, &sig);
	bpf_link__destroy(link6);
	bpf_link__destroy(link4);
	bpf_object__close(obj);
	close(cg);
	return 0;
}
