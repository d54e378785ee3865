// SPDX-License-Identifier: GPL-2.0
/*
 * A network namespace's vaddr: its live table, its settings and the hooks
 * they need.
 *
 * The pernet operations create it with an empty table and take it down
 * with the namespace (and, for every namespace, with the module). Every
 * change to the live table or to the settings ends in vaddr_net_changed(),
 * under vaddr_net.lock: a new generation for dumps and commits, and the
 * NAT hooks (nat.c), the output hooks (guard.c) and the connect hooks'
 * static key brought in line with the table and the settings. This file
 * is the only one that registers or drops hooks and flushes stages.
 */
#include <linux/mutex.h>
#include <linux/static_key.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "guard.h"
#include "nat.h"
#include "net.h"
#include "stage.h"
#include "table.h"

/* Enabled while any namespace has a uid or cgroup mapping. */
DEFINE_STATIC_KEY_FALSE(vaddr_active);

unsigned int vaddr_net_id __read_mostly;

/*
 * Account a change: a new generation for dumps, the static key for the
 * connect hooks, the NAT hooks from the first mapping on, and the output
 * hooks of guard.c while isolation is on or a domain is fail-closed. The
 * NAT hooks stay when the last mapping goes: flows rewritten earlier
 * depend on them.
 */
void vaddr_net_changed(struct vaddr_net *vn)
{
	struct vaddr_table *t = vaddr_table_locked(vn);
	bool active = t->nr_uids || t->nr_cgroups;
	int err = 0;

	/* Dumps treat a zero sequence as "not checked": never 0. */
	if (!++vn->generation)
		vn->generation = 1;
	if (vn->nat && active)
		err = vaddr_nat_sync(vn, true);
	if (err)
		pr_warn_ratelimited("cannot register NAT hooks (error %d): sources are not rewritten\n",
				    err);
	err = vaddr_guard_sync(vn, t);
	if (err)
		pr_warn_ratelimited("cannot register output hooks (error %d): sends are not checked\n",
				    err);
	if (active == vn->active)
		return;
	vn->active = active;
	if (active)
		static_branch_inc(&vaddr_active);
	else
		static_branch_dec(&vaddr_active);
}

/*
 * Before @t goes live (a staged table, or the live one changed in place),
 * whatever can fail: the output hooks its fail-closed domains need, since
 * a fail-closed domain must never run unguarded. Hooks that only the old
 * state needed go afterwards, in vaddr_net_changed().
 */
int vaddr_net_prepare(struct vaddr_net *vn, const struct vaddr_table *t)
{
	return t->nr_fail_closed ? vaddr_guard_sync(vn, t) : 0;
}

/*
 * Publish @t as the namespace's table (a commit, or a flush with an empty
 * one) and account the change. Domains @t shares with the old table by
 * name keep their counters. The caller has called vaddr_net_prepare().
 */
void vaddr_net_replace(struct vaddr_net *vn, struct vaddr_table *t)
{
	vaddr_table_keep_stats(t, vaddr_table_locked(vn));
	vaddr_table_replace(vn, t);
	vaddr_net_changed(vn);
}

/*
 * Change the settings: @nat and @isolation are 0 or 1, or -1 to leave
 * that one alone. All or nothing: every registration (NAT hooks, then
 * output hooks) is done before any unregistration, which cannot fail, so
 * a failed registration leaves the settings and the hooks as they were;
 * *@nat_failed then tells whether it was the NAT hooks.
 */
int vaddr_net_set(struct vaddr_net *vn, int nat, int isolation,
		  bool *nat_failed)
{
	bool nat_was = vn->nat_hooked, want_nat;
	bool iso = isolation < 0 ? vn->isolation : isolation;
	int err;

	/*
	 * NAT on: hooks as soon as there is a mapping. Off: the hook sets up
	 * nothing new, and the hooks stay for the flows it rewrote (nat.c).
	 */
	want_nat = nat_was || (nat > 0 && vn->active);
	*nat_failed = false;
	if (want_nat && !nat_was) {
		err = vaddr_nat_sync(vn, true);
		if (err) {
			*nat_failed = true;
			return err;
		}
	}
	if (iso && !vn->isolation) {
		WRITE_ONCE(vn->isolation, true);
		err = vaddr_guard_sync(vn, vaddr_table_locked(vn));
		if (err) {
			WRITE_ONCE(vn->isolation, false);
			if (!nat_was)
				vaddr_nat_sync(vn, false);
			return err;
		}
	}
	if (!iso && vn->isolation) {
		WRITE_ONCE(vn->isolation, false);
		vaddr_guard_sync(vn, vaddr_table_locked(vn));
	}
	if (nat >= 0)
		WRITE_ONCE(vn->nat, nat);
	vaddr_net_changed(vn);
	return 0;
}

static int __net_init vaddr_netns_init(struct net *net)
{
	struct vaddr_net *vn = vaddr_net(net);

	mutex_init(&vn->lock);
	INIT_LIST_HEAD(&vn->stages);
	vn->net = net;
	vn->nat = true;
	/* Dumps treat a zero sequence as "not checked". */
	vn->generation = 1;
	vaddr_guard_net_init(vn);
	RCU_INIT_POINTER(vn->table, vaddr_table_alloc());
	return rcu_access_pointer(vn->table) ? 0 : -ENOMEM;
}

/*
 * The hooks go before the namespace's exit (and, at unload, before every
 * namespace's): nf_unregister_net_hooks() does not wait for a CPU that is
 * still inside one of them, reading this vaddr_net, and the core frees
 * vaddr_net right after the exit. Between pre_exit and exit the core waits
 * a grace period (synchronize_rcu()), which every hook runs within.
 * Nothing registers them again: no netlink request reaches a namespace
 * that is going away, nor a module that is going.
 */
static void __net_exit vaddr_netns_pre_exit(struct net *net)
{
	struct vaddr_net *vn = vaddr_net(net);

	mutex_lock(&vn->lock);
	vaddr_nat_sync(vn, false);
	vaddr_guard_net_pre_exit(vn);
	mutex_unlock(&vn->lock);
}

/* After a grace period since the hooks went: no reader is left. */
static void __net_exit vaddr_netns_exit(struct net *net)
{
	struct vaddr_net *vn = vaddr_net(net);
	struct vaddr_table *t;

	mutex_lock(&vn->lock);
	WARN_ON_ONCE(vn->nat_hooked || vn->guard_hooked);
	vaddr_stage_flush(vn);
	t = vaddr_table_locked(vn);
	RCU_INIT_POINTER(vn->table, NULL);
	vaddr_guard_net_exit(vn);
	if (vn->active)
		static_branch_dec(&vaddr_active);
	vn->active = false;
	mutex_unlock(&vn->lock);
	vaddr_table_free(t);
}

static struct pernet_operations vaddr_net_ops = {
	.init = vaddr_netns_init,
	.pre_exit = vaddr_netns_pre_exit,
	.exit = vaddr_netns_exit,
	.id = &vaddr_net_id,
	.size = sizeof(struct vaddr_net),
};

int vaddr_net_init(void)
{
	return register_pernet_subsys(&vaddr_net_ops);
}

/* Every namespace's exit runs: stages, hooks and tables go with them. */
void vaddr_net_exit(void)
{
	unregister_pernet_subsys(&vaddr_net_ops);
}
