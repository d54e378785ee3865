// SPDX-License-Identifier: GPL-2.0
/*
 * The "vaddr" generic netlink family. uapi/linux/vaddr.h documents every
 * command; this file checks requests, applies them to the sender's
 * namespace under vaddr_net.lock and announces each change.
 */
#include <linux/cgroup.h>
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

static struct vaddr_net *vaddr_info_net(struct genl_info *info)
{
	return vaddr_net(genl_info_net(info));
}

static struct user_namespace *vaddr_sender_userns(const struct sk_buff *skb)
{
	return sk_user_ns(NETLINK_CB(skb).sk);
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

/* The domain named by VADDR_A_DOMAIN, or an error set in extack. */
/* -ENOSPC when @t holds max_entries already (module parameter). */
static int vaddr_check_room(struct vaddr_table *t,
			    struct netlink_ext_ack *extack)
{
	if (!vaddr_table_full(t))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "table is full (vaddr module parameter max_entries)");
	return -ENOSPC;
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

/*
 * What one message says about an object: a domain (with its counters for
 * VADDR_CMD_STATS_GET), or a uid or cgroup mapping.
 */
struct vaddr_obj {
	const struct vaddr_net *settings;
	const struct vaddr_table *table;	/* its counts */
	const struct vaddr_domain *domain;
	bool stats;
	bool has_uid;
	u32 uid;
	bool has_cgroup;
	u64 cgroup;
};

static int vaddr_fill(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      u8 cmd, const struct vaddr_obj *obj,
		      struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &vaddr_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb) {
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u32(skb, VADDR_A_GENERATION, cb->seq))
			goto cancel;
	}
	if (obj->settings &&
	    (nla_put_u8(skb, VADDR_A_NAT, obj->settings->nat) ||
	     nla_put_u8(skb, VADDR_A_ISOLATION, obj->settings->isolation) ||
	     nla_put_u8(skb, VADDR_A_CONNECT_REFUSAL, vaddr_refusal_works()) ||
	     nla_put_u64_64bit(skb, VADDR_A_MISSED, vaddr_connect_missed(),
			       VADDR_A_PAD)))
		goto cancel;
	if (obj->table &&
	    (nla_put_u32(skb, VADDR_A_NR_UIDS, READ_ONCE(obj->table->nr_uids)) ||
	     nla_put_u32(skb, VADDR_A_NR_CGROUPS,
			 READ_ONCE(obj->table->nr_cgroups))))
		goto cancel;
	if (obj->has_uid && nla_put_u32(skb, VADDR_A_UID, obj->uid))
		goto cancel;
	if (obj->has_cgroup &&
	    nla_put_u64_64bit(skb, VADDR_A_CGROUP_ID, obj->cgroup, VADDR_A_PAD))
		goto cancel;
	if (obj->domain) {
		if (obj->has_uid || obj->has_cgroup) {
			if (nla_put_string(skb, VADDR_A_DOMAIN,
					   obj->domain->name))
				goto cancel;
		} else if (vaddr_put_domain(skb, obj->domain)) {
			goto cancel;
		}
		if (obj->stats && vaddr_put_stats(skb, obj->domain))
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Announce a change to the "events" group of the namespace. */
static void vaddr_notify(struct genl_info *info, u8 cmd,
			 const struct vaddr_obj *obj)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *skb;

	if (!genl_has_listeners(&vaddr_genl_family, net,
				VADDR_MCGRP_EVENTS_IDX))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (vaddr_fill(skb, 0, 0, 0, cmd, obj, NULL)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast_netns(&vaddr_genl_family, net, skb, 0,
				VADDR_MCGRP_EVENTS_IDX, GFP_KERNEL);
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
static struct vaddr_table *vaddr_target(struct vaddr_net *vn,
					struct sk_buff *skb,
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

/* A change to the live table: account and announce it. */
static void vaddr_changed(struct vaddr_net *vn, struct genl_info *info,
			  bool staged, u8 cmd, const struct vaddr_obj *obj)
{
	if (staged)
		return;
	vaddr_net_changed(vn);
	vaddr_notify(info, cmd, obj);
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
	struct vaddr_obj obj = {};
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
	obj.domain = d;
	vaddr_changed(vn, info, staged, VADDR_CMD_DOMAIN_NEW, &obj);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_domain_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = {};
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
	obj.domain = d;
	if (!staged)
		vaddr_notify(info, VADDR_CMD_DOMAIN_DEL, &obj);
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
	struct vaddr_obj obj = {};
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
	obj.domain = d;
	vaddr_changed(vn, info, staged, VADDR_CMD_DOMAIN_SET, &obj);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_domain_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = {};
	struct vaddr_domain *d;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	d = vaddr_attr_domain(vaddr_table_locked(vn), info);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
	} else {
		obj.domain = d;
		err = vaddr_fill(msg, info->snd_portid, info->snd_seq, 0,
				 VADDR_CMD_DOMAIN_GET, &obj, NULL);
	}
	mutex_unlock(&vn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dumps. cb->args[0] is where the next call resumes, cb->args[1] is set
 * once the last entry went out. Each call takes the writer lock so that
 * every message is consistent; the generation it saw, in cb->seq, marks
 * dumps that saw a change. vaddr_dump_begin() returns the table to dump,
 * NULL when the dump is over; vaddr_dump_end() ends the call.
 */
enum vaddr_dump_kind {
	VADDR_DUMP_DOMAINS,
	VADDR_DUMP_STATS,
	VADDR_DUMP_CGROUPS,
};

static struct vaddr_table *vaddr_dump_begin(struct vaddr_net *vn,
					    struct netlink_callback *cb)
{
	if (cb->args[1])
		return NULL;
	mutex_lock(&vn->lock);
	cb->seq = vn->generation;
	return vaddr_table_locked(vn);
}

static int vaddr_dump_end(struct vaddr_net *vn, struct sk_buff *skb,
			  struct netlink_callback *cb, unsigned long next,
			  int err)
{
	mutex_unlock(&vn->lock);
	cb->args[0] = next;
	if (!err)
		cb->args[1] = 1;
	return skb->len;
}

static int vaddr_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      enum vaddr_dump_kind kind, u8 cmd)
{
	struct vaddr_net *vn = vaddr_net(sock_net(skb->sk));
	unsigned long index = cb->args[0];
	struct vaddr_obj obj = {};
	struct vaddr_domain *d;
	struct vaddr_table *t;
	struct xarray *xa;
	int err = 0;

	t = vaddr_dump_begin(vn, cb);
	if (!t)
		return 0;
	xa = kind == VADDR_DUMP_CGROUPS ? &t->cgroups : &t->domains;
	obj.stats = kind == VADDR_DUMP_STATS;
	xa_for_each_start(xa, index, d, cb->args[0]) {
		obj.domain = d;
		if (kind == VADDR_DUMP_CGROUPS) {
			obj.has_cgroup = true;
			obj.cgroup = index;
		}
		err = vaddr_fill(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd, &obj, cb);
		if (err)
			break;
	}
	return vaddr_dump_end(vn, skb, cb, index, err);
}

static int vaddr_nl_domain_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_DUMP_DOMAINS, VADDR_CMD_DOMAIN_GET);
}

static int vaddr_nl_stats_dump(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_DUMP_STATS, VADDR_CMD_STATS_GET);
}

