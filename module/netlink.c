// SPDX-License-Identifier: GPL-2.0
/*
 * The "vaddr" generic netlink family. uapi/linux/vaddr.h documents every
 * command; this file checks requests, applies them to the sender's
 * namespace under vaddr_net.lock and announces each change.
 */
#include <linux/mm.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "compat.h"
#include "connect.h"
#include "guard.h"
#include "net.h"
#include "netlink.h"
#include "stage.h"
#include "stats.h"
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

/* The message's header and, in a dump, the generation; NULL: no room. */
static void *vaddr_msg_start(struct vaddr_msg *m)
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
static int vaddr_msg_end(struct vaddr_msg *m, void *hdr, int err)
{
	if (err) {
		genlmsg_cancel(m->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(m->skb, hdr);
	return 0;
}

/* A reply to the request of @info: 0, or -ENOMEM. */
static int vaddr_reply_start(struct genl_info *info, u8 cmd, struct vaddr_msg *m)
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
static int vaddr_reply_send(struct genl_info *info, struct vaddr_msg *m, int err)
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
static bool vaddr_event_start(struct genl_info *info, u8 cmd, struct vaddr_msg *m)
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
static void vaddr_event_send(struct genl_info *info, struct vaddr_msg *m, int err)
{
	if (err) {
		nlmsg_free(m->skb);
		return;
	}
	genlmsg_multicast_netns(&vaddr_genl_family, genl_info_net(info),
				m->skb, 0, VADDR_MCGRP_EVENTS_IDX, GFP_KERNEL);
}

/*
 * Begin a part of a dump into @skb: lock the namespace, note the
 * generation and set @m up for its messages. NULL when the last part went
 * out already.
 */
static struct vaddr_net *vaddr_dump_start(struct vaddr_msg *m, struct sk_buff *skb,
				   struct netlink_callback *cb, u8 cmd)
{
	struct vaddr_net *vn = vaddr_net(sock_net(skb->sk));

	if (vaddr_dump_ctx(cb)->done)
		return NULL;
	*m = (struct vaddr_msg){
		.skb = skb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.cmd = cmd,
		.cb = cb,
	};
	mutex_lock(&vn->lock);
	cb->seq = vn->generation;
	return vn;
}

/*
 * End a part: @err (an entry did not fit) leaves the dump to resume where
 * the context says; without it, the dump is over.
 */
static int vaddr_dump_end(struct vaddr_net *vn, struct vaddr_msg *m, int err)
{
	mutex_unlock(&vn->lock);
	if (!err)
		vaddr_dump_ctx(m->cb)->done = true;
	return m->skb->len;
}

static struct vaddr_net *vaddr_info_net(struct genl_info *info)
{
	return vaddr_net(genl_info_net(info));
}

static struct user_namespace *vaddr_sender_userns(const struct sk_buff *skb)
{
	return sk_user_ns(NETLINK_CB(skb).sk);
}

static void vaddr_no_stage(struct genl_info *info)
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
static struct vaddr_table *vaddr_target(struct vaddr_net *vn, struct sk_buff *skb,
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
static struct vaddr_domain *vaddr_attr_domain(struct vaddr_table *t,
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
static int vaddr_attr_uid(struct sk_buff *skb, struct genl_info *info, kuid_t *kuid)
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
static u32 vaddr_event_uid(struct genl_info *info, kuid_t kuid)
{
	return from_kuid_munged(genl_info_net(info)->user_ns, kuid);
}

/* -ENOSPC when @t holds max_entries already (module parameter). */
static int vaddr_check_room(struct vaddr_table *t, struct netlink_ext_ack *extack)
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
static int vaddr_check_refusal(const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	if (vaddr_refusal_works())
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "connects cannot be refused on this kernel: isolation and fail-closed are unavailable (see the kernel log)");
	return -EOPNOTSUPP;
}

static int vaddr_put_domain(struct sk_buff *skb, const struct vaddr_domain *d)
{
	if (nla_put_string(skb, VADDR_A_DOMAIN, d->name) ||
	    (d->has4 && nla_put_in_addr(skb, VADDR_A_ADDR4, d->addr4)) ||
	    (d->has6 && nla_put_in6_addr(skb, VADDR_A_ADDR6, &d->addr6)) ||
	    nla_put_u32(skb, VADDR_A_NR_UIDS, d->nr_uids) ||
	    nla_put_u32(skb, VADDR_A_NR_CGROUPS, d->nr_cgroups) ||
	    nla_put_u8(skb, VADDR_A_FAIL_CLOSED, d->fail_closed))
		return -EMSGSIZE;
	return 0;
}

static int vaddr_put_stats(struct sk_buff *skb, const struct vaddr_domain *d)
{
	struct vaddr_stats sum;
	struct nlattr *nest;
	int i;

	vaddr_stats_sum(d, &sum);
	nest = nla_nest_start(skb, VADDR_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = VADDR_STAT_PAD + 1; i <= VADDR_STAT_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, sum.count[i], VADDR_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A domain: GET's reply and dump, DOMAIN_NEW, _DEL and _SET events. */
static int vaddr_fill_domain(struct vaddr_msg *m, const struct vaddr_domain *d)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr, vaddr_put_domain(m->skb, d));
}

/* A domain with its counters: STATS_GET's dump. */
static int vaddr_fill_stats(struct vaddr_msg *m, const struct vaddr_domain *d)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr, vaddr_put_domain(m->skb, d) ?:
				     vaddr_put_stats(m->skb, d));
}

static void vaddr_domain_notify(struct genl_info *info, u8 cmd,
				const struct vaddr_domain *d)
{
	struct vaddr_msg m;

	if (vaddr_event_start(info, cmd, &m))
		vaddr_event_send(info, &m, vaddr_fill_domain(&m, d));
}

static int vaddr_check_name(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	if (vaddr_domain_name_valid(nla_data(attr)))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "domain name must be dot-separated labels of 1 to 63 lowercase letters, digits, '-' or '_'");
	return -EINVAL;
}

