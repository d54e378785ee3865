// SPDX-License-Identifier: GPL-2.0
/*
 * What the netlink handlers share (nl.h): building replies, dump parts and
 * events, and reading the attributes every handler reads. It knows the
 * family (netlink.c) only as the one messages are sent on; it calls
 * nothing above it.
 */
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "connect.h"
#include "net.h"
#include "netlink.h"
#include "nl.h"
#include "stage.h"
#include "table.h"

/* The message's header and, in a dump, the generation; NULL: no room. */
void *vaddr_msg_start(struct vaddr_msg *m)
{
	void *hdr;

	hdr = genlmsg_put(m->skb, m->portid, m->seq, &vaddr_genl_family,
			  m->flags, m->cmd);
	if (!hdr || !m->cb)
		return hdr;
	genl_dump_check_consistent(m->cb, hdr);
	if (nla_put_u32(m->skb, VADDR_A_GENERATION, m->cb->seq)) {
		genlmsg_cancel(m->skb, hdr);
		return NULL;
	}
	return hdr;
}

/* End the message begun at @hdr, or take it back when @err (no room). */
int vaddr_msg_end(struct vaddr_msg *m, void *hdr, int err)
{
	if (err) {
		genlmsg_cancel(m->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(m->skb, hdr);
	return 0;
}

/* A reply to the request of @info: 0, or -ENOMEM. */
int vaddr_reply_start(struct genl_info *info, u8 cmd, struct vaddr_msg *m)
{
	*m = (struct vaddr_msg){
		.skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL),
		.portid = info->snd_portid,
		.seq = info->snd_seq,
		.cmd = cmd,
	};
	return m->skb ? 0 : -ENOMEM;
}

/* Send the reply, or free it and return @err when filling it failed. */
int vaddr_reply_send(struct genl_info *info, struct vaddr_msg *m, int err)
{
	if (err) {
		nlmsg_free(m->skb);
		return err;
	}
	return genlmsg_reply(m->skb, info);
}

/*
 * An event of the sender's namespace for the "events" group: false when
 * nobody listens there (or there is no memory), and nothing is sent.
 */
bool vaddr_event_start(struct genl_info *info, u8 cmd, struct vaddr_msg *m)
{
	if (!genl_has_listeners(&vaddr_genl_family, genl_info_net(info),
				VADDR_MCGRP_EVENTS_IDX))
		return false;
	*m = (struct vaddr_msg){
		.skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL),
		.cmd = cmd,
	};
	return m->skb;
}

/* Send the event, or drop it when filling it failed (@err). */
void vaddr_event_send(struct genl_info *info, struct vaddr_msg *m, int err)
{
	if (err) {
		nlmsg_free(m->skb);
		return;
	}
	genlmsg_multicast_netns(&vaddr_genl_family, genl_info_net(info),
				m->skb, 0, VADDR_MCGRP_EVENTS_IDX, GFP_KERNEL);
}

/* The message a part of a dump of @cmd fills in @skb. */
static struct vaddr_msg vaddr_dump_msg(struct sk_buff *skb,
				       struct netlink_callback *cb, u8 cmd)
{
	return (struct vaddr_msg) {
		.skb = skb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.cmd = cmd,
		.cb = cb,
	};
}

/*
 * A dump. Each part locks the namespace, notes the generation in cb->seq
 * and has @walk fill @skb from where the context says. A part that went
 * through to the end ends the dump; one that ran out of room (@walk's
 * error) leaves it to resume there.
 */
int vaddr_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
	       int (*walk)(struct vaddr_net *vn, struct vaddr_msg *m,
			   struct vaddr_dump_ctx *ctx))
{
	struct vaddr_net *vn = vaddr_net(sock_net(skb->sk));
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_msg m = vaddr_dump_msg(skb, cb, cmd);
	int err;

	if (ctx->done)
		return 0;
	mutex_lock(&vn->lock);
	cb->seq = vn->generation;
	err = walk(vn, &m, ctx);
	mutex_unlock(&vn->lock);
	if (!err)
		ctx->done = true;
	return skb->len;
}

/*
 * A dump any user may ask for (the domains): under RCU, never the
 * writers' mutex, so that no unprivileged reader can hold a change up.
 * Writers change the live table as the connect path reads it, under RCU
 * rules; a change between two parts of a dump flags it (NLM_F_DUMP_INTR).
 */
int vaddr_dump_rcu(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		   int (*walk)(struct vaddr_table *t, struct vaddr_msg *m,
			       struct vaddr_dump_ctx *ctx))
{
	struct vaddr_net *vn = vaddr_net(sock_net(skb->sk));
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_msg m = vaddr_dump_msg(skb, cb, cmd);
	struct vaddr_table *t;
	int err = 0;

