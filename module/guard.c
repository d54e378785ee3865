// SPDX-License-Identifier: GPL-2.0
/*
 * Address isolation and fail-closed (both off by default).
 *
 * Isolation (per namespace): a virtual address may be the source of what a
 * socket starts only when the socket belongs to the address's domain, or
 * its uid is on the namespace's allow list. Fail-closed (per domain): a
 * socket of the domain never starts anything from an address that is not
 * the domain's own.
 *
 * Three places enforce them:
 *
 * - connect.c asks vaddr_guard_isolation() and vaddr_guard_fail_closed()
 *   at connect time (TCP, TCP Fast Open, UDP and ping connect), where the
 *   source is the address the program bound or the one auto-bind would
 *   give, and makes the connect fail at once with the errno they return.
 * - An output hook (NF_INET_LOCAL_OUT, IPv4 and IPv6) checks the source of
 *   every packet a socket starts: unconnected sends, IP_PKTINFO and
 *   IPV6_PKTINFO sources, raw sockets, and whatever connect could not
 *   foresee (a source the routing code picked). A refused packet is
 *   dropped with an error, so sendmsg() fails at once with it. LOCAL_OUT
 *   runs before POSTROUTING, so it sees the source the program or the
 *   routing code chose, before any source NAT; the hook sits right after
 *   conntrack so that it can tell replies and flows that NAT will rewrite,
 *   and keeps conntrack running in the namespace while it is there (see
 *   vaddr_guard_up()).
 * - A last hook at the end of POSTROUTING (IPv4 and IPv6), after every
 *   source NAT, drops what a fail-closed domain's socket starts when it
 *   would leave from another address than the domain's after all: an
 *   administrator's masquerade or snat rule runs before vaddr's NAT and
 *   wins (see vaddr_guard_post()).
 *
 * What a socket "starts": TCP SYNs of an active open (state SYN_SENT);
 * other TCP segments continue a connection that was checked when it
 * opened, or answer one a remote opened (accept()ed connections, SYN-ACKs
 * of request sockets, the kernel's resets and ACKs from its control
 * sockets). Datagrams are checked unless conntrack knows them as replies;
 * replies of a socket bound to an address are still checked by isolation
 * (see vaddr_guard_hook()), and so are a domain's listener's SYN-ACKs
 * (vaddr_guard_synack()). SCTP INITs are judged by every address they
 * list (vaddr_guard_sctp()). Loopback traffic and the outer packets of
 * tunnels and IPsec are never checked.
 *
 * Kernel sockets (other than MPTCP subflows, judged as their program's)
 * have no owner vaddr can trust: a kernel worker creates most of them, as
 * root, and some are shared by many users' sockets. Yet some carry a
 * user's traffic from a source the user chose: AF_RDS over TCP (bind() an
 * address, sendto() a peer, and a kernel worker connects from that
 * address to the peer's port 16385) and AF_RXRPC (its UDP socket is bound
 * to the address the user's socket bound), both open to any user. So
 * under isolation, a kernel socket may not start anything from a domain's
 * address; the allow list does not apply, as the socket's uid is not its
 * user's. See vaddr_guard_kernel_starts() for what a kernel socket
 * starts: what answers a remote (the kernel's resets and ACKs, ICMP
 * errors and echo replies, neighbour discovery) and what continues a
 * connection still leaves. Fail-closed cannot judge them (whose traffic
 * is it?): a domain's user may still make RDS or RXRPC leave from the
 * host's address, which is why the package keeps those modules from
 * loading (README).
 *
 * Not covered: AF_SMC. SMC-R/SMC-D carry the data over RDMA or ISM, not
 * IP, and the TCP connection it sets up first (the "clcsock") is a kernel
 * socket made with sock_create_kern() that vaddr cannot tie to the SMC
 * socket of the program from a module: it is judged as any kernel socket
 * (its SYN may not leave from a domain's address under isolation, whoever
 * asked), and fail-closed cannot judge it; the data then goes over RDMA
 * or ISM, which vaddr never sees. Block AF_SMC (e.g. seccomp, or keep the
 * smc module unloaded) where isolation matters.
 *
 * Errors: isolation refuses with EPERM, what a local firewall's drop
 * gives, the same for connect() and for sends. Fail-closed refuses with
 * EADDRNOTAVAIL ("Cannot assign requested address"): the domain has no
 * address it may use for this. A SYN refused in the hook gets
 * ECONNREFUSED instead: tcp_connect() passes only that error up, and any
 * other would leave the SYN to be retransmitted until the connect timed
 * out.
 *
 * The hooks are registered in a namespace only while isolation is on
 * there or one of its domains is fail-closed; elsewhere they cost nothing.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/ratelimit.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/netfilter/nf_conntrack.h>

#include "compat.h"
#include "conntrack.h"
#include "guard.h"
#include "net.h"
#include "sctp.h"
#include "sock.h"
#include "stats.h"
#include "table.h"

DEFINE_STATIC_KEY_FALSE(vaddr_guarded);

/*
 * One limit for all namespaces, at most 10 lines per 5 s: a limit per
 * namespace would let many namespaces flood the log together.
 */
