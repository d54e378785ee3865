// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl flush|load|check|save: the whole table at once, emptied or as
 * a vaddr.conf(5) file.
 *
 * load checks the whole file first (lib/conf_parse.c), then builds the new
 * table in a kernel replacement stage (VADDR_CMD_REPLACE_BEGIN), in batches
 * of requests flagged VADDR_A_STAGED, and commits it: the running table is
 * replaced in one step, or not at all. If vaddrctl dies before the commit,
 * closing its socket throws the stage away. A domain's uids go as lists
 * (VADDR_A_UIDS) of up to LOAD_LIST_MAX: the kernel's work per request,
 * not per uid, is what a million users would otherwise pay for.
 *
 * The commit carries no generation: the file is the whole table wanted,
 * so the last load wins, like a load run a moment later would. Changes
 * made by others while a load runs are replaced with the rest.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cgroup2.h"
#include "lib/cmd.h"
#include "lib/conf_parse.h"
#include "lib/conf_write.h"
#include "lib/ipc.h"
#include "lib/nl.h"
#include "lib/passwd.h"
#include "lib/print.h"
#include "lib/util.h"
#include "vaddrctl.h"

/* Errors printed, of the file or of the kernel; the rest are counted. */
#define CONF_ERRORS_MAX	50

static const char *conf_name(const char *file)
{
	return strcmp(file, "-") ? file : "stdin";
}

static int conf_read(const char *file, struct conf *c)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	int err;

	if (!f) {
		memset(c, 0, sizeof(*c));
		return fail("cannot open '%s': %s", file, strerror(errno));
	}
	err = conf_parse(c, f, &conf_system);
	if (f != stdin)
		fclose(f);
	if (err)
		conf_print_errors(c, conf_name(file), stderr, CONF_ERRORS_MAX);
	return err;
}

static int conf_args(int argc, char **argv, const char *cmd)
{
	if (argc < 1)
		return fail("usage: vaddrctl %s FILE ('-' reads stdin)", cmd);
	return no_more_args(argc - 1, argv + 1);
}

int cmd_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (no_more_args(argc, argv))
		return -1;
	nlh = nl_msg(VADDR_CMD_FLUSH);
	return nlh ? nl_request(nlh, NULL, NULL) : -1;
}

int cmd_check(int argc, char **argv)
{
	struct conf c;
	int err;

	if (conf_args(argc, argv, "check"))
		return -1;
	err = conf_read(argv[0], &c);
	if (!err) {
		print_open_object(NULL);
		print_text("%s: ", conf_name(argv[0]));
		print_u64(PRINT_ANY, "domains", 0, c.nr_domains);
		print_text(" domains, ");
		print_u64(PRINT_ANY, "users", 0, c.nr_uids);
		print_text(" users, ");
		print_u64(PRINT_ANY, "cgroups", 0, c.nr_cgroups);
		print_text(" cgroups: ok\n");
		print_close_object();
	}
	conf_free(&c);
	return err;
}

/*
 * uids per VADDR_A_UIDS list: 256 entries of 8 bytes and a domain name
 * keep a request within NL_BATCH_MSG_MAX.
 */
#define LOAD_LIST_MAX	256
#define LOAD_LIST_ENTRY	(MNL_ATTR_HDRLEN + sizeof(uint32_t))

/* A request of the load, for the line of its error. */
struct load_req {
	size_t item;		/* its first item, as load_line() counts */
	uint32_t n;		/* items in it */
	uint32_t list;		/* offset of its list's first uid, or 0 */
};

struct load {
	const struct conf *c;
	const char *file;
	size_t errors;
	size_t *uids;		/* indexes of c->uids, grouped by domain */
	struct load_req *reqs;
	size_t nr_reqs;
};

/* Items go in order: domains, uids (grouped by domain), cgroups. */
static unsigned int load_line(const struct load *l, size_t i)
{
	const struct conf *c = l->c;

	if (i < c->nr_domains)
		return c->domains[i].line;
	i -= c->nr_domains;
	if (i < c->nr_uids)
		return c->uids[l->uids[i]].line;
	i -= c->nr_uids;
	return i < c->nr_cgroups ? c->cgroups[i].line : 0;
}

