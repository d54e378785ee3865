/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nat.c: source rewriting through the NAT core.
 */
#ifndef _VADDR_NAT_H
#define _VADDR_NAT_H

#include <linux/types.h>

struct vaddr_net;

int vaddr_nat_sync(struct vaddr_net *vn, bool want);

#endif /* _VADDR_NAT_H */