/*
 * The uids come from a sorted copy the first call takes (a hash table has
 * no order to resume from), kept in cb->args[2] (array) and [3] (count)
 * until vaddr_nl_uid_dump_done(). Each later call looks its uids up again:
 * one removed meanwhile is left out, and the generation in cb->seq marks
 * the dump as interrupted, as for the other dumps.
 */
static int vaddr_nl_uid_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vaddr_net *vn = vaddr_net(sock_net(skb->sk));
	struct user_namespace *userns = vaddr_sender_userns(cb->skb);
	struct vaddr_obj obj = { .has_uid = true };
	unsigned long i = cb->args[0], nr = cb->args[3];
	u32 *uids = (u32 *)cb->args[2];
	struct vaddr_table *t;
	int err = 0;

	t = vaddr_dump_begin(vn, cb);
	if (!t)
		return 0;
	if (!uids) {
		uids = vaddr_uid_list(t, &nr);
		if (IS_ERR(uids)) {
			mutex_unlock(&vn->lock);
			return PTR_ERR(uids);
		}
		cb->args[2] = (unsigned long)uids;
		cb->args[3] = nr;
	}
	for (; i < nr; i++) {
		kuid_t kuid = KUIDT_INIT(uids[i]);

		obj.domain = vaddr_uid_domain(t, kuid);
		/* A uid the reader cannot name is not its business. */
		if (!obj.domain || !kuid_has_mapping(userns, kuid))
			continue;
		obj.uid = from_kuid(userns, kuid);
		err = vaddr_fill(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 VADDR_CMD_UID_GET, &obj, cb);
		if (err)
			break;
	}
	return vaddr_dump_end(vn, skb, cb, i, err);
}