static int vaddr_check_addr4(const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	__be32 a = nla_get_in_addr(attr);

	/*
	 * All of 0/8 ("this network", RFC 1122), as the UAPI says:
	 * ipv4_is_zeronet() matches 0.0.0.0 only, Linux having made the
	 * rest of 0/8 assignable.
	 */
	if ((a & htonl(IN_CLASSA_NET)) == 0 || ipv4_is_loopback(a) ||
	    ipv4_is_multicast(a) || ipv4_is_lbcast(a)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "IPv4 address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static int vaddr_check_addr6(const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	struct in6_addr a = nla_get_in6_addr(attr);
	int type = ipv6_addr_type(&a);

	if (type == IPV6_ADDR_ANY ||
	    (type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_MULTICAST |
		     IPV6_ADDR_MAPPED | IPV6_ADDR_LINKLOCAL))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "IPv6 address must be a global unicast address");
		return -EINVAL;
	}
	return 0;
}

/*
 * Set @d's fail-closed option from @attr and, in the live table, register
 * the output hooks it needs (a stage's are registered when it is
 * committed). On failure the option is as it was.
 */
static int vaddr_set_fail_closed(struct vaddr_net *vn, struct vaddr_table *t,
				 struct vaddr_domain *d, bool staged,
				 struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	bool old = d->fail_closed;
	int err;

	if (nla_get_u8(attr)) {
		err = vaddr_check_refusal(attr, extack);
		if (err)
			return err;
	}
	vaddr_domain_set_fail_closed(t, d, nla_get_u8(attr));
	err = staged ? 0 : vaddr_net_prepare(vn, t);
	if (err) {
		vaddr_domain_set_fail_closed(t, d, old);
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "cannot register the output hooks");
	}
	return err;
}

