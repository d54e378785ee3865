// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: VADDR_CMD_DOMAIN_NEW, _DEL, _SET, _GET and VADDR_CMD_STATS_GET,
 * their counters.
 */
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "net.h"
#include "nl.h"
#include "nl_domain.h"
#include "stats.h"
#include "table.h"

/* Under RCU (GET, its dump) or vaddr_net.lock: writers count in place. */
static int vaddr_put_domain(struct sk_buff *skb, const struct vaddr_domain *d)
{
	if (nla_put_string(skb, VADDR_A_DOMAIN, d->name) ||
	    (d->has4 && nla_put_in_addr(skb, VADDR_A_ADDR4, d->addr4)) ||
	    (d->has6 && nla_put_in6_addr(skb, VADDR_A_ADDR6, &d->addr6)) ||
	    nla_put_u32(skb, VADDR_A_NR_UIDS, READ_ONCE(d->nr_uids)) ||
	    nla_put_u32(skb, VADDR_A_NR_CGROUPS, READ_ONCE(d->nr_cgroups)) ||
	    nla_put_u8(skb, VADDR_A_FAIL_CLOSED, READ_ONCE(d->fail_closed)))
		return -EMSGSIZE;
	return 0;
}

static int vaddr_put_stats(struct sk_buff *skb, const struct vaddr_domain *d)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, VADDR_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = VADDR_STAT_PAD + 1; i <= VADDR_STAT_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, vaddr_stat_read(d, i),
				      VADDR_STAT_PAD)) {
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

int vaddr_nl_domain_new(struct sk_buff *skb, struct genl_info *info)
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
	err = vaddr_check_room(vn, t, staged, 1, extack);
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
int vaddr_nl_domain_del(struct sk_buff *skb, struct genl_info *info)
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

int vaddr_nl_domain_set(struct sk_buff *skb, struct genl_info *info)
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

int vaddr_nl_domain_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_domain *d;
	struct vaddr_msg m;
	int err;

	err = vaddr_reply_start(info, VADDR_CMD_DOMAIN_GET, &m);
	if (err)
		return err;
	/* Any user may ask: under RCU, as vaddr_dump_rcu() explains. */
	rcu_read_lock();
	d = vaddr_attr_domain(rcu_dereference(vn->table), info);
	err = IS_ERR(d) ? PTR_ERR(d) : vaddr_fill_domain(&m, d);
	rcu_read_unlock();
	return vaddr_reply_send(info, &m, err);
}

static int vaddr_domain_dump_one(unsigned long id, struct vaddr_domain *d,
				 void *m)
{
	return vaddr_fill_domain(m, d);
}

static int vaddr_domain_walk(struct vaddr_table *t, struct vaddr_msg *m,
			     struct vaddr_dump_ctx *ctx)
{
	return vaddr_domain_foreach(t, &ctx->pos, vaddr_domain_dump_one, m);
}

int vaddr_nl_domain_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_dump_rcu(skb, cb, VADDR_CMD_DOMAIN_GET, vaddr_domain_walk);
}

static int vaddr_stats_dump_one(unsigned long id, struct vaddr_domain *d,
				void *m)
{
	return vaddr_fill_stats(m, d);
}

static int vaddr_stats_walk(struct vaddr_net *vn, struct vaddr_msg *m,
			    struct vaddr_dump_ctx *ctx)
{
	return vaddr_domain_foreach(vaddr_table_locked(vn), &ctx->pos,
				    vaddr_stats_dump_one, m);
}

int vaddr_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vaddr_dump(skb, cb, VADDR_CMD_STATS_GET, vaddr_stats_walk);
}
