// SPDX-License-Identifier: GPL-2.0
/*
 * Staged replacement of a namespace's table (VADDR_CMD_REPLACE_*).
 *
 * A stage is a whole new table, built aside by one netlink socket and
 * invisible to the connect hooks until it is committed, when it takes the
 * live table's place in one pointer swap. A namespace may have several
 * stages, one per socket, kept in vaddr_net.stages under vaddr_net.lock.
 *
 * A stage belongs to the socket that began it, named by its port id and
 * told apart from a later socket that reuses the port id by its address
 * (compared, never dereferenced). When the socket is released before it
 * commits, the NETLINK_URELEASE notifier throws the stage away; so does
 * the namespace's exit, which also runs for every namespace when the
 * module is unloaded.
 */
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>

#include "net.h"
#include "stage.h"
#include "table.h"

struct vaddr_stage {
	struct list_head node;		/* in vaddr_net.stages */
	u32 portid;
	const void *owner;		/* the socket; identity only */
	struct vaddr_table *table;
};

static void vaddr_stage_free(struct vaddr_stage *s)
{
	list_del(&s->node);
	/* Never published: no reader can hold it, but domains use call_rcu. */
	vaddr_table_free(s->table);
	kfree(s);
}

static struct vaddr_stage *vaddr_stage_find(struct vaddr_net *vn, u32 portid)
{
	struct vaddr_stage *s;

	lockdep_assert_held(&vn->lock);
	list_for_each_entry(s, &vn->stages, node)
		if (s->portid == portid)
			return s;
	return NULL;
}

/* The stage of this socket, or NULL. */
static struct vaddr_stage *vaddr_stage_of(struct vaddr_net *vn, u32 portid,
					  const void *owner)
{
	struct vaddr_stage *s = vaddr_stage_find(vn, portid);

	return s && s->owner == owner ? s : NULL;
}

struct vaddr_table *vaddr_stage_table(struct vaddr_net *vn, u32 portid,
				      const void *owner)
{
	struct vaddr_stage *s = vaddr_stage_of(vn, portid, owner);

	return s ? s->table : NULL;
}

/*
 * Open a stage for the socket: -EEXIST when it has one, -EBUSY when the
 * namespace has VADDR_STAGES_MAX open. Each stage is charged to the
 * memory cgroup of whoever fills it (VADDR_GFP); the count bounds what
 * one namespace's administrator can keep half-built at once, whatever
 * the cgroups.
 */
int vaddr_stage_begin(struct vaddr_net *vn, u32 portid, const void *owner)
{
	struct vaddr_stage *s = vaddr_stage_find(vn, portid);
	unsigned int open = 0;
	struct vaddr_stage *o;

	lockdep_assert_held(&vn->lock);
	if (s && s->owner == owner)
		return -EEXIST;
	/* Left by a released socket whose notifier has not run yet. */
	if (s)
		vaddr_stage_free(s);
	list_for_each_entry(o, &vn->stages, node)
		open++;
	if (open >= VADDR_STAGES_MAX)
		return -EBUSY;
	s = kzalloc(sizeof(*s), VADDR_GFP);
	if (!s)
		return -ENOMEM;
	s->table = vaddr_table_alloc();
	if (!s->table) {
		kfree(s);
		return -ENOMEM;
	}
	s->portid = portid;
	s->owner = owner;
	list_add(&s->node, &vn->stages);
	return 0;
}

/* Entries in every replacement open in the namespace. */
unsigned long vaddr_stages_size(struct vaddr_net *vn)
{
	struct vaddr_stage *s;
	unsigned long n = 0;

	lockdep_assert_held(&vn->lock);
	list_for_each_entry(s, &vn->stages, node)
		n += vaddr_table_size(s->table);
	return n;
}

/*
 * Take the socket's stage out of the list and hand its table over: the
 * caller publishes it. NULL when the socket has no stage.
 */
struct vaddr_table *vaddr_stage_take(struct vaddr_net *vn, u32 portid,
				     const void *owner)
{
	struct vaddr_stage *s = vaddr_stage_of(vn, portid, owner);
	struct vaddr_table *t;

	if (!s)
		return NULL;
	t = s->table;
	list_del(&s->node);
	kfree(s);
	return t;
}

int vaddr_stage_abort(struct vaddr_net *vn, u32 portid, const void *owner)
{
	struct vaddr_stage *s = vaddr_stage_of(vn, portid, owner);

	if (!s)
		return -ENOENT;
	vaddr_stage_free(s);
	return 0;
}

/* Namespace exit: no socket of the namespace is left to commit. */
void vaddr_stage_flush(struct vaddr_net *vn)
{
	struct vaddr_stage *s, *tmp;

	lockdep_assert_held(&vn->lock);
	list_for_each_entry_safe(s, tmp, &vn->stages, node)
		vaddr_stage_free(s);
}

/*
 * A netlink socket is being released, in process context. Its port id is
 * already unhashed and no request of it can still be running, so its stage
 * can go. The notifier is told the port id only: a new socket that got the
 * same port id in the meantime and began a stage of its own loses it here
 * too. Its requests for the stage carry VADDR_A_STAGED and so fail with
 * ENOENT instead of going to the live table (see vaddr_target()), as does
 * its commit: nothing is half applied. vn->lock keeps a request of that
 * socket from using the stage while it is freed.
 */
static int vaddr_stage_urelease(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct vaddr_stage *s;
	struct vaddr_net *vn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	vn = vaddr_net(n->net);
	/* Unlocked peek: only this socket could add a stage for it. */
	if (list_empty(&vn->stages))
		return NOTIFY_DONE;
	mutex_lock(&vn->lock);
	s = vaddr_stage_find(vn, n->portid);
	if (s)
		vaddr_stage_free(s);
	mutex_unlock(&vn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block vaddr_stage_notifier = {
	.notifier_call = vaddr_stage_urelease,
};

int vaddr_stage_init(void)
{
	return netlink_register_notifier(&vaddr_stage_notifier);
}

void vaddr_stage_exit(void)
{
	/* Waits for callbacks in progress: the chain is a blocking one. */
	netlink_unregister_notifier(&vaddr_stage_notifier);
}
