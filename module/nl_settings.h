/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl_settings.c: the handlers of settings, the isolation allow list, whoami.
 */
#ifndef _VADDR_NL_SETTINGS_H
#define _VADDR_NL_SETTINGS_H

#include <net/genetlink.h>

int vaddr_nl_settings_set(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_settings_get(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_allow_add(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_allow_del(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_allow_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vaddr_nl_whoami(struct sk_buff *skb, struct genl_info *info);

#endif /* _VADDR_NL_SETTINGS_H */