static int vaddr_nl_domain_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct netlink_ext_ack *extack = info->extack;
	struct vaddr_net *vn = vaddr_info_net(info);
	const struct in6_addr *addr6 = NULL;
	const __be32 *addr4 = NULL;
	struct vaddr_domain *d;
	struct vaddr_table *t;
	const char *name;
	bool staged;
	int err;

	if (VADDR_MISSING(info, VADDR_A_DOMAIN, "missing domain name"))
		return -EINVAL;
	err = vaddr_check_name(attrs[VADDR_A_DOMAIN], extack);
	if (err)
		return err;
	name = nla_data(attrs[VADDR_A_DOMAIN]);
	if (attrs[VADDR_A_ADDR4]) {
		err = vaddr_check_addr4(attrs[VADDR_A_ADDR4], extack);
		if (err)
			return err;
		addr4 = nla_data(attrs[VADDR_A_ADDR4]);
	}
	if (attrs[VADDR_A_ADDR6]) {
		err = vaddr_check_addr6(attrs[VADDR_A_ADDR6], extack);
		if (err)
			return err;
		addr6 = nla_data(attrs[VADDR_A_ADDR6]);
	}
	if (!addr4 && !addr6) {
		NL_SET_ERR_MSG(extack,
			       "a domain needs an IPv4 or an IPv6 address");
		return -EINVAL;
	}

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	err = -ENOENT;
	if (!t)
		goto out;
	err = -EEXIST;
	if (vaddr_domain_find(t, name)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[VADDR_A_DOMAIN],
				    "domain already exists");
		goto out;
	}
	err = -EADDRINUSE;
	if (addr4 && vaddr_domain_by_addr4(t, *addr4)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[VADDR_A_ADDR4],
				    "IPv4 address already belongs to another domain");
		goto out;
	}
	if (addr6 && vaddr_domain_by_addr6(t, addr6)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[VADDR_A_ADDR6],
				    "IPv6 address already belongs to another domain");
		goto out;
	}
	err = vaddr_check_room(t, extack);
	if (err)
		goto out;
	err = vaddr_domain_add(t, name, addr4, addr6);
	if (err)
		goto out;
	d = vaddr_domain_find(t, name);
	if (attrs[VADDR_A_FAIL_CLOSED]) {
		err = vaddr_set_fail_closed(vn, t, d, staged,
					    attrs[VADDR_A_FAIL_CLOSED], extack);
		if (err) {
			vaddr_domain_del(t, d);
			goto out;
		}
	}
	if (!staged) {
		vaddr_net_changed(vn);
		vaddr_domain_notify(info, VADDR_CMD_DOMAIN_NEW, d);
	}
out:
	mutex_unlock(&vn->lock);
	return err;
}

/* The event says what the domain was: it goes out before the domain. */
static int vaddr_nl_domain_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	d = vaddr_attr_domain(t, info);
	if (IS_ERR(d)) {
		mutex_unlock(&vn->lock);
		return PTR_ERR(d);
	}
	if (!staged)
		vaddr_domain_notify(info, VADDR_CMD_DOMAIN_DEL, d);
	vaddr_domain_del(t, d);
	if (!staged)
		vaddr_net_changed(vn);
	mutex_unlock(&vn->lock);
	return 0;
}

static int vaddr_nl_domain_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *fc_attr = info->attrs[VADDR_A_FAIL_CLOSED];
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	int err;

	if (VADDR_MISSING(info, VADDR_A_FAIL_CLOSED,
			  "missing option to change (fail-closed)"))
		return -EINVAL;
	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	d = vaddr_attr_domain(t, info);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = vaddr_set_fail_closed(vn, t, d, staged, fc_attr, info->extack);
	if (err)
		goto out;
	if (!staged) {
		vaddr_net_changed(vn);
		vaddr_domain_notify(info, VADDR_CMD_DOMAIN_SET, d);
	}
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_domain_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_msg m;
	int err;

	err = vaddr_reply_start(info, VADDR_CMD_DOMAIN_GET, &m);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	d = vaddr_attr_domain(vaddr_table_locked(vn), info);
	err = IS_ERR(d) ? PTR_ERR(d) : vaddr_fill_domain(&m, d);
	mutex_unlock(&vn->lock);
	return vaddr_reply_send(info, &m, err);
}

static int vaddr_domain_dump_one(unsigned long id, struct vaddr_domain *d,
				 void *m)
{
	return vaddr_fill_domain(m, d);
}

static int vaddr_stats_dump_one(unsigned long id, struct vaddr_domain *d,
				void *m)
{
	return vaddr_fill_stats(m, d);
}

/* Every domain of the live table, by id, with @fill. */
static int vaddr_domains_dump(struct sk_buff *skb, struct netlink_callback *cb,
			      u8 cmd,
			      int (*fill)(unsigned long id,
					  struct vaddr_domain *d, void *m))
{
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_msg m;
	struct vaddr_net *vn;
	int err;