	if (ctx->done)
		return 0;
	rcu_read_lock();
	cb->seq = READ_ONCE(vn->generation);
	t = rcu_dereference(vn->table);
	if (t)
		err = walk(t, &m, ctx);
	rcu_read_unlock();
	if (!err)
		ctx->done = true;
	return skb->len;
}

struct vaddr_net *vaddr_info_net(struct genl_info *info)
{
	return vaddr_net(genl_info_net(info));
}

struct user_namespace *vaddr_sender_userns(const struct sk_buff *skb)
{
	return sk_user_ns(NETLINK_CB(skb).sk);
}

void vaddr_no_stage(struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack,
		       "no replacement open on this socket (VADDR_CMD_REPLACE_BEGIN)");
}

/*
 * The table a change applies to, with vn->lock held: with VADDR_A_STAGED
 * the sender's open replacement (*staged), else the live table. NULL when
 * the flag asks for a replacement the socket does not have: never the
 * live table instead, or a load whose stage went (a released socket's
 * port id reused, see stage.c) would be half applied to it.
 */
struct vaddr_table *vaddr_target(struct vaddr_net *vn, struct sk_buff *skb,
				 struct genl_info *info, bool *staged)
{
	struct vaddr_table *t;

	*staged = info->attrs[VADDR_A_STAGED];
	if (!*staged)
		return vaddr_table_locked(vn);
	t = vaddr_stage_table(vn, info->snd_portid, NETLINK_CB(skb).sk);
	if (!t)
		vaddr_no_stage(info);
	return t;
}

/* The domain named in the request; t NULL: vaddr_target() found none. */
struct vaddr_domain *vaddr_attr_domain(struct vaddr_table *t,
				       struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VADDR_A_DOMAIN];
	struct vaddr_domain *d;

	if (!t)
		return ERR_PTR(-ENOENT);
	if (VADDR_MISSING(info, VADDR_A_DOMAIN, "missing domain name"))
		return ERR_PTR(-EINVAL);
	d = vaddr_domain_find(t, nla_data(attr));
	if (!d) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "unknown domain");
		return ERR_PTR(-ENOENT);
	}
	return d;
}

/* A uid attribute of the request, in the sender's user namespace. */
int vaddr_uid_of(struct sk_buff *skb, const struct nlattr *attr,
		 struct netlink_ext_ack *extack, kuid_t *kuid)
{
	*kuid = make_kuid(vaddr_sender_userns(skb), nla_get_u32(attr));
	if (!uid_valid(*kuid)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "uid is not mapped in the sender's user namespace");
		return -EINVAL;
	}
	return 0;
}

/* VADDR_A_UID, in the sender's user namespace. */
int vaddr_attr_uid(struct sk_buff *skb, struct genl_info *info, kuid_t *kuid)
{
	if (VADDR_MISSING(info, VADDR_A_UID, "missing uid"))
		return -EINVAL;
	return vaddr_uid_of(skb, info->attrs[VADDR_A_UID], info->extack, kuid);
}

/* Events name uids as the user namespace owning the network namespace does. */
u32 vaddr_event_uid(struct genl_info *info, kuid_t kuid)
{
	return from_kuid_munged(genl_info_net(info)->user_ns, kuid);
}

/*
 * -ENOSPC when @n more entries would take @t, the live table, over
 * max_entries (module parameter); for a replacement (@staged), all the
 * replacements open in the namespace together. vn->lock held.
 */
int vaddr_check_room(struct vaddr_net *vn, struct vaddr_table *t,
		     bool staged, unsigned long n,
		     struct netlink_ext_ack *extack)
{
	if (staged && vaddr_table_over(vaddr_stages_size(vn) + n)) {
		NL_SET_ERR_MSG(extack,
			       "the replacements open in this namespace are full (vaddr module parameter max_entries)");
		return -ENOSPC;
	}
	if (staged || !vaddr_table_over(vaddr_table_size(t) + n))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "table is full (vaddr module parameter max_entries)");
	return -ENOSPC;
}

/*
 * Isolation and fail-closed refuse connects in the connect probes, which
 * connect.c proved to work at load, or could not: then they stay off.
 */
int vaddr_check_refusal(const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	if (vaddr_refusal_works())
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "connects cannot be refused on this kernel: isolation and fail-closed are unavailable (see the kernel log)");
	return -EOPNOTSUPP;
}
