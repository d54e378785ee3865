// SPDX-License-Identifier: GPL-2.0
/*
 * vaddr: every outgoing connection of a hosted domain leaves from that
 * domain's own address.
 *
 * The files, leaves first; each calls functions of the files above it
 * only, and each has a header declaring what it exports (vaddr.h holds
 * the types they share, compat.h every difference between kernels):
 *
 *   stats.c sock.c conntrack.c   counters, socket facts, conntrack refs
 *   uids.c                       the uid mappings' hash array
 *   sctp.c                       the addresses an SCTP INIT lists
 *   table.c                      the table: domains, uid and cgroup maps
 *   stage.c                      replacement tables being built
 *   nat.c guard.c                source rewriting; isolation, fail-closed
 *   connect.c                    auto-bind and refusal at connect
 *   net.c                        a namespace: settings, hooks, generation
 *   nl.c                         messages, dumps, attributes: what the
 *                                netlink handlers share
 *   nl_domain.c nl_map.c         the handlers, one file per object
 *   nl_table.c nl_settings.c
 *   netlink.c                    the genl family: policies, operations
 *   selftest.c                   the table's self-test (VADDR_SELFTEST=y)
 *   main.c                       this ladder
 *
 * net.h's inline accessors (vaddr_net(), vaddr_sock_domain()) only read a
 * namespace's state and serve every file; net.c's functions are called by
 * main.c and the netlink handlers alone. netlink.c names the handlers in
 * its operations table, for the genetlink core to call; nl.c sends on the
 * family netlink.c defines, and calls nothing of it.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/vaddr.h>

#include "connect.h"
#include "net.h"
#include "netlink.h"
#include "selftest.h"
#include "stage.h"
#include "table.h"

static int __init vaddr_init(void)
{
	int err;

	err = vaddr_table_init();
	if (err)
		return err;
	err = vaddr_selftest();
	if (err)
		goto err_table;
	err = vaddr_net_init();
	if (err)
		goto err_table;
	err = vaddr_stage_init();
	if (err)
		goto err_net;
	err = vaddr_genl_init();
	if (err)
		goto err_stage;
	err = vaddr_connect_init();
	if (err)
		goto err_genl;
	pr_info("version " VADDR_VERSION " loaded\n");
	return 0;

err_genl:
	vaddr_genl_exit();
err_stage:
	vaddr_stage_exit();
err_net:
	vaddr_net_exit();
err_table:
	vaddr_table_exit();
	return err;
}

static void __exit vaddr_exit(void)
{
	/* Hooks first: after this no connect can reach a table. */
	vaddr_connect_exit();
	vaddr_genl_exit();
	vaddr_stage_exit();
	vaddr_net_exit();
	vaddr_table_exit();
}

module_init(vaddr_init);
module_exit(vaddr_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vaddr developers");
MODULE_DESCRIPTION("Per-domain source addresses for the processes of a host");
MODULE_VERSION(VADDR_VERSION);
MODULE_ALIAS_GENL_FAMILY(VADDR_GENL_NAME);
