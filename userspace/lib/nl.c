// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink with libmnl: the family id is asked from the controller
 * by name, requests are acked with extended ACK messages (NETLINK_EXT_ACK),
 * without the echo of the request (NETLINK_CAP_ACK), and dumps are read to
 * their NLMSG_DONE, then started over if a message carried NLM_F_DUMP_INTR.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "util.h"
#include "nl.h"

/* The kernel sizes dump messages to the largest buffer the reader used. */
#define NL_RECV_SIZE	32768
#define NL_SEND_SIZE	8192
#define NL_DUMP_TRIES	8

typedef int (*nl_raw_cb)(const struct nlmsghdr *nlh, void *data);

static struct {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events;	/* id of the "events" multicast group */
	char extack[256];	/* message of the last ack */
	uint32_t extack_offs;	/* where it points in the request, or 0 */
} nl;

static union {
	char buf[NL_SEND_SIZE];
	struct nlmsghdr align;
} nl_sbuf;

static union {
	char buf[NL_RECV_SIZE];
	struct nlmsghdr align;
} nl_rbuf;

/* Expected type of each attribute; len is exact for binary, a maximum else. */
static const struct nl_policy {
	enum mnl_attr_data_type type;
	uint16_t len;
} nl_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = {
		.type = MNL_TYPE_NUL_STRING, .len = VADDR_DOMAIN_MAX + 1
	},
	[VADDR_A_ADDR4] = {
		.type = MNL_TYPE_BINARY, .len = sizeof(struct in_addr)
	},
	[VADDR_A_ADDR6] = {
		.type = MNL_TYPE_BINARY, .len = sizeof(struct in6_addr)
	},
	[VADDR_A_UID]		= { .type = MNL_TYPE_U32 },
	[VADDR_A_CGROUP_ID]	= { .type = MNL_TYPE_U64 },
	[VADDR_A_NR_UIDS]	= { .type = MNL_TYPE_U32 },
	[VADDR_A_NR_CGROUPS]	= { .type = MNL_TYPE_U32 },
	[VADDR_A_STATS]		= { .type = MNL_TYPE_NESTED },
	[VADDR_A_GENERATION]	= { .type = MNL_TYPE_U32 },
	[VADDR_A_NAT]		= { .type = MNL_TYPE_U8 },
	[VADDR_A_ISOLATION]	= { .type = MNL_TYPE_U8 },
	[VADDR_A_FAIL_CLOSED]	= { .type = MNL_TYPE_U8 },
	[VADDR_A_MATCH]		= { .type = MNL_TYPE_U8 },
	[VADDR_A_CONNECT_REFUSAL] = { .type = MNL_TYPE_U8 },
	[VADDR_A_MISSED]	= { .type = MNL_TYPE_U64 },
};

/* What a vaddr reply goes through before the caller's callback. */
struct nl_reply {
	nl_msg_cb cb;
	void *data;
	struct nl_gen gen;
};

static void nl_extack(const struct nlmsghdr *nlh, size_t offset)
{
	const struct nlattr *attr;

	nl.extack_offs = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			snprintf(nl.extack, sizeof(nl.extack), "%s",
				 mnl_attr_get_str(attr));
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS &&
		    !mnl_attr_validate(attr, MNL_TYPE_U32))
			nl.extack_offs = mnl_attr_get_u32(attr);
	}
}

/* NLMSG_ERROR: 0 for an ack, else the negative errno of the rejection. */
static int nl_ack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	/* The TLVs follow the request, or its header only when capped. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&e->msg);
	nl_extack(nlh, offset);
	return e->error;
}

/* NLMSG_DONE carries the dump's error, if it failed part way. */
static int nl_done(const struct nlmsghdr *nlh)
{
	const int *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return 0;
	nl_extack(nlh, sizeof(*err));
	return *err;
}

/* 1 to read on, 0 at the end of the reply, or a negative errno. */
static int nl_handle(const struct nlmsghdr *nlh, uint32_t seq, nl_raw_cb cb,
		     void *data, bool *intr)
{
	int err;

	if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl.portid)
		return -EPROTO;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		*intr = true;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return nl_ack(nlh);
	if (nlh->nlmsg_type == NLMSG_DONE)
		return nl_done(nlh);
	/* Once interrupted, a dump is only read on to its end. */
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || *intr || !cb)
		return 1;
	err = cb(nlh, data);
	return err < 0 ? err : 1;
}

