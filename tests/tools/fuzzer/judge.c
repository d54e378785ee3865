// SPDX-License-Identifier: GPL-2.0
/*
 * Judging answers against the model: one well-formed request sent and
 * judged, and the dumps read piecemeal while the table changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

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
void judge(struct sk *s, const struct req *r, unsigned int mask,
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

void describe(const struct req *r, struct sk *s, char *buf, size_t n)
{
	char a4[20], a6[48];

	fmt_addr(a4, sizeof(a4), r->has4, r->a4, false);
	fmt_addr(a6, sizeof(a6), r->has6, r->a6, true);
	snprintf(buf, n, "sk%ld %s%s%s name=%.40s 4=%s 6=%s uid=%s%u cg=%s%"
		 PRIu64 " fc=%s%u uids=%s%u(%u...)", (long)(s - sks),
		 cmd_name(r->cmd), r->dump ? " dump" : "",
		 r->staged ? " staged" : "", r->has_name ? names[r->name] : "-",
		 a4, a6, r->has_uid ? "" : "-", r->uid, r->has_cg ? "" : "-",
		 r->cg, r->has_fc ? "" : "-", r->fc, r->has_uids ? "" : "-",
		 r->nuids, r->nuids ? r->uids[0] : 0);
}

/* One well-formed request on @s, judged against the model. */
void send_req(struct sk *s, const struct req *r)
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

/* ---- dumps read piecemeal, interleaved with changes ---------------------- */

void dump_start(struct sk *s)
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

void dump_step(struct sk *s, bool finish)
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