static DEFINE_RATELIMIT_STATE(vaddr_guard_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

static void vaddr_guard_log(struct sock *sk, const struct vaddr_domain *d,
			    int family, const void *saddr, bool isolation)
{
	u32 uid = from_kuid_munged(&init_user_ns, vaddr_sk_uid(sk));

	if (!__ratelimit(&vaddr_guard_rs))
		return;
	if (!saddr)
		pr_notice("fail-closed: refused uid %u of %s: no usable %s address\n",
			  uid, d->name, family == AF_INET ? "IPv4" : "IPv6");
	else if (isolation && family == AF_INET)
		pr_notice("isolation: refused uid %u sending from %pI4, an address of %s\n",
			  uid, saddr, d->name);
	else if (isolation)
		pr_notice("isolation: refused uid %u sending from %pI6c, an address of %s\n",
			  uid, saddr, d->name);
	else if (family == AF_INET)
		pr_notice("fail-closed: refused uid %u of %s sending from %pI4\n",
			  uid, d->name, saddr);
	else
		pr_notice("fail-closed: refused uid %u of %s sending from %pI6c\n",
			  uid, d->name, saddr);
}

/*
 * The allow list: uids that may use any domain's address under isolation.
 * It belongs to the namespace's settings, not to its table: a flush or a
 * replacement leaves it. Writers hold vaddr_net.lock; the hooks read it
 * under RCU.
 */
static bool vaddr_guard_allowed(struct vaddr_net *vn, kuid_t uid)
{
	return xa_load(&vn->allow, __kuid_val(uid));
}

/* 0, -EEXIST when @uid is allowed already, or -ENOMEM. */
int vaddr_guard_allow_add(struct vaddr_net *vn, kuid_t uid)
{
	int err;

	err = xa_insert(&vn->allow, __kuid_val(uid), xa_mk_value(1), VADDR_GFP);
	return err == -EBUSY ? -EEXIST : err;
}

/* 0, or -ENOENT when @uid is not allowed. */
int vaddr_guard_allow_del(struct vaddr_net *vn, kuid_t uid)
{
	return xa_erase(&vn->allow, __kuid_val(uid)) ? 0 : -ENOENT;
}

/*
 * Call @fn for each allowed uid, in ascending order, from the kuid value
 * *@pos on, until it returns non-zero: that is returned, and *@pos is then
 * the uid it stopped at, where a walk resumes.
 */
int vaddr_guard_allow_foreach(struct vaddr_net *vn, unsigned long *pos,
			      int (*fn)(kuid_t uid, void *arg), void *arg)
{
	unsigned long index;
	void *entry;
	int err = 0;

	xa_for_each_start(&vn->allow, index, entry, *pos) {
		err = fn(KUIDT_INIT(index), arg);
		if (err)
			break;
	}
	*pos = index;
	return err;
}

/*
 * Under isolation in @net, the domain whose address @saddr is;
 * else (or for an address of no domain) NULL. Under RCU.
 */
static struct vaddr_domain *vaddr_guard_isolated_owner(struct net *net,
							int family,
							const void *saddr)
{
	struct vaddr_net *vn = vaddr_net(net);
	struct vaddr_table *t;

	if (!READ_ONCE(vn->isolation))
		return NULL;
	t = rcu_dereference(vn->table);
	if (!t)
		return NULL;
	if (family == AF_INET)
		return vaddr_domain_by_addr4(t, *(const __be32 *)saddr);
	return vaddr_domain_by_addr6(t, saddr);
}

/*
 * Whether @sk, of domain @own (or none), may send from @saddr: 0, or
 * -EPERM, counted on the address's domain and logged. Under RCU.
 */
int vaddr_guard_isolation(struct sock *sk, const struct vaddr_domain *own,
			  int family, const void *saddr)
{
	struct vaddr_domain *owner;

	owner = vaddr_guard_isolated_owner(sock_net(sk), family, saddr);
	if (!owner || owner == own)
		return 0;
	/* The table was replaced between the two lookups. */
	if (own && !strcmp(own->name, owner->name))
		return 0;
	if (vaddr_guard_allowed(vaddr_net(sock_net(sk)), vaddr_sk_uid(sk)))
		return 0;
	vaddr_count(owner, VADDR_STAT_ISOLATED);
	vaddr_guard_log(sk, owner, family, saddr, true);
	return -EPERM;
}

static bool vaddr_guard_is_own(const struct vaddr_domain *d, int family,
			       const void *saddr)
{
	if (family == AF_INET)
		return d->has4 && d->addr4 == *(const __be32 *)saddr;
	return d->has6 && ipv6_addr_equal(&d->addr6, saddr);
}

/*
 * Will nat.c give what @sk sends the domain's address? At connect (@skb
 * NULL), when its hooks are there and would take the flow; on a packet,
 * when conntrack has it as a new flow (the NAT hook sets it up at
 * POSTROUTING) or as a flow already translated to the domain's address.
 */
static bool vaddr_guard_nat_covers(struct sock *sk,
				   const struct vaddr_domain *d, int family,
				   const struct sk_buff *skb)
{
	const struct nf_conntrack_tuple *reply;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	if (!READ_ONCE(vaddr_net(sock_net(sk))->nat_hooked))
		return false;
	if (vaddr_sk_addr_chosen(sk))
		return false;
	if (family == AF_INET ? !d->has4 || !vaddr_sk_local4(sk, d->addr4) :
				!d->has6 || !vaddr_sk_local6(sk, &d->addr6))
		return false;
	if (!skb)
		return true;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return false;
	if (!nf_ct_is_confirmed(ct))
		return true;
	if (!(ct->status & IPS_SRC_NAT))
		return false;
	reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	return vaddr_guard_is_own(d, family, &reply->dst.u3);
}

/*
 * Whether @sk of domain @d may start something from @saddr (NULL: the
 * kernel will choose, so not the domain's address) to a destination of
 * @scope: 0 when @d is not fail-closed, the destination is outside
 * vaddr's scope (loopback, link-local, multicast, broadcast: auto-bind
 * and NAT leave those to the host's address, see vaddr_scope4()), or the
 * address is the domain's or will be made so by NAT; else -EADDRNOTAVAIL,
 * counted and logged. Under RCU.
 */
int vaddr_guard_fail_closed(struct sock *sk, struct vaddr_domain *d,
			    int family, const void *saddr,
			    enum vaddr_scope scope, const struct sk_buff *skb)
{
	if (!READ_ONCE(d->fail_closed) || scope != VADDR_SCOPE_GLOBAL)
		return 0;
	if (saddr && vaddr_guard_is_own(d, family, saddr))
		return 0;
	if (vaddr_guard_nat_covers(sk, d, family, skb))
		return 0;
	vaddr_count(d, VADDR_STAT_FAIL_CLOSED);
	vaddr_guard_log(sk, d, family, saddr, false);
	return -EADDRNOTAVAIL;
}

/*
 * SCTP: the addresses its INIT lists are sources too (see sctp.c). Each is
 * judged as the packet's source is: isolation, then fail-closed, for which
 * NAT cannot help (it rewrites the IP header only). So a fail-closed or
 * isolated domain's SCTP socket must be bound to the domain's address
 * alone; bound to the wildcard, it lists the host's addresses and every
 * domain's, and its INIT never leaves. A server lists addresses in its
 * INIT-ACK the same way: a domain's server is judged by them too, a
 * shared server's (of no domain) answers on every address, as a wildcard
 * TCP listener does.
 */
struct vaddr_guard_sctp {
	struct sock *sk;
	struct vaddr_domain *own;
};

static int vaddr_guard_sctp_addr(int family, const void *addr, void *arg)
{
	struct vaddr_guard_sctp *g = arg;
	int err;

	err = vaddr_guard_isolation(g->sk, g->own, family, addr);
	if (err || !g->own || !READ_ONCE(g->own->fail_closed) ||
	    vaddr_guard_is_own(g->own, family, addr))
		return err;
	vaddr_count(g->own, VADDR_STAT_FAIL_CLOSED);
	vaddr_guard_log(g->sk, g->own, family, addr, false);
	return -EADDRNOTAVAIL;
}

static int vaddr_guard_sctp(struct sock *sk, struct vaddr_domain *own,
			    int family, const struct sk_buff *skb)
{
	struct vaddr_guard_sctp g = { .sk = sk, .own = own };

	if (sk->sk_protocol != IPPROTO_SCTP)
		return 0;
	return vaddr_sctp_init_addrs(skb, family, !!own, vaddr_guard_sctp_addr,
				     &g);
}

/*
 * Whether @sk is bound to an address of @family (by bind(), or by a
 * datagram connect): it receives only what is sent to that address.
 */
static bool vaddr_guard_has_addr(const struct sock *sk, int family)
{
	if (family == AF_INET)
		return inet_sk(sk)->inet_rcv_saddr;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return !ipv6_addr_any(&sk->sk_v6_rcv_saddr);
#endif
	return false;
}

/*
 * The offset of @skb's transport header and its protocol in @proto, or -1
 * when the packet carries none (a fragment after the first).
 */
static int vaddr_guard_thoff(const struct sk_buff *skb, int family,
			     u8 *proto)
{
	__be16 frag_off;
	int thoff;

	if (family == AF_INET) {
		*proto = ip_hdr(skb)->protocol;
		if (ip_hdr(skb)->frag_off & htons(IP_OFFSET))
			return -1;
		return skb_network_offset(skb) + ip_hdrlen(skb);
	}
	*proto = ipv6_hdr(skb)->nexthdr;
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				 sizeof(struct ipv6hdr), proto, &frag_off);
	return frag_off ? -1 : thoff;
}

