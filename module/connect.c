// SPDX-License-Identifier: GPL-2.0
/*
 * Auto-bind at connect.
 *
 * Loadable modules cannot register LSM hooks, so vaddr puts kretprobes on
 * the protocol connect functions. Each of them runs with the socket locked
 * by its owner, right after the kernel's own cgroup connect hook
 * (BPF_CGROUP_INET{4,6}_CONNECT, the one whose bpf_bind() does what vaddr
 * does) and before the route and the source port are chosen:
 *
 * tcp_v4_connect: called by __inet_stream_connect() for connect() and for
 *	sendto(MSG_FASTOPEN) (tcp_sendmsg_fastopen()), with sk_state
 *	TCP_CLOSE, and by tcp_v6_connect() for a v4-mapped destination once
 *	it has refused v6-only sockets. It routes from inet_saddr.
 * tcp_v6_connect: the same for IPv6 destinations. It routes from
 *	sk_v6_rcv_saddr.
 * __ip4_datagram_connect: called by ip4_datagram_connect() (UDP, UDP-Lite,
 *	ICMP datagram sockets) after inet_autobind() gave the socket a port,
 *	and by __ip6_datagram_connect() for v4-mapped destinations. It routes
 *	from inet_saddr, then sets inet_rcv_saddr and rehashes the socket.
 * __ip6_datagram_connect: called by ip6_datagram_connect() (UDPv6, ICMPv6
 *	datagram sockets). It routes from np->saddr, then sets
 *	sk_v6_rcv_saddr and rehashes the socket.
 *
 * The entry handler gives an unbound socket of a mapped owner its domain's
 * address, in the fields the function routes from. Stream sockets have no
 * port yet and sit in no hash table, so vaddr sets every address field as
 * __inet_bind()/__inet6_bind() do with IP_BIND_ADDRESS_NO_PORT; datagram
 * sockets are already hashed by port, so vaddr sets only the source and
 * lets the function set the receive address and rehash, as it does for an
 * address it picked itself. SOCK_BINDADDR_LOCK and ipv6only are left as
 * they are: the address is the kernel's choice made differently, not the
 * program's, so a disconnect or a failed connect clears it and the next
 * connect chooses anew. When the connect fails, the return handler takes
 * the address back if the function left it in place, so a failed connect
 * leaves the socket as it found it. Everything here runs in atomic
 * context: lookups are RCU, counters per CPU, nothing sleeps.
 *
 * Kernel sockets are left alone, except MPTCP subflows (see
 * vaddr_sk_exempt()): an MPTCP socket's connect() connects its first
 * subflow through tcp_v4_connect()/tcp_v6_connect(), and bind() binds
 * that subflow, so the subflow is judged and auto-bound as the program's.
 *
 * With isolation or fail-closed (isolation.c), the entry handler may also
 * refuse the connect: a source the program bound that belongs to another
 * domain, or a fail-closed domain that cannot be served. See
 * vaddr_refuse_connect() for how.
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>

#include "vaddr.h"

/*
 * What the entry handler did, for the return handler: the address it set,
 * to take back, or the errno of a refused connect.
 */
struct vaddr_undo {
	struct sock *sk;
	int refuse;
	bool stream;
	bool v6;
	__be32 addr4;
	struct in6_addr addr6;
};

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

static bool vaddr_sk_v6_bound(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return !ipv6_addr_any(&sk->sk_v6_rcv_saddr) ||
		       !ipv6_addr_any(&inet6_sk(sk)->saddr);
#endif
	return false;
}

/*
 * Whether the program chose the source itself. Stream sockets are bound
 * when they have an address or a port. Datagram sockets always have a port
 * here (inet_autobind()), so only a port the program asked for counts.
 */
static bool vaddr_sk_bound(const struct sock *sk, bool stream)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (inet->inet_rcv_saddr || inet->inet_saddr || vaddr_sk_v6_bound(sk))
		return true;
	if (stream)
		return inet->inet_num;
	return sk->sk_userlocks & (SOCK_BINDADDR_LOCK | SOCK_BINDPORT_LOCK);
}

static enum vaddr_stat vaddr_verdict4(const struct sock *sk,
				      const struct vaddr_domain *d,
				      __be32 daddr, bool stream)
{
	if (vaddr_sk_exempt(sk))
		return VADDR_STAT_SKIP_KERNEL;
	if (vaddr_sk_bound(sk, stream))
		return VADDR_STAT_SKIP_BOUND;
	if (ipv4_is_loopback(daddr) || ipv4_is_zeronet(daddr))
		return VADDR_STAT_SKIP_LOOPBACK;
	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr))
		return VADDR_STAT_SKIP_SCOPE;
	if (!d->has4)
		return VADDR_STAT_SKIP_NO_ADDR;
	if (!vaddr_local4(sk, d->addr4))
		return VADDR_STAT_SKIP_ADDR_GONE;
	return VADDR_STAT_BOUND4;
}