static int vaddr_nl_uid_dump_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[2]);
	return 0;
}

static int vaddr_nl_cgroup_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_DUMP_CGROUPS, VADDR_CMD_CGROUP_GET);
}

struct vaddr_allow_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct user_namespace *userns;
};

static int vaddr_allow_dump_one(kuid_t uid, void *arg)
{
	struct vaddr_allow_dump *a = arg;
	struct vaddr_obj obj = { .has_uid = true };

	/* A uid the reader cannot name is not its business. */
	if (!kuid_has_mapping(a->userns, uid))
		return 0;
	obj.uid = from_kuid(a->userns, uid);
	return vaddr_fill(a->skb, NETLINK_CB(a->cb->skb).portid,
			  a->cb->nlh->nlmsg_seq, NLM_F_MULTI,
			  VADDR_CMD_ALLOW_GET, &obj, a->cb);
}

static int vaddr_nl_allow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vaddr_net *vn = vaddr_net(sock_net(skb->sk));
	struct vaddr_allow_dump a = {
		.skb = skb,
		.cb = cb,
		.userns = vaddr_sender_userns(cb->skb),
	};
	unsigned long pos = cb->args[0];
	int err;

	if (!vaddr_dump_begin(vn, cb))
		return 0;
	err = vaddr_guard_allow_foreach(vn, &pos, vaddr_allow_dump_one, &a);
	return vaddr_dump_end(vn, skb, cb, pos, err);
}

/* Events name uids as the user namespace owning the network namespace does. */
static u32 vaddr_event_uid(struct genl_info *info, kuid_t kuid)
{
	return from_kuid_munged(genl_info_net(info)->user_ns, kuid);
}

static int vaddr_attr_uid(struct sk_buff *skb, struct genl_info *info,
			  kuid_t *kuid)
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

static int vaddr_nl_uid_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .has_uid = true };
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	obj.uid = vaddr_event_uid(info, kuid);

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
	if (err)
		goto out;
	obj.domain = d;
	vaddr_changed(vn, info, staged, VADDR_CMD_UID_ADD, &obj);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_uid_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .has_uid = true };
	struct vaddr_table *t;
	bool staged;
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	obj.uid = vaddr_event_uid(info, kuid);

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	if (!t) {
		mutex_unlock(&vn->lock);
		return -ENOENT;
	}
	/* The event says which domain lost the uid. */
	obj.domain = vaddr_uid_domain(t, kuid);
	err = vaddr_uid_del(t, kuid);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is not mapped");
	if (!err)
		vaddr_changed(vn, info, staged, VADDR_CMD_UID_DEL, &obj);
	mutex_unlock(&vn->lock);
	return err;
}