/*
 * Whether a kernel socket's packet starts something, by the packet:
 * - TCP: a SYN without ACK. Everything else continues a connection that
 *   started with a SYN, or answers a remote (SYN-ACKs, resets and ACKs of
 *   the control sockets).
 * - ICMP and ICMPv6: a request (echo, timestamp, information, address
 *   mask; echo, node information query). Errors, echo replies, neighbour
 *   discovery and MLD answer a remote or serve traffic judged already.
 * - Anything else (UDP, ...): a datagram of a socket bound to an address
 *   (that socket's user chose the address, see vaddr_guard_hook() on
 *   bound sockets), else one conntrack has in the original direction of
 *   its flow: replies, related packets and what conntrack does not track
 *   (untracked, invalid) pass.
 */
static bool vaddr_guard_kernel_starts(const struct sock *sk,
				      const struct sk_buff *skb, int family)
{
	enum ip_conntrack_info ctinfo;
	const struct tcphdr *th;
	struct tcphdr _th;
	const u8 *type;
	u8 proto, _type;
	int thoff;

	thoff = vaddr_guard_thoff(skb, family, &proto);
	if (thoff >= 0 && proto == IPPROTO_TCP) {
		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		return !th || (th->syn && !th->ack);
	}
	if (thoff >= 0 && (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)) {
		type = skb_header_pointer(skb, thoff, sizeof(_type), &_type);
		if (!type)
			return true;
		if (proto == IPPROTO_ICMP)
			return *type == ICMP_ECHO || *type == ICMP_TIMESTAMP ||
			       *type == ICMP_INFO_REQUEST ||
			       *type == ICMP_ADDRESS;
		return *type == ICMPV6_ECHO_REQUEST ||
		       *type == ICMPV6_NI_QUERY;
	}
	if (vaddr_guard_has_addr(sk, family))
		return true;
	return nf_ct_get(skb, &ctinfo) &&
	       (ctinfo == IP_CT_NEW || ctinfo == IP_CT_ESTABLISHED);
}

