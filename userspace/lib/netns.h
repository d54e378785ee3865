/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -n NETNS, like ip -n: the namespaces that ip netns names.
 */
#ifndef VADDRCTL_NETNS_H
#define VADDRCTL_NETNS_H

#define NETNS_RUN_DIR	"/run/netns"

/* Enter NETNS_RUN_DIR/name: sockets opened later belong to it. */
int netns_enter(const char *name);

#endif
