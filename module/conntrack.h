/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conntrack.c: conntrack references for nat.c and guard.c (a leaf).
 */
#ifndef _VADDR_CONNTRACK_H
#define _VADDR_CONNTRACK_H

struct net;

int vaddr_conntrack_get(struct net *net);
void vaddr_conntrack_put(struct net *net);

#endif /* _VADDR_CONNTRACK_H */
