/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing vaddr.conf(5): one domain of the running table at a time, for
 * save, in the form conf_parse() reads back into the same table.
 */
#ifndef VADDRCTL_CONF_WRITE_H
#define VADDRCTL_CONF_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipc.h"

struct conf_out {
	const char *name;
	bool fail_closed;
	const char *addr4, *addr6;	/* NULL or "": none */
	const struct map *uids;		/* sorted by uid */
	size_t nr_uids;
	const struct map *cgroups;	/* sorted by id */
	size_t nr_cgroups;
};

void conf_write_domain(FILE *f, const struct conf_out *d);

#endif
