// SPDX-License-Identifier: GPL-2.0
/*
 * Mutated requests: a valid one broken in a few ways, decoded as the kernel
 * would, and judged by what that decoding says must happen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"

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
void send_mutated(struct sk *s)
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