	vn = vaddr_dump_start(&m, skb, cb, cmd);
	if (!vn)
		return 0;
	err = vaddr_domain_foreach(vaddr_table_locked(vn), &ctx->pos, fill,
				   &m);
	return vaddr_dump_end(vn, &m, err);
}

static int vaddr_nl_domain_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_domains_dump(skb, cb, VADDR_CMD_DOMAIN_GET,
				  vaddr_domain_dump_one);
}

static int vaddr_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_domains_dump(skb, cb, VADDR_CMD_STATS_GET,
				  vaddr_stats_dump_one);
}

/* A uid mapping: UID_GET's dump, UID_ADD and UID_DEL events. */
static int vaddr_fill_uid(struct vaddr_msg *m, u32 uid,
			  const struct vaddr_domain *d)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr,
			     nla_put_u32(m->skb, VADDR_A_UID, uid) ||
			     nla_put_string(m->skb, VADDR_A_DOMAIN, d->name));
}

/* A cgroup mapping: CGROUP_GET's dump, CGROUP_ADD and _DEL events. */
static int vaddr_fill_cgroup(struct vaddr_msg *m, u64 id,
			     const struct vaddr_domain *d)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr,
			     nla_put_u64_64bit(m->skb, VADDR_A_CGROUP_ID, id,
					       VADDR_A_PAD) ||
			     nla_put_string(m->skb, VADDR_A_DOMAIN, d->name));
}

/* A change to the live table: account and announce it. */
static void vaddr_uid_changed(struct vaddr_net *vn, struct genl_info *info,
			      u8 cmd, u32 uid, const struct vaddr_domain *d)
{
	struct vaddr_msg m;

	vaddr_net_changed(vn);
	if (vaddr_event_start(info, cmd, &m))
		vaddr_event_send(info, &m, vaddr_fill_uid(&m, uid, d));
}

static void vaddr_cgroup_changed(struct vaddr_net *vn, struct genl_info *info,
				 u8 cmd, u64 id, const struct vaddr_domain *d)
{
	struct vaddr_msg m;

	vaddr_net_changed(vn);
	if (vaddr_event_start(info, cmd, &m))
		vaddr_event_send(info, &m, vaddr_fill_cgroup(&m, id, d));
}

static int vaddr_nl_uid_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	d = vaddr_attr_domain(t, info);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = vaddr_check_room(t, info->extack);
	if (err)
		goto out;
	err = vaddr_uid_add(t, kuid, d);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is already mapped to a domain");
	if (!err && !staged)
		vaddr_uid_changed(vn, info, VADDR_CMD_UID_ADD,
				  vaddr_event_uid(info, kuid), d);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_uid_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	if (!t) {
		mutex_unlock(&vn->lock);
		return -ENOENT;
	}
	/* The event says which domain lost the uid. */
	d = vaddr_uid_domain(t, kuid);
	err = vaddr_uid_del(t, kuid);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is not mapped");
	if (!err && !staged)
		vaddr_uid_changed(vn, info, VADDR_CMD_UID_DEL,
				  vaddr_event_uid(info, kuid), d);
	mutex_unlock(&vn->lock);
	return err;
}

/*
 * The uids come from a sorted copy taken here (a hash table has no order
 * to resume from), freed by vaddr_nl_uid_dump_done(). Each part looks its
 * uids up again: one removed meanwhile is left out, and the generation
 * marks the dump as interrupted, as for the other dumps.
 */
static int vaddr_nl_uid_dump_start(struct netlink_callback *cb)
{
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_net *vn = vaddr_net(sock_net(cb->skb->sk));
	u32 *uids;

	mutex_lock(&vn->lock);
	uids = vaddr_uid_list(vaddr_table_locked(vn), &ctx->nr_uids);
	/* The copy's generation: a first part that sees another is marked. */
	cb->prev_seq = vn->generation;
	mutex_unlock(&vn->lock);
	if (IS_ERR(uids))
		return PTR_ERR(uids);
	ctx->uids = uids;
	return 0;
}

