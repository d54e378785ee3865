/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.c: what the handlers of the "vaddr" netlink family share. netlink.c
 * holds the family, its policies and operations; the handlers live in one
 * file per object, each with its header, and call down into nl.c only:
 *
 *   nl_domain.c    domains and their counters (DOMAIN_*, STATS_GET)
 *   nl_map.c       uid and cgroup mappings (UID_*, CGROUP_*)
 *   nl_table.c     the whole table: FLUSH, REPLACE_*
 *   nl_settings.c  settings, the isolation allow list, WHOAMI
 *
 * A handler checks its request, applies it to the sender's namespace under
 * vaddr_net.lock, ends a change of the live table with vaddr_net_changed()
 * and announces it to the "events" group. Each kind of message is built
 * by one fill function, in the file of its object.
 */
#ifndef _VADDR_NL_H
#define _VADDR_NL_H

#include <linux/bug.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>

#include "compat.h"
#include "vaddr.h"

/* The family's one multicast group. */
enum {
	VADDR_MCGRP_EVENTS_IDX,
};

/*
 * A message being built: a reply to a request, a part of a dump (@cb set:
 * it carries the generation and is checked for consistency), or an event
 * (port id 0).
 */
struct vaddr_msg {
	struct sk_buff *skb;
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	struct netlink_callback *cb;
};

void *vaddr_msg_start(struct vaddr_msg *m);
int vaddr_msg_end(struct vaddr_msg *m, void *hdr, int err);
int vaddr_reply_start(struct genl_info *info, u8 cmd, struct vaddr_msg *m);
int vaddr_reply_send(struct genl_info *info, struct vaddr_msg *m, int err);
bool vaddr_event_start(struct genl_info *info, u8 cmd, struct vaddr_msg *m);
void vaddr_event_send(struct genl_info *info, struct vaddr_msg *m, int err);

/*
 * Where a dump is between its parts, in cb->args: netlink zeroes it before
 * .start. Each part takes vaddr_net.lock, so that every message is
 * consistent, and notes the generation it saw in cb->seq: the messages of
 * a dump that saw a change carry NLM_F_DUMP_INTR.
 */
struct vaddr_dump_ctx {
	unsigned long pos;	/* where the next part resumes */
	bool done;		/* the last entry went out */
	u32 *uids;		/* UID_GET: sorted snapshot taken by .start */
	unsigned long nr_uids;
};

static inline struct vaddr_dump_ctx *vaddr_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct vaddr_dump_ctx) > sizeof(cb->args));
	return (struct vaddr_dump_ctx *)cb->args;
}

int vaddr_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
	       int (*walk)(struct vaddr_net *vn, struct vaddr_msg *m,
			   struct vaddr_dump_ctx *ctx));
int vaddr_dump_rcu(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		   int (*walk)(struct vaddr_table *t, struct vaddr_msg *m,
			       struct vaddr_dump_ctx *ctx));

/*
 * A required attribute: when it is missing, say which in the extack, both
 * as text and as the missing-attribute type, and evaluate to true.
 */
#define VADDR_MISSING(info, type, msg) ({				\
	bool __missing = !(info)->attrs[type];				\
									\
	if (__missing) {						\
		NL_SET_ERR_MSG((info)->extack, msg);			\
		NL_SET_ERR_ATTR_MISS((info)->extack, NULL, type);	\
	}								\
	__missing;							\
})

struct vaddr_net *vaddr_info_net(struct genl_info *info);
struct user_namespace *vaddr_sender_userns(const struct sk_buff *skb);
struct vaddr_table *vaddr_target(struct vaddr_net *vn, struct sk_buff *skb,
				 struct genl_info *info, bool *staged);
void vaddr_no_stage(struct genl_info *info);
struct vaddr_domain *vaddr_attr_domain(struct vaddr_table *t,
				       struct genl_info *info);
int vaddr_attr_uid(struct sk_buff *skb, struct genl_info *info,
		   kuid_t *kuid);
int vaddr_uid_of(struct sk_buff *skb, const struct nlattr *attr,
		 struct netlink_ext_ack *extack, kuid_t *kuid);
u32 vaddr_event_uid(struct genl_info *info, kuid_t kuid);
int vaddr_check_room(struct vaddr_net *vn, struct vaddr_table *t,
		     bool staged, unsigned long n,
		     struct netlink_ext_ack *extack);
int vaddr_check_refusal(const struct nlattr *attr,
			struct netlink_ext_ack *extack);

#endif /* _VADDR_NL_H */