/*
 * A kernel socket's packet (see the top of this file): under isolation,
 * what it starts from a domain's address is refused, counted on that
 * domain and logged. Under RCU.
 */
static int vaddr_guard_kernel(struct sock *sk, const struct sk_buff *skb,
			      int family, const void *saddr)
{
	struct vaddr_domain *owner;

	owner = vaddr_guard_isolated_owner(sock_net(sk), family, saddr);
	if (!owner || !vaddr_guard_kernel_starts(sk, skb, family))
		return 0;
	vaddr_count(owner, VADDR_STAT_ISOLATED);
	if (__ratelimit(&vaddr_guard_rs)) {
		if (family == AF_INET)
			pr_notice("isolation: refused a kernel socket (protocol %u) starting from %pI4, an address of %s\n",
				  sk->sk_protocol, saddr, owner->name);
		else
			pr_notice("isolation: refused a kernel socket (protocol %u) starting from %pI6c, an address of %s\n",
				  sk->sk_protocol, saddr, owner->name);
	}
	return -EPERM;
}

static bool vaddr_guard_xfrm(const struct sk_buff *skb, int family)
{
	if (family == AF_INET)
		return IPCB(skb)->flags & IPSKB_XFRM_TRANSFORMED;
	return IP6CB(skb)->flags & IP6SKB_XFRM_TRANSFORMED;
}

