/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl_map.c: the handlers of uid and cgroup mappings.
 */
#ifndef _VADDR_NL_MAP_H
#define _VADDR_NL_MAP_H

#include <net/genetlink.h>

int vaddr_nl_uid_add(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_uid_del(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_uid_dump_start(struct netlink_callback *cb);
int vaddr_nl_uid_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vaddr_nl_uid_dump_done(struct netlink_callback *cb);
int vaddr_nl_cgroup_add(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_cgroup_del(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_cgroup_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VADDR_NL_MAP_H */
