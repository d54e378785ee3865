// SPDX-License-Identifier: GPL-2.0
/*
 * Facts about a socket that every hook asks: whether an address is local
 * to it, whether the program chose its source, whether a destination is
 * one vaddr serves, and whether it is a kernel socket vaddr leaves alone.
 * A leaf: it reads the socket and the host's addresses and routes,
 * nothing of vaddr's.
 *
 * Whether a virtual address is configured on the host right now: vaddr
 * never gives a socket an address the kernel would refuse to bind, so it
 * asks exactly what __inet_bind() and __inet6_bind() ask. Both lookups are
 * RCU and safe in atomic context.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/netdevice.h>
#include <linux/user_namespace.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/mptcp.h>
#include <net/route.h>
#include <net/sock.h>

#include "sock.h"

/* The type of @addr in the local table this socket binds from. */
static unsigned int vaddr_sk_addr_type4(const struct sock *sk, __be32 addr)
{
	struct net *net = sock_net(sk);
	u32 tb_id;

	tb_id = l3mdev_fib_table_by_index(net, sk->sk_bound_dev_if) ? :
		RT_TABLE_LOCAL;
	return inet_addr_type_table(net, addr, tb_id);
}

/* Is @addr a local address for this socket, as __inet_bind() checks? */
bool vaddr_sk_local4(const struct sock *sk, __be32 addr)
{
	return vaddr_sk_addr_type4(sk, addr) == RTN_LOCAL;
}

/* Is @addr a usable local address for this socket, as __inet6_bind() checks? */
bool vaddr_sk_local6(const struct sock *sk, const struct in6_addr *addr)
{
	struct net *net = sock_net(sk);
	struct net_device *dev = NULL;

	if (sk->sk_bound_dev_if) {
		dev = dev_get_by_index_rcu(net, sk->sk_bound_dev_if);
		if (!dev)
			return false;
	}
	return ipv6_chk_addr(net, addr, dev, 0);
}

/*
 * Kernel sockets are the kernel's own (TCP's control sockets, tunnels,
 * ...), except MPTCP subflows: the kernel creates them with
 * sock_create_kern() for a user's MPTCP socket, and they carry its
 * traffic. A subflow has its parent's cgroup, and the first one is
 * created when the program creates its socket, so its sk_uid is the
 * program's; they are judged as the program's own sockets. The others
 * are never auto-bound nor rewritten, and vaddr knows no owner of theirs:
 * guard.c judges what they start by the packet alone.
 */
bool vaddr_sk_exempt(const struct sock *sk)
{
	if (!sk->sk_kern_sock)
		return false;
	return sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	       !sk_is_mptcp(sk);
}

/* ::ffff:0.0.0.0, the wildcard of IPv4 on a dual-stack socket. */
static bool vaddr_v4mapped_any(const struct in6_addr *a)
{
	return ipv6_addr_v4mapped(a) && !a->s6_addr32[3];
}

/*
 * Whether the program chose the source address of @sk: bind() to an
 * address (or a cgroup hook's bpf_bind()) sets SOCK_BINDADDR_LOCK for
 * every address but 0.0.0.0 and ::. It sets it for ::ffff:0.0.0.0 too,
 * the v4-mapped wildcard, though that leaves the IPv4 source to the
 * kernel exactly as 0.0.0.0 does: such a socket has not chosen. Its
 * np->saddr keeps the wildcard until the connect function is done (TCP's
 * SYN leaves before, from inside tcp_v4_connect()); then the kernel puts
 * the source it picked there and keeps it, as if bound (the lock stays),
 * and vaddr can no longer tell: see connect.c for how auto-bind serves
 * such datagram sockets before that.
 */
bool vaddr_sk_addr_chosen(const struct sock *sk)
{
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		return false;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    vaddr_v4mapped_any(&inet6_sk(sk)->saddr))
		return false;
#endif
	return true;
}

/* Whether @addr, a socket's receive address, leaves it open to any. */
bool vaddr_sk_rcv_any6(const struct in6_addr *addr)
{
	return ipv6_addr_any(addr) || vaddr_v4mapped_any(addr);
}

/*
 * Vaddr's scope: the destinations it gives a domain's address for. The
 * rest are the host's, reached from the host's own address, and left
 * alone by auto-bind (connect.c), source rewriting (nat.c) and
 * fail-closed (guard.c) alike, all three through these two functions:
 *
 * - loopback: 127.0.0.0/8 and 0.0.0.0/8 (a connect to 0.0.0.0 is one to
 *   the host itself), ::1 and ::;
 * - link scope: link-local unicast (169.254.0.0/16, e.g. a cloud's
 *   metadata service at 169.254.169.254; fe80::/10), multicast
 *   (224.0.0.0/4, ff00::/8: mDNS, SSDP, routing protocols; a group is
 *   no peer that could tell domains apart) and broadcast: 255.255.255.255
 *   and the broadcast address of any subnet of the host.
 *
 * A subnet's broadcast address is known only from the routing tables:
 * the kernel puts a broadcast route in the local table for each one of
 * its addresses' subnets. A hook that has the packet's route (@skb, at
 * LOCAL_OUT and POSTROUTING) takes its type; the connect probe, which
 * runs before the route is chosen, asks the local table the socket
 * binds from (as vaddr_sk_local4() does), which is where that route's
 * type comes from. It asks for a socket with SO_BROADCAST only: the
 * kernel fails the connect of any other to a broadcast address once it
 * has the route (EACCES for a datagram socket, ENETUNREACH for TCP),
 * whatever its source, so for those the answer changes nothing but the
 * counter the failed connect lands in. A subnet of another host's, known
 * to this host only as a prefix it routes to, is unicast to both: as to
 * the kernel itself.
 */
enum vaddr_scope vaddr_scope4(const struct sock *sk, __be32 daddr,
			      const struct sk_buff *skb)
{
	unsigned int type;

	if (ipv4_is_loopback(daddr) || ipv4_is_zeronet(daddr))
		return VADDR_SCOPE_LOOPBACK;
	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr) ||
	    ipv4_is_linklocal_169(daddr))
		return VADDR_SCOPE_LINK;
	if (skb && skb_rtable(skb))
		type = skb_rtable(skb)->rt_type;
	else if (skb || sock_flag(sk, SOCK_BROADCAST))
		type = vaddr_sk_addr_type4(sk, daddr);
	else
		type = RTN_UNICAST;
	return type == RTN_BROADCAST ? VADDR_SCOPE_LINK : VADDR_SCOPE_GLOBAL;
}

/* The same for IPv6, which has no broadcast. */
enum vaddr_scope vaddr_scope6(const struct in6_addr *daddr)
{
	int type = ipv6_addr_type(daddr);

	if (type == IPV6_ADDR_ANY || (type & IPV6_ADDR_LOOPBACK))
		return VADDR_SCOPE_LOOPBACK;
	if (type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL))
		return VADDR_SCOPE_LINK;
	return VADDR_SCOPE_GLOBAL;
}