/* The scope of the packet's destination (see vaddr_scope4()). */
static enum vaddr_scope vaddr_guard_scope(const struct sock *sk,
					  const struct sk_buff *skb, int family)
{
	if (family == AF_INET)
		return vaddr_scope4(sk, ip_hdr(skb)->daddr, skb);
	return vaddr_scope6(&ipv6_hdr(skb)->daddr);
}

/* What vaddr_guard_sock() tells of a packet. */
struct vaddr_guard_pkt {
	bool tcp;	/* of a TCP socket */
	bool reply;	/* conntrack has it as a reply */
	bool kernel;	/* of a kernel socket */
	bool synack;	/* a SYN-ACK: the socket is its listener */
};

/*
 * The listener of a SYN-ACK sent with a SYN cookie, or NULL if @skb is no
 * such packet. tcp_make_synack() leaves a cookie's SYN-ACK without a
 * socket (no false sharing under a SYN flood); IPv6 passes the listener
 * to ip6_xmit(), IPv4 passes none to ip_local_out(): look it up as the
 * SYN found it. A listener whose queue is full answers with cookies, and
 * listen(fd, 0) makes that every SYN: a tenant can choose it. Under RCU.
 */
static struct sock *vaddr_guard_cookie_listener(struct sk_buff *skb,
						const struct nf_hook_state *state,
						int family)
{
	struct sock *sk = state->sk;
	const struct tcphdr *th;
	struct tcphdr _th;
	int thoff;
	u8 proto;

	if (!state->out || (state->out->flags & IFF_LOOPBACK) ||
	    vaddr_guard_xfrm(skb, family))
		return NULL;
	thoff = vaddr_guard_thoff(skb, family, &proto);
	if (thoff < 0 || proto != IPPROTO_TCP)
		return NULL;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || !th->syn || !th->ack)
		return NULL;
	/* Only isolation judges SYN-ACKs, and only from a domain's address. */
	if (!vaddr_guard_isolated_owner(state->net, family,
					family == AF_INET ?
					(void *)&ip_hdr(skb)->saddr :
					(void *)&ipv6_hdr(skb)->saddr))
		return NULL;
	if (sk)
		return sk_fullsock(sk) && sk->sk_state == TCP_LISTEN &&
		       net_eq(sock_net(sk), state->net) ? sk : NULL;
	if (family == AF_INET)
		return vaddr_tcp_listener4(state->net, ip_hdr(skb)->saddr,
					   th->source, ip_hdr(skb)->daddr,
					   th->dest, state->out->ifindex);
