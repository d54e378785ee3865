// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack references. Conntrack runs in a namespace only while someone
 * asks for it there; nat.c asks while its hooks rewrite, guard.c while its
 * output hooks need to tell replies from what a socket starts. A leaf
 * both use, so that neither calls the other.
 */
#include <linux/netfilter.h>
#include <net/netfilter/nf_conntrack.h>

#include "conntrack.h"

/* Conntrack for both families in @net, for as long as a hook needs it. */
int vaddr_conntrack_get(struct net *net)
{
	int err;

	err = nf_ct_netns_get(net, NFPROTO_IPV4);
	if (err)
		return err;
	err = nf_ct_netns_get(net, NFPROTO_IPV6);
	if (err)
		nf_ct_netns_put(net, NFPROTO_IPV4);
	return err;
}

void vaddr_conntrack_put(struct net *net)
{
	nf_ct_netns_put(net, NFPROTO_IPV6);
	nf_ct_netns_put(net, NFPROTO_IPV4);
}
