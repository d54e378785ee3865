/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink side of vaddrctl: one libmnl socket, opened on first
 * use, talking to the "vaddr" family of <linux/vaddr.h>.
 *
 * Every public function prints what went wrong (the kernel's extack as
 * "Error: <message>.") and returns -1, or returns 0.
 */
#ifndef VADDRCTL_NL_H
#define VADDRCTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/vaddr.h>

/* A message's attributes, validated against their UAPI types. */
typedef const struct nlattr *nl_attrs[VADDR_A_MAX + 1];

/* Called with each reply message; returns 0 or a negative errno. */
typedef int (*nl_msg_cb)(const nl_attrs tb, void *data);

/* The table generation a dump saw; an empty dump sees none. */
struct nl_gen {
	bool seen;
	uint32_t value;
};

struct nl_dump {
	uint8_t cmd;
	nl_msg_cb cb;
	void (*reset)(void *data);	/* drop what cb kept: starting over */
	void *data;
	struct nl_gen gen;		/* out */
};

/* A request for cmd in a send buffer, to which the caller adds attributes. */
struct nlmsghdr *nl_msg(uint8_t cmd);

/* Send it and wait for the ack, calling cb (if any) for each reply. */
int nl_request(struct nlmsghdr *nlh, nl_msg_cb cb, void *data);

/* Dump d->cmd, starting over while the table changes under the dump. */
int nl_dump(struct nl_dump *d);

/*
 * Called with each event: its command and attributes. cmd 0 with tb NULL:
 * events were lost (the socket overflowed). A non-zero return ends the
 * listening: negative for an error (-EBADMSG: malformed), 1 for done.
 */
typedef int (*nl_event_cb)(uint8_t cmd, const nl_attrs tb, void *data);

/* Join the "events" group and call cb with each event, for ever. */
int nl_listen(nl_event_cb cb, void *data);

/*
 * A batch: many requests sent a buffer at a time, only the last of each
 * with NLM_F_ACK; the kernel still answers every failure. Each failure is
 * passed to err with the request's index in the batch (from 0), its errno,
 * the kernel's message ("" if none) and the offset in the request of the
 * attribute it points at (0 if none). Sending stops after a buffer with a
 * failure. nl_batch_msg() returns NULL after a failure or when the socket
 * cannot be opened; nl_batch_end() returns -1 then. A request of a batch
 * takes at most NL_BATCH_MSG_MAX bytes.
 */
#define NL_BATCH_MSG_MAX	4096
typedef void (*nl_batch_err)(size_t index, int err, const char *msg,
			     uint32_t offset, void *data);
void nl_batch_start(nl_batch_err err, void *data);
struct nlmsghdr *nl_batch_msg(uint8_t cmd);
int nl_batch_end(void);

bool nl_gen_differ(const struct nl_gen *a, const struct nl_gen *b);
void nl_close(void);

#endif