static int vaddr_nl_uid_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct user_namespace *userns = vaddr_sender_userns(cb->skb);
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	struct vaddr_net *vn;
	struct vaddr_msg m;
	int err = 0;

	vn = vaddr_dump_start(&m, skb, cb, VADDR_CMD_UID_GET);
	if (!vn)
		return 0;
	t = vaddr_table_locked(vn);
	for (; ctx->pos < ctx->nr_uids; ctx->pos++) {
		kuid_t kuid = KUIDT_INIT(ctx->uids[ctx->pos]);

		d = vaddr_uid_domain(t, kuid);
		/* A uid the reader cannot name is not its business. */
		if (!d || !kuid_has_mapping(userns, kuid))
			continue;
		err = vaddr_fill_uid(&m, from_kuid(userns, kuid), d);
		if (err)
			break;
	}
	return vaddr_dump_end(vn, &m, err);
}

static int vaddr_nl_uid_dump_done(struct netlink_callback *cb)
{
	kvfree(vaddr_dump_ctx(cb)->uids);
	return 0;
}

static int vaddr_attr_cgroup(struct genl_info *info, u64 *id)
{
	struct nlattr *attr = info->attrs[VADDR_A_CGROUP_ID];

	if (VADDR_MISSING(info, VADDR_A_CGROUP_ID, "missing cgroup id"))
		return -EINVAL;
	*id = nla_get_u64(attr);
	/* Only cgroups the sender can see in its cgroup namespace. */
	if (!vaddr_cgroup_visible(*id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no cgroup v2 directory with this id");
		return -ENOENT;
	}
	return 0;
}

static int vaddr_nl_cgroup_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	u64 id;
	int err;

	err = vaddr_attr_cgroup(info, &id);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	d = vaddr_attr_domain(t, info);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = vaddr_check_room(t, info->extack);
	if (err)
		goto out;
	err = vaddr_cgroup_add(t, id, d);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VADDR_A_CGROUP_ID],
				    "cgroup is already mapped to a domain");
	if (!err && !staged)
		vaddr_cgroup_changed(vn, info, VADDR_CMD_CGROUP_ADD, id, d);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_cgroup_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VADDR_A_CGROUP_ID];
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	u64 id;
	int err;

	/* The cgroup may be gone already; its mapping can still go. */
	if (VADDR_MISSING(info, VADDR_A_CGROUP_ID, "missing cgroup id"))
		return -EINVAL;
	id = nla_get_u64(attr);

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	if (!t) {
		mutex_unlock(&vn->lock);
		return -ENOENT;
	}
	d = vaddr_cgroup_domain(t, id);
	err = vaddr_cgroup_del(t, id);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "cgroup is not mapped");
	if (!err && !staged)
		vaddr_cgroup_changed(vn, info, VADDR_CMD_CGROUP_DEL, id, d);
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_cgroup_dump_one(unsigned long id, struct vaddr_domain *d,
				 void *m)
{
	return vaddr_fill_cgroup(m, id, d);
}

static int vaddr_nl_cgroup_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_msg m;
	struct vaddr_net *vn;
	int err;

	vn = vaddr_dump_start(&m, skb, cb, VADDR_CMD_CGROUP_GET);
	if (!vn)
		return 0;
	err = vaddr_cgroup_foreach(vaddr_table_locked(vn), &ctx->pos,
				   vaddr_cgroup_dump_one, &m);
	return vaddr_dump_end(vn, &m, err);
}

/* FLUSH's event: no attributes. */
static int vaddr_fill_flush(struct vaddr_msg *m)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr, 0);
}

/* REPLACE_COMMIT's event: the size of the new table. */
static int vaddr_fill_commit(struct vaddr_msg *m, const struct vaddr_table *t)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr,
			     nla_put_u32(m->skb, VADDR_A_NR_UIDS,
					 READ_ONCE(t->nr_uids)) ||
			     nla_put_u32(m->skb, VADDR_A_NR_CGROUPS,
					 READ_ONCE(t->nr_cgroups)));
}

static int vaddr_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_table *t;
	struct vaddr_msg m;

	t = vaddr_table_alloc();
	if (!t)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	vaddr_net_replace(vn, t);
	if (vaddr_event_start(info, VADDR_CMD_FLUSH, &m))
		vaddr_event_send(info, &m, vaddr_fill_flush(&m));
	mutex_unlock(&vn->lock);
	return 0;
}

