/* SPDX-License-Identifier: GPL-2.0 */
/*
 * table.c: a namespace's table of domains and uid and cgroup mappings,
 * and the lookups the hooks make in it. Depends on stats.c, sock.c and
 * uids.c.
 */
#ifndef _VADDR_TABLE_H
#define _VADDR_TABLE_H

#include "vaddr.h"

struct sock;

int vaddr_table_init(void);
void vaddr_table_exit(void);

struct vaddr_table *vaddr_table_alloc(void);
void vaddr_table_free(struct vaddr_table *t);
struct vaddr_table *vaddr_table_locked(struct vaddr_net *vn);
void vaddr_table_replace(struct vaddr_net *vn, struct vaddr_table *t);
void vaddr_table_keep_stats(struct vaddr_table *t, struct vaddr_table *old);
unsigned long vaddr_table_size(struct vaddr_table *t);
bool vaddr_table_over(unsigned long n);

bool vaddr_domain_name_valid(const char *name);
int vaddr_domain_add(struct vaddr_table *t, const char *name,
		     const __be32 *addr4, const struct in6_addr *addr6);
void vaddr_domain_del(struct vaddr_table *t, struct vaddr_domain *d);
void vaddr_domain_set_fail_closed(struct vaddr_table *t,
				  struct vaddr_domain *d, bool on);
struct vaddr_domain *vaddr_domain_find(struct vaddr_table *t,
				       const char *name);
struct vaddr_domain *vaddr_domain_by_addr4(struct vaddr_table *t,
					   __be32 addr);
struct vaddr_domain *vaddr_domain_by_addr6(struct vaddr_table *t,
					   const struct in6_addr *addr);
int vaddr_domain_foreach(struct vaddr_table *t, unsigned long *pos,
			 int (*fn)(unsigned long index, struct vaddr_domain *d,
				   void *arg),
			 void *arg);

int vaddr_uid_add(struct vaddr_table *t, kuid_t uid, struct vaddr_domain *d);
int vaddr_uid_reserve(struct vaddr_table *t, unsigned long n);
int vaddr_uid_del(struct vaddr_table *t, kuid_t uid);
struct vaddr_domain *vaddr_uid_domain(struct vaddr_table *t, kuid_t uid);
u32 *vaddr_uid_list(struct vaddr_table *t, unsigned long *nr);
unsigned long vaddr_uid_sort(u32 *uids, unsigned long n);

/* The deepest level of the hierarchy a mapped cgroup may be at. */
#define VADDR_CGROUP_LEVEL_MAX	63

int vaddr_cgroup_add(struct vaddr_table *t, u64 id, int level,
		     struct vaddr_domain *d);
int vaddr_cgroup_del(struct vaddr_table *t, u64 id);
struct vaddr_domain *vaddr_cgroup_domain(struct vaddr_table *t, u64 id);
int vaddr_cgroup_foreach(struct vaddr_table *t, unsigned long *pos,
			 int (*fn)(unsigned long index, struct vaddr_domain *d,
				   void *arg),
			 void *arg);

struct vaddr_domain *vaddr_domain_of_sock(struct vaddr_table *t,
					  struct sock *sk);
struct vaddr_domain *vaddr_domain_of_current(struct vaddr_table *t,
					     struct vaddr_owner *why);

#endif /* _VADDR_TABLE_H */
