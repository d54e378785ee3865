// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random, valid and mutated requests to the "vaddr" generic netlink
 * family, checked against a reference model of the namespace's table.
 *
 *   fuzz [-n COUNT] [-s SEED] [-c CGROUP_DIR]... [-m MAX_ENTRIES] [-v]
 *
 * Sends COUNT messages (default 20000) on several sockets of the caller's
 * network namespace: well-formed requests whose effect the model predicts
 * (success, or the errors that may legitimately answer them), mutations of
 * them (flipped bytes, wrong attribute types and lengths, broken and deep
 * nesting, truncation, unknown commands, random flags and header fields),
 * batches, dumps left unread or interleaved with changes, and staged
 * replacements committed, aborted or abandoned by closing their socket.
 *
 * Every mutated message is first decoded here the way the genetlink core
 * and the family's strict policies do; what they must reject has to be
 * rejected, what they accept is predicted by the model like a valid
 * request. Every answer is parsed: error acks with their extended-ACK
 * attributes, replies, dump parts. Every full dump is compared with the
 * model, and at the end the whole table is. A failure prints what
 * differs, the last requests, and the seed to replay it with.
 *
 * The caller's privilege decides what is expected: with CAP_NET_ADMIN over
 * the namespace (root, or root of a user namespace owning it) the table is
 * the fuzzer's; without it every change must be refused with EPERM and the
 * public reads (domains, settings, whoami) must show what they did at the
 * start. Uids are checked against the caller's uid_map.
 *
 * CGROUP_DIR: cgroup v2 directories whose ids the requests use (give the
 * fuzzer's own cgroup and its ancestors to exercise whoami's lookup).
 * MAX_ENTRIES: the module's max_entries parameter, when it is small enough
 * for the tables to reach it (ENOSPC); without -m the model has no limit.
 * Domain addresses are in the documentation ranges only; the fuzzer never
 * sends a request that could give a domain any other address.
 *
 * This file: the setup, the main loop and the final check. The model is in
 * model.c, the messages in wire.c, the answers in answers.c, judging in
 * judge.c, what is sent in gen.c and mutate.c, the rest in util.c and
 * caller.c; fuzz.h is what they share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* ---- setup ---------------------------------------------------------------- */

