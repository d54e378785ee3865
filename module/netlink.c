// SPDX-License-Identifier: GPL-2.0
/*
 * The "vaddr" generic netlink family: its policies, operations and
 * multicast group, and what the handlers share (nl.h). uapi/linux/vaddr.h
 * documents every command; the handlers are in nl_domain.c, nl_map.c,
 * nl_table.c and nl_settings.c.
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

static struct genl_family vaddr_genl_family;

enum {
	VADDR_MCGRP_EVENTS_IDX,
};

/*
 * Events name uids and cgroups: only CAP_NET_ADMIN in the namespace's
 * owning user namespace may listen (checked by genl_bind(); an op's
 * GENL_UNS_ADMIN_PERM means nothing there, see compat.h).
 */
static const struct genl_multicast_group vaddr_mcgrps[] = {
	[VADDR_MCGRP_EVENTS_IDX] = {
		.name = VADDR_MCGRP_EVENTS,
		.flags = VADDR_MCGRP_ADMIN_ONLY,
	},
};

#define VADDR_NAME_POLICY { .type = NLA_NUL_STRING, .len = VADDR_DOMAIN_MAX }

static const struct nla_policy vaddr_domain_new_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_ADDR4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[VADDR_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VADDR_A_FAIL_CLOSED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_domain_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
};

static const struct nla_policy vaddr_domain_del_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_domain_set_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_FAIL_CLOSED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_allow_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_UID] = { .type = NLA_U32 },
};

static const struct nla_policy vaddr_uid_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_UID] = { .type = NLA_U32 },
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_cgroup_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_CGROUP_ID] = { .type = NLA_U64 },
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_commit_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_GENERATION] = { .type = NLA_U32 },
};

static const struct nla_policy vaddr_settings_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_NAT] = NLA_POLICY_MAX(NLA_U8, 1),
	[VADDR_A_ISOLATION] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* No attributes at all. */
static const struct nla_policy vaddr_empty_policy[VADDR_A_MAX + 1] = {};

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
	struct vaddr_msg m = {
		.skb = skb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.cmd = cmd,
		.cb = cb,
	};
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

/* VADDR_A_UID, in the sender's user namespace. */
int vaddr_attr_uid(struct sk_buff *skb, struct genl_info *info, kuid_t *kuid)
{
	struct nlattr *attr = info->attrs[VADDR_A_UID];

	if (VADDR_MISSING(info, VADDR_A_UID, "missing uid"))
		return -EINVAL;
	*kuid = make_kuid(vaddr_sender_userns(skb), nla_get_u32(attr));
	if (!uid_valid(*kuid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "uid is not mapped in the sender's user namespace");
		return -EINVAL;
	}
	return 0;
}

/* Events name uids as the user namespace owning the network namespace does. */
u32 vaddr_event_uid(struct genl_info *info, kuid_t kuid)
{
	return from_kuid_munged(genl_info_net(info)->user_ns, kuid);
}

/* -ENOSPC when @t holds max_entries already (module parameter). */
int vaddr_check_room(struct vaddr_table *t, struct netlink_ext_ack *extack)
{
	if (!vaddr_table_full(t))
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

#define VADDR_OP(_cmd, _policy, _flags)				\
	.cmd = _cmd,						\
	.policy = _policy,					\
	.maxattr = VADDR_A_MAX,					\
	.flags = _flags

static const struct genl_ops vaddr_genl_ops[] = {
	{
		VADDR_OP(VADDR_CMD_DOMAIN_NEW, vaddr_domain_new_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_domain_new,
	},
	{
		VADDR_OP(VADDR_CMD_DOMAIN_DEL, vaddr_domain_del_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_domain_del,
	},
	{
		/* The list of domains is public, like their DNS records. */
		VADDR_OP(VADDR_CMD_DOMAIN_GET, vaddr_domain_policy, 0),
		.doit = vaddr_nl_domain_get,
		.dumpit = vaddr_nl_domain_dump,
	},
	{
		VADDR_OP(VADDR_CMD_UID_ADD, vaddr_uid_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_uid_add,
	},
	{
		VADDR_OP(VADDR_CMD_UID_DEL, vaddr_uid_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_uid_del,
	},
	{
		VADDR_OP(VADDR_CMD_UID_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.start = vaddr_nl_uid_dump_start,
		.dumpit = vaddr_nl_uid_dump,
		.done = vaddr_nl_uid_dump_done,
	},
	{
		VADDR_OP(VADDR_CMD_CGROUP_ADD, vaddr_cgroup_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_cgroup_add,
	},
	{
		VADDR_OP(VADDR_CMD_CGROUP_DEL, vaddr_cgroup_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_cgroup_del,
	},
	{
		VADDR_OP(VADDR_CMD_CGROUP_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.dumpit = vaddr_nl_cgroup_dump,
	},
	{
		VADDR_OP(VADDR_CMD_FLUSH, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_flush,
	},
	{
		VADDR_OP(VADDR_CMD_STATS_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.dumpit = vaddr_nl_stats_dump,
	},
	{
		VADDR_OP(VADDR_CMD_SETTINGS_SET, vaddr_settings_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_settings_set,
	},
	{
		VADDR_OP(VADDR_CMD_SETTINGS_GET, vaddr_empty_policy, 0),
		.doit = vaddr_nl_settings_get,
	},
	{
		/* Any user may ask about their own sockets. */
		VADDR_OP(VADDR_CMD_WHOAMI, vaddr_empty_policy, 0),
		.doit = vaddr_nl_whoami,
	},
	{
		VADDR_OP(VADDR_CMD_REPLACE_BEGIN, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_replace_begin,
	},
	{
		VADDR_OP(VADDR_CMD_REPLACE_COMMIT, vaddr_commit_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_replace_commit,
	},
	{
		VADDR_OP(VADDR_CMD_REPLACE_ABORT, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_replace_abort,
	},
	{
		VADDR_OP(VADDR_CMD_DOMAIN_SET, vaddr_domain_set_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_domain_set,
	},
	{
		VADDR_OP(VADDR_CMD_ALLOW_ADD, vaddr_allow_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_allow_add,
	},
	{
		VADDR_OP(VADDR_CMD_ALLOW_DEL, vaddr_allow_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_allow_del,
	},
	{
		VADDR_OP(VADDR_CMD_ALLOW_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.dumpit = vaddr_nl_allow_dump,
	},
};

static struct genl_family vaddr_genl_family __ro_after_init = {
	.name = VADDR_GENL_NAME,
	.version = VADDR_GENL_VERSION,
	.maxattr = VADDR_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.ops = vaddr_genl_ops,
	.n_ops = ARRAY_SIZE(vaddr_genl_ops),
	.mcgrps = vaddr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vaddr_mcgrps),
	.module = THIS_MODULE,
};

int vaddr_genl_init(void)
{
	return genl_register_family(&vaddr_genl_family);
}

/* Stages left over go with their namespaces, in vaddr_net_exit(). */
void vaddr_genl_exit(void)
{
	genl_unregister_family(&vaddr_genl_family);
}
