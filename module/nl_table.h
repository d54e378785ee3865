/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl_table.c: the handlers of the whole table: flush and replace.
 */
#ifndef _VADDR_NL_TABLE_H
#define _VADDR_NL_TABLE_H

#include <net/genetlink.h>

int vaddr_nl_flush(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_replace_begin(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_replace_commit(struct sk_buff *skb, struct genl_info *info);
int vaddr_nl_replace_abort(struct sk_buff *skb, struct genl_info *info);

#endif /* _VADDR_NL_TABLE_H */
