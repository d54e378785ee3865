// SPDX-License-Identifier: GPL-2.0
/*
 * Owner mappings: VADDR_CMD_UID_ADD, _DEL, _GET and VADDR_CMD_CGROUP_ADD,
 * _DEL, _GET.
 */
#include <linux/mm.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "net.h"
#include "nl.h"
#include "nl_map.h"
#include "table.h"

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

static void vaddr_uid_event(struct genl_info *info, u8 cmd, u32 uid,
			    const struct vaddr_domain *d)
{
	struct vaddr_msg m;

	if (vaddr_event_start(info, cmd, &m))
		vaddr_event_send(info, &m, vaddr_fill_uid(&m, uid, d));
}

/* A change to the live table: account and announce it. */
static void vaddr_uid_changed(struct vaddr_net *vn, struct genl_info *info,
			      u8 cmd, u32 uid, const struct vaddr_domain *d)
{
	vaddr_net_changed(vn);
	vaddr_uid_event(info, cmd, uid, d);
}

static void vaddr_cgroup_changed(struct vaddr_net *vn, struct genl_info *info,
				 u8 cmd, u64 id, const struct vaddr_domain *d)
{
	struct vaddr_msg m;

	vaddr_net_changed(vn);
	if (vaddr_event_start(info, cmd, &m))
		vaddr_event_send(info, &m, vaddr_fill_cgroup(&m, id, d));
}

/*
 * For an add of @n entries, with vn->lock held: the table they go to
 * (*@t), the domain the request names, and room for them; else an
 * ERR_PTR, said in the extack.
 */
static struct vaddr_domain *vaddr_map_target(struct vaddr_net *vn,
					     struct sk_buff *skb,
					     struct genl_info *info,
					     unsigned long n,
					     struct vaddr_table **t,
					     bool *staged)
{
	struct vaddr_domain *d;
	int err;

	*t = vaddr_target(vn, skb, info, staged);
	d = vaddr_attr_domain(*t, info);
	if (IS_ERR(d))
		return d;
	err = vaddr_check_room(vn, *t, *staged, n, info->extack);
	return err ? ERR_PTR(err) : d;
}

/* How many uids VADDR_A_UIDS lists, each checked; or an error. */
static int vaddr_attr_uids(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *list = info->attrs[VADDR_A_UIDS], *a;
	int n = 0, rem, err;
	kuid_t kuid;

	if (info->attrs[VADDR_A_UID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VADDR_A_UID],
				    "give a uid or a list of uids, not both");
		return -EINVAL;
	}
	/* The policy let in only VADDR_A_UID attributes of 4 bytes. */
	nla_for_each_nested(a, list, rem) {
		err = vaddr_uid_of(skb, a, info->extack, &kuid);
		if (err)
			return err;
		n++;
	}
	if (!n) {
		NL_SET_ERR_MSG_ATTR(info->extack, list, "empty list of uids");
		return -EINVAL;
	}
	return n;
}

/* The uid of an entry of VADDR_A_UIDS, checked by vaddr_attr_uids(). */
static kuid_t vaddr_listed_uid(struct sk_buff *skb, const struct nlattr *a)
{
	return make_kuid(vaddr_sender_userns(skb), nla_get_u32(a));
}

/*
 * Add every uid of VADDR_A_UIDS to @d in @t, or none. Those mapped
 * already are found first; room is made once, so the adds cannot fail
 * for memory. What is left is a uid listed twice: the adds before it are
 * taken back. A reader of the live table may see those few for that
 * moment, mapped to the domain the request asked for.
 */
static int vaddr_uids_add_all(struct sk_buff *skb, struct genl_info *info,
			      struct vaddr_table *t, struct vaddr_domain *d,
			      int n)
{
	struct nlattr *list = info->attrs[VADDR_A_UIDS], *a, *b;
	int rem, err = 0;

	nla_for_each_nested(a, list, rem) {
		if (vaddr_uid_domain(t, vaddr_listed_uid(skb, a))) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "uid is already mapped to a domain");
			return -EEXIST;
		}
	}
	err = vaddr_uid_reserve(t, n);
	if (err)
		return err;
	nla_for_each_nested(a, list, rem) {
		err = vaddr_uid_add(t, vaddr_listed_uid(skb, a), d);
		if (err)
			break;
	}
	if (!err)
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, a, "uid is listed twice");
	nla_for_each_nested(b, list, rem) {
		if (b == a)
			break;
		vaddr_uid_del(t, vaddr_listed_uid(skb, b));
	}
	return err;
}

