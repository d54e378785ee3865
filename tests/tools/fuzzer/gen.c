// SPDX-License-Identifier: GPL-2.0
/*
 * What valid requests are made of: addresses, names, uids and cgroups from
 * small pools; random requests of them, and batches of uid changes.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

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
int addr_class(const uint8_t *a, bool v6)
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

/* ---- the generator of valid requests ----------------------------------- */

const char *const pool_names[] = {
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

/*
 * A list of uids (VADDR_A_UIDS): mostly a run of the batch range, which
 * the table rarely holds yet; else from the pool, where one is often
 * mapped already or listed twice; now and then empty.
 */
static void pick_uids(struct req *r)
{
	uint32_t base = BATCH_UID0 + rnd(BATCH_UIDS);
	unsigned int i;

	r->has_uids = true;
	r->nuids = chance(3) ? 0 : 1 + rnd(chance(10) ? UIDS_MAX : 8);
	for (i = 0; i < r->nuids; i++)
		r->uids[i] = chance(70) ?
			BATCH_UID0 + (base - BATCH_UID0 + i) % BATCH_UIDS :
			pick_uid();
}

static uint64_t pick_cg(void)
{
	if (!ncg_pool || chance(10))
		return chance(50) ? 0 : 0xdead000000000000ULL | rnd(4);
	return cg_pool[rnd(ncg_pool)];
}

/* A random request with attributes from the small pools. */
/* @stageable: 0 never staged, 1 rarely (no stage open), 2 often. */
void gen_req(struct req *r, int stageable)
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
		if (r->cmd == VADDR_CMD_UID_ADD && chance(30)) {
			pick_uids(r);
			r->has_uid = chance(3);
		} else {
			r->has_uid = chance(98);
		}
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

/* ---- batches: many requests in one datagram, acked on the last --------- */

void send_batch(struct sk *s)
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
