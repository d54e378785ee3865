/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conntrack.c: conntrack references for nat.c and guard.c, and the end of
 * flows nat.c picks (a leaf).
 */
#ifndef _VADDR_CONNTRACK_H
#define _VADDR_CONNTRACK_H

#include <linux/types.h>

struct net;
struct nf_conn;

int vaddr_conntrack_get(struct net *net);
void vaddr_conntrack_put(struct net *net);
void vaddr_conntrack_end(struct net *net, bool (*pick)(struct nf_conn *ct));

#endif /* _VADDR_CONNTRACK_H */