static int vaddr_nl_replace_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	int err;

	mutex_lock(&vn->lock);
	err = vaddr_stage_begin(vn, info->snd_portid, NETLINK_CB(skb).sk);
	mutex_unlock(&vn->lock);
	if (err == -EEXIST)
		NL_SET_ERR_MSG(info->extack,
			       "this socket has a replacement open already");
	return err;
}

/*
 * Before the switch, everything that can fail: the generation the caller
 * expects, and the hooks the new table needs (vaddr_net_prepare()). A
 * failure leaves the stage open.
 */
static int vaddr_nl_replace_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *gen_attr = info->attrs[VADDR_A_GENERATION];
	struct vaddr_net *vn = vaddr_info_net(info);
	const void *owner = NETLINK_CB(skb).sk;
	struct vaddr_table *t;
	struct vaddr_msg m;
	int err = -ENOENT;

	mutex_lock(&vn->lock);
	t = vaddr_stage_table(vn, info->snd_portid, owner);
	if (!t) {
		vaddr_no_stage(info);
		goto out;
	}
	err = -ESTALE;
	if (gen_attr && nla_get_u32(gen_attr) != vn->generation) {
		NL_SET_ERR_MSG_ATTR(info->extack, gen_attr,
				    "the table changed since this generation");
		goto out;
	}
	err = vaddr_net_prepare(vn, t);
	if (err) {
		NL_SET_ERR_MSG(info->extack,
			       "cannot register the output hooks of its fail-closed domains");
		goto out;
	}
	vaddr_stage_take(vn, info->snd_portid, owner);
	vaddr_net_replace(vn, t);
	if (vaddr_event_start(info, VADDR_CMD_REPLACE_COMMIT, &m))
		vaddr_event_send(info, &m, vaddr_fill_commit(&m, t));
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_replace_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	int err;

	mutex_lock(&vn->lock);
	err = vaddr_stage_abort(vn, info->snd_portid, NETLINK_CB(skb).sk);
	mutex_unlock(&vn->lock);
	if (err)
		vaddr_no_stage(info);
	return err;
}

/* The settings and what connect.c found at load: SETTINGS_GET, _SET. */
static int vaddr_fill_settings(struct vaddr_msg *m, const struct vaddr_net *vn)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr,
			     nla_put_u8(m->skb, VADDR_A_NAT, vn->nat) ||
			     nla_put_u8(m->skb, VADDR_A_ISOLATION,
					vn->isolation) ||
			     nla_put_u8(m->skb, VADDR_A_CONNECT_REFUSAL,
					vaddr_refusal_works()) ||
			     nla_put_u64_64bit(m->skb, VADDR_A_MISSED,
					       vaddr_connect_missed(),
					       VADDR_A_PAD));
}

/* An allowed uid: ALLOW_GET's dump, ALLOW_ADD and _DEL events. */
static int vaddr_fill_allow(struct vaddr_msg *m, u32 uid)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr, nla_put_u32(m->skb, VADDR_A_UID, uid));
}

/*
 * WHOAMI's reply: what the caller's new sockets get (@d, or none) and
 * which mapping says so, its uid named in @userns.
 */
static int vaddr_fill_whoami(struct vaddr_msg *m, struct user_namespace *userns,
			     const struct vaddr_domain *d,
			     const struct vaddr_owner *why)
{
	struct sk_buff *skb = m->skb;
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VADDR_A_MATCH, why->match))
		goto cancel;
	if (d && (nla_put_string(skb, VADDR_A_DOMAIN, d->name) ||
		  (d->has4 && nla_put_in_addr(skb, VADDR_A_ADDR4, d->addr4)) ||
		  (d->has6 &&
		   nla_put_in6_addr(skb, VADDR_A_ADDR6, &d->addr6))))
		goto cancel;
	if (why->match == VADDR_MATCH_UID &&
	    nla_put_u32(skb, VADDR_A_UID, from_kuid_munged(userns, why->uid)))
		goto cancel;
	if (why->match == VADDR_MATCH_CGROUP &&
	    nla_put_u64_64bit(skb, VADDR_A_CGROUP_ID, why->cgroup,
			      VADDR_A_PAD))
		goto cancel;
	return vaddr_msg_end(m, hdr, 0);

