// SPDX-License-Identifier: GPL-2.0
/*
 * The sockets, and what comes back on them: error acks with their extended
 * ACK, replies and dump parts, each parsed and checked for its form; events.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* ---- sockets -------------------------------------------------------------- */

struct sk sks[NSK], dsks[NDUMP];
int evfd = -1;
uint16_t family;
uint32_t mcgrp;

unsigned long st_sent, st_mutated, st_valid, st_dumps, st_intr,
	st_dump_abandoned, st_begin, st_commit, st_abort, st_abandon,
	st_batches, st_batch_msgs, st_events, st_dropped, st_skipped;

void lines_add(struct lines *l, const char *s)
{
	l->v = grow(l->v, &l->cap, l->n, sizeof(*l->v));
	l->v[l->n] = strdup(s);
	if (!l->v[l->n++])
		fail("out of memory");
}

void lines_clear(struct lines *l)
{
	while (l->n)
		free(l->v[--l->n]);
}

void sk_open(struct sk *s, size_t rcvlen)
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
void sk_close(struct sk *s)
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

/* ---- answers -------------------------------------------------------------- */

struct pend pend[MAXPEND];
int npend;

struct pend *pend_add(uint32_t seq, bool ack, const uint8_t *sent,
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
		case VADDR_A_CONNECT_REFUSAL:
			/* What the module found at load: not the model's. */
			want = 1;
			if (d[0] > 1)
				fail("reply %s: connect refusal %u",
				     cmd_name(g->cmd), d[0]);
			break;
		case VADDR_A_MISSED:
			want = 8;
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
bool recv_one(struct sk *s)
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
void drain(struct sk *s)
{
	while (recv_one(s))
		;
}

void sendbuf(struct sk *s, const uint8_t *b, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(s->fd, b, len, 0, (struct sockaddr *)&sa, sizeof(sa)) !=
	    (ssize_t)len)
		fail("sendto %zu bytes: %s", len, strerror(errno));
	st_sent++;
}

/* ---- events: parsed, never judged (other sockets' changes show too) ---- */

void events_read(void)
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
