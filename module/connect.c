// SPDX-License-Identifier: GPL-2.0
/*
 * Auto-bind at connect, and refusing a connect or a bind.
 *
 * Loadable modules cannot register LSM hooks, so vaddr puts kprobes on the
 * protocol connect functions, at their entry. Each of them runs with the
 * socket locked by its owner, right after the kernel's own cgroup connect
 * hook (BPF_CGROUP_INET{4,6}_CONNECT, the one whose bpf_bind() does what
 * vaddr does) and before the route and the source port are chosen:
 *
 * tcp_v4_connect: called by __inet_stream_connect() for connect() and for
 *	sendto(MSG_FASTOPEN) (tcp_sendmsg_fastopen()), with sk_state
 *	TCP_CLOSE, and by tcp_v6_connect() for a v4-mapped destination once
 *	it has refused v6-only sockets. It routes from inet_saddr.
 * tcp_v6_connect: the same for IPv6 destinations. It routes from
 *	sk_v6_rcv_saddr.
 * __ip4_datagram_connect: called by ip4_datagram_connect() (and 7.x's
 *	udp_connect()) for UDP, UDP-Lite and ICMP datagram sockets, after
 *	inet_autobind() gave the socket a port, and by
 *	__ip6_datagram_connect() for v4-mapped destinations. It routes from
 *	inet_saddr, then sets inet_rcv_saddr and rehashes the socket.
 * __ip6_datagram_connect: called by ip6_datagram_connect() (UDPv6, ICMPv6
 *	datagram sockets). It routes from np->saddr, then sets
 *	sk_v6_rcv_saddr and rehashes the socket.
 *
 * The handler gives an unbound socket of a mapped owner its domain's
 * address, in the fields the function routes from. Stream sockets have no
 * port yet and sit in no hash table, so vaddr sets the address fields as
 * __inet_bind()/__inet6_bind() do with IP_BIND_ADDRESS_NO_PORT; datagram
 * sockets are already hashed by port, so vaddr sets only the source and
 * lets the function set the receive address and rehash, as it does for an
 * address it picked itself. SOCK_BINDADDR_LOCK and ipv6only are left as
 * they are: the address is the kernel's choice made differently, not the
 * program's, so a disconnect clears it and the next connect chooses anew.
 *
 * The probes are entry-only: nothing is held from entry to return, so no
 * number of connects in flight (a TCP Fast Open copy stalled on a page
 * fault, say) can make one of them run without vaddr. So vaddr cannot take
 * back an address when the function fails. Failures after the route lookup
 * clear an unlocked address themselves (tcp_set_state(TCP_CLOSE) and
 * inet_reset_saddr(), or inet_bhash2_reset_saddr() from 6.1 on); a route
 * failure before it returns with vaddr's address still in place. That
 * address is always vaddr's: a program's bind() sets SOCK_BINDADDR_LOCK,
 * and the kernel's own choice is cleared before the socket can connect
 * again. So the next connect treats an unlocked address of a socket with
 * no port (stream) or no receive address (datagram) as vaddr's leftover:
 * it chooses again, and clears it when it does not bind. Until then, a
 * datagram socket's unconnected sends leave from that address, its
 * owner's own (see README, "Left alone"). A socket bound to
 * ::ffff:0.0.0.0 carries SOCK_BINDADDR_LOCK though it chose no address:
 * the kernel clears neither its own choice nor vaddr's there, and the
 * next connect finds the socket bound to it, as the kernel itself does.
 *
 * Destinations outside vaddr's scope (loopback, link-local, multicast,
 * broadcast: vaddr_scope4()) are left alone, as nat.c and guard.c leave
 * them; the probe asks the local routing table whether an address is a
 * subnet's broadcast address, since it runs before the route is chosen.
 *
 * Kernel sockets are left alone, except MPTCP subflows (see
 * vaddr_sk_exempt()): an MPTCP socket's connect() connects its first
 * subflow through tcp_v4_connect()/tcp_v6_connect(), and bind() binds
 * that subflow, so the subflow is judged and auto-bound as the program's.
 *
 * With isolation or fail-closed (guard.c), the handler may also
 * refuse the connect: a source the program bound that belongs to another
 * domain, or a fail-closed domain that cannot be served. See
 * vaddr_refuse() for how.
 *
 * With isolation on, a bind() to another domain's address is refused the
 * same way, at the entry of inet_bind_sk()/inet6_bind_sk() (6.7 on: the
 * functions bind() and MPTCP's bind of its first subflow both reach) or
 * of inet_bind()/inet6_bind() before them, where the socket is not yet
 * locked: the handler reads only the address and the socket's owner. A
 * program of one domain cannot then listen on, or send from, an address
 * of another. Connects of sockets bound earlier, before isolation was
 * turned on or the address was mapped, are still judged at connect.
 */
