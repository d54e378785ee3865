// SPDX-License-Identifier: GPL-2.0
/*
 * The whole table: VADDR_CMD_FLUSH and the staged replacement,
 * VADDR_CMD_REPLACE_BEGIN, _COMMIT and _ABORT (see stage.c).
 */
#include <linux/stringify.h>
#include <net/genetlink.h>

#include "net.h"
#include "nl.h"
#include "nl_table.h"
#include "stage.h"
#include "table.h"

/* FLUSH's event: no attributes. */
static int vaddr_fill_flush(struct vaddr_msg *m)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr, 0);
}

/* REPLACE_COMMIT's event: the size of the new table. */
static int vaddr_fill_commit(struct vaddr_msg *m, const struct vaddr_table *t)
{
	void *hdr = vaddr_msg_start(m);

	if (!hdr)
		return -EMSGSIZE;
	return vaddr_msg_end(m, hdr,
			     nla_put_u32(m->skb, VADDR_A_NR_UIDS,
					 READ_ONCE(t->nr_uids)) ||
			     nla_put_u32(m->skb, VADDR_A_NR_CGROUPS,
					 READ_ONCE(t->nr_cgroups)));
}

int vaddr_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	struct vaddr_table *t;
	struct vaddr_msg m;

	t = vaddr_table_alloc();
	if (!t)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	vaddr_net_replace(vn, t);
	if (vaddr_event_start(info, VADDR_CMD_FLUSH, &m))
		vaddr_event_send(info, &m, vaddr_fill_flush(&m));
	mutex_unlock(&vn->lock);
	return 0;
}

int vaddr_nl_replace_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	int err;

	mutex_lock(&vn->lock);
	err = vaddr_stage_begin(vn, info->snd_portid, NETLINK_CB(skb).sk);
	mutex_unlock(&vn->lock);
	if (err == -EEXIST)
		NL_SET_ERR_MSG(info->extack,
			       "this socket has a replacement open already");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "too many replacements open in this namespace (at most "
			       __stringify(VADDR_STAGES_MAX) ")");
	return err;
}

/*
 * Before the switch, everything that can fail: the generation the caller
 * expects, and the hooks the new table needs (vaddr_net_prepare()). A
 * failure leaves the stage open.
 */
int vaddr_nl_replace_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *gen_attr = info->attrs[VADDR_A_GENERATION];
	struct vaddr_net *vn = vaddr_info_net(info);
	const void *owner = NETLINK_CB(skb).sk;
	struct vaddr_table *t;
	struct vaddr_msg m;
	int err = -ENOENT;

	mutex_lock(&vn->lock);
	t = vaddr_stage_table(vn, info->snd_portid, owner);
	if (!t) {
		vaddr_no_stage(info);
		goto out;
	}
	err = -ESTALE;
	if (gen_attr && nla_get_u32(gen_attr) != vn->generation) {
		NL_SET_ERR_MSG_ATTR(info->extack, gen_attr,
				    "the table changed since this generation");
		goto out;
	}
	err = vaddr_net_prepare(vn, t);
	if (err) {
		NL_SET_ERR_MSG(info->extack,
			       "cannot register the output hooks of its fail-closed domains");
		goto out;
	}
	vaddr_stage_take(vn, info->snd_portid, owner);
	vaddr_net_replace(vn, t);
	if (vaddr_event_start(info, VADDR_CMD_REPLACE_COMMIT, &m))
		vaddr_event_send(info, &m, vaddr_fill_commit(&m, t));
out:
	mutex_unlock(&vn->lock);
	return err;
}

int vaddr_nl_replace_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct vaddr_net *vn = vaddr_info_net(info);
	int err;

	mutex_lock(&vn->lock);
	err = vaddr_stage_abort(vn, info->snd_portid, NETLINK_CB(skb).sk);
	mutex_unlock(&vn->lock);
	if (err)
		vaddr_no_stage(info);
	return err;
}
