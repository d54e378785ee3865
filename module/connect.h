/* SPDX-License-Identifier: GPL-2.0 */
/*
 * connect.c: auto-bind at connect, and refusing a connect or a bind.
 */
#ifndef _VADDR_CONNECT_H
#define _VADDR_CONNECT_H

#include <linux/types.h>

int vaddr_connect_init(void);
void vaddr_connect_exit(void);
bool vaddr_refusal_works(void);
u64 vaddr_connect_missed(void);

#endif /* _VADDR_CONNECT_H */