#include <linux/kprobes.h>
#include <linux/objtool.h>
#include <linux/ptrace.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/utsname.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>

#include "connect.h"
#include "guard.h"
#include "net.h"
#include "sock.h"
#include "stats.h"

static bool vaddr_dgram_supported(const struct sock *sk)
{
	if (sk->sk_type != SOCK_DGRAM)
		return false;
	switch (sk->sk_protocol) {
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return true;
	}
	return false;
}

/*
 * Whether the program chose the source itself: a bind() to an address (or
 * a cgroup hook's bpf_bind()), but not to ::ffff:0.0.0.0, the v4-mapped
 * wildcard (vaddr_sk_addr_chosen()). A stream socket with a port was
 * bound too (bind() to a port of the wildcard address): NAT serves it.
 * A datagram socket always has a port here (inet_autobind()); one with a
 * receive address is connected already, and the kernel keeps its source
 * when it connects again. One the program bound to a port is NAT's, like
 * a stream socket, unless it was bound to ::ffff:0.0.0.0 and that port:
 * once the kernel has connected it, its source is locked as if the
 * program had chosen it, and NAT cannot tell; so auto-bind serves it
 * here, which a datagram socket's port does not hinder.
 */
static bool vaddr_sk_bound(const struct sock *sk, bool stream)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (vaddr_sk_addr_chosen(sk))
		return true;
	if (stream)
		return inet->inet_num;
	if ((sk->sk_userlocks & (SOCK_BINDPORT_LOCK | SOCK_BINDADDR_LOCK)) ==
	    SOCK_BINDPORT_LOCK)
		return true;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !vaddr_sk_rcv_any6(&sk->sk_v6_rcv_saddr))
		return true;
#endif
	return inet->inet_rcv_saddr;
}

/* What is left alone before the domain's address is looked at. */
static enum vaddr_stat vaddr_verdict(const struct sock *sk, bool bound,
				     enum vaddr_scope scope)
{
	if (vaddr_sk_exempt(sk))
		return VADDR_STAT_SKIP_KERNEL;
	if (bound)
		return VADDR_STAT_SKIP_BOUND;
	if (scope == VADDR_SCOPE_LOOPBACK)
		return VADDR_STAT_SKIP_LOOPBACK;
	if (scope != VADDR_SCOPE_GLOBAL)
		return VADDR_STAT_SKIP_SCOPE;
	return VADDR_STAT_UNSPEC;
}

/*
 * Whether @d's IPv4 address is local to @sk, as vaddr_sk_local4() says,
 * remembered in the domain while the namespace's routes stay as they
 * were: every change to them (an address added or removed, a route, a
 * link going down) bumps rt_genid, as the kernel's own route caches rely
 * on. A connect then skips the lookup in the local table. A socket bound
 * to a device, which may be a VRF's with its own table, always asks.
 */
static bool vaddr_domain_local4(const struct sock *sk,
				struct vaddr_domain *d)
{
	unsigned long gen;

	if (sk->sk_bound_dev_if)
		return vaddr_sk_local4(sk, d->addr4);
	/* Read before the lookup: what is stored is never newer than it. */
	gen = (u32)rt_genid_ipv4(sock_net(sk)) + 1UL;
	if (READ_ONCE(d->local4_gen) == gen)
		return true;
	if (!vaddr_sk_local4(sk, d->addr4))
		return false;
	WRITE_ONCE(d->local4_gen, gen);
	return true;
}

