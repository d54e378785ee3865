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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vaddr.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef FILEID_KERNFS
#define FILEID_KERNFS 0xfe
#endif

#define BUFSZ 65536
#define MAXMSG 32768	/* a batch: 64 requests of at most 300 bytes */

/* ---- output and failure ------------------------------------------------ */

static uint64_t seed;
static unsigned long nmsg, want_msgs;
static bool verbose;

#define NLOG 24
static char oplog[NLOG][200];
static unsigned long nlog;

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(oplog[nlog++ % NLOG], sizeof(oplog[0]), fmt, ap);
	va_end(ap);
	if (verbose)
		fprintf(stderr, "# %s\n", oplog[(nlog - 1) % NLOG]);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	unsigned long i;
	va_list ap;

	fprintf(stderr, "fuzz: FAIL at message %lu: ", nmsg);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, "fuzz: the last requests, oldest first:\n");
	for (i = nlog > NLOG ? nlog - NLOG : 0; i < nlog; i++)
		fprintf(stderr, "fuzz:   %s\n", oplog[i % NLOG]);
	fprintf(stderr, "fuzz: replay with: FUZZ_SEED=%" PRIu64
		" (fuzz -s %" PRIu64 " -n %lu)\n", seed, seed, want_msgs);
	exit(1);
}

/* ---- random numbers (splitmix64: one seed, one sequence) --------------- */

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? rnd64() % n : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* ---- errno sets: what may answer a request ------------------------------ */

static const int errs[] = { 0, EINVAL, ERANGE, ENOENT, EEXIST, EADDRINUSE,
			    EPERM, EOPNOTSUPP, ESTALE, EBUSY, ENOSPC };
#define NERRS (sizeof(errs) / sizeof(errs[0]))

static unsigned int ebit(int e)
{
	unsigned int i;

	for (i = 0; i < NERRS; i++)
		if (errs[i] == e)
			return 1u << i;
	return 1u << 31;
}

#define OK	 ebit(0)
#define BADATTR	 (ebit(EINVAL) | ebit(ERANGE))

static unsigned long count_err[NERRS + 1];

static const char *ename(int e)
{
	static char buf[16];

	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EADDRINUSE: return "EADDRINUSE";
	case EPERM: return "EPERM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ESTALE: return "ESTALE";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

static const char *mask_str(unsigned int m)
{
	static char buf[128];
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < NERRS; i++)
		if (m & (1u << i))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", buf[0] ? "|" : "", ename(errs[i]));
	return buf;
}

/* ---- interned domain names ---------------------------------------------- */

static char **names;
static int nnames;

static int intern(const char *s)
{
	int i;

	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], s))
			return i;
	names = realloc(names, (nnames + 1) * sizeof(*names));
	names[nnames] = strdup(s);
	if (!names || !names[nnames])
		fail("out of memory");
	return nnames++;
}

/* The module's rule: dot-separated labels of 1-63 of [a-z0-9_-]. */
static bool name_ok(const char *p)
{
	size_t label = 0;

	for (; *p; p++) {
		if (*p == '.') {
			if (!label)
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			   *p == '-' || *p == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label;
}

/* ---- the reference model ------------------------------------------------ */

struct dom {
	int name;
	bool has4, has6, fc;
	uint8_t a4[4], a6[16];
	int fixed_nu, fixed_nc;		/* counts as dumped (-1: from maps) */
};

struct map {
	uint64_t key;
	int name;
};

struct table {
	struct dom *d;
	size_t nd, cd;
	struct map *u, *c;		/* uid and cgroup mappings */
	size_t nu, cu, nc, cc;
};

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	p = realloc(p, *cap * size);
	if (!p)
		fail("out of memory");
	return p;
}

static struct table *table_new(void)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		fail("out of memory");
	return t;
}

static void table_free(struct table *t)
{
	if (!t)
		return;
	free(t->d);
	free(t->u);
	free(t->c);
	free(t);
}

static struct dom *dom_find(struct table *t, int name)
{
	size_t i;

	for (i = 0; i < t->nd; i++)
		if (t->d[i].name == name)
			return &t->d[i];
	return NULL;
}

static bool addr_used(struct table *t, const uint8_t *a, bool v6)
{
	size_t i;

	for (i = 0; i < t->nd; i++)
		if (v6 ? t->d[i].has6 && !memcmp(t->d[i].a6, a, 16) :
			 t->d[i].has4 && !memcmp(t->d[i].a4, a, 4))
			return true;
	return false;
}

static struct map *map_find(struct map *m, size_t n, uint64_t key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].key == key)
			return &m[i];
	return NULL;
}

static size_t map_count(struct map *m, size_t n, int name)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += m[i].name == name;
	return k;
}

static void map_del(struct map *m, size_t *n, struct map *e)
{
	*e = m[--*n];
}

static void dom_del(struct table *t, struct dom *d)
{
	int name = d->name;
	size_t i;

	for (i = 0; i < t->nu;)
		if (t->u[i].name == name)
			map_del(t->u, &t->nu, &t->u[i]);
		else
			i++;
	for (i = 0; i < t->nc;)
		if (t->c[i].name == name)
			map_del(t->c, &t->nc, &t->c[i]);
		else
			i++;
	*d = t->d[--t->nd];
}

static struct table *live;
static uint32_t *allow;
static size_t nallow, callow;
static bool set_nat = true, set_iso;
static bool gen_known;
static uint32_t gen;

/* Whether the caller may change the table (CAP_NET_ADMIN over the netns). */
static bool admin;

/* The module's max_entries, when the caller says (-m): 0, no limit. */
static unsigned long max_entries;

static bool full(const struct table *t)
{
	return max_entries && t->nd + t->nu + t->nc >= max_entries;
}

/* ---- what the caller is: uid map, cgroups ------------------------------- */

struct idrange {
	uint32_t first, count;
};

static struct idrange uidmap[64];
static int nuidmap;

static void read_uid_map(void)
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

static bool uid_valid(uint32_t uid)
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

static int cgroup_id(const char *path, uint64_t *id)
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

static uint64_t cg_pool[32];
static int ncg_pool;
static uint64_t cg_self[32];	/* own cgroup, then its ancestors */
static int ncg_self;
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

static void read_cgroups(void)
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
static int cg_exists(uint64_t id)
{
	int i;

	if (id == 0 || (id >> 48) == 0xdead)
		return 0;
	for (i = 0; i < ncg_exist; i++)
		if (cg_exist[i] == id)
			return 1;
	return -1;
}

/* ---- requests ------------------------------------------------------------ */

struct req {
	uint8_t cmd;
	bool dump;
	bool staged;
	bool has_name, has4, has6, has_fc, has_uid, has_cg, has_nat, has_iso,
	     has_gen;
	int name;
	uint8_t a4[4], a6[16];
	uint8_t fc, nat, iso;
	uint32_t uid, gen;
	uint64_t cg;
};

/* The family's policies, as the fuzzer reads them from netlink.c. */
enum pol { P_NONE, P_STR, P_BIN4, P_BIN16, P_BOOL, P_U32, P_U64, P_FLAG };

struct op {
	bool doit, dumpit, public;
	enum pol pol[VADDR_A_MAX + 1];
};

#define STAGED_POL [VADDR_A_STAGED] = P_FLAG
static const struct op ops[VADDR_CMD_MAX + 1] = {
	[VADDR_CMD_DOMAIN_NEW] = { .doit = true, .pol = {
		[VADDR_A_DOMAIN] = P_STR, [VADDR_A_ADDR4] = P_BIN4,
		[VADDR_A_ADDR6] = P_BIN16, [VADDR_A_FAIL_CLOSED] = P_BOOL,
		STAGED_POL } },
	[VADDR_CMD_DOMAIN_DEL] = { .doit = true, .pol = {
		[VADDR_A_DOMAIN] = P_STR, STAGED_POL } },
	[VADDR_CMD_DOMAIN_GET] = { .doit = true, .dumpit = true,
		.public = true, .pol = { [VADDR_A_DOMAIN] = P_STR } },
	[VADDR_CMD_UID_ADD] = { .doit = true, .pol = {
		[VADDR_A_UID] = P_U32, [VADDR_A_DOMAIN] = P_STR,
		STAGED_POL } },
	[VADDR_CMD_UID_DEL] = { .doit = true, .pol = {
		[VADDR_A_UID] = P_U32, [VADDR_A_DOMAIN] = P_STR,
		STAGED_POL } },
	[VADDR_CMD_UID_GET] = { .dumpit = true },
	[VADDR_CMD_CGROUP_ADD] = { .doit = true, .pol = {
		[VADDR_A_CGROUP_ID] = P_U64, [VADDR_A_DOMAIN] = P_STR,
		STAGED_POL } },
	[VADDR_CMD_CGROUP_DEL] = { .doit = true, .pol = {
		[VADDR_A_CGROUP_ID] = P_U64, [VADDR_A_DOMAIN] = P_STR,
		STAGED_POL } },
	[VADDR_CMD_CGROUP_GET] = { .dumpit = true },
	[VADDR_CMD_FLUSH] = { .doit = true },
	[VADDR_CMD_STATS_GET] = { .dumpit = true },
	[VADDR_CMD_SETTINGS_SET] = { .doit = true, .pol = {
		[VADDR_A_NAT] = P_BOOL, [VADDR_A_ISOLATION] = P_BOOL } },
	[VADDR_CMD_SETTINGS_GET] = { .doit = true, .public = true },
	[VADDR_CMD_REPLACE_BEGIN] = { .doit = true },
	[VADDR_CMD_REPLACE_COMMIT] = { .doit = true, .pol = {
		[VADDR_A_GENERATION] = P_U32 } },
	[VADDR_CMD_REPLACE_ABORT] = { .doit = true },
	[VADDR_CMD_WHOAMI] = { .doit = true, .public = true },
	[VADDR_CMD_DOMAIN_SET] = { .doit = true, .pol = {
		[VADDR_A_DOMAIN] = P_STR, [VADDR_A_FAIL_CLOSED] = P_BOOL,
		STAGED_POL } },
	[VADDR_CMD_ALLOW_ADD] = { .doit = true, .pol = {
		[VADDR_A_UID] = P_U32 } },
	[VADDR_CMD_ALLOW_DEL] = { .doit = true, .pol = {
		[VADDR_A_UID] = P_U32 } },
	[VADDR_CMD_ALLOW_GET] = { .dumpit = true },
};

