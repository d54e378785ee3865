// SPDX-License-Identifier: GPL-2.0
/*
 * The eBPF peer of the benchmarks: what a user could run instead of vaddr.
 * cgroup connect4/connect6 programs, attached to the root cgroup by
 * bpf-peer.c, bind the socket of a caller whose uid is in the map "uids" to
 * that uid's address with bpf_bind() (port 0: the port is still chosen at
 * connect), before the kernel picks a source. Like vaddr's auto-bind, they
 * leave loopback destinations and sockets already bound alone, and an IPv6
 * socket connecting to a v4-mapped address gets the IPv4 address.
 *
 * Built with clang -target bpf against the UAPI headers and libbpf's
 * bpf_helpers.h; no BTF of the running kernel needed.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET		2
#define AF_INET6	10

/* As bpf-peer.c fills it: a uid's addresses, network order. */
struct peer_addrs {
	__u32 addr4;
	__u32 addr6[4];
	__u8 has4;
	__u8 has6;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);		/* bpf-peer sets it to the table's size */
	__type(key, __u32);
	__type(value, struct peer_addrs);
} uids SEC(".maps");

static __always_inline struct peer_addrs *peer_lookup(struct bpf_sock_addr *ctx)
{
	__u32 uid = (__u32)bpf_get_current_uid_gid();

	/* Bound to a port by the program: its choice stands. */
	if (ctx->sk->src_port)
		return 0;
	return bpf_map_lookup_elem(&uids, &uid);
}

SEC("cgroup/connect4")
int peer_connect4(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct peer_addrs *a;

	if ((bpf_ntohl(ctx->user_ip4) >> 24) == 127)
		return 1;
	a = peer_lookup(ctx);
	if (!a || !a->has4 || ctx->sk->src_ip4)
		return 1;
	sin.sin_addr.s_addr = a->addr4;
	bpf_bind(ctx, (struct sockaddr *)&sin, sizeof(sin));
	return 1;
}

SEC("cgroup/connect6")
int peer_connect6(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	__u32 d0 = ctx->user_ip6[0], d1 = ctx->user_ip6[1];
	__u32 d2 = ctx->user_ip6[2], d3 = ctx->user_ip6[3];
	struct bpf_sock *sk = ctx->sk;
	struct peer_addrs *a;

	if (!d0 && !d1 && !d2 && d3 == bpf_htonl(1))
		return 1;			/* ::1 */
	a = peer_lookup(ctx);
	if (!a)
		return 1;
	if (sk->src_ip6[0] | sk->src_ip6[1] | sk->src_ip6[2] | sk->src_ip6[3])
		return 1;
	if (!d0 && !d1 && d2 == bpf_htonl(0xffff)) {
		/* v4-mapped: the IPv4 address, v4-mapped too */
		if (!a->has4 || (bpf_ntohl(d3) >> 24) == 127)
			return 1;
		sin6.sin6_addr.in6_u.u6_addr32[2] = bpf_htonl(0xffff);
		sin6.sin6_addr.in6_u.u6_addr32[3] = a->addr4;
	} else {
		if (!a->has6)
			return 1;
		__builtin_memcpy(&sin6.sin6_addr, a->addr6, sizeof(a->addr6));
	}
	bpf_bind(ctx, (struct sockaddr *)&sin6, sizeof(sin6));
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