static enum vaddr_stat vaddr_verdict4(const struct sock *sk,
				      struct vaddr_domain *d,
				      enum vaddr_scope scope, bool bound)
{
	enum vaddr_stat skip = vaddr_verdict(sk, bound, scope);

	if (skip)
		return skip;
	if (!d->has4)
		return VADDR_STAT_SKIP_NO_ADDR;
	if (!vaddr_domain_local4(sk, d))
		return VADDR_STAT_SKIP_ADDR_GONE;
	return VADDR_STAT_BOUND4;
}

static enum vaddr_stat vaddr_verdict6(const struct sock *sk,
				      const struct vaddr_domain *d,
				      enum vaddr_scope scope, bool bound)
{
	enum vaddr_stat skip = vaddr_verdict(sk, bound, scope);

	if (skip)
		return skip;
	if (!d->has6)
		return VADDR_STAT_SKIP_NO_ADDR;
	if (!vaddr_sk_local6(sk, &d->addr6))
		return VADDR_STAT_SKIP_ADDR_GONE;
	return VADDR_STAT_BOUND6;
}

/*
 * Whether @sk has a source that vaddr_set_src4() would clear: without
 * one, the connect of a socket vaddr does not judge has nothing to undo.
 */
static bool vaddr_sk_has_src4(const struct sock *sk, bool stream)
{
	const struct inet_sock *inet = inet_sk(sk);

	return inet->inet_saddr || (stream && inet->inet_rcv_saddr);
}

/*
 * @addr as the source of an unbound socket, or 0 to clear what an earlier
 * connect of vaddr's left (see the top of this file).
 */
static void vaddr_set_src4(struct sock *sk, __be32 addr, bool stream)
{
	struct inet_sock *inet = inet_sk(sk);

	if (inet->inet_saddr == addr &&
	    (!stream || inet->inet_rcv_saddr == addr))
		return;
	if (!stream) {
		inet->inet_saddr = addr;
		return;
	}
	if (!addr) {
		inet_reset_saddr(sk);
	} else {
		inet->inet_saddr = addr;
		inet->inet_rcv_saddr = addr;
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6) {
			ipv6_addr_set_v4mapped(addr, &sk->sk_v6_rcv_saddr);
			ipv6_addr_set_v4mapped(addr, &inet6_sk(sk)->saddr);
		}
#endif
	}
	sk_dst_reset(sk);
}

#if IS_ENABLED(CONFIG_IPV6)
/* The same for IPv6. */
static bool vaddr_sk_has_src6(const struct sock *sk, bool stream)
{
	return !ipv6_addr_any(&inet6_sk(sk)->saddr) ||
	       (stream && !ipv6_addr_any(&sk->sk_v6_rcv_saddr));
}

/* NULL clears. */
static void vaddr_set_src6(struct sock *sk, const struct in6_addr *addr,
			   bool stream)
{
	const struct in6_addr *src = addr ? : &in6addr_any;
	struct ipv6_pinfo *np = inet6_sk(sk);

	if (ipv6_addr_equal(&np->saddr, src) &&
	    (!stream || ipv6_addr_equal(&sk->sk_v6_rcv_saddr, src)))
		return;
	if (!stream) {
		np->saddr = *src;
		return;
	}
	if (!addr) {
		inet_reset_saddr(sk);
	} else {
		np->saddr = *addr;
		sk->sk_v6_rcv_saddr = *addr;
		/*
		 * tcp_v6_connect() sets the same once routed; inet_saddr
		 * stays 0, as the kernel leaves it for an IPv6 connect.
		 */
		inet_sk(sk)->inet_rcv_saddr = LOOPBACK4_IPV6;
	}
	sk_dst_reset(sk);
}
#endif

