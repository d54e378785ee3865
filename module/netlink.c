// SPDX-License-Identifier: GPL-2.0
/*
 * The "vaddr" generic netlink family: its policies, operations and
 * multicast group. uapi/linux/vaddr.h documents every command; the
 * handlers are in nl_domain.c, nl_map.c, nl_table.c and nl_settings.c,
 * what they share in nl.c.
 */
#include <net/genetlink.h>

#include "compat.h"
#include "netlink.h"
#include "nl.h"
#include "nl_domain.h"
#include "nl_map.h"
#include "nl_settings.h"
#include "nl_table.h"

/*
 * Events name uids and cgroups: only CAP_NET_ADMIN in the namespace's
 * owning user namespace may listen (checked by genl_bind(); an op's
 * GENL_UNS_ADMIN_PERM means nothing there, see compat.h).
 */
static const struct genl_multicast_group vaddr_mcgrps[] = {
	[VADDR_MCGRP_EVENTS_IDX] = {
		.name = VADDR_MCGRP_EVENTS,
		.flags = VADDR_MCGRP_ADMIN_ONLY,
	},
};

#define VADDR_NAME_POLICY { .type = NLA_NUL_STRING, .len = VADDR_DOMAIN_MAX }

static const struct nla_policy vaddr_domain_new_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_ADDR4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[VADDR_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VADDR_A_FAIL_CLOSED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_domain_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
};

static const struct nla_policy vaddr_domain_del_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_domain_set_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_FAIL_CLOSED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_allow_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_UID] = { .type = NLA_U32 },
};

/* The entries of VADDR_A_UIDS: uids and nothing else. */
static const struct nla_policy vaddr_uid_list_policy[VADDR_A_UID + 1] = {
	[VADDR_A_UID] = { .type = NLA_U32 },
};

static const struct nla_policy vaddr_uid_add_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_UID] = { .type = NLA_U32 },
	[VADDR_A_UIDS] = NLA_POLICY_NESTED(vaddr_uid_list_policy),
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_uid_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_UID] = { .type = NLA_U32 },
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_cgroup_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_CGROUP_ID] = { .type = NLA_U64 },
	[VADDR_A_DOMAIN] = VADDR_NAME_POLICY,
	[VADDR_A_STAGED] = { .type = NLA_FLAG },
};

static const struct nla_policy vaddr_commit_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_GENERATION] = { .type = NLA_U32 },
};

static const struct nla_policy vaddr_settings_policy[VADDR_A_MAX + 1] = {
	[VADDR_A_NAT] = NLA_POLICY_MAX(NLA_U8, 1),
	[VADDR_A_ISOLATION] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* No attributes at all. */
static const struct nla_policy vaddr_empty_policy[VADDR_A_MAX + 1] = {};

#define VADDR_OP(_cmd, _policy, _flags)				\
	.cmd = _cmd,						\
	.policy = _policy,					\
	.maxattr = VADDR_A_MAX,					\
	.flags = _flags

static const struct genl_ops vaddr_genl_ops[] = {
	{
		VADDR_OP(VADDR_CMD_DOMAIN_NEW, vaddr_domain_new_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_domain_new,
	},
	{
		VADDR_OP(VADDR_CMD_DOMAIN_DEL, vaddr_domain_del_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_domain_del,
	},
	{
		/* The list of domains is public, like their DNS records. */
		VADDR_OP(VADDR_CMD_DOMAIN_GET, vaddr_domain_policy, 0),
		.doit = vaddr_nl_domain_get,
		.dumpit = vaddr_nl_domain_dump,
	},
	{
		VADDR_OP(VADDR_CMD_UID_ADD, vaddr_uid_add_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_uid_add,
	},
	{
		VADDR_OP(VADDR_CMD_UID_DEL, vaddr_uid_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_uid_del,
	},
	{
		VADDR_OP(VADDR_CMD_UID_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.start = vaddr_nl_uid_dump_start,
		.dumpit = vaddr_nl_uid_dump,
		.done = vaddr_nl_uid_dump_done,
	},
	{
		VADDR_OP(VADDR_CMD_CGROUP_ADD, vaddr_cgroup_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_cgroup_add,
	},
	{
		VADDR_OP(VADDR_CMD_CGROUP_DEL, vaddr_cgroup_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_cgroup_del,
	},
	{
		VADDR_OP(VADDR_CMD_CGROUP_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.dumpit = vaddr_nl_cgroup_dump,
	},
	{
		VADDR_OP(VADDR_CMD_FLUSH, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_flush,
	},
	{
		VADDR_OP(VADDR_CMD_STATS_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.dumpit = vaddr_nl_stats_dump,
	},
	{
		VADDR_OP(VADDR_CMD_SETTINGS_SET, vaddr_settings_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_settings_set,
	},
	{
		VADDR_OP(VADDR_CMD_SETTINGS_GET, vaddr_empty_policy, 0),
		.doit = vaddr_nl_settings_get,
	},
	{
		/* Any user may ask about their own sockets. */
		VADDR_OP(VADDR_CMD_WHOAMI, vaddr_empty_policy, 0),
		.doit = vaddr_nl_whoami,
	},
	{
		VADDR_OP(VADDR_CMD_REPLACE_BEGIN, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_replace_begin,
	},
	{
		VADDR_OP(VADDR_CMD_REPLACE_COMMIT, vaddr_commit_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_replace_commit,
	},
	{
		VADDR_OP(VADDR_CMD_REPLACE_ABORT, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_replace_abort,
	},
	{
		VADDR_OP(VADDR_CMD_DOMAIN_SET, vaddr_domain_set_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_domain_set,
	},
	{
		VADDR_OP(VADDR_CMD_ALLOW_ADD, vaddr_allow_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_allow_add,
	},
	{
		VADDR_OP(VADDR_CMD_ALLOW_DEL, vaddr_allow_policy,
			 GENL_UNS_ADMIN_PERM),
		.doit = vaddr_nl_allow_del,
	},
	{
		VADDR_OP(VADDR_CMD_ALLOW_GET, vaddr_empty_policy,
			 GENL_UNS_ADMIN_PERM),
		.dumpit = vaddr_nl_allow_dump,
	},
};

struct genl_family vaddr_genl_family __ro_after_init = {
	.name = VADDR_GENL_NAME,
	.version = VADDR_GENL_VERSION,
	.maxattr = VADDR_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.ops = vaddr_genl_ops,
	.n_ops = ARRAY_SIZE(vaddr_genl_ops),
	.mcgrps = vaddr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vaddr_mcgrps),
	.module = THIS_MODULE,
};

int vaddr_genl_init(void)
{
	return genl_register_family(&vaddr_genl_family);
}

/* Stages left over go with their namespaces, in vaddr_net_exit(). */
void vaddr_genl_exit(void)
{
	genl_unregister_family(&vaddr_genl_family);
}