/* VADDR_A_UIDS: many uids to one domain, one event for each. */
static int vaddr_nl_uids_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	struct nlattr *a;
	int n, rem, err;
	bool staged;

	n = vaddr_attr_uids(skb, info);
	if (n < 0)
		return n;

	mutex_lock(&vn->lock);
	d = vaddr_map_target(vn, skb, info, n, &t, &staged);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = vaddr_uids_add_all(skb, info, t, d, n);
	if (err || staged)
		goto out;
	vaddr_net_changed(vn);
	nla_for_each_nested(a, info->attrs[VADDR_A_UIDS], rem)
		vaddr_uid_event(info, VADDR_CMD_UID_ADD,
				vaddr_event_uid(info, vaddr_listed_uid(skb, a)),
				d);
out:
	mutex_unlock(&vn->lock);
	return err;
}

int vaddr_nl_uid_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	kuid_t kuid;
	int err;

	if (info->attrs[VADDR_A_UIDS])
		return vaddr_nl_uids_add(skb, info);
	err = vaddr_attr_uid(skb, info, &kuid);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	d = vaddr_map_target(vn, skb, info, 1, &t, &staged);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
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

int vaddr_nl_uid_del(struct sk_buff *skb, struct genl_info *info)
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
int vaddr_nl_uid_dump_start(struct netlink_callback *cb)
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

/* The uids of the copy from where the last part stopped. */
static int vaddr_uid_walk(struct vaddr_net *vn, struct vaddr_msg *m,
			  struct vaddr_dump_ctx *ctx)
{
	struct user_namespace *userns = vaddr_sender_userns(m->cb->skb);
	struct vaddr_table *t = vaddr_table_locked(vn);
	struct vaddr_domain *d;
	int err;

	for (; ctx->pos < ctx->nr_uids; ctx->pos++) {
		kuid_t kuid = KUIDT_INIT(ctx->uids[ctx->pos]);

		d = vaddr_uid_domain(t, kuid);
		/* A uid the reader cannot name is not its business. */
		if (!d || !kuid_has_mapping(userns, kuid))
			continue;
		err = vaddr_fill_uid(m, from_kuid(userns, kuid), d);
		if (err)
			return err;
	}
	return 0;
}

int vaddr_nl_uid_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_CMD_UID_GET, vaddr_uid_walk);
}

int vaddr_nl_uid_dump_done(struct netlink_callback *cb)
{
	kvfree(vaddr_dump_ctx(cb)->uids);
	return 0;
}

/* The cgroup id of the request, and its level in the hierarchy. */
static int vaddr_attr_cgroup(struct genl_info *info, u64 *id, int *level)
{
	struct nlattr *attr = info->attrs[VADDR_A_CGROUP_ID];

	if (VADDR_MISSING(info, VADDR_A_CGROUP_ID, "missing cgroup id"))
		return -EINVAL;
	*id = nla_get_u64(attr);
	/* Only cgroups the sender can see in its cgroup namespace. */
	*level = vaddr_cgroup_level(*id);
	if (*level < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no cgroup v2 directory with this id");
		return -ENOENT;
	}
	return 0;
}

int vaddr_nl_cgroup_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_table *t;
	bool staged;
	int err, level;
	u64 id;

	err = vaddr_attr_cgroup(info, &id, &level);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	d = vaddr_map_target(vn, skb, info, 1, &t, &staged);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = vaddr_cgroup_add(t, id, level, d);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VADDR_A_CGROUP_ID],
				    "cgroup is already mapped to a domain");
	if (err == -E2BIG)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VADDR_A_CGROUP_ID],
				    "cgroup is nested too deep: at most 63 levels below the root");
	if (!err && !staged)
		vaddr_cgroup_changed(vn, info, VADDR_CMD_CGROUP_ADD, id, d);
out:
	mutex_unlock(&vn->lock);
	return err;
}

int vaddr_nl_cgroup_del(struct sk_buff *skb, struct genl_info *info)
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

static int vaddr_cgroup_walk(struct vaddr_net *vn, struct vaddr_msg *m,
			     struct vaddr_dump_ctx *ctx)
{
	return vaddr_cgroup_foreach(vaddr_table_locked(vn), &ctx->pos,
				    vaddr_cgroup_dump_one, m);
}

int vaddr_nl_cgroup_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_CMD_CGROUP_GET, vaddr_cgroup_walk);
}