/*
 * Refusing a connect. The handler makes the probed function return at
 * once, before it has touched anything, with the error vaddr means: it
 * sets the instruction pointer to vaddr_refused, a bare return, and the
 * return value register to the error. The kprobe resumes there instead of
 * the function, and vaddr_refused returns to the function's caller, as the
 * kernel's own error injection (override_function_with_return()) does.
 * The caller sees a connect that failed like any other; TCP Fast Open's
 * sendto() fails the same way. Should someone else still run the function
 * (a livepatch moving the instruction pointer after vaddr), its first
 * check fails: addr_len, the third argument, is set to 0 as well. Which
 * registers hold the return value and the arguments depends on the
 * architecture, so this is done on x86-64 only; elsewhere isolation and
 * fail-closed cannot be turned on (vaddr_refusal_works).
 */
#ifdef CONFIG_X86_64
asmlinkage void vaddr_refused(void);
asm(".pushsection .text, \"ax\"\n"
	".type vaddr_refused, @function\n"
	"vaddr_refused:\n"
	ANNOTATE_NOENDBR "\n"
	ASM_RET
	".size vaddr_refused, .-vaddr_refused\n"
	".popsection\n");

static int vaddr_refuse(struct pt_regs *regs, int err)
{
	regs->dx = 0;
	regs->ax = (unsigned long)err;
	instruction_pointer_set(regs, (unsigned long)vaddr_refused);
	/* The kprobe core resumes at the new instruction pointer. */
	return 1;
}
#else
static int vaddr_refuse(struct pt_regs *regs, int err)
{
	return 0;
}
#endif

/* Whether connects can be refused on this kernel: proven at load. */
static bool vaddr_refusal_proven __read_mostly;

/*
 * The load-time proof of the refusal (vaddr_prove_refusal()) marks its
 * throwaway socket here; the branch costs nothing once it is done.
 */
static DEFINE_STATIC_KEY_FALSE(vaddr_proving);
static struct sock *vaddr_proof_sk;
#define VADDR_PROOF_ERR	(-EPROTO)

/* The source the program bound, or 0. */
static __be32 vaddr_bound_src4(const struct sock *sk, bool bound)
{
	const struct inet_sock *inet = inet_sk(sk);

	return bound ? inet->inet_saddr ? : inet->inet_rcv_saddr : 0;
}

/*
 * The rest of an IPv4 connect, for a socket with domain @d, under a guard,
 * or with a source of vaddr's to clear. Apart from vaddr_connect4() so that
 * what every other connect runs stays short. Under rcu_read_lock().
 */
static noinline int vaddr_judge4(struct pt_regs *regs, struct sock *sk,
				 struct vaddr_domain *d, __be32 daddr,
				 bool guard, bool stream)
{
	bool bound = vaddr_sk_bound(sk, stream);
	__be32 src = vaddr_bound_src4(sk, bound), set = 0;
	enum vaddr_stat verdict;
	enum vaddr_scope scope;
	int err = 0;

	guard = guard && !vaddr_sk_exempt(sk);
	/* Only a socket vaddr judges pays for the broadcast lookup. */
	scope = d || guard ? vaddr_scope4(sk, daddr, NULL) :
			     VADDR_SCOPE_GLOBAL;
	if (guard && src && scope != VADDR_SCOPE_LOOPBACK)
		err = vaddr_guard_isolation(sk, d, AF_INET, &src);
	if (d) {
		verdict = vaddr_verdict4(sk, d, scope, bound);
		if (!err && guard && verdict != VADDR_STAT_BOUND4)
			err = vaddr_guard_fail_closed(sk, d, AF_INET,
						      src ? &src : NULL,
						      scope, NULL);
		if (!err)
			vaddr_count(d, verdict);
		if (verdict == VADDR_STAT_BOUND4)
			set = d->addr4;
	}
	if (err)
		return vaddr_refuse(regs, err);
	if (!bound && !vaddr_sk_exempt(sk))
		vaddr_set_src4(sk, set, stream);
	return 0;
}

