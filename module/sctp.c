// SPDX-License-Identifier: GPL-2.0
/*
 * The addresses an SCTP INIT or INIT-ACK lists. An association may use
 * every address its INIT chunk (or, on the server's side, its INIT-ACK
 * chunk) lists, beside the packet's source, as its own: the peer sends to
 * them and takes packets from them. A socket that is not bound to
 * addresses of its own (wildcard or unbound) lists every local address of
 * its namespace, the host's and every domain's; source NAT rewrites only
 * the IP header. guard.c judges each listed address as a source.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "sctp.h"

/* Where the SCTP header of @skb starts, or -1 when it is no SCTP packet. */
static int vaddr_sctp_offset(const struct sk_buff *skb, int family)
{
	__be16 frag_off;
	u8 proto;
	int off;

	if (family == AF_INET) {
		if (ip_hdr(skb)->protocol != IPPROTO_SCTP ||
		    ip_is_fragment(ip_hdr(skb)))
			return -1;
		return skb_network_offset(skb) + ip_hdrlen(skb);
	}
	proto = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
			       sizeof(struct ipv6hdr), &proto, &frag_off);
	if (off < 0 || proto != IPPROTO_SCTP || frag_off)
		return -1;
	return off;
}

/*
 * Call @fn for each IPv4 and IPv6 address parameter of @skb's INIT chunk
 * (and INIT-ACK chunk, if @init_ack: they share their layout, and either
 * is the only chunk of its packet, RFC 9260 6.10), until it returns an
 * error, which is returned. 0 for any other packet. At LOCAL_OUT the
 * packet is whole: the IP layer fragments it later.
 */
int vaddr_sctp_init_addrs(const struct sk_buff *skb, int family,
			  bool init_ack,
			  int (*fn)(int family, const void *addr, void *arg),
			  void *arg)
{
	const struct sctp_chunkhdr *ch;
	const struct sctp_paramhdr *ph;
	struct sctp_chunkhdr _ch;
	struct sctp_paramhdr _ph;
	struct in6_addr _addr;
	unsigned int off, end, len;
	const void *addr;
	int err, start;

	start = vaddr_sctp_offset(skb, family);
	if (start < 0)
		return 0;
	off = start + sizeof(struct sctphdr);
	ch = skb_header_pointer(skb, off, sizeof(_ch), &_ch);
	if (!ch || (ch->type != SCTP_CID_INIT &&
		    (!init_ack || ch->type != SCTP_CID_INIT_ACK)))
		return 0;
	end = min_t(unsigned int, off + ntohs(ch->length), skb->len);
	off += sizeof(*ch) + sizeof(struct sctp_inithdr);
	while (off + sizeof(_ph) <= end) {
		ph = skb_header_pointer(skb, off, sizeof(_ph), &_ph);
		if (!ph)
			break;
		len = ntohs(ph->length);
		if (len < sizeof(_ph))
			break;
		addr = NULL;
		if (ph->type == SCTP_PARAM_IPV4_ADDRESS &&
		    len == sizeof(_ph) + sizeof(__be32))
			addr = skb_header_pointer(skb, off + sizeof(_ph),
						  sizeof(__be32), &_addr);
		else if (ph->type == SCTP_PARAM_IPV6_ADDRESS &&
			 len == sizeof(_ph) + sizeof(_addr))
			addr = skb_header_pointer(skb, off + sizeof(_ph),
						  sizeof(_addr), &_addr);
		if (addr) {
			err = fn(len == sizeof(_ph) + sizeof(__be32) ?
				 AF_INET : AF_INET6, addr, arg);
			if (err)
				return err;
		}
		off += ALIGN(len, 4);
	}
	return 0;
}