static bool op_exists(unsigned int cmd)
{
	return cmd <= VADDR_CMD_MAX && (ops[cmd].doit || ops[cmd].dumpit);
}

static const char *cmd_name(unsigned int cmd)
{
	static const char *const n[] = {
		"UNSPEC", "DOMAIN_NEW", "DOMAIN_DEL", "DOMAIN_GET", "UID_ADD",
		"UID_DEL", "UID_GET", "CGROUP_ADD", "CGROUP_DEL", "CGROUP_GET",
		"FLUSH", "STATS_GET", "SETTINGS_SET", "SETTINGS_GET",
		"REPLACE_BEGIN", "REPLACE_COMMIT", "REPLACE_ABORT", "WHOAMI",
		"DOMAIN_SET", "ALLOW_ADD", "ALLOW_DEL", "ALLOW_GET",
	};
	static char buf[16];

	if (cmd < sizeof(n) / sizeof(n[0]))
		return n[cmd];
	snprintf(buf, sizeof(buf), "cmd %u", cmd);
	return buf;
}

/* ---- sockets -------------------------------------------------------------- */

struct lines {
	char **v;
	size_t n, cap;
};

struct sk {
	int fd;
	uint32_t portid;
	uint32_t seq;
	struct table *stage;		/* model of its open replacement */
	size_t rcvlen;			/* recv buffer: sizes dump parts */
	/* the dump in progress, if any */
	bool dumping, dump_intr, dump_done;
	uint32_t dump_seq;
	uint8_t dump_cmd;
	unsigned long dump_msgs;
	struct lines got, snap;		/* dumped, and the model at its start */
};

#define NSK 3		/* request sockets; sk[0] also does full checks */
#define NDUMP 2		/* sockets whose dumps are read piecemeal */
static struct sk sks[NSK], dsks[NDUMP];
static int evfd = -1;
static uint16_t family;
static uint32_t mcgrp;

static unsigned long st_sent, st_mutated, st_valid, st_dumps, st_intr,
	st_dump_abandoned, st_begin, st_commit, st_abort, st_abandon,
	st_batches, st_batch_msgs, st_events, st_dropped, st_skipped;

static void lines_add(struct lines *l, const char *s)
{
	l->v = grow(l->v, &l->cap, l->n, sizeof(*l->v));
	l->v[l->n] = strdup(s);
	if (!l->v[l->n++])
		fail("out of memory");
}

static void lines_clear(struct lines *l)
{
	while (l->n)
		free(l->v[--l->n]);
}

static void sk_open(struct sk *s, size_t rcvlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int one = 1, rcvbuf = 1 << 20;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &len))
		fail("netlink socket: %s", strerror(errno));
	s->portid = sa.nl_pid;
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Errors with and without the request echoed. */
	if (chance(50))
		setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
			   sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	s->rcvlen = rcvlen;
	s->seq = rnd64();
	s->stage = NULL;
	s->dumping = false;
}

/* Closing a socket throws its replacement away and ends its dump. */
static void sk_close(struct sk *s)
{
	close(s->fd);
	if (s->stage)
		st_abandon++;
	table_free(s->stage);
	s->stage = NULL;
	if (s->dumping)
		st_dump_abandoned++;
	s->dumping = false;
	lines_clear(&s->got);
	lines_clear(&s->snap);
}

/* ---- messages ------------------------------------------------------------- */

struct msg {
	uint8_t b[MAXMSG];
	size_t len;
};

static struct nlmsghdr *msg_start(struct msg *m, uint16_t flags, uint32_t seq,
				  uint8_t cmd)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(m->b + m->len);
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(nlh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g->cmd = cmd;
	g->version = VADDR_GENL_VERSION;
	return nlh;
}

static void put_attr(struct nlmsghdr *nlh, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)nlh +
					     NLMSG_ALIGN(nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	memset((uint8_t *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void msg_end(struct msg *m, struct nlmsghdr *nlh)
{
	m->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void encode(struct msg *m, const struct req *r, uint16_t flags,
		   uint32_t seq)
{
	struct nlmsghdr *nlh;
	const char *name;

	if (m->len + 512 > MAXMSG)
		fail("no room for a request");
	flags |= NLM_F_REQUEST | (r->dump ? NLM_F_DUMP : 0);
	nlh = msg_start(m, flags, seq, r->cmd);
	if (r->has_name) {
		name = names[r->name];
		put_attr(nlh, VADDR_A_DOMAIN, name, strlen(name) + 1);
	}
	if (r->has4)
		put_attr(nlh, VADDR_A_ADDR4, r->a4, 4);
	if (r->has6)
		put_attr(nlh, VADDR_A_ADDR6, r->a6, 16);
	if (r->has_fc)
		put_attr(nlh, VADDR_A_FAIL_CLOSED, &r->fc, 1);
	if (r->has_uid)
		put_attr(nlh, VADDR_A_UID, &r->uid, 4);
	if (r->has_cg)
		put_attr(nlh, VADDR_A_CGROUP_ID, &r->cg, 8);
	if (r->has_nat)
		put_attr(nlh, VADDR_A_NAT, &r->nat, 1);
	if (r->has_iso)
		put_attr(nlh, VADDR_A_ISOLATION, &r->iso, 1);
	if (r->has_gen)
		put_attr(nlh, VADDR_A_GENERATION, &r->gen, 4);
	if (r->staged)
		put_attr(nlh, VADDR_A_STAGED, NULL, 0);
	msg_end(m, nlh);
}

/* ---- decoding requests as the kernel does -------------------------------- */

enum verdict {
	V_DROP,		/* netlink_rcv_skb() stops: no answer at all */
	V_ACKONLY,	/* not a request for the family: acked, nothing done */
	V_REJECT,	/* refused before the family sees it: mask */
	V_REQ,		/* reaches the family's handler: r */
};

struct decoded {
	enum verdict v;
	unsigned int mask;
	bool ack;
	struct req r;
};

/* validate_nla() with NL_VALIDATE_STRICT, for the policies of netlink.c. */
static bool attr_ok(const struct nlattr *a, enum pol pol)
{
	const char *data = (const char *)a + NLA_HDRLEN;
	int len = a->nla_len - NLA_HDRLEN;
	bool nested = a->nla_type & NLA_F_NESTED;

	switch (pol) {
	case P_NONE:
		return false;
	case P_STR:
		/* A NUL in the first len + 1 bytes, and no more than len
		 * bytes before the last one unless that is a NUL.
		 */
		if (nested || !len || !memchr(data, 0, len < VADDR_DOMAIN_MAX +
					      1 ? len : VADDR_DOMAIN_MAX + 1))
			return false;
		return len - !data[len - 1] <= VADDR_DOMAIN_MAX;
	case P_BIN4:
		return !nested && len == 4;
	case P_BIN16:
		return !nested && len == 16;
	case P_BOOL:
		return !nested && len == 1 && (uint8_t)data[0] <= 1;
	case P_U32:
		return !nested && len == 4;
	case P_U64:
		return !nested && len == 8;
	case P_FLAG:
		return !nested && len == 0;
	}
	return false;
}

/* resv_start_op 0: genl checks the header of every command strictly. */
static const bool resv_strict = true;

static void decode(const uint8_t *p, size_t len, struct decoded *d)
{
	const struct nlmsghdr *nlh = (const void *)p;
	const struct nlattr *tb[VADDR_A_MAX + 1] = {};
	const struct genlmsghdr *g;
	const struct nlattr *a;
	const struct op *op;
	bool dump, perm;
	uint16_t flags;
	int rem;

	memset(d, 0, sizeof(*d));
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > len) {
		d->v = V_DROP;
		return;
	}
	d->ack = nlh->nlmsg_flags & NLM_F_ACK;
	if (!(nlh->nlmsg_flags & NLM_F_REQUEST) ||
	    nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		d->v = V_ACKONLY;
		return;
	}
	if (nlh->nlmsg_type != family)
		fail("mutated a message into another family (type %u)",
		     nlh->nlmsg_type);
	d->v = V_REJECT;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		d->mask = ebit(EINVAL);
		return;
	}
	g = NLMSG_DATA(nlh);
	/* genl_header_check(): reserved zero, no flags the core ignores. */
	flags = nlh->nlmsg_flags;
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (resv_strict &&
	    (g->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)))) {
		d->mask = ebit(EINVAL);
		return;
	}
	if (!op_exists(g->cmd)) {
		d->mask = ebit(EOPNOTSUPP);
		return;
	}
	op = &ops[g->cmd];
	dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	perm = !op->public && !admin;
	if (perm)
		d->mask |= ebit(EPERM);
	if (dump ? !op->dumpit : !op->doit) {
		d->mask |= ebit(EOPNOTSUPP);
		return;
	}
	/* __nla_validate_parse(): last one of a type wins. */
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	a = (const void *)((const uint8_t *)g + GENL_HDRLEN);
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		unsigned int type = a->nla_type & NLA_TYPE_MASK;

		if (!type || type > VADDR_A_MAX || !attr_ok(a, op->pol[type])) {
			d->mask |= BADATTR;
			return;
		}
		tb[type] = a;
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
	if (rem > 0) {
		d->mask |= BADATTR;
		return;
	}
	if (perm)
		return;
	d->v = V_REQ;
	d->r.cmd = g->cmd;
	d->r.dump = dump;
#define DATA(t) ((const uint8_t *)tb[t] + NLA_HDRLEN)
	if (tb[VADDR_A_DOMAIN]) {
		d->r.has_name = true;
		d->r.name = intern((const char *)DATA(VADDR_A_DOMAIN));
	}
	if (tb[VADDR_A_ADDR4]) {
		d->r.has4 = true;
		memcpy(d->r.a4, DATA(VADDR_A_ADDR4), 4);
	}
	if (tb[VADDR_A_ADDR6]) {
		d->r.has6 = true;
		memcpy(d->r.a6, DATA(VADDR_A_ADDR6), 16);
	}
	if (tb[VADDR_A_FAIL_CLOSED]) {
		d->r.has_fc = true;
		d->r.fc = *DATA(VADDR_A_FAIL_CLOSED);
	}
	if (tb[VADDR_A_UID]) {
		d->r.has_uid = true;
		memcpy(&d->r.uid, DATA(VADDR_A_UID), 4);
	}
	if (tb[VADDR_A_CGROUP_ID]) {
		d->r.has_cg = true;
		memcpy(&d->r.cg, DATA(VADDR_A_CGROUP_ID), 8);
	}
	if (tb[VADDR_A_NAT]) {
		d->r.has_nat = true;
		d->r.nat = *DATA(VADDR_A_NAT);
	}
	if (tb[VADDR_A_ISOLATION]) {
		d->r.has_iso = true;
		d->r.iso = *DATA(VADDR_A_ISOLATION);
	}
	if (tb[VADDR_A_GENERATION]) {
		d->r.has_gen = true;
		memcpy(&d->r.gen, DATA(VADDR_A_GENERATION), 4);
	}
	d->r.staged = tb[VADDR_A_STAGED];
#undef DATA
}