cancel:
	return vaddr_msg_end(m, hdr, -EMSGSIZE);
}

/* All or nothing (vaddr_net_set()). */
static int vaddr_nl_settings_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *iso_attr = info->attrs[VADDR_A_ISOLATION];
	struct nlattr *nat_attr = info->attrs[VADDR_A_NAT];
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_msg m;
	bool nat_failed;
	int err;

	if (iso_attr && nla_get_u8(iso_attr)) {
		err = vaddr_check_refusal(iso_attr, info->extack);
		if (err)
			return err;
	}
	mutex_lock(&vn->lock);
	err = vaddr_net_set(vn, nat_attr ? nla_get_u8(nat_attr) : -1,
			    iso_attr ? nla_get_u8(iso_attr) : -1, &nat_failed);
	if (err && nat_failed)
		NL_SET_ERR_MSG_ATTR(info->extack, nat_attr,
				    "cannot register the NAT hooks");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, iso_attr,
				    "cannot register the output hooks");
	else if (vaddr_event_start(info, VADDR_CMD_SETTINGS_SET, &m))
		vaddr_event_send(info, &m, vaddr_fill_settings(&m, vn));
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_settings_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_msg m;
	int err;

	err = vaddr_reply_start(info, VADDR_CMD_SETTINGS_GET, &m);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	err = vaddr_fill_settings(&m, vn);
	mutex_unlock(&vn->lock);
	return vaddr_reply_send(info, &m, err);
}

/*
 * The isolation allow list belongs to the settings, not to the table
 * (guard.c keeps it).
 */
static void vaddr_allow_changed(struct vaddr_net *vn, struct genl_info *info,
				u8 cmd, kuid_t kuid)
{
	struct vaddr_msg m;

	vaddr_net_changed(vn);
	if (vaddr_event_start(info, cmd, &m))
		vaddr_event_send(info, &m,
				 vaddr_fill_allow(&m, vaddr_event_uid(info, kuid)));
}

static int vaddr_nl_allow_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	err = vaddr_guard_allow_add(vn, kuid);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is already allowed");
	if (!err)
		vaddr_allow_changed(vn, info, VADDR_CMD_ALLOW_ADD, kuid);
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_allow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	err = vaddr_guard_allow_del(vn, kuid);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is not allowed");
	else
		vaddr_allow_changed(vn, info, VADDR_CMD_ALLOW_DEL, kuid);
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_allow_dump_one(kuid_t uid, void *arg)
{
	struct vaddr_msg *m = arg;
	struct user_namespace *userns = vaddr_sender_userns(m->cb->skb);

	/* A uid the reader cannot name is not its business. */
	if (!kuid_has_mapping(userns, uid))
		return 0;
	return vaddr_fill_allow(m, from_kuid(userns, uid));
}

static int vaddr_nl_allow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vaddr_dump_ctx *ctx = vaddr_dump_ctx(cb);
	struct vaddr_msg m;
	struct vaddr_net *vn;
	int err;

	vn = vaddr_dump_start(&m, skb, cb, VADDR_CMD_ALLOW_GET);
	if (!vn)
		return 0;
	err = vaddr_guard_allow_foreach(vn, &ctx->pos, vaddr_allow_dump_one,
					&m);
	return vaddr_dump_end(vn, &m, err);
}

/*
 * WHOAMI: what the caller's new sockets get. genetlink runs a request in
 * the sender's own context, so current is the caller; no privilege is
 * needed to learn one's own mapping, and nothing about others is said.
 */
static int vaddr_nl_whoami(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_owner why;
	struct vaddr_domain *d;
	struct vaddr_msg m;
	int err;

	err = vaddr_reply_start(info, VADDR_CMD_WHOAMI, &m);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	d = vaddr_domain_of_current(vaddr_table_locked(vn), &why);
	err = vaddr_fill_whoami(&m, vaddr_sender_userns(skb), d, &why);
	mutex_unlock(&vn->lock);
	return vaddr_reply_send(info, &m, err);
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
