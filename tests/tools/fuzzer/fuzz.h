/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the netlink fuzzer share: the reference model, the
 * requests and their messages, the sockets and their answers, and the
 * state of one run. main.c says what the fuzzer does.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vaddr.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUFSZ 65536
#define MAXMSG 32768	/* a batch: 64 requests of at most 300 bytes */

/* ---- util.c: output and failure, random numbers, errno sets, names ---- */

extern uint64_t seed;
extern unsigned long nmsg, want_msgs;
extern bool verbose;

void note(const char *fmt, ...);
void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...);

extern uint64_t rng;

uint64_t rnd64(void);
uint32_t rnd(uint32_t n);
bool chance(unsigned int pct);

#define NERRS 11	/* the length of errs[]: change them together */
extern const int errs[NERRS];

unsigned int ebit(int e);

#define OK	 ebit(0)
#define BADATTR	 (ebit(EINVAL) | ebit(ERANGE))

extern unsigned long count_err[NERRS + 1];

const char *ename(int e);
const char *mask_str(unsigned int m);

extern char **names;

int intern(const char *s);
bool name_ok(const char *p);

/* ---- model.c: the reference model, its predictions, its lines -------- */

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

void *grow(void *p, size_t *cap, size_t n, size_t size);
struct table *table_new(void);
void table_free(struct table *t);
struct dom *dom_find(struct table *t, int name);
struct map *map_find(struct map *m, size_t n, uint64_t key);

extern struct table *live;
extern uint32_t *allow;
extern size_t nallow, callow;
extern bool set_nat, set_iso;
extern bool gen_known;
extern uint32_t gen;

/* Whether the caller may change the table (CAP_NET_ADMIN over the netns). */
extern bool admin;

/* The module's max_entries, when the caller says (-m): 0, no limit. */
extern unsigned long max_entries;

struct sk;
struct req;
struct lines;

unsigned int predict(struct sk *s, const struct req *r);
void apply(struct sk *s, const struct req *r);

void fmt_addr(char *buf, size_t n, bool has, const uint8_t *a, bool v6);
void dom_line(char *buf, size_t n, const char *name, bool has4,
	      const uint8_t *a4, bool has6, const uint8_t *a6,
	      unsigned int fc, unsigned long nu, unsigned long nc);
void model_dom_line(char *buf, size_t n, struct table *t,
		    const struct dom *d);
void model_lines(uint8_t cmd, struct lines *l);
void lines_compare(const char *what, struct lines *kernel,
		   struct lines *model);

/* ---- caller.c: what the caller is: uid map, cgroups ------------------- */

void read_uid_map(void);
bool uid_valid(uint32_t uid);
int cgroup_id(const char *path, uint64_t *id);

extern uint64_t cg_pool[32];
extern int ncg_pool;
extern uint64_t cg_self[32];	/* own cgroup, then its ancestors */
extern int ncg_self;

void read_cgroups(void);
int cg_exists(uint64_t id);

/* ---- wire.c: requests, their messages, decoding them as the kernel ---- */

/* Entries of a list of uids (VADDR_A_UIDS) the fuzzer makes or decodes. */
#define UIDS_MAX 256

struct req {
	uint8_t cmd;
	bool dump;
	bool staged;
	bool has_name, has4, has6, has_fc, has_uid, has_cg, has_nat, has_iso,
	     has_gen, has_uids;
	int name;
	uint8_t a4[4], a6[16];
	uint8_t fc, nat, iso;
	uint32_t uid, gen;
	uint64_t cg;
	unsigned int nuids;
	uint32_t uids[UIDS_MAX];
};

/*
 * The family's policies, as the fuzzer reads them from netlink.c; P_UIDS:
 * a nest of VADDR_A_UID u32 attributes and nothing else.
 */
enum pol { P_NONE, P_STR, P_BIN4, P_BIN16, P_BOOL, P_U32, P_U64, P_FLAG,
	   P_UIDS };

struct op {
	bool doit, dumpit, public;
	enum pol pol[VADDR_A_MAX + 1];
};

extern const struct op ops[VADDR_CMD_MAX + 1];

const char *cmd_name(unsigned int cmd);

struct msg {
	uint8_t b[MAXMSG];
	size_t len;
};

struct nlmsghdr *msg_start(struct msg *m, uint16_t flags, uint32_t seq,
			   uint8_t cmd);
void put_attr(struct nlmsghdr *nlh, uint16_t type, const void *data,
	      size_t len);
void encode(struct msg *m, const struct req *r, uint16_t flags,
	    uint32_t seq);

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

extern bool resv_strict;
void decode(const uint8_t *p, size_t len, struct decoded *d);

/* ---- answers.c: sockets, and reading what the kernel answers ---------- */

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
extern struct sk sks[NSK], dsks[NDUMP];
extern int evfd;
extern uint16_t family;
extern uint32_t mcgrp;

extern unsigned long st_sent, st_mutated, st_valid, st_dumps, st_intr,
	st_dump_abandoned, st_begin, st_commit, st_abort, st_abandon,
	st_batches, st_batch_msgs, st_events, st_dropped, st_skipped;

void lines_add(struct lines *l, const char *s);
void lines_clear(struct lines *l);
void sk_open(struct sk *s, size_t rcvlen);
void sk_close(struct sk *s);

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
extern struct pend pend[MAXPEND];
extern int npend;

struct pend *pend_add(uint32_t seq, bool ack, const uint8_t *sent,
		      size_t sent_len);
bool recv_one(struct sk *s);
void drain(struct sk *s);
void sendbuf(struct sk *s, const uint8_t *b, size_t len);
void events_read(void);

/* ---- judge.c: checking answers; sending requests, reading dumps ------- */

void judge(struct sk *s, const struct req *r, unsigned int mask,
	   struct pend *p, const char *what);
void describe(const struct req *r, struct sk *s, char *buf, size_t n);
void send_req(struct sk *s, const struct req *r);
void dump_start(struct sk *s);
void dump_step(struct sk *s, bool finish);

/* ---- gen.c: addresses, valid requests, batches ------------------------ */

int addr_class(const uint8_t *a, bool v6);

extern const char *const pool_names[];

void gen_req(struct req *r, int stageable);
void send_batch(struct sk *s);

/* ---- mutate.c: mutated requests --------------------------------------- */

void send_mutated(struct sk *s);

#endif