/* Entry of tcp_v4_connect() and __ip4_datagram_connect(). */
static int vaddr_connect4(struct pt_regs *regs, bool stream)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	const struct sockaddr_in *usin =
		(const struct sockaddr_in *)regs_get_kernel_argument(regs, 1);
	int addr_len = (int)regs_get_kernel_argument(regs, 2);
	struct vaddr_domain *d;
	int ret = 0;
	bool guard;

	if (static_branch_unlikely(&vaddr_proving) &&
	    sk == READ_ONCE(vaddr_proof_sk))
		return vaddr_refuse(regs, VADDR_PROOF_ERR);
	guard = static_branch_unlikely(&vaddr_guarded);
	if (!static_branch_unlikely(&vaddr_active) && !guard)
		return 0;
	/*
	 * Most connects: no domain, no guard, no source of vaddr's to clear.
	 * They leave here, after a lookup with no rcu_read_lock() of its own:
	 * the handler runs with preemption disabled, and @d stays valid for
	 * as long as it does (vaddr_sock_domain()).
	 */
	d = vaddr_sock_domain(sk);
	if (!d && !guard && !vaddr_sk_has_src4(sk, stream))
		return 0;
	/* The function's own checks; it fails right after them otherwise. */
	if (addr_len < (int)sizeof(*usin) || usin->sin_family != AF_INET)
		return 0;
	if (!stream && !vaddr_dgram_supported(sk))
		return 0;

	rcu_read_lock();
	ret = vaddr_judge4(regs, sk, d, usin->sin_addr.s_addr, guard, stream);
	rcu_read_unlock();
	return ret;
}

#if IS_ENABLED(CONFIG_IPV6)
/* The source the program bound for IPv6 destinations, or NULL. */
static const struct in6_addr *vaddr_bound_src6(struct sock *sk, bool bound)
{
	if (!bound)
		return NULL;
	if (!ipv6_addr_any(&inet6_sk(sk)->saddr))
		return &inet6_sk(sk)->saddr;
	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		return &sk->sk_v6_rcv_saddr;
	return NULL;
}

/* The same as vaddr_judge4() for IPv6, to destination @daddr. */
static noinline int vaddr_judge6(struct pt_regs *regs, struct sock *sk,
				 struct vaddr_domain *d,
				 const struct in6_addr *daddr, bool guard,
				 bool stream)
{
	enum vaddr_scope scope = vaddr_scope6(daddr);
	const struct in6_addr *src, *set = NULL;
	enum vaddr_stat verdict;
	struct in6_addr addr;
	int err = 0;
	bool bound;

	/*
	 * A socket bound (or connected) to an IPv4 address, ::ffff:0.0.0.0
	 * too, is no IPv6 socket any more: the kernel fails its connect to
	 * an IPv6 destination, and vaddr must not give it an IPv6 source.
	 */
	bound = vaddr_sk_bound(sk, stream) ||
		ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr);
	src = vaddr_bound_src6(sk, bound);
	guard = guard && !vaddr_sk_exempt(sk);
	if (guard && src && scope != VADDR_SCOPE_LOOPBACK)
		err = vaddr_guard_isolation(sk, d, AF_INET6, src);
	if (d) {
		verdict = vaddr_verdict6(sk, d, scope, bound);
		if (!err && guard && verdict != VADDR_STAT_BOUND6)
			err = vaddr_guard_fail_closed(sk, d, AF_INET6, src,
						      scope, NULL);
		if (!err)
			vaddr_count(d, verdict);
		if (verdict == VADDR_STAT_BOUND6) {
			addr = d->addr6;
			set = &addr;
		}
	}
	if (err)
		return vaddr_refuse(regs, err);
	if (!bound && !vaddr_sk_exempt(sk))
		vaddr_set_src6(sk, set, stream);
	return 0;
}
#endif