/* ---- addresses ------------------------------------------------------------ */

static bool doc4(const uint8_t *a)
{
	return (a[0] == 192 && a[1] == 0 && a[2] == 2) ||
	       (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
	       (a[0] == 203 && a[1] == 0 && a[2] == 113);
}

static bool doc6(const uint8_t *a)
{
	return a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8;
}

/* Addresses the module must refuse, and that configure nothing. */
static const uint8_t bad4[][4] = {
	{ 127, 0, 0, 1 }, { 0, 0, 0, 0 }, { 224, 0, 0, 1 },
	{ 255, 255, 255, 255 }, { 0, 1, 2, 3 }, { 239, 1, 2, 3 },
};

static const uint8_t bad6[][16] = {
	{ 0 },
	{ [15] = 1 },
	{ 0xfe, 0x80, [15] = 1 },
	{ 0xff, 0x02, [15] = 1 },
	{ [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 },
};

/* 1: valid domain address, 0: refused, -1: neither, never sent. */
static int addr_class(const uint8_t *a, bool v6)
{
	size_t i;

	if (v6 ? doc6(a) : doc4(a))
		return 1;
	if (v6) {
		for (i = 0; i < sizeof(bad6) / sizeof(bad6[0]); i++)
			if (!memcmp(a, bad6[i], 16))
				return 0;
	} else {
		for (i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++)
			if (!memcmp(a, bad4[i], 4))
				return 0;
	}
	return -1;
}

/* ---- predictions ------------------------------------------------------- */

/*
 * The answers the module may give @r sent on @s: a set, since where
 * several checks fail the order they run in is not the protocol.
 */
static unsigned int predict(struct sk *s, const struct req *r)
{
	struct table *t = r->staged ? s->stage : live;
	unsigned int m = 0;
	int c;

	if (!admin && !ops[r->cmd].public)
		return ebit(EPERM);
	switch (r->cmd) {
	case VADDR_CMD_DOMAIN_NEW:
		if (!r->has_name || !name_ok(names[r->name]))
			m |= ebit(EINVAL);
		if ((r->has4 && addr_class(r->a4, false) != 1) ||
		    (r->has6 && addr_class(r->a6, true) != 1) ||
		    (!r->has4 && !r->has6))
			m |= ebit(EINVAL);
		if (m)
			return m;
		if (!t)
			return ebit(ENOENT);
		if (dom_find(t, r->name))
			m |= ebit(EEXIST);
		if ((r->has4 && addr_used(t, r->a4, false)) ||
		    (r->has6 && addr_used(t, r->a6, true)))
			m |= ebit(EADDRINUSE);
		if (!m && full(t))
			m |= ebit(ENOSPC);
		return m ? m : OK;
	case VADDR_CMD_DOMAIN_SET:
		if (!r->has_fc)
			return ebit(EINVAL);
		/* fall through */
	case VADDR_CMD_DOMAIN_DEL:
	case VADDR_CMD_DOMAIN_GET:
		if (r->dump)
			return OK;
		if (!t)
			m |= ebit(ENOENT);
		if (!r->has_name)
			m |= ebit(EINVAL);
		else if (t && !dom_find(t, r->name))
			m |= ebit(ENOENT);
		return m ? m : OK;
	case VADDR_CMD_UID_ADD:
	case VADDR_CMD_UID_DEL:
		if (!r->has_uid || !uid_valid(r->uid))
			return ebit(EINVAL);
		if (!t)
			return ebit(ENOENT);
		if (r->cmd == VADDR_CMD_UID_DEL)
			return map_find(t->u, t->nu, r->uid) ? OK : ebit(ENOENT);
		if (!r->has_name)
			return ebit(EINVAL);
		if (!dom_find(t, r->name))
			return ebit(ENOENT);
		if (full(t))
			m |= ebit(ENOSPC);
		if (map_find(t->u, t->nu, r->uid))
			m |= ebit(EEXIST);
		return m ? m : OK;
	case VADDR_CMD_CGROUP_ADD:
		if (!r->has_cg)
			return ebit(EINVAL);
		c = cg_exists(r->cg);
		if (!c)
			return ebit(ENOENT);
		if (c < 0)
			m |= ebit(ENOENT);
		if (!t)
			return m | ebit(ENOENT);
		if (!r->has_name)
			return m | ebit(EINVAL);
		if (!dom_find(t, r->name))
			return m | ebit(ENOENT);
		if (full(t))
			return m | ebit(ENOSPC) |
			       (map_find(t->c, t->nc, r->cg) ? ebit(EEXIST) : 0);
		if (map_find(t->c, t->nc, r->cg))
			return m | ebit(EEXIST);
		return m | OK;
	case VADDR_CMD_CGROUP_DEL:
		if (!r->has_cg)
			return ebit(EINVAL);
		if (!t)
			return ebit(ENOENT);
		return map_find(t->c, t->nc, r->cg) ? OK : ebit(ENOENT);
	case VADDR_CMD_ALLOW_ADD:
	case VADDR_CMD_ALLOW_DEL: {
		bool in = false;
		size_t i;

		if (!r->has_uid || !uid_valid(r->uid))
			return ebit(EINVAL);
		for (i = 0; i < nallow; i++)
			in |= allow[i] == r->uid;
		if (r->cmd == VADDR_CMD_ALLOW_ADD)
			return in ? ebit(EEXIST) : OK;
		return in ? OK : ebit(ENOENT);
	}
	case VADDR_CMD_REPLACE_BEGIN:
		return s->stage ? ebit(EEXIST) : OK;
	case VADDR_CMD_REPLACE_ABORT:
		return s->stage ? OK : ebit(ENOENT);
	case VADDR_CMD_REPLACE_COMMIT:
		if (!s->stage)
			return ebit(ENOENT);
		if (r->has_gen && !gen_known)
			return OK | ebit(ESTALE);
		if (r->has_gen && r->gen != gen)
			return ebit(ESTALE);
		return OK;
	default:
		return OK;	/* flush, settings, whoami, dumps */
	}
}

static void apply(struct sk *s, const struct req *r)
{
	struct table *t = r->staged ? s->stage : live;
	bool changed = !r->staged;
	struct map *e;
	struct dom *d;

	switch (r->cmd) {
	case VADDR_CMD_DOMAIN_NEW:
		t->d = grow(t->d, &t->cd, t->nd, sizeof(*t->d));
		d = &t->d[t->nd++];
		memset(d, 0, sizeof(*d));
		d->name = r->name;
		d->has4 = r->has4;
		d->has6 = r->has6;
		memcpy(d->a4, r->a4, 4);
		memcpy(d->a6, r->a6, 16);
		d->fc = r->has_fc && r->fc;
		d->fixed_nu = d->fixed_nc = -1;
		break;
	case VADDR_CMD_DOMAIN_DEL:
		dom_del(t, dom_find(t, r->name));
		break;
	case VADDR_CMD_DOMAIN_SET:
		dom_find(t, r->name)->fc = r->fc;
		break;
	case VADDR_CMD_UID_ADD:
		t->u = grow(t->u, &t->cu, t->nu, sizeof(*t->u));
		t->u[t->nu].key = r->uid;
		t->u[t->nu++].name = r->name;
		break;
	case VADDR_CMD_UID_DEL:
		map_del(t->u, &t->nu, map_find(t->u, t->nu, r->uid));
		break;
	case VADDR_CMD_CGROUP_ADD:
		t->c = grow(t->c, &t->cc, t->nc, sizeof(*t->c));
		t->c[t->nc].key = r->cg;
		t->c[t->nc++].name = r->name;
		break;
	case VADDR_CMD_CGROUP_DEL:
		e = map_find(t->c, t->nc, r->cg);
		map_del(t->c, &t->nc, e);
		break;
	case VADDR_CMD_FLUSH:
		table_free(live);
		live = table_new();
		break;
	case VADDR_CMD_SETTINGS_SET:
		if (r->has_nat)
			set_nat = r->nat;
		if (r->has_iso)
			set_iso = r->iso;
		break;
	case VADDR_CMD_ALLOW_ADD:
		allow = grow(allow, &callow, nallow, sizeof(*allow));
		allow[nallow++] = r->uid;
		break;
	case VADDR_CMD_ALLOW_DEL: {
		size_t i;

		for (i = 0; allow[i] != r->uid; i++)
			;
		allow[i] = allow[--nallow];
		break;
	}
	case VADDR_CMD_REPLACE_BEGIN:
		s->stage = table_new();
		changed = false;
		st_begin++;
		break;
	case VADDR_CMD_REPLACE_COMMIT:
		table_free(live);
		live = s->stage;
		s->stage = NULL;
		st_commit++;
		break;
	case VADDR_CMD_REPLACE_ABORT:
		table_free(s->stage);
		s->stage = NULL;
		changed = false;
		st_abort++;
		break;
	default:
		changed = false;
	}
	if (changed)
		gen_known = false;
}

/* ---- the model as lines, like the dumps -------------------------------- */

static void fmt_addr(char *buf, size_t n, bool has, const uint8_t *a, bool v6)
{
	if (!has)
		snprintf(buf, n, "-");
	else if (!v6)
		snprintf(buf, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		snprintf(buf, n, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:"
			 "%02x%02x:%02x%02x:%02x%02x:%02x%02x",
			 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
			 a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
}

static void dom_line(char *buf, size_t n, const char *name, bool has4,
		     const uint8_t *a4, bool has6, const uint8_t *a6,
		     unsigned int fc, unsigned long nu, unsigned long nc)
{
	char s4[20], s6[48];

	fmt_addr(s4, sizeof(s4), has4, a4, false);
	fmt_addr(s6, sizeof(s6), has6, a6, true);
	snprintf(buf, n, "domain %s %s %s fc=%u uids=%lu cgroups=%lu", name,
		 s4, s6, fc, nu, nc);
}

static void model_dom_line(char *buf, size_t n, struct table *t,
			   const struct dom *d)
{
	unsigned long nu = d->fixed_nu >= 0 ? (unsigned long)d->fixed_nu :
			   map_count(t->u, t->nu, d->name);
	unsigned long nc = d->fixed_nc >= 0 ? (unsigned long)d->fixed_nc :
			   map_count(t->c, t->nc, d->name);

	dom_line(buf, n, names[d->name], d->has4, d->a4, d->has6, d->a6,
		 d->fc, nu, nc);
}

static void model_lines(uint8_t cmd, struct lines *l)
{
	char buf[512];
	size_t i;

	switch (cmd) {
	case VADDR_CMD_DOMAIN_GET:
		for (i = 0; i < live->nd; i++) {
			model_dom_line(buf, sizeof(buf), live, &live->d[i]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_STATS_GET:
		for (i = 0; i < live->nd; i++) {
			snprintf(buf, sizeof(buf), "stats %s",
				 names[live->d[i].name]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_UID_GET:
		for (i = 0; i < live->nu; i++) {
			snprintf(buf, sizeof(buf), "uid %" PRIu64 " %s",
				 live->u[i].key, names[live->u[i].name]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_CGROUP_GET:
		for (i = 0; i < live->nc; i++) {
			snprintf(buf, sizeof(buf), "cgroup %" PRIu64 " %s",
				 live->c[i].key, names[live->c[i].name]);
			lines_add(l, buf);
		}
		break;
	case VADDR_CMD_ALLOW_GET:
		for (i = 0; i < nallow; i++) {
			snprintf(buf, sizeof(buf), "allow %u", allow[i]);
			lines_add(l, buf);
		}
		break;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Equal as sets of lines; else print the difference and fail. */
static void lines_compare(const char *what, struct lines *kernel,
			  struct lines *model)
{
	size_t i = 0, j = 0, shown = 0;
	bool same;

	qsort(kernel->v, kernel->n, sizeof(char *), cmp_str);
	qsort(model->v, model->n, sizeof(char *), cmp_str);
	same = kernel->n == model->n;
	for (i = 0; same && i < kernel->n; i++)
		same = !strcmp(kernel->v[i], model->v[i]);
	if (same)
		return;
	fprintf(stderr, "fuzz: %s: the kernel's dump (+) and the model (-)"
		" differ:\n", what);
	i = 0;
	while ((i < kernel->n || j < model->n) && shown < 40) {
		int c = i >= kernel->n ? 1 : j >= model->n ? -1 :
			strcmp(kernel->v[i], model->v[j]);

		if (!c) {
			i++;
			j++;
			continue;
		}
		shown++;
		if (c < 0)
			fprintf(stderr, "fuzz:   + %s\n", kernel->v[i++]);
		else
			fprintf(stderr, "fuzz:   - %s\n", model->v[j++]);
	}
	fail("%s: dump and model differ (%zu lines vs %zu)", what, kernel->n,
	     model->n);
}

/* ---- answers -------------------------------------------------------------- */

/* What one request got back. */
struct pend {
	uint32_t seq;
	bool ack;		/* NLM_F_ACK was set */
	bool answered;		/* an NLMSG_ERROR came */
	int err;
	bool has_msg;		/* with an extack message */
	bool has_reply;		/* a do reply came */
	char reply[512];	/* as a line */
	const uint8_t *sent;	/* the message, to check the echo */
	size_t sent_len;
};

#define MAXPEND 128
static struct pend pend[MAXPEND];
static int npend;

static struct pend *pend_add(uint32_t seq, bool ack, const uint8_t *sent,
			     size_t sent_len)
{
	struct pend *p = &pend[npend++];

	memset(p, 0, sizeof(*p));
	p->seq = seq;
	p->ack = ack;
	p->sent = sent;
	p->sent_len = sent_len;
	return p;
}

static struct pend *pend_find(uint32_t seq)
{
	int i;

	for (i = 0; i < npend; i++)
		if (pend[i].seq == seq)
			return &pend[i];
	return NULL;
}

/* Attributes of a reply, checked for their sizes. */
struct obj {
	const char *name;
	bool has4, has6, has_nu, has_nc, has_fc, has_uid, has_cg, has_nat,
	     has_iso, has_match, has_gen, has_stats, stats_nonzero;
	const uint8_t *a4, *a6;
	uint32_t nu, nc, uid, gen;
	uint64_t cg;
	uint8_t fc, nat, iso, match;
};

static void parse_stats(const struct nlattr *nest, struct obj *o)
{
	int rem = nest->nla_len - NLA_HDRLEN;
	const struct nlattr *a = (const void *)((const uint8_t *)nest +
						NLA_HDRLEN);
	uint64_t v;

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		unsigned int type = a->nla_type & NLA_TYPE_MASK;

		if (type == VADDR_STAT_PAD) {
			/* alignment only */
		} else if (type > VADDR_STAT_MAX || !type ||
			   a->nla_len != NLA_HDRLEN + 8) {
			fail("reply: bad counter attribute type %u len %u",
			     type, a->nla_len);
		} else {
			memcpy(&v, (const uint8_t *)a + NLA_HDRLEN, 8);
			o->stats_nonzero |= v != 0;
		}
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
	if (rem > 0)
		fail("reply: %d bytes left over in VADDR_A_STATS", rem);
	o->has_stats = true;
}

static void parse_obj(const struct nlmsghdr *nlh, struct obj *o)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *a;
	int rem;

	memset(o, 0, sizeof(*o));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		fail("reply of %u bytes", nlh->nlmsg_len);
	if (g->version != VADDR_GENL_VERSION || g->reserved)
		fail("reply with genl version %u reserved %u", g->version,
		     g->reserved);
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	a = (const void *)((const uint8_t *)g + GENL_HDRLEN);
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		const uint8_t *d = (const uint8_t *)a + NLA_HDRLEN;
		int len = a->nla_len - NLA_HDRLEN;
		int want;

		switch (type) {
		case VADDR_A_DOMAIN:
			if (!len || len > VADDR_DOMAIN_MAX + 1 || d[len - 1] ||
			    strlen((const char *)d) != (size_t)len - 1)
				fail("reply: bad VADDR_A_DOMAIN of %d bytes",
				     len);
			o->name = (const char *)d;
			want = len;
			break;
		case VADDR_A_ADDR4:
			o->has4 = true, o->a4 = d, want = 4;
			break;
		case VADDR_A_ADDR6:
			o->has6 = true, o->a6 = d, want = 16;
			break;
		case VADDR_A_UID:
			o->has_uid = true, memcpy(&o->uid, d, 4), want = 4;
			break;
		case VADDR_A_CGROUP_ID:
			o->has_cg = true, memcpy(&o->cg, d, 8), want = 8;
			break;
		case VADDR_A_NR_UIDS:
			o->has_nu = true, memcpy(&o->nu, d, 4), want = 4;
			break;
		case VADDR_A_NR_CGROUPS:
			o->has_nc = true, memcpy(&o->nc, d, 4), want = 4;
			break;
		case VADDR_A_GENERATION:
			o->has_gen = true, memcpy(&o->gen, d, 4), want = 4;
			break;
		case VADDR_A_NAT:
			o->has_nat = true, o->nat = d[0], want = 1;
			break;
		case VADDR_A_ISOLATION:
			o->has_iso = true, o->iso = d[0], want = 1;
			break;
		case VADDR_A_FAIL_CLOSED:
			o->has_fc = true, o->fc = d[0], want = 1;
			break;
		case VADDR_A_MATCH:
			o->has_match = true, o->match = d[0], want = 1;
			break;
		case VADDR_A_STATS:
			parse_stats(a, o);
			want = len;
			break;
		case VADDR_A_PAD:
			want = len;
			break;
		default:
			fail("reply %s: unknown attribute %u",
			     cmd_name(g->cmd), type);
		}
		if (len != want)
			fail("reply %s: attribute %u of %d bytes, not %d",
			     cmd_name(g->cmd), type, len, want);
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
	if (rem)
		fail("reply %s: %d bytes left over after its attributes",
		     cmd_name(g->cmd), rem);
}

/* A reply or dump message as a line like model_lines() makes. */
static void obj_line(uint8_t cmd, const struct obj *o, char *buf, size_t n)
{
	switch (cmd) {
	case VADDR_CMD_DOMAIN_GET:
		if (!o->name || !o->has_nu || !o->has_nc || !o->has_fc ||
		    (!o->has4 && !o->has6))
			fail("domain reply without all its attributes");
		dom_line(buf, n, o->name, o->has4, o->a4, o->has6, o->a6,
			 o->fc, o->nu, o->nc);
		break;
	case VADDR_CMD_STATS_GET:
		if (!o->name || !o->has_stats)
			fail("counters reply without a domain or counters");
		/* No traffic in the fuzzer's namespace: nothing counted. */
		if (o->stats_nonzero)
			fail("counters of %s are not zero", o->name);
		snprintf(buf, n, "stats %s", o->name);
		break;
	case VADDR_CMD_UID_GET:
		if (!o->name || !o->has_uid)
			fail("uid reply without uid or domain");
		snprintf(buf, n, "uid %u %s", o->uid, o->name);
		break;
	case VADDR_CMD_CGROUP_GET:
		if (!o->name || !o->has_cg)
			fail("cgroup reply without id or domain");
		snprintf(buf, n, "cgroup %" PRIu64 " %s", o->cg, o->name);
		break;
	case VADDR_CMD_ALLOW_GET:
		if (!o->has_uid || o->name)
			fail("allow reply: uid missing or a domain given");
		snprintf(buf, n, "allow %u", o->uid);
		break;
	case VADDR_CMD_SETTINGS_GET:
		if (!o->has_nat || !o->has_iso)
			fail("settings reply without nat or isolation");
		snprintf(buf, n, "settings nat=%u isolation=%u", o->nat,
			 o->iso);
		break;
	case VADDR_CMD_WHOAMI: {
		char s4[20], s6[48];

		if (!o->has_match)
			fail("whoami reply without VADDR_A_MATCH");
		fmt_addr(s4, sizeof(s4), o->has4, o->a4, false);
		fmt_addr(s6, sizeof(s6), o->has6, o->a6, true);
		snprintf(buf, n, "whoami %u %s %s %s uid=%s%u cgroup=%s%" PRIu64,
			 o->match, o->name ? o->name : "-", s4, s6,
			 o->has_uid ? "" : "-", o->has_uid ? o->uid : 0,
			 o->has_cg ? "" : "-", o->has_cg ? o->cg : 0);
		break;
	}
	default:
		fail("reply with command %s", cmd_name(cmd));
	}
}

/* The extended ACK attributes after an error or DONE message. */
static bool parse_tlvs(const uint8_t *p, int rem, uint32_t orig_len)
{
	const struct nlattr *a = (const void *)p;
	bool has_msg = false;
	uint32_t v;

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		const char *d = (const char *)a + NLA_HDRLEN;
		int len = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (len < 2 || d[len - 1] || strlen(d) != (size_t)len - 1)
				fail("extack message not a string");
			has_msg = true;
			break;
		case NLMSGERR_ATTR_OFFS:
			if (len != 4)
				fail("extack offset of %d bytes", len);
			memcpy(&v, d, 4);
			if (v < NLMSG_HDRLEN + GENL_HDRLEN || v >= orig_len)
				fail("extack offset %u outside the request of"
				     " %u bytes", v, orig_len);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
		case NLMSGERR_ATTR_MISS_NEST:
			if (len != 4)
				fail("extack missing-attribute of %d bytes",
				     len);
			break;
		default:
			break;
		}
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
	if (rem > 0)
		fail("%d bytes left over in an extended ACK", rem);
	return has_msg;
}

static void on_error(struct sk *s, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	bool capped = nlh->nlmsg_flags & NLM_F_CAPPED;
	size_t off;
	struct pend *p;
	bool has_msg = false;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		fail("error message of %u bytes", nlh->nlmsg_len);
	if (e->error > 0)
		fail("error message with positive error %d", e->error);
	if (e->msg.nlmsg_seq != nlh->nlmsg_seq)
		fail("error for seq %u names seq %u", nlh->nlmsg_seq,
		     e->msg.nlmsg_seq);
	if (e->msg.nlmsg_len < NLMSG_HDRLEN)
		fail("error echoes a header of length %u", e->msg.nlmsg_len);
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e) + (capped ? 0 :
					 e->msg.nlmsg_len - NLMSG_HDRLEN));
	if (off > nlh->nlmsg_len)
		fail("error message of %u bytes, echo needs %zu",
		     nlh->nlmsg_len, off);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		has_msg = parse_tlvs((const uint8_t *)nlh + off,
				     nlh->nlmsg_len - off, e->msg.nlmsg_len);
	else if (nlh->nlmsg_len != off)
		fail("error message: %zu bytes after the echo, no TLV flag",
		     nlh->nlmsg_len - off);
	p = pend_find(nlh->nlmsg_seq);
	if (!p && s->dumping && nlh->nlmsg_seq == s->dump_seq)
		fail("piecemeal dump refused: %s", ename(-e->error));
	if (!p)
		fail("error %d for seq %u, which is not pending", e->error,
		     nlh->nlmsg_seq);
	if (p->answered)
		fail("a second error message for seq %u", p->seq);
	if (!capped && p->sent && p->sent_len >= e->msg.nlmsg_len &&
	    memcmp(&e->msg, p->sent, e->msg.nlmsg_len))
		fail("error message echoes another request than seq %u",
		     p->seq);
	p->answered = true;
	p->err = -e->error;
	p->has_msg = has_msg;
	count_err[ebit(p->err) == 1u << 31 ? NERRS :
		  (unsigned int)__builtin_ctz(ebit(p->err))]++;
}

static void on_data(struct sk *s, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	char line[512];
	struct obj o;
	struct pend *p;

	parse_obj(nlh, &o);
	if (nlh->nlmsg_flags & NLM_F_MULTI) {
		if (!s->dumping || nlh->nlmsg_seq != s->dump_seq ||
		    g->cmd != s->dump_cmd)
			fail("dump message %s seq %u, no such dump running",
			     cmd_name(g->cmd), nlh->nlmsg_seq);
		if (!o.has_gen)
			fail("dump message without VADDR_A_GENERATION");
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			s->dump_intr = true;
		obj_line(g->cmd, &o, line, sizeof(line));
		lines_add(&s->got, line);
		s->dump_msgs++;
		if (s == &sks[0] && !s->dump_intr) {
			gen = o.gen;
			gen_known = true;
		}
		return;
	}
	p = pend_find(nlh->nlmsg_seq);
	if (!p || p->has_reply || p->answered)
		fail("reply %s for seq %u: not pending, or answered already",
		     cmd_name(g->cmd), nlh->nlmsg_seq);
	obj_line(g->cmd, &o, p->reply, sizeof(p->reply));
	p->has_reply = true;
}

static void on_done(struct sk *s, const struct nlmsghdr *nlh)
{
	int err;

	if (!s->dumping || nlh->nlmsg_seq != s->dump_seq)
		fail("NLMSG_DONE for seq %u, no such dump running",
		     nlh->nlmsg_seq);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		fail("NLMSG_DONE of %u bytes", nlh->nlmsg_len);
	memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	if (err)
		fail("dump ended with error %d", err);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_tlvs((const uint8_t *)nlh + NLMSG_HDRLEN + NLMSG_ALIGN(4),
			   nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(4),
			   UINT32_MAX);
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		s->dump_intr = true;
	s->dumping = false;
	s->dump_done = true;
}

/* Read one datagram; false when none is waiting. */
static bool recv_one(struct sk *s)
{
	static uint8_t buf[BUFSZ];
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	n = recv(s->fd, buf, s->rcvlen, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return false;
	if (n < 0)
		fail("recv: %s", strerror(errno));
	if ((size_t)n > s->rcvlen)
		fail("datagram of %zd bytes truncated to %zu", n, s->rcvlen);
	len = n;
	for (nlh = (const void *)buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_pid && nlh->nlmsg_pid != s->portid)
			fail("message for port %u on port %u", nlh->nlmsg_pid,
			     s->portid);
		if (nlh->nlmsg_type == NLMSG_ERROR)
			on_error(s, nlh);
		else if (nlh->nlmsg_type == NLMSG_DONE)
			on_done(s, nlh);
		else if (nlh->nlmsg_type == family)
			on_data(s, nlh);
		else
			fail("message of type %u", nlh->nlmsg_type);
	}
	if (len)
		fail("%d bytes left over in a datagram", len);
	return true;
}

/* Everything the kernel has for @s: requests are answered synchronously. */
static void drain(struct sk *s)
{
	while (recv_one(s))
		;
}

static void sendbuf(struct sk *s, const uint8_t *b, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(s->fd, b, len, 0, (struct sockaddr *)&sa, sizeof(sa)) !=
	    (ssize_t)len)
		fail("sendto %zu bytes: %s", len, strerror(errno));
	st_sent++;
}

/* ---- checking one answer ------------------------------------------------ */

static void expected_reply(const struct req *r, char *buf, size_t n)
{
	struct dom *d;
	int i;

	switch (r->cmd) {
	case VADDR_CMD_DOMAIN_GET:
		model_dom_line(buf, n, live, dom_find(live, r->name));
		break;
	case VADDR_CMD_SETTINGS_GET:
		snprintf(buf, n, "settings nat=%u isolation=%u", set_nat,
			 set_iso);
		break;
	case VADDR_CMD_WHOAMI: {
		char s4[20] = "-", s6[48] = "-";
		struct map *m = NULL;
		uint32_t uid = geteuid();

		for (i = 0; i < ncg_self && !m; i++)
			m = map_find(live->c, live->nc, cg_self[i]);
		if (m) {
			d = dom_find(live, m->name);
			fmt_addr(s4, sizeof(s4), d->has4, d->a4, false);
			fmt_addr(s6, sizeof(s6), d->has6, d->a6, true);
			snprintf(buf, n, "whoami %u %s %s %s uid=-0 cgroup=%"
				 PRIu64, VADDR_MATCH_CGROUP, names[m->name],
				 s4, s6, m->key);
			break;
		}
		m = map_find(live->u, live->nu, uid);
		if (m) {
			d = dom_find(live, m->name);
			fmt_addr(s4, sizeof(s4), d->has4, d->a4, false);
			fmt_addr(s6, sizeof(s6), d->has6, d->a6, true);
			snprintf(buf, n, "whoami %u %s %s %s uid=%u cgroup=-0",
				 VADDR_MATCH_UID, names[m->name], s4, s6, uid);
			break;
		}
		snprintf(buf, n, "whoami %u - - - uid=-0 cgroup=-0",
			 VADDR_MATCH_NONE);
		break;
	}
	default:
		buf[0] = 0;
	}
}

/* Compare a finished dump of @s with what the model had for it. */
static void dump_check(struct sk *s, struct lines *model, const char *what)
{
	if (s->dump_intr) {
		st_intr++;
		return;
	}
	lines_compare(what, &s->got, model);
}

/*
 * Judge the answer @p to @r (NULL: a message the family never sees) given
 * the set @mask of answers it may get; on success apply it to the model.
 */
static void judge(struct sk *s, const struct req *r, unsigned int mask,
		  struct pend *p, const char *what)
{
	char want[512];
	int got = p->answered ? p->err : 0;

	note("%s -> %s (may: %s)", what, p->answered ? ename(got) : "-",
	     mask_str(mask));
	if (p->ack && !p->answered)
		fail("%s: no answer despite NLM_F_ACK", what);
	if (!(mask & ebit(got)))
		fail("%s: got %s, the model says %s", what, ename(got),
		     mask_str(mask));
	if (got && r && !p->has_msg && got != EPERM && got != EOPNOTSUPP &&
	    got != EBUSY)
		fail("%s: refused with %s but no extended ACK message", what,
		     ename(got));
	if (!r)
		return;
	if (r->dump) {
		struct lines model = {};

		if (got)
			return;
		if (!s->dump_done)
			fail("%s: dump did not end", what);
		st_dumps++;
		if (admin)
			model_lines(r->cmd, &model);
		else if (r->cmd == VADDR_CMD_DOMAIN_GET)
			model_lines(r->cmd, &model);
		dump_check(s, &model, what);
		lines_clear(&model);
		free(model.v);
		return;
	}
	if (got) {
		if (p->has_reply)
			fail("%s: a reply and an error", what);
		return;
	}
	if (r->cmd == VADDR_CMD_DOMAIN_GET || r->cmd == VADDR_CMD_SETTINGS_GET ||
	    r->cmd == VADDR_CMD_WHOAMI) {
		if (!p->has_reply)
			fail("%s: no reply", what);
		expected_reply(r, want, sizeof(want));
		/* Unprivileged: whoami depends on mappings it cannot see. */
		if ((admin || r->cmd != VADDR_CMD_WHOAMI) && strcmp(want, p->reply))
			fail("%s: reply '%s', the model says '%s'", what,
			     p->reply, want);
		return;
	}
	if (p->has_reply)
		fail("%s: a reply to a change", what);
	apply(s, r);
}

/* ---- sending requests ---------------------------------------------------- */

static void describe(const struct req *r, struct sk *s, char *buf, size_t n)
{
	char a4[20], a6[48];

	fmt_addr(a4, sizeof(a4), r->has4, r->a4, false);
	fmt_addr(a6, sizeof(a6), r->has6, r->a6, true);
	snprintf(buf, n, "sk%ld %s%s%s name=%.40s 4=%s 6=%s uid=%s%u cg=%s%"
		 PRIu64 " fc=%s%u", (long)(s - sks), cmd_name(r->cmd),
		 r->dump ? " dump" : "", r->staged ? " staged" : "",
		 r->has_name ? names[r->name] : "-", a4, a6,
		 r->has_uid ? "" : "-", r->uid, r->has_cg ? "" : "-", r->cg,
		 r->has_fc ? "" : "-", r->fc);
}

/* One well-formed request on @s, judged against the model. */
static void send_req(struct sk *s, const struct req *r)
{
	static struct msg m;
	char what[400];
	bool ack = !r->dump && chance(80);
	unsigned int mask = predict(s, r);
	struct pend *p;

	m.len = 0;
	encode(&m, r, ack ? NLM_F_ACK : 0, ++s->seq);
	describe(r, s, what, sizeof(what));
	npend = 0;
	p = pend_add(s->seq, ack, m.b, m.len);
	if (r->dump) {
		s->dumping = true;
		s->dump_done = s->dump_intr = false;
		s->dump_seq = s->seq;
		s->dump_cmd = r->cmd;
		lines_clear(&s->got);
	}
	sendbuf(s, m.b, m.len);
	nmsg++;
	st_valid++;
	drain(s);
	if (r->dump && p->answered)
		s->dumping = false;
	judge(s, r, mask, p, what);
}

/* ---- the generator of valid requests ----------------------------------- */

static const char *const pool_names[] = {
	"a.example", "b.example", "c.example", "mail.example",
	"www.example.org", "x-1.example", "d_2.example",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
	"ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc."
	"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
};

static const char *const bad_names[] = {
	"UPPER.example", "", "a..example", ".example", "example.",
	"sp ace.example", "caf\xc3\xa9.example",
};

static const uint32_t pool_uids[] = {
	0, 1, 1000, 1001, 1002, 1003, 1004, 1005, 65534, 4294967294u,
	UINT32_MAX,
};

#define BATCH_UID0 100000u
#define BATCH_UIDS 800u

static void pick_name(struct req *r, bool may_be_bad)
{
	r->has_name = true;
	if (may_be_bad && chance(4))
		r->name = intern(bad_names[rnd(sizeof(bad_names) /
					       sizeof(bad_names[0]))]);
	else
		r->name = intern(pool_names[rnd(sizeof(pool_names) /
						sizeof(pool_names[0]))]);
}

static void pick_addr4(uint8_t *a)
{
	static const uint8_t nets[][3] = {
		{ 192, 0, 2 }, { 198, 51, 100 }, { 203, 0, 113 },
	};

	if (chance(4)) {
		memcpy(a, bad4[rnd(sizeof(bad4) / sizeof(bad4[0]))], 4);
		return;
	}
	memcpy(a, nets[rnd(3)], 3);
	a[3] = 1 + rnd(4);
}

static void pick_addr6(uint8_t *a)
{
	if (chance(4)) {
		memcpy(a, bad6[rnd(sizeof(bad6) / sizeof(bad6[0]))], 16);
		return;
	}
	memset(a, 0, 16);
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
	a[15] = 1 + rnd(6);
}

static uint32_t pick_uid(void)
{
	if (chance(15))
		return BATCH_UID0 + rnd(BATCH_UIDS);
	return pool_uids[rnd(sizeof(pool_uids) / sizeof(pool_uids[0]))];
}

static uint64_t pick_cg(void)
{
	if (!ncg_pool || chance(10))
		return chance(50) ? 0 : 0xdead000000000000ULL | rnd(4);
	return cg_pool[rnd(ncg_pool)];
}

/* A random request with attributes from the small pools. */
/* @stageable: 0 never staged, 1 rarely (no stage open), 2 often. */
static void gen_req(struct req *r, int stageable)
{
	static const uint8_t cmds[] = {
		VADDR_CMD_DOMAIN_NEW, VADDR_CMD_DOMAIN_NEW,
		VADDR_CMD_DOMAIN_NEW, VADDR_CMD_DOMAIN_DEL,
		VADDR_CMD_DOMAIN_SET, VADDR_CMD_DOMAIN_GET,
		VADDR_CMD_UID_ADD, VADDR_CMD_UID_ADD, VADDR_CMD_UID_ADD,
		VADDR_CMD_UID_DEL, VADDR_CMD_UID_DEL,
		VADDR_CMD_CGROUP_ADD, VADDR_CMD_CGROUP_ADD,
		VADDR_CMD_CGROUP_DEL, VADDR_CMD_ALLOW_ADD,
		VADDR_CMD_ALLOW_DEL, VADDR_CMD_SETTINGS_SET,
		VADDR_CMD_SETTINGS_GET, VADDR_CMD_WHOAMI,
		VADDR_CMD_REPLACE_BEGIN, VADDR_CMD_REPLACE_BEGIN,
		VADDR_CMD_REPLACE_COMMIT, VADDR_CMD_REPLACE_ABORT,
		VADDR_CMD_UID_GET, VADDR_CMD_CGROUP_GET,
		VADDR_CMD_ALLOW_GET, VADDR_CMD_STATS_GET, VADDR_CMD_FLUSH,
	};

	memset(r, 0, sizeof(*r));
	r->cmd = cmds[rnd(sizeof(cmds))];
	/* Flush rarely: the table should grow. */
	if (r->cmd == VADDR_CMD_FLUSH && chance(70))
		r->cmd = VADDR_CMD_DOMAIN_NEW;
	switch (r->cmd) {
	case VADDR_CMD_DOMAIN_NEW:
		pick_name(r, true);
		r->has4 = chance(75);
		r->has6 = chance(60) || (!r->has4 && chance(90));
		if (r->has4)
			pick_addr4(r->a4);
		if (r->has6)
			pick_addr6(r->a6);
		if (chance(10)) {
			r->has_fc = true;
			r->fc = rnd(2);
		}
		break;
	case VADDR_CMD_DOMAIN_DEL:
		if (chance(97))
			pick_name(r, true);
		break;
	case VADDR_CMD_DOMAIN_SET:
		if (chance(97))
			pick_name(r, false);
		r->has_fc = chance(97);
		r->fc = rnd(2);
		break;
	case VADDR_CMD_DOMAIN_GET:
		r->dump = chance(50);
		if (!r->dump || chance(10))
			pick_name(r, false);
		break;
	case VADDR_CMD_UID_ADD:
	case VADDR_CMD_UID_DEL:
		r->has_uid = chance(98);
		r->uid = pick_uid();
		if (r->cmd == VADDR_CMD_UID_ADD && chance(98))
			pick_name(r, true);
		break;
	case VADDR_CMD_CGROUP_ADD:
	case VADDR_CMD_CGROUP_DEL:
		r->has_cg = chance(98);
		r->cg = pick_cg();
		if (r->cmd == VADDR_CMD_CGROUP_ADD && chance(98))
			pick_name(r, false);
		break;
	case VADDR_CMD_ALLOW_ADD:
	case VADDR_CMD_ALLOW_DEL:
		r->has_uid = chance(98);
		r->uid = pick_uid();
		break;
	case VADDR_CMD_SETTINGS_SET:
		r->has_nat = chance(60);
		r->nat = rnd(2);
		r->has_iso = chance(60);
		r->iso = rnd(2);
		break;
	case VADDR_CMD_REPLACE_COMMIT:
		if (gen_known && chance(40)) {
			r->has_gen = true;
			r->gen = chance(50) ? gen : gen + 1 + rnd(100);
		}
		break;
	case VADDR_CMD_UID_GET:
	case VADDR_CMD_CGROUP_GET:
	case VADDR_CMD_ALLOW_GET:
	case VADDR_CMD_STATS_GET:
		r->dump = true;
		break;
	}
	if (stageable && ops[r->cmd].pol[VADDR_A_STAGED] &&
	    chance(stageable > 1 ? 60 : 10))
		r->staged = true;
}

/* ---- mutations ---------------------------------------------------------- */

static void put_nest(struct msg *m, int depth, bool broken)
{
	struct nlmsghdr *nlh = (void *)m->b;
	size_t start = NLMSG_ALIGN(nlh->nlmsg_len), pos = start;
	int i;

	if (start + depth * NLA_HDRLEN + 16 > MAXMSG)
		depth = (MAXMSG - start - 16) / NLA_HDRLEN;
	for (i = 0; i < depth; i++) {
		struct nlattr *a = (void *)(m->b + pos);

		a->nla_type = NLA_F_NESTED | (chance(80) ? 1 + rnd(VADDR_A_MAX) :
					      rnd(0x3fff));
		a->nla_len = (depth - i) * NLA_HDRLEN + 8;
		pos += NLA_HDRLEN;
	}
	memset(m->b + pos, 0x5a, 8);
	pos += 8;
	if (broken && depth)
		((struct nlattr *)(m->b + start + rnd(depth) * NLA_HDRLEN))->
			nla_len += chance(50) ? (int)(4 + rnd(64)) : -(int)(1 + rnd(8));
	nlh->nlmsg_len = pos;
	m->len = pos;
}

/* A random attribute of random type and size, aligned. */
static void put_junk(struct msg *m)
{
	struct nlmsghdr *nlh = (void *)m->b;
	uint8_t data[64];
	size_t len = rnd(chance(50) ? 9 : 64), i;
	uint16_t type = chance(70) ? rnd(VADDR_A_MAX + 2) : rnd64();

	if (NLMSG_ALIGN(nlh->nlmsg_len) + NLA_HDRLEN + 64 > MAXMSG)
		return;
	for (i = 0; i < len; i++)
		data[i] = chance(30) ? 0 : rnd(256);
	put_attr(nlh, type, data, len);
	m->len = nlh->nlmsg_len;
}

/* The attribute at a random position, or NULL. */
static struct nlattr *some_attr(struct msg *m)
{
	struct nlmsghdr *nlh = (void *)m->b;
	struct nlattr *found[64];
	int n = 0, rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	struct nlattr *a = (void *)(m->b + NLMSG_HDRLEN + GENL_HDRLEN);

	while (n < 64 && rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		found[n++] = a;
		rem -= NLA_ALIGN(a->nla_len);
		a = (void *)((uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
	return n ? found[rnd(n)] : NULL;
}

static const char *mutate(struct msg *m)
{
	struct nlmsghdr *nlh = (void *)m->b;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *a;
	size_t i;

	switch (rnd(15)) {
	case 0:		/* flip bytes after the netlink header */
		for (i = 1 + rnd(4); i; i--)
			m->b[NLMSG_HDRLEN + rnd(m->len - NLMSG_HDRLEN)] ^=
				1 << rnd(8);
		return "flipped bytes";
	case 1:		/* an attribute's type */
		a = some_attr(m);
		if (!a)
			return "no attribute to retype";
		a->nla_type = chance(50) ? rnd(VADDR_A_MAX + 3) :
			      (a->nla_type ^ (1u << rnd(16)));
		return "attribute type";
	case 2:		/* an attribute's length */
		a = some_attr(m);
		if (!a)
			return "no attribute to resize";
		switch (rnd(4)) {
		case 0: a->nla_len = rnd(NLA_HDRLEN); break;
		case 1: a->nla_len -= 1 + rnd(a->nla_len); break;
		case 2: a->nla_len += 1 + rnd(16); break;
		default: a->nla_len = 0xffff - rnd(4); break;
		}
		return "attribute length";
	case 3:		/* truncate the message and say so */
		nlh->nlmsg_len = rnd(nlh->nlmsg_len);
		m->len = NLMSG_ALIGN(nlh->nlmsg_len);
		if (m->len < NLMSG_HDRLEN)
			m->len = chance(50) ? NLMSG_HDRLEN : nlh->nlmsg_len;
		return "truncated";
	case 4:		/* truncate the datagram, not the length */
		m->len = rnd(m->len);
		return "short datagram";
	case 5:		/* a longer nlmsg_len than sent */
		nlh->nlmsg_len += 1 + rnd(64);
		return "overlong nlmsg_len";
	case 6:		/* deep nesting */
		put_nest(m, 1 + rnd(chance(20) ? 200 : 8), chance(50));
		return "nested attributes";
	case 7:		/* unknown or other command */
		g->cmd = chance(50) ? VADDR_CMD_MAX + 1 + rnd(256 -
						VADDR_CMD_MAX - 1) :
			 rnd(VADDR_CMD_MAX + 1);
		return "command";
	case 8:		/* flags */
		nlh->nlmsg_flags = chance(50) ? (uint16_t)rnd64() :
				   nlh->nlmsg_flags ^ (1 << rnd(16));
		return "flags";
	case 9:		/* genl version and reserved */
		if (chance(50))
			g->version = rnd(256);
		else
			g->reserved = 1 + rnd(0xffff);
		return "genl header";
	case 10:	/* extra attributes */
		for (i = 1 + rnd(3); i; i--)
			put_junk(m);
		return "random attributes";
	case 11:	/* a netlink control type: acked, nothing else */
		nlh->nlmsg_type = rnd(NLMSG_MIN_TYPE);
		return "control type";
	case 12:	/* a copy of an attribute, other value */
		a = some_attr(m);
		if (!a || NLMSG_ALIGN(nlh->nlmsg_len) + a->nla_len > MAXMSG)
			return "no attribute to repeat";
		{
			uint8_t copy[MAXMSG];
			uint16_t len = a->nla_len;

			memcpy(copy, a, len);
			if (len > NLA_HDRLEN)
				copy[NLA_HDRLEN + rnd(len - NLA_HDRLEN)] ^= 1;
			memcpy(m->b + NLMSG_ALIGN(nlh->nlmsg_len), copy, len);
			nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) +
					 NLA_ALIGN(len);
			m->len = nlh->nlmsg_len;
		}
		return "repeated attribute";
	case 13:	/* an empty datagram or a bare header */
		if (chance(50)) {
			m->len = 0;
		} else {
			nlh->nlmsg_len = NLMSG_HDRLEN;
			m->len = NLMSG_HDRLEN;
		}
		return "empty";
	default:	/* strip the string's NUL, or the staged flag's room */
		a = some_attr(m);
		if (!a)
			return "nothing to strip";
		a->nla_type |= chance(50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
		return "attribute flag bits";
	}
}

/*
 * A mutated request on @s. The datagram never holds bytes the kernel
 * would take for a second message, nor a domain address outside the
 * documentation ranges.
 */
static void send_mutated(struct sk *s)
{
	static struct msg m;
	char what[600], desc[400];
	struct decoded d;
	unsigned int mask;
	struct nlmsghdr *nlh = (void *)m.b;
	const char *how[3] = { "", "", "" };
	struct req r;
	struct pend *p;
	int tries, i, n;

	for (tries = 0;; tries++) {
		gen_req(&r, s->stage ? 2 : 1);
		m.len = 0;
		encode(&m, &r, chance(90) ? NLM_F_ACK : 0, ++s->seq);
		describe(&r, s, desc, sizeof(desc));
		n = 1 + (chance(30) ? rnd(3) : 0);
		/* Mutations add at nlmsg_len: never over a cut header. */
		for (i = 0; i < n && m.len >= NLMSG_HDRLEN + GENL_HDRLEN &&
			    nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN; i++)
			how[i] = mutate(&m);
		if (m.len >= NLMSG_HDRLEN && nlh->nlmsg_len >= NLMSG_HDRLEN &&
		    NLMSG_ALIGN(nlh->nlmsg_len) + NLMSG_HDRLEN <= m.len)
			m.len = NLMSG_ALIGN(nlh->nlmsg_len);
		decode(m.b, m.len, &d);
		if (d.v == V_REQ && d.r.cmd == VADDR_CMD_DOMAIN_NEW &&
		    ((d.r.has4 && addr_class(d.r.a4, false) < 0) ||
		     (d.r.has6 && addr_class(d.r.a6, true) < 0))) {
			st_skipped++;
			continue;
		}
		break;
	}
	snprintf(what, sizeof(what), "mutated (%s%s%s%s%s) %s", how[0],
		 how[1][0] ? ", " : "", how[1], how[2][0] ? ", " : "", how[2],
		 desc);
	if (!m.len) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

		/* netlink_sendmsg() refuses it before anything is queued. */
		note("%s -> sendto: %s", what, strerror(errno));
		if (sendto(s->fd, m.b, 0, 0, (struct sockaddr *)&sa,
			   sizeof(sa)) != -1 || errno != ENODATA)
			fail("%s: a datagram of 0 bytes not refused with ENODATA",
			     what);
		nmsg++;
		st_mutated++;
		st_dropped++;
		drain(s);
		return;
	}
	npend = 0;
	p = pend_add(m.len >= NLMSG_HDRLEN ? nlh->nlmsg_seq : 0, false, m.b,
		     m.len);
	switch (d.v) {
	case V_DROP:
		mask = OK;
		st_dropped++;
		break;
	case V_ACKONLY:
		mask = OK;
		p->ack = d.ack;
		break;
	case V_REJECT:
		mask = d.mask;
		p->ack = d.ack;
		break;
	default:
		mask = predict(s, &d.r);
		p->ack = d.ack && !d.r.dump;
		if (d.r.dump) {
			s->dumping = true;
			s->dump_done = s->dump_intr = false;
			s->dump_seq = nlh->nlmsg_seq;
			s->dump_cmd = d.r.cmd;
			lines_clear(&s->got);
		}
		break;
	}
	sendbuf(s, m.b, m.len);
	nmsg++;
	st_mutated++;
	drain(s);
	if (d.v == V_REQ && d.r.dump && p->answered)
		s->dumping = false;
	if (d.v == V_DROP && p->answered)
		fail("%s: answered %s a message netlink must drop", what,
		     ename(p->err));
	if (d.v == V_REJECT && !p->answered)
		fail("%s: accepted, but the policy must refuse it (may: %s)",
		     what, mask_str(mask));
	judge(s, d.v == V_REQ ? &d.r : NULL, mask, p, what);
}

/* ---- batches: many requests in one datagram, acked on the last --------- */

static void send_batch(struct sk *s)
{
	static struct msg m;
	struct req r[64];
	unsigned int mask[64];
	int n = 8 + rnd(56), i;
	bool add = chance(65), staged = s->stage && chance(50);
	struct table *t = staged ? s->stage : live;
	uint32_t base = BATCH_UID0 + rnd(BATCH_UIDS);
	/* Mostly a domain that exists: the table should grow. */
	int name = t->nd && chance(85) ? t->d[rnd(t->nd)].name :
		   intern(pool_names[rnd(3)]);
	char what[200];

	m.len = 0;
	npend = 0;
	for (i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].cmd = add ? VADDR_CMD_UID_ADD : VADDR_CMD_UID_DEL;
		r[i].has_uid = true;
		r[i].uid = BATCH_UID0 + (base - BATCH_UID0 + i) % BATCH_UIDS;
		r[i].has_name = add;
		r[i].name = name;
		r[i].staged = staged;
		encode(&m, &r[i], i == n - 1 ? NLM_F_ACK : 0, ++s->seq);
		pend_add(s->seq, i == n - 1, NULL, 0);
	}
	sendbuf(s, m.b, m.len);
	nmsg += n;
	st_valid += n;
	st_batches++;
	st_batch_msgs += n;
	/* The kernel applies them in order: so does the model. */
	drain(s);
	for (i = 0; i < n; i++) {
		mask[i] = predict(s, &r[i]);
		snprintf(what, sizeof(what), "batch %d/%d sk%ld %s%s uid %u %s",
			 i + 1, n, (long)(s - sks), cmd_name(r[i].cmd),
			 staged ? " staged" : "", r[i].uid, names[name]);
		judge(s, &r[i], mask[i], &pend[i], what);
	}
}

/* ---- dumps read piecemeal, interleaved with changes ---------------------- */

static void dump_start(struct sk *s)
{
	static const uint8_t kinds[] = {
		VADDR_CMD_DOMAIN_GET, VADDR_CMD_UID_GET, VADDR_CMD_CGROUP_GET,
		VADDR_CMD_ALLOW_GET, VADDR_CMD_STATS_GET,
	};
	static struct msg m;
	struct req r = { .dump = true };

	r.cmd = admin ? kinds[rnd(sizeof(kinds))] : VADDR_CMD_DOMAIN_GET;
	m.len = 0;
	encode(&m, &r, 0, ++s->seq);
	s->dumping = true;
	s->dump_done = s->dump_intr = false;
	s->dump_seq = s->seq;
	s->dump_cmd = r.cmd;
	s->dump_msgs = 0;
	lines_clear(&s->got);
	lines_clear(&s->snap);
	model_lines(r.cmd, &s->snap);
	npend = 0;
	note("dsk%ld: %s dump started", (long)(s - dsks), cmd_name(r.cmd));
	sendbuf(s, m.b, m.len);
	nmsg++;
	st_valid++;
	recv_one(s);
}

static void dump_step(struct sk *s, bool finish)
{
	char what[100];

	npend = 0;
	if (finish)
		drain(s);
	else
		recv_one(s);
	if (s->dumping)
		return;
	snprintf(what, sizeof(what), "piecemeal %s dump, %lu messages",
		 cmd_name(s->dump_cmd), s->dump_msgs);
	note("dsk%ld: %s", (long)(s - dsks), what);
	st_dumps++;
	dump_check(s, &s->snap, what);
	lines_clear(&s->snap);
}

/* ---- events: parsed, never judged (other sockets' changes show too) ---- */

static void events_read(void)
{
	static uint8_t buf[BUFSZ];
	const struct nlmsghdr *nlh;
	struct obj o;
	ssize_t n;
	int len;

	if (evfd < 0)
		return;
	while ((n = recv(evfd, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0 && errno == ENOBUFS)
			continue;	/* overrun: events were dropped */
		if (n < 0)
			break;
		len = n;
		for (nlh = (const void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type != family)
				fail("event of type %u", nlh->nlmsg_type);
			parse_obj(nlh, &o);
			st_events++;
		}
		if (len)
			fail("%d bytes left over in an event datagram", len);
	}
}

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
	load_model();
	printf("# fuzz: %s; start: %zu domains, %zu uids, %zu cgroups, %zu"
	       " allowed; %d cgroups in the pool, %d own\n",
	       admin ? "may change the table" : "may not change the table",
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