/* The isolation allow list lives beside the settings, not in the table. */
static int vaddr_nl_allow_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .has_uid = true };
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	obj.uid = vaddr_event_uid(info, kuid);

	mutex_lock(&vn->lock);
	err = vaddr_guard_allow_add(vn, kuid);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is already allowed");
	if (!err) {
		vaddr_net_changed(vn);
		vaddr_notify(info, VADDR_CMD_ALLOW_ADD, &obj);
	}
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_allow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .has_uid = true };
	kuid_t kuid;
	int err = 0;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	obj.uid = vaddr_event_uid(info, kuid);

	mutex_lock(&vn->lock);
	err = vaddr_guard_allow_del(vn, kuid);
	if (!err) {
		vaddr_net_changed(vn);
		vaddr_notify(info, VADDR_CMD_ALLOW_DEL, &obj);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "uid is not allowed");
	}
	mutex_unlock(&vn->lock);
	return err;
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
	struct vaddr_obj obj = { .has_cgroup = true };
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	int err;

	err = vaddr_attr_cgroup(info, &obj.cgroup);
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
	err = vaddr_cgroup_add(t, obj.cgroup, d);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VADDR_A_CGROUP_ID],
				    "cgroup is already mapped to a domain");
	if (err)
		goto out;
	obj.domain = d;
	vaddr_changed(vn, info, staged, VADDR_CMD_CGROUP_ADD, &obj);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_cgroup_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VADDR_A_CGROUP_ID];
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .has_cgroup = true };
	struct vaddr_table *t;
	bool staged;
	int err;

	/* The cgroup may be gone already; its mapping can still go. */
	if (VADDR_MISSING(info, VADDR_A_CGROUP_ID, "missing cgroup id"))
		return -EINVAL;
	obj.cgroup = nla_get_u64(attr);

	mutex_lock(&vn->lock);
	t = vaddr_target(vn, skb, info, &staged);
	if (!t) {
		mutex_unlock(&vn->lock);
		return -ENOENT;
	}
	obj.domain = vaddr_cgroup_domain(t, obj.cgroup);
	err = vaddr_cgroup_del(t, obj.cgroup);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "cgroup is not mapped");
	if (!err)
		vaddr_changed(vn, info, staged, VADDR_CMD_CGROUP_DEL, &obj);
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = {};
	struct vaddr_table *t;

	t = vaddr_table_alloc();
	if (!t)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	vaddr_net_replace(vn, t);
	vaddr_notify(info, VADDR_CMD_FLUSH, &obj);
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
static int vaddr_nl_replace_commit(struct sk_buff *skb,
				   struct genl_info *info)
{
	struct nlattr *gen_attr = info->attrs[VADDR_A_GENERATION];
	struct vaddr_net *vn = vaddr_info_net(info);
	const void *owner = NETLINK_CB(skb).sk;
	struct vaddr_obj obj = {};
	struct vaddr_table *t;
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
	obj.table = t;
	vaddr_notify(info, VADDR_CMD_REPLACE_COMMIT, &obj);
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

/* All or nothing (vaddr_net_set()). */
static int vaddr_nl_settings_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *iso_attr = info->attrs[VADDR_A_ISOLATION];
	struct nlattr *nat_attr = info->attrs[VADDR_A_NAT];
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .settings = vn };
	bool nat_failed;
	int err = 0;

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
	else
		vaddr_notify(info, VADDR_CMD_SETTINGS_SET, &obj);
	mutex_unlock(&vn->lock);
	return err;
}

static int vaddr_nl_settings_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_obj obj = { .settings = vn };
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	err = vaddr_fill(msg, info->snd_portid, info->snd_seq, 0,
			 VADDR_CMD_SETTINGS_GET, &obj, NULL);
	mutex_unlock(&vn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * WHOAMI: what the caller's new sockets get. genetlink runs a request in
 * the sender's own context, so current is the caller; no privilege is
 * needed to learn one's own mapping, and nothing about others is said.
 */
static int vaddr_whoami_fill(struct sk_buff *msg, struct genl_info *info,
			     struct user_namespace *userns,
			     const struct vaddr_domain *d,
			     const struct vaddr_owner *why)
{
	void *hdr;

	hdr = genlmsg_put_reply(msg, info, &vaddr_genl_family, 0,
				VADDR_CMD_WHOAMI);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(msg, VADDR_A_MATCH, why->match))
		goto cancel;
	if (d && (nla_put_string(msg, VADDR_A_DOMAIN, d->name) ||
		  (d->has4 && nla_put_in_addr(msg, VADDR_A_ADDR4, d->addr4)) ||
		  (d->has6 &&
		   nla_put_in6_addr(msg, VADDR_A_ADDR6, &d->addr6))))
		goto cancel;
	if (why->match == VADDR_MATCH_UID &&
	    nla_put_u32(msg, VADDR_A_UID, from_kuid_munged(userns, why->uid)))
		goto cancel;
	if (why->match == VADDR_MATCH_CGROUP &&
	    nla_put_u64_64bit(msg, VADDR_A_CGROUP_ID, why->cgroup,
			      VADDR_A_PAD))
		goto cancel;
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int vaddr_nl_whoami(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_owner why;
	struct vaddr_domain *d;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	d = vaddr_domain_of_current(vaddr_table_locked(vn), &why);
	err = vaddr_whoami_fill(msg, info, vaddr_sender_userns(skb), d, &why);
	mutex_unlock(&vn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
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