/* The item of a request the kernel refused, by the attribute it named. */
static size_t load_item(const struct load_req *r, uint32_t offset)
{
	size_t k = 0;

	if (r->list && offset >= r->list)
		k = (offset - r->list) / LOAD_LIST_ENTRY;
	return r->item + (k < r->n ? k : r->n - 1);
}

static void load_err(size_t index, int err, const char *msg,
		     uint32_t offset, void *data)
{
	struct load *l = data;
	size_t len = strlen(msg);
	unsigned int line;

	if (l->errors++ >= CONF_ERRORS_MAX || index >= l->nr_reqs)
		return;
	line = load_line(l, load_item(&l->reqs[index], offset));
	if (len)
		fprintf(stderr, "%s:%u: Error: %s%s\n", l->file, line, msg,
			msg[len - 1] == '.' ? "" : ".");
	else
		fprintf(stderr, "%s:%u: Error: %s.\n", l->file, line,
			strerror(-err));
}

/* c->uids grouped by domain (a counting sort), uid order within each. */
static size_t *uids_by_domain(const struct conf *c)
{
	size_t *start = calloc(c->nr_domains + 1, sizeof(*start));
	size_t *v = calloc(c->nr_uids + 1, sizeof(*v));
	size_t i;

	if (!start || !v) {
		free(start);
		free(v);
		fail("out of memory");
		return NULL;
	}
	for (i = 0; i < c->nr_uids; i++)
		start[c->uids[i].domain + 1]++;
	for (i = 1; i <= c->nr_domains; i++)
		start[i] += start[i - 1];
	for (i = 0; i < c->nr_uids; i++)
		v[start[c->uids[i].domain]++] = i;
	free(start);
	return v;
}

/* Note request number l->nr_reqs, of @n items from @item. */
static int load_req(struct load *l, size_t item, uint32_t n, uint32_t list)
{
	struct load_req *v = array_grow(l->reqs, l->nr_reqs, sizeof(*v));

	if (!v)
		return fail("out of memory");
	l->reqs = v;
	v[l->nr_reqs++] = (struct load_req){ item, n, list };
	return 0;
}

static void put_addr(struct nlmsghdr *nlh, const struct addr *a)
{
	if (a->family == AF_INET)
		mnl_attr_put(nlh, VADDR_A_ADDR4, sizeof(a->v4), &a->v4);
	else if (a->family == AF_INET6)
		mnl_attr_put(nlh, VADDR_A_ADDR6, sizeof(a->v6), &a->v6);
}

/*
 * A request for the stage. The flag makes the kernel refuse it when the
 * stage is gone rather than apply it to the live table.
 */
static struct nlmsghdr *stage_msg(uint8_t cmd)
{
	struct nlmsghdr *nlh = nl_batch_msg(cmd);

	if (nlh)
		mnl_attr_put(nlh, VADDR_A_STAGED, 0, NULL);
	return nlh;
}

/*
 * One request for the uids from position @i of l->uids on: as many of
 * them as are of the same domain, up to LOAD_LIST_MAX. How many it took,
 * or 0 when it could not be sent.
 */
static size_t load_uids(struct load *l, size_t i)
{
	const struct conf *c = l->c;
	uint32_t domain = c->uids[l->uids[i]].domain;
	struct nlmsghdr *nlh = stage_msg(VADDR_CMD_UID_ADD);
	struct nlattr *nest;
	uint32_t list;
	size_t n;

	if (!nlh)
		return 0;
	mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, c->domains[domain].name);
	nest = mnl_attr_nest_start(nlh, VADDR_A_UIDS);
	list = (uint32_t)((char *)mnl_attr_get_payload(nest) - (char *)nlh);
	for (n = 0; n < LOAD_LIST_MAX && i + n < c->nr_uids &&
	     c->uids[l->uids[i + n]].domain == domain; n++)
		mnl_attr_put_u32(nlh, VADDR_A_UID, c->uids[l->uids[i + n]].key);
	mnl_attr_nest_end(nlh, nest);
	return load_req(l, c->nr_domains + i, n, list) ? 0 : n;
}

