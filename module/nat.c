// SPDX-License-Identifier: GPL-2.0
/*
 * Source rewriting for what auto-bind cannot cover: unconnected UDP
 * sendto(), raw and ICMP sockets, sockets bound to a port on the wildcard
 * address, sockets that connected before their owner was mapped. TCP
 * connections only from their SYN on (see vaddr_nat_hook()).
 *
 * vaddr registers NAT lookup functions at POSTROUTING through the NAT core
 * (nf_nat_ipv{4,6}_register_fn(), as nftables NAT chains do). The core
 * calls them once for each new conntrack entry whose source NAT is not set
 * up yet, so established flows keep their addresses, reply-direction
 * traffic is never seen (the core bound it at LOCAL_IN), and replies find
 * their way back through conntrack. Rules of the administrator's own at
 * srcnat priority run first and win.
 *
 * Hooks are registered in a namespace when rewriting is on there and its
 * table gets its first mapping; until then vaddr takes no conntrack
 * reference for it. They stay when mappings go, and when rewriting is
 * switched off (the hook then sets up nothing new), because flows
 * rewritten earlier are translated by the NAT core only while someone
 * holds its hooks: without them, such a flow's next packet would leave
 * from the address the socket has, the host's. They go with the module
 * or the namespace, and the flows still translated to a local address go
 * first (vaddr_nat_hook_down()).
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>

#include "compat.h"
#include "conntrack.h"
#include "nat.h"
#include "net.h"
#include "sock.h"
#include "stats.h"

static bool vaddr_nat_wanted(const struct sk_buff *skb,
			     const struct nf_hook_state *state,
			     struct sock **skp)
{
	struct sock *sk = skb_to_full_sk(skb);

	if (!sk || !sk_fullsock(sk) || vaddr_sk_exempt(sk))
		return false;
	/* Only what this namespace's own sockets send. */
	if (!net_eq(sock_net(sk), state->net))
		return false;
	/* The program chose its source address: leave it. */
	if (vaddr_sk_addr_chosen(sk))
		return false;
	if (state->out && (state->out->flags & IFF_LOOPBACK))
		return false;
	/* Link-local, multicast, broadcast: the host's, as at connect. */
	if (state->pf == NFPROTO_IPV4 ?
	    vaddr_scope4(sk, ip_hdr(skb)->daddr, skb) != VADDR_SCOPE_GLOBAL :
	    vaddr_scope6(&ipv6_hdr(skb)->daddr) != VADDR_SCOPE_GLOBAL)
		return false;
	*skp = sk;
	return true;
}

/*
 * A new connection must not inherit the translation of an old one. The
 * conntrack entry of a TCP connection outlives its socket: 10 s in CLOSE
 * after a reset, longer in TIME_WAIT. When a new connection reuses the
 * 4-tuple (the host's address and a recycled source port: ephemeral ports
 * come round within seconds under load), conntrack takes its SYN into the
 * old entry ("ignored", nf_conntrack_proto_tcp.c) unless the old one was
 * closed by a FIN or reset by the same side, and the NAT core applies the
 * old entry's binding: an unmapped user's connection would leave from the
 * address of the domain the old connection had. A translated connection's
 * entry is therefore marked from its SYN on with the flag conntrack sets
 * when the original side sends the first FIN (IP_CT_TCP_FLAG_CLOSE_INIT,
 * read nowhere else): once the entry is finished, a new SYN of its tuple
 * makes conntrack kill it and look the SYN up again, and the NAT hook
 * decides for the new socket. No hook of vaddr's is in the path of other
 * packets for it. Written under the entry's lock, as conntrack's TCP
 * tracker writes it, although no other CPU sees an unconfirmed entry yet.
 */
static void vaddr_ct_reopenable(struct nf_conn *ct)
{
	spin_lock_bh(&ct->lock);
	ct->proto.tcp.seen[IP_CT_DIR_ORIGINAL].flags |=
		IP_CT_TCP_FLAG_CLOSE_INIT;
	spin_unlock_bh(&ct->lock);
}

static unsigned int vaddr_nat_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nf_nat_range2 range = { .flags = NF_NAT_RANGE_MAP_IPS };
	enum ip_conntrack_info ctinfo;
	struct vaddr_domain *d;
	struct vaddr_net *vn;
	enum vaddr_stat stat;
	struct nf_conn *ct;
	struct sock *sk;
	unsigned int ret;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !vaddr_nat_wanted(skb, state, &sk))
		return NF_ACCEPT;
	/*
	 * Rewriting off: nothing new; what was set up before goes on. Nor
	 * once the hooks are going (vaddr_nat_hook_down()).
	 */
	vn = vaddr_net(state->net);
	if (!READ_ONCE(vn->nat) || !READ_ONCE(vn->nat_hooked))
		return NF_ACCEPT;
	/*
	 * A TCP connection is rewritten from its SYN on, or never. Conntrack
	 * also makes new entries for connections it picks up midstream (its
	 * hooks came after their handshake: the namespace's first mapping,
	 * vaddr loaded again); a new source for those breaks them.
	 */
	if (nf_ct_protonum(ct) == IPPROTO_TCP &&
	    READ_ONCE(ct->proto.tcp.state) != TCP_CONNTRACK_SYN_SENT)
		return NF_ACCEPT;

	/* NAT hooks run under rcu_read_lock(). */
	d = vaddr_sock_domain(sk);
	if (!d)
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4) {
		if (!d->has4 || ip_hdr(skb)->saddr == d->addr4 ||
		    !vaddr_sk_local4(sk, d->addr4))
			return NF_ACCEPT;
		range.min_addr.ip = d->addr4;
		stat = VADDR_STAT_NAT4;
	} else {
		if (!d->has6 || ipv6_addr_equal(&ipv6_hdr(skb)->saddr,
						&d->addr6) ||
		    !vaddr_sk_local6(sk, &d->addr6))
			return NF_ACCEPT;
		range.min_addr.in6 = d->addr6;
		stat = VADDR_STAT_NAT6;
	}
	range.max_addr = range.min_addr;
	vaddr_count(d, stat);
	ret = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);
	if (ret == NF_ACCEPT && nf_ct_protonum(ct) == IPPROTO_TCP)
		vaddr_ct_reopenable(ct);
	return ret;
}