static int nl_recv(uint32_t seq, nl_raw_cb cb, void *data, bool *intr)
{
	const struct nlmsghdr *nlh = &nl_rbuf.align;
	int len, ret = 1;

	len = mnl_socket_recvfrom(nl.sock, nl_rbuf.buf, sizeof(nl_rbuf.buf));
	if (len < 0)
		return -errno;
	while (ret > 0 && mnl_nlmsg_ok(nlh, len)) {
		ret = nl_handle(nlh, seq, cb, data, intr);
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return ret;
}

/* Send nlh and read the reply: 0, -EINTR for an interrupted dump, -errno. */
static int nl_talk(struct nlmsghdr *nlh, nl_raw_cb cb, void *data)
{
	bool intr = false;
	int ret;

	nlh->nlmsg_seq = ++nl.seq;
	nl.extack[0] = '\0';
	if (mnl_socket_sendto(nl.sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = nl_recv(nlh->nlmsg_seq, cb, data, &intr);
	} while (ret > 0);
	return !ret && intr ? -EINTR : ret;
}

static void nl_print_extack(const char *level)
{
	size_t len = strlen(nl.extack);

	if (len)
		fprintf(stderr, "%s%s: %s%s\n", fail_where, level, nl.extack,
			nl.extack[len - 1] == '.' ? "" : ".");
}

static int nl_perror(int err)
{
	if (nl.extack[0])
		nl_print_extack("Error");
	else if (err == -EPERM)
		fail("operation not permitted: CAP_NET_ADMIN is needed");
	else if (err == -EBADMSG)
		fail("malformed netlink reply from the kernel");
	else
		fail("netlink: %s", strerror(-err));
	return -1;
}

static struct nlmsghdr *nl_put(uint16_t type, uint8_t cmd, uint8_t version,
			       uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl_sbuf.buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* One CTRL_ATTR_MCAST_GRP_*: keep the id of the group named "events". */
static void nl_mcast_group(const struct nlattr *grp)
{
	const struct nlattr *attr;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(attr, grp) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(attr);
		else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
			 !mnl_attr_validate(attr, MNL_TYPE_U32))
			id = mnl_attr_get_u32(attr);
	}
	if (name && !strcmp(name, VADDR_MCGRP_EVENTS))
		nl.events = id;
}

static int nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *grp;
	uint16_t *family = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    !mnl_attr_validate(attr, MNL_TYPE_U16))
			*family = mnl_attr_get_u16(attr);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS &&
		    !mnl_attr_validate(attr, MNL_TYPE_NESTED))
			mnl_attr_for_each_nested(grp, attr)
				nl_mcast_group(grp);
	}
	return 0;
}

static int nl_family(void)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = nl_put(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
		     NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VADDR_GENL_NAME);
	err = nl_talk(nlh, nl_family_cb, &nl.family);
	if (err == -ENOENT)
		return fail("the vaddr module is not loaded (modprobe vaddr)");
	if (!err && !nl.family)
		err = -EBADMSG;
	return err ? nl_perror(err) : 0;
}

static int nl_open(void)
{
	int one = 1;

	nl.sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl.sock)
		return fail("cannot open a netlink socket: %s", strerror(errno));
	/* Both only make errors clearer; older kernels work without them. */
	mnl_socket_setsockopt(nl.sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl.sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl.sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fail("cannot bind a netlink socket: %s", strerror(errno));
		nl_close();
		return -1;
	}
	nl.portid = mnl_socket_get_portid(nl.sock);
	nl.seq = time(NULL);
	if (nl_family()) {
		nl_close();
		return -1;
	}
	return 0;
}

void nl_close(void)
{
	if (nl.sock)
		mnl_socket_close(nl.sock);
	nl.sock = NULL;
}

static struct nlmsghdr *nl_start(uint8_t cmd, uint16_t flags)
{
	if (!nl.sock && nl_open())
		return NULL;
	return nl_put(nl.family, cmd, VADDR_GENL_VERSION, flags);
}