/* Every request of the new table; -1 once one could not be sent. */
static int load_send(struct load *l)
{
	const struct conf *c = l->c;
	struct nlmsghdr *nlh;
	size_t i, n;

	for (i = 0; i < c->nr_domains; i++) {
		const struct conf_domain *d = &c->domains[i];

		nlh = stage_msg(VADDR_CMD_DOMAIN_NEW);
		if (!nlh || load_req(l, i, 1, 0))
			return -1;
		mnl_attr_put_strz(nlh, VADDR_A_DOMAIN, d->name);
		put_addr(nlh, &d->addr4);
		put_addr(nlh, &d->addr6);
		if (d->fail_closed)
			mnl_attr_put_u8(nlh, VADDR_A_FAIL_CLOSED, 1);
	}
	for (i = 0; i < c->nr_uids; i += n) {
		n = load_uids(l, i);
		if (!n)
			return -1;
	}
	for (i = 0; i < c->nr_cgroups; i++) {
		nlh = stage_msg(VADDR_CMD_CGROUP_ADD);
		if (!nlh || load_req(l, c->nr_domains + c->nr_uids + i, 1, 0))
			return -1;
		mnl_attr_put_u64(nlh, VADDR_A_CGROUP_ID, c->cgroups[i].key);
		mnl_attr_put_strz(nlh, VADDR_A_DOMAIN,
				  c->domains[c->cgroups[i].domain].name);
	}
	return 0;
}

static int request(uint8_t cmd)
{
	struct nlmsghdr *nlh = nl_msg(cmd);

	return nlh ? nl_request(nlh, NULL, NULL) : -1;
}

int cmd_load(int argc, char **argv)
{
	struct conf c;
	struct load l = { .c = &c };
	int err;

	if (conf_args(argc, argv, "load"))
		return -1;
	l.file = conf_name(argv[0]);
	if (conf_read(argv[0], &c)) {
		conf_free(&c);
		return -1;
	}
	l.uids = uids_by_domain(&c);
	err = l.uids ? request(VADDR_CMD_REPLACE_BEGIN) : -1;
	if (!err) {
		nl_batch_start(load_err, &l);
		/* Sent or not, what was sent is answered before the socket closes. */
		err = load_send(&l);
		if (nl_batch_end())
			err = -1;
		if (l.errors > CONF_ERRORS_MAX)
			fprintf(stderr,
				"%s: %zu more errors (sending stops after the first batch of requests with one)\n",
				l.file, l.errors - CONF_ERRORS_MAX);
		/*
		 * Closing the socket throws the stage away, even when answers
		 * to the batch are still queued on it.
		 */
		if (err)
			nl_close();
		else
			err = request(VADDR_CMD_REPLACE_COMMIT);
	}
	free(l.uids);
	free(l.reqs);
	conf_free(&c);
	return err;
}

/*
 * A mapped cgroup that is not in the cgroup tree any more was removed:
 * no socket can match it again (ids are not reused) and the kernel would
 * refuse it in a load. It is left out, with a warning, so that what save
 * writes loads back to the same table.
 */
static void cgroups_drop_gone(struct maps *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].name) {
			m->v[n++] = m->v[i];
			continue;
		}
		fprintf(stderr,
			"vaddrctl: not saved: cgroup %" PRIu64 " of domain %s, which no longer exists\n",
			m->v[i].key, m->v[i].domain);
		free(m->v[i].domain);
	}
	m->n = n;
}

int cmd_save(int argc, char **argv)
{
	size_t i, user = 0, cgroup = 0;
	struct table t = {};

	if (no_more_args(argc, argv))
		return -1;
	if (table_get(&t)) {
		table_free(&t);
		return -1;
	}
	users_resolve(&t.users);
	if (cgroups_resolve(&t.cgroups))
		cgroups_drop_gone(&t.cgroups);
	maps_sort_by_domain(&t.users);
	maps_sort_by_domain(&t.cgroups);
	printf("# vaddr.conf(5), written by vaddrctl save\n");
	for (i = 0; i < t.domains.n; i++) {
		const struct domain *d = &t.domains.v[i];
		size_t u = maps_run(&t.users, &user, d->name);
		size_t c = maps_run(&t.cgroups, &cgroup, d->name);
		struct conf_out o = {
			.name = d->name,
			.fail_closed = d->fail_closed,
			.addr4 = d->addr4,
			.addr6 = d->addr6,
			.uids = t.users.v + u,
			.nr_uids = user - u,
			.cgroups = t.cgroups.v + c,
			.nr_cgroups = cgroup - c,
		};

		putchar('\n');
		conf_write_domain(stdout, &o);
	}
	table_free(&t);
	return 0;
}
