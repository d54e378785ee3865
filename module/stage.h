/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stage.c: replacement tables being built aside, one per netlink socket.
 */
#ifndef _VADDR_STAGE_H
#define _VADDR_STAGE_H

/* Replacements open at once in one namespace. */
#define VADDR_STAGES_MAX	16

#include <linux/types.h>

struct vaddr_net;
struct vaddr_table;

int vaddr_stage_init(void);
void vaddr_stage_exit(void);
unsigned long vaddr_stages_size(struct vaddr_net *vn);
int vaddr_stage_begin(struct vaddr_net *vn, u32 portid, const void *owner);
struct vaddr_table *vaddr_stage_table(struct vaddr_net *vn, u32 portid,
				      const void *owner);
struct vaddr_table *vaddr_stage_take(struct vaddr_net *vn, u32 portid,
				     const void *owner);
int vaddr_stage_abort(struct vaddr_net *vn, u32 portid, const void *owner);
void vaddr_stage_flush(struct vaddr_net *vn);

#endif /* _VADDR_STAGE_H */