struct nlmsghdr *nl_msg(uint8_t cmd)
{
	return nl_start(cmd, NLM_F_REQUEST | NLM_F_ACK);
}

static bool nl_attr_bad(const struct nlattr *attr, const struct nl_policy *p)
{
	if (p->type == MNL_TYPE_BINARY)
		return mnl_attr_validate2(attr, p->type, p->len) < 0;
	return mnl_attr_validate(attr, p->type) < 0 ||
	       (p->len && mnl_attr_get_payload_len(attr) > p->len);
}

static int nl_parse(const struct nlmsghdr *nlh, nl_attrs tb)
{
	const struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EBADMSG;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		uint16_t type = mnl_attr_get_type(attr);

		/* Unknown: padding, or appended by a newer kernel. */
		if (type > VADDR_A_MAX || nl_policy[type].type == MNL_TYPE_UNSPEC)
			continue;
		if (nl_attr_bad(attr, &nl_policy[type]))
			return -EBADMSG;
		tb[type] = attr;
	}
	return 0;
}

static int nl_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_reply *r = data;
	nl_attrs tb = {};
	int err = nl_parse(nlh, tb);

	if (err)
		return err;
	if (tb[VADDR_A_GENERATION]) {
		r->gen.seen = true;
		r->gen.value = mnl_attr_get_u32(tb[VADDR_A_GENERATION]);
	}
	return r->cb ? r->cb(tb, r->data) : 0;
}

int nl_request(struct nlmsghdr *nlh, nl_msg_cb cb, void *data)
{
	struct nl_reply r = { .cb = cb, .data = data };
	int err = nl_talk(nlh, nl_reply_cb, &r);

	if (err)
		return nl_perror(err);
	nl_print_extack("Warning");
	return 0;
}

int nl_dump(struct nl_dump *d)
{
	int i;

	for (i = 0; i < NL_DUMP_TRIES; i++) {
		struct nl_reply r = { .cb = d->cb, .data = d->data };
		struct nlmsghdr *nlh;
		int err;

		nlh = nl_start(d->cmd, NLM_F_REQUEST | NLM_F_DUMP);
		if (!nlh)
			return -1;
		err = nl_talk(nlh, nl_reply_cb, &r);
		if (err != -EINTR) {
			d->gen = r.gen;
			return err ? nl_perror(err) : 0;
		}
		d->reset(d->data);
	}
	return fail("the table kept changing during the dump, try again");
}

/* Each message of the events group, until cb fails or the socket does. */
static int nl_event(const struct nlmsghdr *nlh, nl_event_cb cb, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	nl_attrs tb = {};
	int err;

	if (nlh->nlmsg_type != nl.family)
		return 0;
	err = nl_parse(nlh, tb);
	if (err)
		return err;
	return cb(genl->cmd, tb, data);
}

