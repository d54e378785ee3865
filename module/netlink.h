/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netlink.c: the "vaddr" generic netlink family.
 */
#ifndef _VADDR_NETLINK_H
#define _VADDR_NETLINK_H

#include <net/genetlink.h>

/* What nl.c sends its messages on. */
extern struct genl_family vaddr_genl_family;

int vaddr_genl_init(void);
void vaddr_genl_exit(void);

#endif /* _VADDR_NETLINK_H */