static enum vaddr_stat vaddr_verdict6(const struct sock *sk,
				      const struct vaddr_domain *d,
				      int daddr_type, bool stream)
{
	if (vaddr_sk_exempt(sk))
		return VADDR_STAT_SKIP_KERNEL;
	if (vaddr_sk_bound(sk, stream))
		return VADDR_STAT_SKIP_BOUND;
	if (daddr_type == IPV6_ADDR_ANY || (daddr_type & IPV6_ADDR_LOOPBACK))
		return VADDR_STAT_SKIP_LOOPBACK;
	if (daddr_type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL))
		return VADDR_STAT_SKIP_SCOPE;
	if (!d->has6)
		return VADDR_STAT_SKIP_NO_ADDR;
	if (!vaddr_local6(sk, &d->addr6))
		return VADDR_STAT_SKIP_ADDR_GONE;
	return VADDR_STAT_BOUND6;
}

static void vaddr_bind4(struct sock *sk, __be32 addr, bool stream)
{
	struct inet_sock *inet = inet_sk(sk);

	inet->inet_saddr = addr;
	if (!stream)
		return;
	inet->inet_rcv_saddr = addr;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		ipv6_addr_set_v4mapped(addr, &sk->sk_v6_rcv_saddr);
		ipv6_addr_set_v4mapped(addr, &inet6_sk(sk)->saddr);
	}
#endif
	sk_dst_reset(sk);
}

static void vaddr_unbind4(struct sock *sk, __be32 addr, bool stream)
{
	struct inet_sock *inet = inet_sk(sk);

	if (inet->inet_saddr != addr)
		return;
	if (stream) {
		/* With a port, the function has hashed the address: keep it. */
		if (!inet->inet_num)
			inet_reset_saddr(sk);
	} else if (!inet->inet_rcv_saddr) {
		inet->inet_saddr = 0;
	}
}

#if IS_ENABLED(CONFIG_IPV6)
static void vaddr_bind6(struct sock *sk, const struct in6_addr *addr,
			bool stream)
{
	struct inet_sock *inet = inet_sk(sk);

	inet6_sk(sk)->saddr = *addr;
	if (!stream)
		return;
	sk->sk_v6_rcv_saddr = *addr;
	/* As __inet6_bind(): no IPv4 address matches this socket. */
	inet->inet_rcv_saddr = LOOPBACK4_IPV6;
	inet->inet_saddr = LOOPBACK4_IPV6;
	sk_dst_reset(sk);
}

static void vaddr_unbind6(struct sock *sk, const struct in6_addr *addr,
			  bool stream)
{
	struct ipv6_pinfo *np = inet6_sk(sk);

	if (!ipv6_addr_equal(&np->saddr, addr))
		return;
	if (stream) {
		if (!inet_sk(sk)->inet_num)
			inet_reset_saddr(sk);
	} else if (ipv6_addr_any(&sk->sk_v6_rcv_saddr)) {
		np->saddr = in6addr_any;
	}
}
#endif

/*
 * Refusing a connect. A kretprobe cannot skip the function it probes, so
 * the entry handler makes the function fail its own first check, before
 * it has touched anything: tcp_v4_connect(), tcp_v6_connect() and
 * __ip4_datagram_connect() begin with "if (addr_len < sizeof(...)) return
 * -EINVAL;", and __ip6_datagram_connect() does too once it has handed
 * AF_INET addresses to __ip4_datagram_connect() (probed itself). The
 * handler sets addr_len, the third argument, to 0 in the registers the
 * probe restores when it resumes the function, and the return handler
 * replaces the -EINVAL with the errno vaddr means. The caller sees a
 * connect that failed like any other, and the socket is as it was; TCP
 * Fast Open's sendto() fails the same way. Which register holds an
 * argument depends on the architecture and the kernel has no setter for
 * it, so this is done on x86-64 (rdx) only; elsewhere connects are not
 * refused and the output hook of isolation.c refuses what they send.
 */
static const bool vaddr_can_refuse = IS_ENABLED(CONFIG_X86_64);

