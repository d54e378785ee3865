/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sctp.c: the addresses an SCTP INIT or INIT-ACK lists (a leaf: it only
 * reads packets).
 */
#ifndef _VADDR_SCTP_H
#define _VADDR_SCTP_H

#include <linux/types.h>

struct sk_buff;

int vaddr_sctp_init_addrs(const struct sk_buff *skb, int family,
			  bool init_ack,
			  int (*fn)(int family, const void *addr, void *arg),
			  void *arg);

#endif /* _VADDR_SCTP_H */