/* Entry of tcp_v6_connect() and __ip6_datagram_connect(). */
static int vaddr_connect6(struct pt_regs *regs, bool stream)
{
	int ret = 0;
#if IS_ENABLED(CONFIG_IPV6)
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	const struct sockaddr_in6 *usin =
		(const struct sockaddr_in6 *)regs_get_kernel_argument(regs, 1);
	int addr_len = (int)regs_get_kernel_argument(regs, 2);
	struct vaddr_domain *d;
	bool guard;

	if (static_branch_unlikely(&vaddr_proving) &&
	    sk == READ_ONCE(vaddr_proof_sk))
		return vaddr_refuse(regs, VADDR_PROOF_ERR);
	guard = static_branch_unlikely(&vaddr_guarded);
	if (!static_branch_unlikely(&vaddr_active) && !guard)
		return 0;
	/*
	 * IPv4 and v4-mapped destinations go on to tcp_v4_connect() or
	 * __ip4_datagram_connect(), whose probe handles them: before the
	 * lookup, which that probe makes.
	 */
	if (addr_len < SIN6_LEN_RFC2133 || usin->sin6_family != AF_INET6)
		return 0;
	if (ipv6_addr_v4mapped(&usin->sin6_addr))
		return 0;
	/* As in vaddr_connect4(). */
	d = vaddr_sock_domain(sk);
	if (!d && !guard && !vaddr_sk_has_src6(sk, stream))
		return 0;
	if (!stream && !vaddr_dgram_supported(sk))
		return 0;

	rcu_read_lock();
	ret = vaddr_judge6(regs, sk, d, &usin->sin6_addr, guard, stream);
	rcu_read_unlock();
#endif
	return ret;
}

/*
 * Entry of a bind function: @sk binds to @uaddr. Refuse an address of
 * another domain under isolation. The wildcard, and an address vaddr does
 * not know, go on untouched; so does what the function itself would
 * refuse (a short address, another family): it fails at its own checks.
 */
static int vaddr_bind(struct pt_regs *regs, struct sock *sk)
{
	const struct sockaddr *uaddr =
		(const struct sockaddr *)regs_get_kernel_argument(regs, 1);
	int addr_len = (int)regs_get_kernel_argument(regs, 2);
	const struct sockaddr_in6 *sin6 = (const void *)uaddr;
	const struct sockaddr_in *sin = (const void *)uaddr;
	struct in6_addr addr6;
	const void *addr;
	__be32 addr4;
	int family, err;

	if (static_branch_unlikely(&vaddr_proving) &&
	    sk == READ_ONCE(vaddr_proof_sk))
		return vaddr_refuse(regs, VADDR_PROOF_ERR);
	if (!static_branch_unlikely(&vaddr_guarded) || vaddr_sk_exempt(sk))
		return 0;
	if (sk->sk_family == AF_INET) {
		if (addr_len < (int)sizeof(*sin) || sin->sin_family != AF_INET)
			return 0;
		addr4 = sin->sin_addr.s_addr;
		family = AF_INET;
		addr = &addr4;
	} else {
		if (addr_len < SIN6_LEN_RFC2133 ||
		    sin6->sin6_family != AF_INET6)
			return 0;
		addr6 = sin6->sin6_addr;
		if (ipv6_addr_v4mapped(&addr6)) {
			addr4 = addr6.s6_addr32[3];
			family = AF_INET;
			addr = &addr4;
		} else {
			family = AF_INET6;
			addr = &addr6;
		}
	}
	if (family == AF_INET ? !addr4 : ipv6_addr_any(&addr6))
		return 0;

	rcu_read_lock();
	err = vaddr_guard_isolation(sk, vaddr_sock_domain(sk), family, addr);
	rcu_read_unlock();
	return err ? vaddr_refuse(regs, err) : 0;
}

static int vaddr_bind_sk_pre(struct kprobe *p, struct pt_regs *regs)
{
	return vaddr_bind(regs, (struct sock *)regs_get_kernel_argument(regs, 0));
}

static int vaddr_bind_sock_pre(struct kprobe *p, struct pt_regs *regs)
{
	const struct socket *sock =
		(const struct socket *)regs_get_kernel_argument(regs, 0);

	return vaddr_bind(regs, sock->sk);
}

#define VADDR_NR_PROBES	8
static struct kprobe vaddr_probes[VADDR_NR_PROBES];
static unsigned long vaddr_missed_seen[VADDR_NR_PROBES];

/*
 * A probe that could not run (another kprobe was running on that CPU) is
 * a connect vaddr did not see: say so, at most every 5 s. The output
 * hook still refuses what it sends against isolation or fail-closed.
 */