#if IS_ENABLED(CONFIG_IPV6)
	return vaddr_tcp_listener6(state->net, &ipv6_hdr(skb)->saddr,
				   th->source, &ipv6_hdr(skb)->daddr,
				   th->dest, state->out->ifindex);
#else
	return NULL;
#endif
}

/*
 * The socket that started @skb, when the hooks judge it (else NULL), and
 * what @p tells. A SYN-ACK is judged by its listener: the request socket
 * that sends it (IPv4 passes it to ip_local_out(), IPv6 the listener) is
 * no full socket; a TCP Fast Open child sends its own, in SYN_RECV, with
 * its listener's owner; a SYN cookie's has no socket at all (see
 * vaddr_guard_cookie_listener()).
 */
static struct sock *vaddr_guard_sock(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     int family, struct vaddr_guard_pkt *p)
{
	struct sock *sk = state->sk;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	memset(p, 0, sizeof(*p));
	if (skb->sk && skb->sk->sk_state == TCP_NEW_SYN_RECV && sk &&
	    net_eq(sock_net(skb->sk), state->net) &&
	    !vaddr_guard_xfrm(skb, family) &&
	    !(state->out && (state->out->flags & IFF_LOOPBACK))) {
		p->tcp = true;
		p->synack = true;
		return inet_reqsk(skb->sk)->rsk_listener;
	}
	if (!skb->sk && state->hook == NF_INET_LOCAL_OUT) {
		sk = vaddr_guard_cookie_listener(skb, state, family);
		if (sk)
			p->tcp = p->synack = true;
		return sk;
	}
	/*
	 * Only what a socket sends itself. A tunnel (GRE, IPIP, VXLAN, ...)
	 * sends its outer packet with the inner packet's skb->sk but passes
	 * no socket (or its own) to ip_local_out(); IPsec runs LOCAL_OUT
	 * again on the transformed packet with the same socket. The inner
	 * packet was judged already: the outer one is the tunnel's.
	 */
	if (!sk || sk != skb->sk || !sk_fullsock(sk) ||
	    !net_eq(sock_net(sk), state->net) ||
	    vaddr_guard_xfrm(skb, family))
		return NULL;
	if (state->out && (state->out->flags & IFF_LOOPBACK))
		return NULL;
	p->tcp = sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP;
	/* Kernel sockets: judged by vaddr_guard_kernel(), at LOCAL_OUT only. */
	p->kernel = vaddr_sk_exempt(sk);
	if (p->kernel)
		return sk;
	if (p->tcp && sk->sk_state == TCP_SYN_RECV) {
		p->synack = true;
		return sk;
	}
	if (p->tcp && sk->sk_state != TCP_SYN_SENT)
		return NULL;
	ct = nf_ct_get(skb, &ctinfo);
	p->reply = ct && CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY;
	return sk;
}

/*
 * A SYN-ACK answers from the address the remote connected to. A listener
 * bound to an address was judged at bind(); one on the wildcard answers
 * on every address of the host, which a shared server (no domain's) must.
 * But a domain's listener may not serve another domain's address under
 * isolation, as it may not bind it: else a tenant's wildcard listener on
 * a port no one else uses would answer that domain's clients. Under RCU.
 */