int nl_listen(nl_event_cb cb, void *data)
{
	int group, err = 0;

	if (!nl.sock && nl_open())
		return -1;
	if (!nl.events)
		return fail("the vaddr module has no \"%s\" group",
			    VADDR_MCGRP_EVENTS);
	group = nl.events;
	if (mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		if (errno == EPERM)
			return fail("cannot listen to vaddr events: CAP_NET_ADMIN is needed");
		return fail("cannot listen to vaddr events: %s",
			    strerror(errno));
	}
	while (!err) {
		const struct nlmsghdr *nlh = &nl_rbuf.align;
		int len;

		len = mnl_socket_recvfrom(nl.sock, nl_rbuf.buf,
					  sizeof(nl_rbuf.buf));
		if (len < 0 && errno == ENOBUFS) {
			/* The socket overflowed: say so and go on. */
			err = cb(0, NULL, data);
			continue;
		}
		if (len < 0)
			return fail("netlink: %s", strerror(errno));
		for (; !err && mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			err = nl_event(nlh, cb, data);
	}
	return err == -EBADMSG ? fail("malformed netlink event from the kernel") :
	       err < 0 ? -1 : 0;
}

/* A send buffer of a batch; a request of it never takes more than this. */
#define NL_BATCH_SIZE	65536
/*
 * Room for an answer to every request of a buffer, even if all fail: an
 * error message takes about a kilobyte of receive buffer. Beyond the
 * default limit (net.core.rmem_max) with CAP_NET_ADMIN, which changes need.
 */
#define NL_BATCH_RCVBUF	(8 << 20)

static struct {
	nl_batch_err err;
	void *data;
	uint32_t seq0;			/* seq of request 0 */
	size_t n;			/* requests so far */
	size_t len;			/* of the requests before last */
	struct nlmsghdr *last;		/* being filled */
	bool failed;
} batch;

static union {
	char buf[NL_BATCH_SIZE];
	struct nlmsghdr align;
} nl_bbuf;

void nl_batch_start(nl_batch_err err, void *data)
{
	memset(&batch, 0, sizeof(batch));
	batch.err = err;
	batch.data = data;
}

/* One answer of a batch: 1 to read on, 0 after the ack of seq, -errno. */
static int nl_batch_handle(const struct nlmsghdr *nlh, uint32_t seq)
{
	int err;

	if (nlh->nlmsg_pid != nl.portid || nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_seq - batch.seq0 > seq - batch.seq0)
		return -EPROTO;
	nl.extack[0] = '\0';
	err = nl_ack(nlh);
	if (err == -EBADMSG)
		return err;
	if (err) {
		batch.failed = true;
		batch.err(nlh->nlmsg_seq - batch.seq0, err, nl.extack,
			  nl.extack_offs, batch.data);
	}
	return nlh->nlmsg_seq != seq;
}

/* Send the buffer and read every answer up to the ack of its last request. */
static int nl_batch_flush(void)
{
	uint32_t seq;
	int ret = 1;

	if (!batch.last)
		return 0;
	batch.last->nlmsg_flags |= NLM_F_ACK;
	seq = batch.last->nlmsg_seq;
	batch.len += NLMSG_ALIGN(batch.last->nlmsg_len);
	batch.last = NULL;
	if (mnl_socket_sendto(nl.sock, nl_bbuf.buf, batch.len) < 0)
		return -errno;
	batch.len = 0;
	while (ret > 0) {
		const struct nlmsghdr *nlh = &nl_rbuf.align;
		int len;

		len = mnl_socket_recvfrom(nl.sock, nl_rbuf.buf,
					  sizeof(nl_rbuf.buf));
		if (len < 0)
			return -errno;
		while (ret > 0 && mnl_nlmsg_ok(nlh, len)) {
			ret = nl_batch_handle(nlh, seq);
			nlh = mnl_nlmsg_next(nlh, &len);
		}
	}
	return ret;
}

static int nl_batch_fail(int err)
{
	nl.extack[0] = '\0';
	if (err == -ENOBUFS)
		fail("netlink: too many errors to read them all");
	else
		nl_perror(err);
	batch.failed = true;
	return -1;
}

struct nlmsghdr *nl_batch_msg(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	int err;

	if (batch.failed || (!nl.sock && nl_open()))
		return NULL;
	if (!batch.n++) {
		int size = NL_BATCH_RCVBUF, fd = mnl_socket_get_fd(nl.sock);

		batch.seq0 = nl.seq + 1;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
			       sizeof(size)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
				   sizeof(size));
	}
	if (batch.last &&
	    batch.len + NLMSG_ALIGN(batch.last->nlmsg_len) + NL_BATCH_MSG_MAX >
	    NL_BATCH_SIZE) {
		err = nl_batch_flush();
		if (err < 0)
			nl_batch_fail(err);
		if (batch.failed)
			return NULL;
	} else if (batch.last) {
		batch.len += NLMSG_ALIGN(batch.last->nlmsg_len);
	}
	nlh = mnl_nlmsg_put_header(nl_bbuf.buf + batch.len);
	nlh->nlmsg_type = nl.family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++nl.seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = VADDR_GENL_VERSION;
	batch.last = nlh;
	return nlh;
}

int nl_batch_end(void)
{
	int err = 0;

	if (!batch.failed)
		err = nl_batch_flush();
	if (err < 0)
		return nl_batch_fail(err);
	return batch.failed ? -1 : 0;
}

bool nl_gen_differ(const struct nl_gen *a, const struct nl_gen *b)
{
	return a->seen && b->seen && a->value != b->value;
}