static void vaddr_note_missed(struct kprobe *p)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 1);
	unsigned long *last = &vaddr_missed_seen[p - vaddr_probes];
	unsigned long missed = READ_ONCE(p->nmissed);

	if (likely(missed == READ_ONCE(*last)))
		return;
	WRITE_ONCE(*last, missed);
	if (__ratelimit(&rs))
		pr_warn("%s: %lu connects missed so far: they were not auto-bound\n",
			p->symbol_name, missed);
}

static int vaddr_tcp4_pre(struct kprobe *p, struct pt_regs *regs)
{
	vaddr_note_missed(p);
	return vaddr_connect4(regs, true);
}

static int vaddr_dgram4_pre(struct kprobe *p, struct pt_regs *regs)
{
	vaddr_note_missed(p);
	return vaddr_connect4(regs, false);
}

static int vaddr_tcp6_pre(struct kprobe *p, struct pt_regs *regs)
{
	vaddr_note_missed(p);
	return vaddr_connect6(regs, true);
}

static int vaddr_dgram6_pre(struct kprobe *p, struct pt_regs *regs)
{
	vaddr_note_missed(p);
	return vaddr_connect6(regs, false);
}

static struct kprobe vaddr_probes[VADDR_NR_PROBES] = {
	{ .symbol_name = "tcp_v4_connect", .pre_handler = vaddr_tcp4_pre },
	{ .symbol_name = "__ip4_datagram_connect",
	  .pre_handler = vaddr_dgram4_pre },
#if IS_ENABLED(CONFIG_IPV6)
	{ .symbol_name = "tcp_v6_connect", .pre_handler = vaddr_tcp6_pre },
	{ .symbol_name = "__ip6_datagram_connect",
	  .pre_handler = vaddr_dgram6_pre },
#endif
	{ .symbol_name = "inet_bind", .pre_handler = vaddr_bind_sock_pre },
#if IS_ENABLED(CONFIG_IPV6)
	{ .symbol_name = "inet6_bind", .pre_handler = vaddr_bind_sock_pre },
#endif
	/*
	 * 6.7 on (or a backport): what inet_bind() calls, and MPTCP for its
	 * subflows' bind; probed where it exists. Had the compiler folded it
	 * into inet_bind(), that probe still judges bind().
	 */
	{ .symbol_name = "inet_bind_sk", .pre_handler = vaddr_bind_sk_pre },
#if IS_ENABLED(CONFIG_IPV6)
	{ .symbol_name = "inet6_bind_sk", .pre_handler = vaddr_bind_sk_pre },
#endif
};


/*
 * A kprobe on an int3 may be optimized into a jump a moment after it is
 * registered, and an optimized probe resumes in the function whatever the
 * handler did to the registers: refusals would stop working after the
 * load-time proof. The kprobe core never optimizes a probe with a post
 * handler, so such probes get an empty one. Probes on ftrace, as on most
 * x86 kernels, are never optimized and get none: a post handler would
 * make them claim IPMODIFY on the function, which livepatch needs too.
 */
static void vaddr_post_nop(struct kprobe *p, struct pt_regs *regs,
			   unsigned long flags)
{
}

static int vaddr_register_probe(struct kprobe *p)
{
	int err = register_kprobe(p);

	if (err || kprobe_ftrace(p) || p->post_handler)
		return err;
	unregister_kprobe(p);
	p->addr = NULL;
	p->flags = 0;
	p->post_handler = vaddr_post_nop;
	return register_kprobe(p);
}

static struct kprobe *vaddr_probe_ptrs[VADDR_NR_PROBES];
static int vaddr_nr_probes;

/* Connects the probes missed since the module was loaded. */
u64 vaddr_connect_missed(void)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < vaddr_nr_probes; i++)
		sum += READ_ONCE(vaddr_probe_ptrs[i]->nmissed);
	return sum;
}

bool vaddr_refusal_works(void)
{
	return vaddr_refusal_proven;
}