static int vaddr_guard_synack(struct sock *listener, int family,
			      const void *saddr)
{
	struct vaddr_domain *own = vaddr_sock_domain(listener);

	if (!own)
		return 0;
	return vaddr_guard_isolation(listener, own, family, saddr);
}

/* At LOCAL_OUT: isolation and fail-closed. */
static unsigned int vaddr_guard_hook(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     int family, const void *saddr)
{
	struct vaddr_guard_pkt p;
	struct vaddr_domain *own;
	struct sock *sk;
	int err;

	sk = vaddr_guard_sock(skb, state, family, &p);
	if (!sk)
		return NF_ACCEPT;
	if (p.kernel) {
		err = vaddr_guard_kernel(sk, skb, family, saddr);
		goto out;
	}
	if (p.synack) {
		err = vaddr_guard_synack(sk, family, saddr);
		goto out;
	}
	/*
	 * A reply answers what a remote sent. A socket bound to an address
	 * got that only on this address, so its replies are still judged
	 * by isolation: else anyone could bind another domain's address and
	 * "answer" a packet a peer of theirs sent to it first.
	 */
	if (p.reply && !vaddr_guard_has_addr(sk, family)) {
		/* But an SCTP server's INIT-ACK lists addresses. */
		if (sk->sk_protocol != IPPROTO_SCTP)
			return NF_ACCEPT;
		err = vaddr_guard_sctp(sk, vaddr_sock_domain(sk), family, skb);
		goto out;
	}

	/* Output hooks run under rcu_read_lock(). */
	own = vaddr_sock_domain(sk);
	err = vaddr_guard_isolation(sk, own, family, saddr);
	if (!err && own && !p.reply)
		err = vaddr_guard_fail_closed(sk, own, family, saddr,
					      vaddr_guard_scope(sk, skb, family),
					      skb);
	if (!err)
		err = vaddr_guard_sctp(sk, own, family, skb);
out:
	if (!err)
		return NF_ACCEPT;
	if (p.tcp)
		err = -ECONNREFUSED;
	return NF_DROP_ERR(err);
}

/*
 * At the end of POSTROUTING: fail-closed once more, on the source the
 * packet leaves with. LOCAL_OUT let it through from the domain's address,
 * or from one vaddr's NAT hook would rewrite; but source NAT of the
 * administrator's own (a masquerade or snat rule at srcnat priority) runs
 * before vaddr's and wins, and rewrites the source to the interface's
 * address. Every source NAT has been applied to the packet by now (the
 * NAT core rewrites it in its hook, at NF_IP_PRI_NAT_SRC), so @saddr is
 * the final source, whoever set it up. A packet of a fail-closed domain
 * that leaves from any other address than the domain's is dropped and
 * counted in VADDR_STAT_FAIL_CLOSED_NAT; its unconfirmed conntrack entry
 * goes with it. Replies and what LOCAL_OUT leaves alone pass here too.
 */
static unsigned int vaddr_guard_post(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     int family, const void *saddr)
{
	struct vaddr_guard_pkt p;
	struct vaddr_domain *own;
	struct sock *sk;

	sk = vaddr_guard_sock(skb, state, family, &p);
	if (!sk || p.kernel || p.reply || p.synack ||
	    vaddr_guard_scope(sk, skb, family) != VADDR_SCOPE_GLOBAL)
		return NF_ACCEPT;
	/* Output hooks run under rcu_read_lock(). */
	own = vaddr_sock_domain(sk);
	if (!own || !READ_ONCE(own->fail_closed) ||
	    vaddr_guard_is_own(own, family, saddr))
		return NF_ACCEPT;
	vaddr_count(own, VADDR_STAT_FAIL_CLOSED_NAT);
	if (__ratelimit(&vaddr_guard_rs)) {
		u32 uid = from_kuid_munged(&init_user_ns, vaddr_sk_uid(sk));

		if (family == AF_INET)
			pr_notice("fail-closed: dropped a packet of uid %u of %s: NAT rewrote its source to %pI4\n",
				  uid, own->name, saddr);
		else
			pr_notice("fail-closed: dropped a packet of uid %u of %s: NAT rewrote its source to %pI6c\n",
				  uid, own->name, saddr);
	}
	return NF_DROP_ERR(p.tcp ? -ECONNREFUSED : -EADDRNOTAVAIL);
}

