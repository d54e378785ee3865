// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack references. Conntrack runs in a namespace only while someone
 * asks for it there; nat.c asks while its hooks rewrite, guard.c while its
 * output hooks need to tell replies from what a socket starts. A leaf
 * both use, so that neither calls the other. And the end of flows whose
 * entries nat.c picks, with their local sockets.
 */
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/tcp.h>

#include "compat.h"
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

/*
 * Ending flows. Conntrack's iterator calls its function under a bucket
 * lock with bottom halves off, and tcp_abort() takes the socket's lock,
 * which sleeps: so the entries are collected first (referenced, a batch at
 * a time) and ended afterwards, in process context.
 */
#define VADDR_CT_BATCH	64

struct vaddr_ct_batch {
	bool (*pick)(struct nf_conn *ct);
	unsigned int n;
	struct nf_conn *ct[VADDR_CT_BATCH];
};

static int vaddr_ct_collect(struct nf_conn *ct, void *data)
{
	struct vaddr_ct_batch *b = data;

	if (b->n == VADDR_CT_BATCH || nf_ct_is_dying(ct) || !b->pick(ct))
		return 0;
	/* In the hash, under its lock: the table's reference holds it. */
	nf_conntrack_get(&ct->ct_general);
	b->ct[b->n++] = ct;
	return 0;
}

/* The local TCP socket that sends the original direction of @ct. */
static struct sock *vaddr_ct_sock(struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *t =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct net *net = nf_ct_net(ct);
	struct sock *sk;

	if (nf_ct_protonum(ct) != IPPROTO_TCP)
		return NULL;
	rcu_read_lock();
	if (nf_ct_l3num(ct) == NFPROTO_IPV4)
		sk = vaddr_tcp_lookup4(net, t->src.u3.ip, t->src.u.tcp.port,
				       t->dst.u3.ip, t->dst.u.tcp.port);
	else
		sk = vaddr_tcp_lookup6(net, &t->src.u3.in6, t->src.u.tcp.port,
				       &t->dst.u3.in6, t->dst.u.tcp.port);
	rcu_read_unlock();
	return sk;
}

/*
 * End what sends through @ct: its local TCP socket is aborted, as
 * `ss --kill` does (ECONNABORTED for the program, a reset for the remote,
 * which leaves through @ct and its translation), then the entry goes, so
 * that nothing can pick its translation up again. A UDP, ICMP or raw
 * socket only loses the entry.
 */
static void vaddr_ct_end(struct nf_conn *ct)
{
	struct sock *sk = vaddr_ct_sock(ct);

	if (sk) {
		if (sk_fullsock(sk))
			tcp_abort(sk, ECONNABORTED);
		sock_gen_put(sk);
	}
	nf_ct_kill(ct);
	nf_ct_put(ct);
}

/*
 * End every flow of @net whose entry @pick chooses (called under a
 * conntrack lock: it must not sleep). Process context.
 */
void vaddr_conntrack_end(struct net *net, bool (*pick)(struct nf_conn *ct))
{
	struct vaddr_ct_batch *b;
	unsigned int i;

	b = kmalloc(sizeof(*b), GFP_KERNEL | __GFP_NOFAIL);
	b->pick = pick;
	do {
		b->n = 0;
		vaddr_ct_cleanup(net, vaddr_ct_collect, b);
		for (i = 0; i < b->n; i++)
			vaddr_ct_end(b->ct[i]);
		cond_resched();
	} while (b->n == VADDR_CT_BATCH);
	kfree(b);
}