static int vaddr_refuse_connect(struct kretprobe_instance *ri,
				struct pt_regs *regs, struct sock *sk, int err)
{
	struct vaddr_undo *undo = (struct vaddr_undo *)ri->data;

#ifdef CONFIG_X86_64
	regs->dx = 0;
#endif
	undo->sk = sk;
	undo->refuse = err;
	return 0;
}

/* The source the program bound for IPv4 destinations, or 0. */
static __be32 vaddr_bound_src4(const struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	return inet->inet_saddr ? : inet->inet_rcv_saddr;
}

/* Entry of tcp_v4_connect() and __ip4_datagram_connect(). */
static int vaddr_connect4(struct kretprobe_instance *ri, struct pt_regs *regs,
			  bool stream)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	const struct sockaddr_in *usin =
		(const struct sockaddr_in *)regs_get_kernel_argument(regs, 1);
	int addr_len = (int)regs_get_kernel_argument(regs, 2);
	struct vaddr_undo *undo = (struct vaddr_undo *)ri->data;
	enum vaddr_stat verdict = VADDR_STAT_UNSPEC;
	bool lo, exempt, guard;
	struct vaddr_domain *d;
	__be32 daddr, src;
	int err = 0;

	guard = vaddr_can_refuse && static_branch_unlikely(&vaddr_guarded);
	if (!static_branch_unlikely(&vaddr_active) && !guard)
		return 1;
	/* The function's own checks; it fails right after them otherwise. */
	if (addr_len < (int)sizeof(*usin) || usin->sin_family != AF_INET)
		return 1;
	if (!stream && !vaddr_dgram_supported(sk))
		return 1;
	daddr = usin->sin_addr.s_addr;
	lo = ipv4_is_loopback(daddr) || ipv4_is_zeronet(daddr);
	exempt = lo || ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr) ||
		 ipv4_is_linklocal_169(daddr);
	src = vaddr_bound_src4(sk);
	guard = guard && !vaddr_sk_exempt(sk);

	rcu_read_lock();
	d = vaddr_sock_domain(sk);
	if (guard && src && !lo)
		err = vaddr_isolation_check(sk, d, AF_INET, &src);
	if (d) {
		verdict = vaddr_verdict4(sk, d, daddr, stream);
		if (!err && guard && verdict != VADDR_STAT_BOUND4)
			err = vaddr_fail_closed_check(sk, d, AF_INET,
						      src ? &src : NULL,
						      exempt, NULL);
		if (!err)
			vaddr_count(d, verdict);
	}
	if (!err && verdict == VADDR_STAT_BOUND4) {
		undo->sk = sk;
		undo->refuse = 0;
		undo->stream = stream;
		undo->v6 = false;
		undo->addr4 = d->addr4;
		vaddr_bind4(sk, undo->addr4, stream);
	}
	rcu_read_unlock();
	if (err)
		return vaddr_refuse_connect(ri, regs, sk, err);
	return verdict != VADDR_STAT_BOUND4;
}

#if IS_ENABLED(CONFIG_IPV6)
/* The source the program bound for IPv6 destinations, or NULL. */
static const struct in6_addr *vaddr_bound_src6(struct sock *sk)
{
	if (!ipv6_addr_any(&inet6_sk(sk)->saddr))
		return &inet6_sk(sk)->saddr;
	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		return &sk->sk_v6_rcv_saddr;
	return NULL;
}
#endif