static unsigned int vaddr_guard_hook4(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return vaddr_guard_hook(skb, state, AF_INET, &ip_hdr(skb)->saddr);
}

static unsigned int vaddr_guard_hook6(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return vaddr_guard_hook(skb, state, AF_INET6, &ipv6_hdr(skb)->saddr);
}

static unsigned int vaddr_guard_post4(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return vaddr_guard_post(skb, state, AF_INET, &ip_hdr(skb)->saddr);
}

static unsigned int vaddr_guard_post6(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return vaddr_guard_post(skb, state, AF_INET6, &ipv6_hdr(skb)->saddr);
}

static const struct nf_hook_ops vaddr_guard_ops[] = {
	{
		.hook = vaddr_guard_hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = vaddr_guard_hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
	/* After every source NAT, before conntrack confirms the entry. */
	{
		.hook = vaddr_guard_post4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_LAST - 1,
	},
	{
		.hook = vaddr_guard_post6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_LAST - 1,
	},
};

/*
 * The hooks and conntrack: whether a datagram is a reply is conntrack's
 * knowledge, and conntrack runs in a namespace only while someone asks
 * for it there (nat.c does, but only while it rewrites). Without it every
 * answer of a server outside the domains (a DNS server bound to 0.0.0.0)
 * from a domain's address would count as started and be refused, and
 * switching NAT off would change what isolation refuses. So the guard
 * takes conntrack in for as long as its hooks are there.
 */
static int vaddr_guard_up(struct net *net)
{
	int err;

	err = vaddr_conntrack_get(net);
	if (err)
		return err;
	err = nf_register_net_hooks(net, vaddr_guard_ops,
				    ARRAY_SIZE(vaddr_guard_ops));
	if (err) {
		vaddr_conntrack_put(net);
		return err;
	}
	static_branch_inc(&vaddr_guarded);
	return 0;
}

static void vaddr_guard_down(struct net *net)
{
	nf_unregister_net_hooks(net, vaddr_guard_ops,
				ARRAY_SIZE(vaddr_guard_ops));
	vaddr_conntrack_put(net);
	static_branch_dec(&vaddr_guarded);
}

/*
 * Register or unregister the output hooks of the namespace as its settings
 * and table @t require. Called with vn->lock held after every change, for
 * the live table, and by a commit for the table about to replace it.
 * Unregistering cannot fail.
 */
int vaddr_guard_sync(struct vaddr_net *vn, const struct vaddr_table *t)
{
	bool want = vn->isolation || t->nr_fail_closed;
	int err;

	if (want == vn->guard_hooked)
		return 0;
	if (want) {
		err = vaddr_guard_up(vn->net);
		if (err)
			return err;
	} else {
		vaddr_guard_down(vn->net);
	}
	vn->guard_hooked = want;
	return 0;
}

void vaddr_guard_net_init(struct vaddr_net *vn)
{
	xa_init_flags(&vn->allow, XA_FLAGS_ACCOUNT);
}

/*
 * Namespace pre_exit, with vn->lock held: the hooks go, a grace period
 * before vaddr_net is freed (see vaddr_netns_pre_exit()).
 */
void vaddr_guard_net_pre_exit(struct vaddr_net *vn)
{
	if (vn->guard_hooked) {
		vaddr_guard_down(vn->net);
		vn->guard_hooked = false;
	}
}

/* Namespace exit, with vn->lock held: no socket or hook of it is left. */
void vaddr_guard_net_exit(struct vaddr_net *vn)
{
	xa_destroy(&vn->allow);
}
