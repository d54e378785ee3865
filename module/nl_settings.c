// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's settings: VADDR_CMD_SETTINGS_SET and _GET, the isolation
 * allow list (VADDR_CMD_ALLOW_ADD, _DEL, _GET), and VADDR_CMD_WHOAMI.
 */
#include <linux/uidgid.h>
#include <net/genetlink.h>

#include "connect.h"
#include "guard.h"
#include "net.h"
#include "nl.h"
#include "nl_settings.h"
#include "table.h"

/* The settings and what connect.c found at load: SETTINGS_GET, _SET. */
static int vaddr_fill_settings(struct vaddr_msg *m, const struct vaddr_net *vn)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr,
			     nla_put_u8(m->skb, VADDR_A_NAT, READ_ONCE(vn->nat)) ||
			     nla_put_u8(m->skb, VADDR_A_ISOLATION,
					READ_ONCE(vn->isolation)) ||
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
int vaddr_nl_settings_set(struct sk_buff *skb, struct genl_info *info)
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

int vaddr_nl_settings_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_msg m;
	int err;

	err = vaddr_reply_start(info, VADDR_CMD_SETTINGS_GET, &m);
	if (err)
		return err;
	/* Any user may ask: two flags, read as the hooks read them. */
	err = vaddr_fill_settings(&m, vn);
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

/* ALLOW_ADD and ALLOW_DEL. */
static int vaddr_allow_change(struct sk_buff *skb, struct genl_info *info,
			      bool add)
{
	struct nlattr *attr = info->attrs[VADDR_A_UID];
	struct vaddr_net *vn = vaddr_info_net(info);
	kuid_t kuid;
	int err;

	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	if (add) {
		err = vaddr_guard_allow_add(vn, kuid);
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "uid is already allowed");
	} else {
		err = vaddr_guard_allow_del(vn, kuid);
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "uid is not allowed");
	}
	if (!err)
		vaddr_allow_changed(vn, info, add ? VADDR_CMD_ALLOW_ADD :
						    VADDR_CMD_ALLOW_DEL, kuid);
	mutex_unlock(&vn->lock);
	return err;
}

int vaddr_nl_allow_add(struct sk_buff *skb, struct genl_info *info)
{
	return vaddr_allow_change(skb, info, true);
}

int vaddr_nl_allow_del(struct sk_buff *skb, struct genl_info *info)
{
	return vaddr_allow_change(skb, info, false);
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

static int vaddr_allow_walk(struct vaddr_net *vn, struct vaddr_msg *m,
			    struct vaddr_dump_ctx *ctx)
{
	return vaddr_guard_allow_foreach(vn, &ctx->pos, vaddr_allow_dump_one,
					 m);
}

int vaddr_nl_allow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_CMD_ALLOW_GET, vaddr_allow_walk);
}

/*
 * WHOAMI: what the caller's new sockets get. genetlink runs a request in
 * the sender's own context, so current is the caller; no privilege is
 * needed to learn one's own mapping, and nothing about others is said.
 */
int vaddr_nl_whoami(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_owner why;
	struct vaddr_domain *d;
	struct vaddr_table *t;
	struct vaddr_msg m;
	int err;

	err = vaddr_reply_start(info, VADDR_CMD_WHOAMI, &m);
	if (err)
		return err;
	/* Any user may ask: under RCU, never the writers' mutex. */
	rcu_read_lock();
	t = rcu_dereference(vn->table);
	why.match = VADDR_MATCH_NONE;
	d = t ? vaddr_domain_of_current(t, &why) : NULL;
	err = vaddr_fill_whoami(&m, vaddr_sender_userns(skb), d, &why);
	rcu_read_unlock();
	return vaddr_reply_send(info, &m, err);
}