/*
 * Refuse a connect (or a bind, @bind) of a throwaway kernel socket of
 * @family and @type through the probe of the function it reaches, and
 * check that the caller sees the refusal's error. The connect is
 * non-blocking, to a loopback address: were the refusal not to work, a
 * UDP socket would only connect and a TCP SYN go over lo; a bind would
 * take a loopback port, given back at once.
 */
static int vaddr_prove_one(int family, int type, bool bind, const char **what)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
		.sin6_port = htons(bind ? 0 : 9),
	};
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons(bind ? 0 : 9),
	};
	void *addr = family == AF_INET ? (void *)&sin : (void *)&sin6;
	int len = family == AF_INET ? sizeof(sin) : sizeof(sin6);
	struct socket *sock;
	int err;

	*what = bind ? family == AF_INET ? "bind" : "IPv6 bind" :
		family == AF_INET ?
		type == SOCK_STREAM ? "tcp_v4_connect" : "__ip4_datagram_connect" :
		type == SOCK_STREAM ? "tcp_v6_connect" : "__ip6_datagram_connect";
	err = sock_create_kern(&init_net, family, type, 0, &sock);
	if (err)
		/* IPv6 disabled at boot: nothing to refuse there. */
		return family == AF_INET6 && err == -EAFNOSUPPORT ? 0 : err;
	WRITE_ONCE(vaddr_proof_sk, sock->sk);
	if (bind)
		err = kernel_bind(sock, addr, len);
	else
		err = kernel_connect(sock, addr, len, O_NONBLOCK);
	WRITE_ONCE(vaddr_proof_sk, NULL);
	sock_release(sock);
	return err == VADDR_PROOF_ERR ? 0 : err ? : -EINVAL;
}

/*
 * Prove, on this kernel, that a connect and a bind can be refused through
 * each of the probes. A kernel whose functions no longer begin as
 * connect.c expects must not get isolation or fail-closed that only seem
 * to work.
 */
static void vaddr_prove_refusal(void)
{
	static const struct {
		int family, type;
		bool bind;
	} cases[] = {
		{ AF_INET, SOCK_STREAM }, { AF_INET, SOCK_DGRAM },
		{ AF_INET6, SOCK_STREAM }, { AF_INET6, SOCK_DGRAM },
		{ AF_INET, SOCK_STREAM, true }, { AF_INET6, SOCK_STREAM, true },
	};
	const char *what = "";
	int i, err = -EOPNOTSUPP;

	if (IS_ENABLED(CONFIG_X86_64)) {
		static_branch_enable(&vaddr_proving);
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			err = vaddr_prove_one(cases[i].family, cases[i].type,
					      cases[i].bind, &what);
			if (err)
				break;
		}
		static_branch_disable(&vaddr_proving);
	}
	vaddr_refusal_proven = !err;
	if (err)
		pr_warn("connect refusal does not work on this kernel (%s): a refused %s returned %d; isolation and fail-closed cannot be turned on\n",
			init_utsname()->release, what, err);
}

int vaddr_connect_init(void)
{
	struct kprobe *p;
	int err;

	for (p = vaddr_probes; p < vaddr_probes + VADDR_NR_PROBES; p++) {
		if (!p->symbol_name)
			continue;	/* no IPv6 */
		err = vaddr_register_probe(p);
		if (err == -ENOENT && p->pre_handler == vaddr_bind_sk_pre)
			continue;	/* a kernel before 6.7 */
		if (err) {
			pr_err("cannot attach to %s on this kernel (%s): error %d\n",
			       p->symbol_name, init_utsname()->release, err);
			vaddr_connect_exit();
			return err;
		}
		vaddr_probe_ptrs[vaddr_nr_probes++] = p;
	}
	vaddr_prove_refusal();
	return 0;
}

void vaddr_connect_exit(void)
{
	unregister_kprobes(vaddr_probe_ptrs, vaddr_nr_probes);
	vaddr_nr_probes = 0;
	/*
	 * No handler runs any more, but a task the refusal sent to
	 * vaddr_refused may have been preempted before its one instruction:
	 * wait until every task has been off the CPU of its own accord
	 * (ftrace waits the same way before it frees a trampoline).
	 */
	synchronize_rcu_tasks();
}