/* Entry of tcp_v6_connect() and __ip6_datagram_connect(). */
static int vaddr_connect6(struct kretprobe_instance *ri, struct pt_regs *regs,
			  bool stream)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	const struct sockaddr_in6 *usin =
		(const struct sockaddr_in6 *)regs_get_kernel_argument(regs, 1);
	int addr_len = (int)regs_get_kernel_argument(regs, 2);
	struct vaddr_undo *undo = (struct vaddr_undo *)ri->data;
	enum vaddr_stat verdict = VADDR_STAT_UNSPEC;
	const struct in6_addr *src;
	struct vaddr_domain *d;
	bool lo, exempt, guard;
	int type, err = 0;

	guard = vaddr_can_refuse && static_branch_unlikely(&vaddr_guarded);
	if (!static_branch_unlikely(&vaddr_active) && !guard)
		return 1;
	/*
	 * IPv4 and v4-mapped destinations go on to tcp_v4_connect() or
	 * __ip4_datagram_connect(), whose probe handles them.
	 */
	if (addr_len < SIN6_LEN_RFC2133 || usin->sin6_family != AF_INET6)
		return 1;
	type = ipv6_addr_type(&usin->sin6_addr);
	if (type & IPV6_ADDR_MAPPED)
		return 1;
	if (!stream && !vaddr_dgram_supported(sk))
		return 1;
	lo = type == IPV6_ADDR_ANY || (type & IPV6_ADDR_LOOPBACK);
	exempt = lo || (type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL));
	src = vaddr_bound_src6(sk);
	guard = guard && !vaddr_sk_exempt(sk);

	rcu_read_lock();
	d = vaddr_sock_domain(sk);
	if (guard && src && !lo)
		err = vaddr_isolation_check(sk, d, AF_INET6, src);
	if (d) {
		verdict = vaddr_verdict6(sk, d, type, stream);
		if (!err && guard && verdict != VADDR_STAT_BOUND6)
			err = vaddr_fail_closed_check(sk, d, AF_INET6, src,
						      exempt, NULL);
		if (!err)
			vaddr_count(d, verdict);
	}
	if (!err && verdict == VADDR_STAT_BOUND6) {
		undo->sk = sk;
		undo->refuse = 0;
		undo->stream = stream;
		undo->v6 = true;
		undo->addr6 = d->addr6;
		vaddr_bind6(sk, &undo->addr6, stream);
	}
	rcu_read_unlock();
	if (err)
		return vaddr_refuse_connect(ri, regs, sk, err);
	return verdict != VADDR_STAT_BOUND6;
#else
	return 1;
#endif
}

/*
 * Return of a connect that vaddr bound or refused: take the address back
 * on error, or give the refusal's errno.
 */
static int vaddr_connect_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct vaddr_undo *undo = (struct vaddr_undo *)ri->data;
	int ret = (int)regs_return_value(regs);	/* the functions return int */

	if (undo->refuse) {
		/* It failed the addr_len check: say why it was refused. */
		if (ret == -EINVAL)
			regs_set_return_value(regs, undo->refuse);
		return 0;
	}
	if (ret >= 0)
		return 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (undo->v6) {
		vaddr_unbind6(undo->sk, &undo->addr6, undo->stream);
		return 0;
	}
#endif
	vaddr_unbind4(undo->sk, undo->addr4, undo->stream);
	return 0;
}

static int vaddr_tcp4_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	return vaddr_connect4(ri, regs, true);
}

static int vaddr_dgram4_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	return vaddr_connect4(ri, regs, false);
}

static int vaddr_tcp6_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	return vaddr_connect6(ri, regs, true);
}

static int vaddr_dgram6_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	return vaddr_connect6(ri, regs, false);
}

#define VADDR_PROBE(sym, entry) {				\
	.kp.symbol_name = sym,					\
	.entry_handler = entry,					\
	.handler = vaddr_connect_return,			\
	.data_size = sizeof(struct vaddr_undo),			\
}

static struct kretprobe vaddr_probes[] = {
	VADDR_PROBE("tcp_v4_connect", vaddr_tcp4_entry),
	VADDR_PROBE("__ip4_datagram_connect", vaddr_dgram4_entry),
#if IS_ENABLED(CONFIG_IPV6)
	VADDR_PROBE("tcp_v6_connect", vaddr_tcp6_entry),
	VADDR_PROBE("__ip6_datagram_connect", vaddr_dgram6_entry),
#endif
};

static struct kretprobe *vaddr_probe_ptrs[ARRAY_SIZE(vaddr_probes)];

int vaddr_connect_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(vaddr_probes); i++) {
		/*
		 * An instance lives from entry to return of a connect that
		 * vaddr bound; none of these functions waits for the network,
		 * so a few per CPU are plenty.
		 */
		vaddr_probes[i].maxactive = 16 + 4 * num_possible_cpus();
		err = register_kretprobe(&vaddr_probes[i]);
		if (err) {
			pr_err("cannot attach to %s (error %d)\n",
			       vaddr_probes[i].kp.symbol_name, err);
			goto err_unwind;
		}
		vaddr_probe_ptrs[i] = &vaddr_probes[i];
	}
	return 0;

err_unwind:
	if (i)
		unregister_kretprobes(vaddr_probe_ptrs, i);
	return err;
}

void vaddr_connect_exit(void)
{
	int i;

	unregister_kretprobes(vaddr_probe_ptrs, ARRAY_SIZE(vaddr_probe_ptrs));
	for (i = 0; i < ARRAY_SIZE(vaddr_probes); i++)
		if (vaddr_probes[i].nmissed)
			pr_info("%s: %d connects missed\n",
				vaddr_probes[i].kp.symbol_name,
				vaddr_probes[i].nmissed);
}
