// SPDX-License-Identifier: GPL-2.0
/*
 * Requests on the wire: the family's commands and policies, the messages
 * the fuzzer builds, and how the kernel decodes and validates them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

/* ---- requests ------------------------------------------------------------ */

#define STAGED_POL [VADDR_A_STAGED] = P_FLAG
const struct op ops[VADDR_CMD_MAX + 1] = {
	[VADDR_CMD_DOMAIN_NEW] = { .doit = true, .pol = {
		[VADDR_A_DOMAIN] = P_STR, [VADDR_A_ADDR4] = P_BIN4,
		[VADDR_A_ADDR6] = P_BIN16, [VADDR_A_FAIL_CLOSED] = P_BOOL,
		STAGED_POL } },
	[VADDR_CMD_DOMAIN_DEL] = { .doit = true, .pol = {
		[VADDR_A_DOMAIN] = P_STR, STAGED_POL } },
	[VADDR_CMD_DOMAIN_GET] = { .doit = true, .dumpit = true,
		.public = true, .pol = { [VADDR_A_DOMAIN] = P_STR } },
	[VADDR_CMD_UID_ADD] = { .doit = true, .pol = {
		[VADDR_A_UID] = P_U32, [VADDR_A_UIDS] = P_UIDS,
		[VADDR_A_DOMAIN] = P_STR, STAGED_POL } },
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

const char *cmd_name(unsigned int cmd)
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

/* ---- messages ------------------------------------------------------------- */

struct nlmsghdr *msg_start(struct msg *m, uint16_t flags, uint32_t seq,
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

void put_attr(struct nlmsghdr *nlh, uint16_t type, const void *data,
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

/* VADDR_A_UIDS: a nest of one VADDR_A_UID attribute per uid. */
static void put_uids(struct nlmsghdr *nlh, const uint32_t *uids,
		     unsigned int n)
{
	uint8_t list[UIDS_MAX * 8];
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nlattr a = { .nla_len = 8, .nla_type = VADDR_A_UID };

		memcpy(list + 8 * i, &a, sizeof(a));
		memcpy(list + 8 * i + NLA_HDRLEN, &uids[i], 4);
	}
	put_attr(nlh, VADDR_A_UIDS | NLA_F_NESTED, list, 8 * n);
}

static void msg_end(struct msg *m, struct nlmsghdr *nlh)
{
	m->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

void encode(struct msg *m, const struct req *r, uint16_t flags,
	    uint32_t seq)
{
	struct nlmsghdr *nlh;
	const char *name;

	if (m->len + 512 + (r->has_uids ? 8 * r->nuids : 0) > MAXMSG)
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
	if (r->has_uids)
		put_uids(nlh, r->uids, r->nuids);
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

/*
 * The entries of a nest checked as __nla_validate_parse() does with
 * NL_VALIDATE_STRICT against vaddr_uid_list_policy: each VADDR_A_UID of 4
 * bytes, not flagged as a nest, no bytes left over. Their number, or -1.
 */
static int uids_ok(const struct nlattr *nest)
{
	const struct nlattr *a = (const void *)((const char *)nest + NLA_HDRLEN);
	int rem = nest->nla_len - NLA_HDRLEN, n = 0;

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != VADDR_A_UID ||
		    (a->nla_type & NLA_F_NESTED) || a->nla_len != NLA_HDRLEN + 4)
			return -1;
		n++;
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return rem > 0 ? -1 : n;
}

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
	case P_UIDS:
		/* Empty, or at least one attribute header. */
		return nested && (!len || (len >= NLA_HDRLEN && uids_ok(a) >= 0));
	}
	return false;
}

/*
 * Whether genl checks the header of every command strictly (6.1+ with
 * resv_start_op 0: reserved zero, no flags it ignores); 5.10 does not
 * look. main.c asks the kernel (probe_header_check()).
 */
bool resv_strict = true;

void decode(const uint8_t *p, size_t len, struct decoded *d)
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
	if (tb[VADDR_A_UIDS]) {
		const struct nlattr *u = (const void *)DATA(VADDR_A_UIDS);
		int i, n = uids_ok(tb[VADDR_A_UIDS]);

		if (n > UIDS_MAX)
			fail("a list of %d uids: more than the model holds", n);
		d->r.has_uids = true;
		d->r.nuids = n;
		for (i = 0; i < n; i++, u = (const void *)((const char *)u + 8))
			memcpy(&d->r.uids[i], (const char *)u + NLA_HDRLEN, 4);
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