/* After the administrator's own srcnat rules, so that theirs win. */
static const struct nf_hook_ops vaddr_nat_ops4 = {
	.hook = vaddr_nat_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_POST_ROUTING,
	.priority = NF_IP_PRI_NAT_SRC + 10,
};

static const struct nf_hook_ops vaddr_nat_ops6 = {
	.hook = vaddr_nat_hook,
	.pf = NFPROTO_IPV6,
	.hooknum = NF_INET_POST_ROUTING,
	.priority = NF_IP6_PRI_NAT_SRC + 10,
};

static int vaddr_nat_hook_up(struct net *net)
{
	int err;

	err = vaddr_conntrack_get(net);
	if (err)
		return err;
	err = nf_nat_ipv4_register_fn(net, &vaddr_nat_ops4);
	if (err)
		goto err_put;
	err = nf_nat_ipv6_register_fn(net, &vaddr_nat_ops6);
	if (err)
		goto err_unregister4;
	return 0;

err_unregister4:
	nf_nat_ipv4_unregister_fn(net, &vaddr_nat_ops4);
err_put:
	vaddr_conntrack_put(net);
	return err;
}

/*
 * A locally sent flow whose source was translated: what vaddr's hook sets
 * up (an administrator's srcnat rule that does the same for the host's
 * own sockets is taken for one). Its new address need not be local any
 * more: a domain's address may be away for a moment as the hooks go, and
 * the flow would then outlive them, to go on from the host's address
 * once the address is back. Called under a conntrack lock.
 */
static bool vaddr_ct_translated(struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *orig;
	struct net *net = nf_ct_net(ct);

	if (!(READ_ONCE(ct->status) & IPS_SRC_NAT))
		return false;
	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (nf_ct_l3num(ct) == NFPROTO_IPV4)
		return inet_addr_type(net, orig->src.u3.ip) == RTN_LOCAL;
	return nf_ct_l3num(ct) == NFPROTO_IPV6 &&
	       ipv6_chk_addr(net, &orig->src.u3.in6, NULL, 0);
}

/*
 * Without the hooks a translated flow would go on from the address its
 * socket has, the host's; and its entry, left behind, would give its
 * translation to a later flow of the same addresses and ports (conntrack
 * takes a SYN into a live entry, and into a finished one not marked
 * reopenable, as an administrator's rule leaves it), once NAT hooks are
 * back: another user's connection
 * would leave from this flow's domain address. So every translated flow
 * ends first, while its translation still holds: its TCP socket is
 * aborted (its reset leaves translated) and its entry killed. Not when
 * the namespace is going away: no socket is left in it, and its entries
 * go with it.
 *
 * The walk sees only confirmed entries: a SYN translated while it runs
 * would be missed, its entry left translated with no hook to apply it,
 * and its connection reset by the remote at its next packet. So the hook
 * stops setting up translations first (nat_hooked is off), and the walk
 * waits for the packets already in it: a packet goes through all of
 * POSTROUTING, conntrack's confirmation included, under one RCU read
 * section.
 */
static void vaddr_nat_hook_down(struct vaddr_net *vn)
{
	struct net *net = vn->net;

	WRITE_ONCE(vn->nat_hooked, false);
	if (check_net(net)) {
		synchronize_net();
		vaddr_conntrack_end(net, vaddr_ct_translated);
	}
	nf_nat_ipv6_unregister_fn(net, &vaddr_nat_ops6);
	nf_nat_ipv4_unregister_fn(net, &vaddr_nat_ops4);
	vaddr_conntrack_put(net);
}

/*
 * Hook or unhook the namespace as its settings and table require. Called
 * with vn->lock held after every change, and at namespace pre_exit.
 */
int vaddr_nat_sync(struct vaddr_net *vn, bool want)
{
	int err;

	if (want == vn->nat_hooked)
		return 0;
	if (want) {
		err = vaddr_nat_hook_up(vn->net);
		if (err)
			return err;
	} else {
		vaddr_nat_hook_down(vn);
	}
	WRITE_ONCE(vn->nat_hooked, want);
	return 0;
}