static void resolve_family(void)
{
	static struct msg m;
	uint8_t buf[BUFSZ];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct sk s;
	struct nlattr *a, *grp, *ga;
	int rem, grem, garem;
	ssize_t n;

	sk_open(&s, BUFSZ);
	nlh = msg_start(&m, NLM_F_REQUEST, 1, CTRL_CMD_GETFAMILY);
	nlh->nlmsg_type = GENL_ID_CTRL;
	g = NLMSG_DATA(nlh);
	g->version = 2;
	put_attr(nlh, CTRL_ATTR_FAMILY_NAME, VADDR_GENL_NAME,
		 sizeof(VADDR_GENL_NAME));
	if (send(s.fd, m.b, nlh->nlmsg_len, 0) < 0)
		fail("send: %s", strerror(errno));
	n = recv(s.fd, buf, sizeof(buf), 0);
	nlh = (void *)buf;
	if (n < (ssize_t)NLMSG_HDRLEN || nlh->nlmsg_type == NLMSG_ERROR)
		fail("no generic netlink family \"vaddr\": module not loaded?");
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (a = (void *)(buf + NLMSG_HDRLEN + GENL_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (void *)((uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(&family, (uint8_t *)a + NLA_HDRLEN, 2);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		grem = a->nla_len - NLA_HDRLEN;
		for (grp = (void *)((uint8_t *)a + NLA_HDRLEN);
		     grem >= NLA_HDRLEN && grp->nla_len >= NLA_HDRLEN &&
		     grp->nla_len <= grem;
		     grem -= NLA_ALIGN(grp->nla_len),
		     grp = (void *)((uint8_t *)grp + NLA_ALIGN(grp->nla_len))) {
			garem = grp->nla_len - NLA_HDRLEN;
			for (ga = (void *)((uint8_t *)grp + NLA_HDRLEN);
			     garem >= NLA_HDRLEN && ga->nla_len >= NLA_HDRLEN &&
			     ga->nla_len <= garem;
			     garem -= NLA_ALIGN(ga->nla_len),
			     ga = (void *)((uint8_t *)ga + NLA_ALIGN(ga->nla_len)))
				if ((ga->nla_type & NLA_TYPE_MASK) ==
				    CTRL_ATTR_MCAST_GRP_ID)
					memcpy(&mcgrp, (uint8_t *)ga + NLA_HDRLEN,
					       4);
		}
	}
	close(s.fd);
	if (!family)
		fail("no family id for \"vaddr\"");
}

static void events_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int rcvbuf = 1 << 16;

	if (!mcgrp)
		return;
	evfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (evfd < 0 || bind(evfd, (struct sockaddr *)&sa, sizeof(sa)))
		fail("netlink socket: %s", strerror(errno));
	setsockopt(evfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* Refused without CAP_NET_ADMIN where the kernel checks it. */
	if (setsockopt(evfd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &mcgrp,
		       sizeof(mcgrp))) {
		close(evfd);
		evfd = -1;
	}
}

/* A full dump of one kind on sk[0], compared with the model. */
static void check_kind(uint8_t cmd)
{
	struct req r = { .cmd = cmd, .dump = true };

	send_req(&sks[0], &r);
}

static void check_all(void)
{
	struct req r = { .cmd = VADDR_CMD_SETTINGS_GET };

	check_kind(VADDR_CMD_DOMAIN_GET);
	if (admin) {
		check_kind(VADDR_CMD_UID_GET);
		check_kind(VADDR_CMD_CGROUP_GET);
		check_kind(VADDR_CMD_ALLOW_GET);
		check_kind(VADDR_CMD_STATS_GET);
	}
	send_req(&sks[0], &r);
}

/* The table as the kernel has it now becomes the model's starting point. */
static void load_model(void)
{
	static const uint8_t kinds[] = {
		VADDR_CMD_DOMAIN_GET, VADDR_CMD_UID_GET, VADDR_CMD_CGROUP_GET,
		VADDR_CMD_ALLOW_GET,
	};
	struct sk *s = &sks[0];
	struct req r = { .dump = true };
	unsigned int k;
	size_t i;

	live = table_new();
	for (k = 0; k < (admin ? 4 : 1); k++) {
		char *line, *w[8];
		int nw;

		r.cmd = kinds[k];
		/* No model yet: read it raw, then parse the lines. */
		s->dumping = true;
		s->dump_done = s->dump_intr = false;
		s->dump_seq = ++s->seq;
		s->dump_cmd = r.cmd;
		lines_clear(&s->got);
		{
			static struct msg m;

			m.len = 0;
			encode(&m, &r, 0, s->seq);
			npend = 0;
			pend_add(s->seq, false, m.b, m.len);
			sendbuf(s, m.b, m.len);
			drain(s);
			if (pend[0].answered || !s->dump_done)
				fail("cannot dump %s to start from: %s",
				     cmd_name(r.cmd), ename(pend[0].err));
		}
		for (i = 0; i < s->got.n; i++) {
			line = s->got.v[i];
			for (nw = 0; nw < 8 && (w[nw] = strsep(&line, " "));
			     nw++)
				;
			if (r.cmd == VADDR_CMD_DOMAIN_GET) {
				struct dom *d;
				unsigned int fc = 0, a[4] = {};
				unsigned long nu = 0, nc = 0;
				int j;

				live->d = grow(live->d, &live->cd, live->nd,
					       sizeof(*live->d));
				d = &live->d[live->nd++];
				memset(d, 0, sizeof(*d));
				d->name = intern(w[1]);
				if (strcmp(w[2], "-")) {
					d->has4 = true;
					sscanf(w[2], "%u.%u.%u.%u", &a[0],
					       &a[1], &a[2], &a[3]);
					for (j = 0; j < 4; j++)
						d->a4[j] = a[j];
				}
				if (strcmp(w[3], "-")) {
					unsigned int x[16] = {};

					d->has6 = true;
					sscanf(w[3], "%2x%2x:%2x%2x:%2x%2x:%2x%2x:"
					       "%2x%2x:%2x%2x:%2x%2x:%2x%2x",
					       &x[0], &x[1], &x[2], &x[3], &x[4],
					       &x[5], &x[6], &x[7], &x[8], &x[9],
					       &x[10], &x[11], &x[12], &x[13],
					       &x[14], &x[15]);
					for (j = 0; j < 16; j++)
						d->a6[j] = x[j];
				}
				sscanf(w[4], "fc=%u", &fc);
				sscanf(w[5], "uids=%lu", &nu);
				sscanf(w[6], "cgroups=%lu", &nc);
				d->fc = fc;
				/* Unprivileged: the mappings are not ours. */
				d->fixed_nu = admin ? -1 : (int)nu;
				d->fixed_nc = admin ? -1 : (int)nc;
			} else if (r.cmd == VADDR_CMD_ALLOW_GET) {
				allow = grow(allow, &callow, nallow,
					     sizeof(*allow));
				allow[nallow++] = strtoul(w[1], NULL, 10);
			} else {
				struct map **mp = r.cmd == VADDR_CMD_UID_GET ?
						  &live->u : &live->c;
				size_t *np = r.cmd == VADDR_CMD_UID_GET ?
					     &live->nu : &live->nc;
				size_t *cp = r.cmd == VADDR_CMD_UID_GET ?
					     &live->cu : &live->cc;

				*mp = grow(*mp, cp, *np, sizeof(**mp));
				(*mp)[*np].key = strtoull(w[1], NULL, 10);
				(*mp)[(*np)++].name = intern(w[2]);
			}
		}
	}
	{
		static struct msg m;
		struct req g = { .cmd = VADDR_CMD_SETTINGS_GET };
		unsigned int nat, iso;

		m.len = 0;
		encode(&m, &g, 0, ++s->seq);
		npend = 0;
		pend_add(s->seq, false, m.b, m.len);
		sendbuf(s, m.b, m.len);
		drain(s);
		if (!pend[0].has_reply ||
		    sscanf(pend[0].reply, "settings nat=%u isolation=%u",
			   &nat, &iso) != 2)
			fail("cannot read the settings to start from");
		set_nat = nat;
		set_iso = iso;
	}
	lines_clear(&s->got);
}

/* Whether this process may change its network namespace's table. */
static bool probe_admin(void)
{
	static struct msg m;
	struct req r = { .cmd = VADDR_CMD_REPLACE_ABORT };
	struct sk *s = &sks[0];
	bool yes;

	m.len = 0;
	encode(&m, &r, NLM_F_ACK, ++s->seq);
	npend = 0;
	pend_add(s->seq, true, m.b, m.len);
	sendbuf(s, m.b, m.len);
	drain(s);
	if (!pend[0].answered)
		fail("no answer to REPLACE_ABORT");
	/* No replacement is open on a new socket: ENOENT, or EPERM. */
	yes = pend[0].err != EPERM;
	if (yes && pend[0].err != ENOENT)
		fail("REPLACE_ABORT on a new socket: %s", ename(pend[0].err));
	return yes;
}

/*
 * Whether the kernel's genl checks the header's reserved field: a
 * REPLACE_ABORT with it set fails with EINVAL where it does (6.1 on),
 * and as without it (ENOENT, or EPERM) where it does not (5.10).
 */
static bool probe_header_check(void)
{
	static struct msg m;
	struct req r = { .cmd = VADDR_CMD_REPLACE_ABORT };
	struct sk *s = &sks[0];
	struct genlmsghdr *g;

	m.len = 0;
	encode(&m, &r, NLM_F_ACK, ++s->seq);
	g = NLMSG_DATA((struct nlmsghdr *)m.b);
	g->reserved = 1;
	npend = 0;
	pend_add(s->seq, true, m.b, m.len);
	sendbuf(s, m.b, m.len);
	drain(s);
	if (!pend[0].answered)
		fail("no answer to REPLACE_ABORT with a reserved field");
	if (pend[0].err != EINVAL && pend[0].err != ENOENT &&
	    pend[0].err != EPERM)
		fail("REPLACE_ABORT with a reserved field: %s",
		     ename(pend[0].err));
	return pend[0].err == EINVAL;
}

/*
 * Leave a table worth comparing, for the final check and for whoever looks
 * at it next: a domain for each of five names, with mappings. Judged like
 * any request (a name or address still taken: EEXIST, EADDRINUSE).
 */
static void fill(void)
{
	struct req r;
	int i;

	for (i = 0; i < 5; i++) {
		memset(&r, 0, sizeof(r));
		r.cmd = VADDR_CMD_DOMAIN_NEW;
		r.has_name = true;
		r.name = intern(pool_names[i]);
		r.has4 = r.has6 = true;
		memcpy(r.a4, (uint8_t[]){ 198, 51, 100, 100 + i }, 4);
		memcpy(r.a6, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [14] = 1,
					  [15] = i }, 16);
		send_req(&sks[0], &r);
		memset(&r, 0, sizeof(r));
		r.cmd = VADDR_CMD_UID_ADD;
		r.has_name = r.has_uid = true;
		r.name = intern(pool_names[i]);
		r.uid = i ? 2000 + i : 0;
		send_req(&sks[0], &r);
		if (i < ncg_pool) {
			r.cmd = VADDR_CMD_CGROUP_ADD;
			r.has_uid = false;
			r.has_cg = true;
			r.cg = cg_pool[ncg_pool - 1 - i];
			send_req(&sks[0], &r);
		}
	}
	send_batch(&sks[0]);
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz [-n COUNT] [-s SEED] [-c CGROUP_DIR]..."
		" [-m MAX_ENTRIES] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	unsigned long next_check;
	double secs;
	unsigned int i;
	int opt;
	char *e;

	want_msgs = 20000;
	e = getenv("FUZZ_SEED");
	if (e && *e)
		seed = strtoull(e, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt(argc, argv, "n:s:c:m:v")) != -1) {
		switch (opt) {
		case 'n':
			want_msgs = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			if (ncg_pool < 32 && cgroup_id(optarg, &cg_pool[ncg_pool]))
				fail("cannot get the cgroup id of %s", optarg);
			ncg_pool++;
			break;
		case 'm':
			max_entries = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage();
		}
	}
	rng = seed;
	printf("# fuzz: seed %" PRIu64 " (FUZZ_SEED=%" PRIu64 "), %lu messages,"
	       " uid %u\n", seed, seed, want_msgs, geteuid());
	fflush(stdout);
	read_uid_map();
	read_cgroups();
	resolve_family();
	for (i = 0; i < NSK; i++)
		sk_open(&sks[i], BUFSZ);
	for (i = 0; i < NDUMP; i++)
		sk_open(&dsks[i], 8192);
	events_open();
	admin = probe_admin();
	resv_strict = probe_header_check();
	load_model();
	printf("# fuzz: %s; genl %s headers; start: %zu domains, %zu uids,"
	       " %zu cgroups, %zu allowed; %d cgroups in the pool, %d own\n",
	       admin ? "may change the table" : "may not change the table",
	       resv_strict ? "checks" : "does not check",
	       live->nd, live->nu, live->nc, nallow, ncg_pool, ncg_self);
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next_check = 2000;
	while (nmsg < want_msgs) {
		unsigned int what = rnd(100);
		struct sk *s = &sks[rnd(NSK)];
		struct sk *ds = &dsks[rnd(NDUMP)];
		struct req r;

		if (what < 45) {
			send_mutated(s);
		} else if (what < 86) {
			gen_req(&r, s->stage ? 2 : 1);
			send_req(s, &r);
		} else if (what < 87) {
			send_batch(s);
		} else if (what < 95) {
			if (!ds->dumping)
				dump_start(ds);
			else
				dump_step(ds, chance(30));
		} else if (what < 96) {
			/* a dump left unread, then its socket closed */
			if (ds->dumping) {
				note("dsk%ld: closed with its dump unread",
				     (long)(ds - dsks));
				sk_close(ds);
				sk_open(ds, 8192);
			}
		} else if (what < 98) {
			/* abandon: close a socket, replacement and all */
			note("sk%ld: closed%s", (long)(s - sks),
			     s->stage ? " with its replacement open" : "");
			sk_close(s);
			sk_open(s, BUFSZ);
		} else {
			events_read();
		}
		if (nmsg >= next_check) {
			check_all();
			next_check += 2000;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	/* Close everything: stages go, dumps end. Then the final check. */
	for (i = 0; i < NDUMP; i++) {
		sk_close(&dsks[i]);
		sk_open(&dsks[i], 8192);
	}
	for (i = 0; i < NSK; i++) {
		sk_close(&sks[i]);
		sk_open(&sks[i], BUFSZ);
	}
	events_read();
	fill();
	check_all();
	{
		struct req r = { .cmd = VADDR_CMD_REPLACE_COMMIT };

		/* The closed sockets' replacements are gone. */
		send_req(&sks[0], &r);
	}

	printf("# fuzz: %lu messages (%lu valid, %lu mutated, %lu in %lu"
	       " batches) in %.1f s, %.0f/s\n", nmsg, st_valid, st_mutated,
	       st_batch_msgs, st_batches, secs, nmsg / secs);
	printf("# fuzz: answers:");
	for (i = 0; i < NERRS; i++)
		if (count_err[i])
			printf(" %s %lu", ename(errs[i]), count_err[i]);
	if (count_err[NERRS])
		printf(" other %lu", count_err[NERRS]);
	printf("; dropped by netlink %lu, skipped %lu\n", st_dropped,
	       st_skipped);
	printf("# fuzz: dumps %lu (interrupted %lu, left unread %lu); "
	       "replacements begun %lu, committed %lu, aborted %lu, "
	       "abandoned %lu; events %lu\n", st_dumps, st_intr,
	       st_dump_abandoned, st_begin, st_commit, st_abort, st_abandon,
	       st_events);
	printf("# fuzz: end: %zu domains, %zu uids, %zu cgroups, %zu allowed,"
	       " nat %d, isolation %d\n", live->nd, live->nu, live->nc, nallow,
	       set_nat, set_iso);
	printf("fuzz: ok: %lu messages, the kernel's table matches the model\n",
	       nmsg);
	return 0;
}
