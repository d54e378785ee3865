/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl_domain.c: the handlers of domains and their counters.
 */
#ifndef _VADDR_NL_DOMAIN_H
#define _VADDR_NL_DOMAIN_H

#include <net/genetlink.h>

int vaddr_nl_domain_new(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_domain_del(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_domain_set(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_domain_get(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_domain_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vaddr_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VADDR_NL_DOMAIN_H */
