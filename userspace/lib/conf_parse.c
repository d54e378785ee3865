// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing vaddr.conf(5). Each line is checked on its own, then the whole
 * file for duplicates: a domain defined twice, an address, uid or cgroup
 * given twice. Every error is kept with its line, so that one run of
 * `vaddrctl check` shows them all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"
#include "util.h"

#define CONF_WORDS_MAX	64

static int system_user(const char *name, uint32_t *uid)
{
	return parse_uid(name, uid);
}

const struct conf_resolve conf_system = {
	.user = system_user,
	.cgroup = parse_cgroup_or_id,
};

/* The parser's state: the file so far and the domain being read. */
struct conf_reader {
	struct conf *c;
	const struct conf_resolve *r;
	unsigned int line;
	struct conf_domain *d;		/* NULL before the first domain */
	bool oom;
};

__attribute__((format(printf, 3, 4)))
static void conf_error(struct conf *c, unsigned int line, const char *fmt,
		       ...)
{
	struct conf_err *e;
	va_list ap;
	char *msg;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&msg, fmt, ap);
	va_end(ap);
	e = array_grow(c->errs, c->nr_errs, sizeof(*e));
	if (len < 0 || !e) {
		if (len >= 0)
			free(msg);
		return;
	}
	c->errs = e;
	e[c->nr_errs] = (struct conf_err){
		.line = line, .seq = c->nr_errs, .msg = msg,
	};
	c->nr_errs++;
}

static int map_add(struct conf_reader *rd, struct conf_map **v, size_t *n,
		   uint64_t key)
{
	struct conf_map *m = array_grow(*v, *n, sizeof(**v));

	if (!m) {
		rd->oom = true;
		return -1;
	}
	*v = m;
	m[(*n)++] = (struct conf_map){
		.key = key,
		.domain = rd->d - rd->c->domains,
		.line = rd->line,
	};
	return 0;
}

/* The kernel's rule (uapi/linux/vaddr.h), checked here to name the line. */
static const char *addr_unfit(const struct addr *a)
{
	if (a->family == AF_INET) {
		uint32_t v = ntohl(a->v4.s_addr);

		if ((v >> 24) == 0 || (v >> 24) == 127 || (v >> 28) == 0xe ||
		    v == 0xffffffff)
			return "is not a unicast IPv4 address";
		return NULL;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a->v6) || IN6_IS_ADDR_LOOPBACK(&a->v6) ||
	    IN6_IS_ADDR_MULTICAST(&a->v6) || IN6_IS_ADDR_LINKLOCAL(&a->v6))
		return "is not a global unicast IPv6 address";
	return NULL;
}

static void conf_addr(struct conf_reader *rd, const char *word)
{
	struct conf_domain *d = rd->d;
	struct addr a, *slot;
	unsigned int *line;
	const char *why;

	if (parse_addr(word, &a)) {
		conf_error(rd->c, rd->line, "%s", parse_err());
		return;
	}
	why = addr_unfit(&a);
	if (why) {
		conf_error(rd->c, rd->line, "address '%s' %s", word, why);
		return;
	}
	slot = a.family == AF_INET ? &d->addr4 : &d->addr6;
	line = a.family == AF_INET ? &d->line4 : &d->line6;
	if (slot->family) {
		conf_error(rd->c, rd->line,
			   "domain '%s' has an %s address already (line %u): a domain has at most one of each family",
			   d->name, a.family == AF_INET ? "IPv4" : "IPv6",
			   *line);
		return;
	}
	*slot = a;
	*line = rd->line;
}

/* uid, uid-uid, or a user name. */
static void conf_user(struct conf_reader *rd, const char *word)
{
	unsigned long long lo, hi;
	uint32_t uid;
	char *end;

	if (word[0] >= '0' && word[0] <= '9' && strchr(word, '-')) {
		errno = 0;
		lo = strtoull(word, &end, 10);
		if (*end != '-' || end[1] < '0' || end[1] > '9')
			goto bad_range;
		hi = strtoull(end + 1, &end, 10);
		if (*end || errno)
			goto bad_range;
		if (hi >= UINT32_MAX)
			return conf_error(rd->c, rd->line,
					  "uid range '%s' out of range (0-%u)",
					  word, UINT32_MAX - 1);
		if (lo > hi)
			return conf_error(rd->c, rd->line,
					  "uid range '%s' ends before it starts",
					  word);
		if (hi - lo >= CONF_RANGE_MAX)
			return conf_error(rd->c, rd->line,
					  "uid range '%s' spans %llu uids, at most %u allowed",
					  word, hi - lo + 1, CONF_RANGE_MAX);
		for (; lo <= hi; lo++)
			if (map_add(rd, &rd->c->uids, &rd->c->nr_uids, lo))
				return;
		return;
	}
	if (rd->r->user(word, &uid))
		return conf_error(rd->c, rd->line, "%s", parse_err());
	map_add(rd, &rd->c->uids, &rd->c->nr_uids, uid);
	return;

bad_range:
	conf_error(rd->c, rd->line,
		   "'%s' is not a uid range (write FIRST-LAST, e.g. 2000-2099)",
		   word);
}

static void conf_cgroup(struct conf_reader *rd, const char *word)
{
	uint64_t id;

	if (rd->r->cgroup(word, &id))
		return conf_error(rd->c, rd->line, "%s", parse_err());
	map_add(rd, &rd->c->cgroups, &rd->c->nr_cgroups, id);
}

static void conf_domain(struct conf_reader *rd, int argc, char **argv)
{
	struct conf *c = rd->c;
	struct conf_domain *d;
	char name[VADDR_DOMAIN_MAX + 1];
	int i;

	rd->d = NULL;
	if (argc < 2)
		return conf_error(c, rd->line, "'domain' needs a name");
	if (parse_domain(argv[1], name))
		return conf_error(c, rd->line, "%s", parse_err());
	d = array_grow(c->domains, c->nr_domains, sizeof(*d));
	if (!d) {
		rd->oom = true;
		return;
	}
	c->domains = d;
	d = memset(&d[c->nr_domains++], 0, sizeof(*d));
	strcpy(d->name, name);
	d->line = rd->line;
	rd->d = d;
	for (i = 2; i < argc; i++) {
		if (is_keyword(argv[i], "fail-closed") && !d->fail_closed)
			d->fail_closed = true;
		else
			conf_error(c, rd->line,
				   "unexpected '%s' after the domain name (options: fail-closed)",
				   argv[i]);
	}
}

static const struct {
	const char *word;
	const char *what;
	void (*fn)(struct conf_reader *rd, const char *word);
} conf_items[] = {
	{ "addr", "an address", conf_addr },
	{ "user", "a user, uid or uid range", conf_user },
	{ "cgroup", "a cgroup path or id", conf_cgroup },
};

static void conf_line(struct conf_reader *rd, int argc, char **argv)
{
	size_t i;
	int w;

	if (is_keyword(argv[0], "domain"))
		return conf_domain(rd, argc, argv);
	for (i = 0; i < sizeof(conf_items) / sizeof(conf_items[0]); i++) {
		if (!is_keyword(argv[0], conf_items[i].word))
			continue;
		if (!rd->d)
			return conf_error(rd->c, rd->line,
					  "'%s' outside a domain: write a 'domain NAME' line first",
					  argv[0]);
		if (argc < 2)
			return conf_error(rd->c, rd->line, "'%s' needs %s",
					  argv[0], conf_items[i].what);
		for (w = 1; w < argc && !rd->oom; w++)
			conf_items[i].fn(rd, argv[w]);
		return;
	}
	conf_error(rd->c, rd->line,
		   "unknown keyword '%s' (domain, addr, user or cgroup)",
		   argv[0]);
}

static int err_cmp(const void *a, const void *b)
{
	const struct conf_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line > y->line ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int map_cmp(const void *a, const void *b)
{
	const struct conf_map *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? 1 : -1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Sorted by key then line: each repeat is an error at its later line. */
static void dup_maps(struct conf *c, struct conf_map *v, size_t n,
		     const char *what)
{
	unsigned int last_line = 0, last_first = 0;
	size_t i;

	if (n)
		qsort(v, n, sizeof(*v), map_cmp);
	for (i = 1; i < n; i++) {
		const struct conf_map *a = &v[i - 1], *b = &v[i];

		if (a->key != b->key)
			continue;
		/* Overlapping ranges: once per pair of lines. */
		if (b->line == last_line && a->line == last_first)
			continue;
		last_line = b->line;
		last_first = a->line;
		if (a->domain == b->domain)
			conf_error(c, b->line,
				   "%s %" PRIu64 " is listed twice in domain '%s' (line %u)",
				   what, b->key, c->domains[a->domain].name,
				   a->line);
		else
			conf_error(c, b->line,
				   "%s %" PRIu64 " belongs to domain '%s' already (line %u)",
				   what, b->key, c->domains[a->domain].name,
				   a->line);
	}
}

/*
 * Domain names and addresses are checked for duplicates sorted, not pair
 * by pair: a file with 10000 domains took 50 million comparisons, most of
 * a second, and 100000 would take a minute and a half. Ties keep the
 * file's order, so each duplicate is reported against every earlier one,
 * as before.
 */
enum dup_key { DUP_NAME, DUP_ADDR4, DUP_ADDR6 };

static int dup_key_cmp(const struct conf_domain *x, const struct conf_domain *y,
		       enum dup_key key)
{
	switch (key) {
	case DUP_NAME:
		return strcmp(x->name, y->name);
	case DUP_ADDR4:
		return memcmp(&x->addr4.v4, &y->addr4.v4, sizeof(x->addr4.v4));
	default:
		return memcmp(&x->addr6.v6, &y->addr6.v6, sizeof(x->addr6.v6));
	}
}

static enum dup_key dup_sort_key;

static int dup_cmp(const void *a, const void *b)
{
	const struct conf_domain *x = *(const struct conf_domain * const *)a;
	const struct conf_domain *y = *(const struct conf_domain * const *)b;
	int r = dup_key_cmp(x, y, dup_sort_key);

	return r ? r : (x > y) - (x < y);
}

static void dup_report(struct conf *c, const struct conf_domain *d,
		       const struct conf_domain *e, enum dup_key key)
{
	char buf[INET6_ADDRSTRLEN];

	if (key == DUP_NAME)
		conf_error(c, d->line, "domain '%s' is defined twice (line %u)",
			   d->name, e->line);
	else if (key == DUP_ADDR4)
		conf_error(c, d->line4,
			   "address %s belongs to domain '%s' already (line %u)",
			   inet_ntop(AF_INET, &d->addr4.v4, buf, sizeof(buf)),
			   e->name, e->line4);
	else
		conf_error(c, d->line6,
			   "address %s belongs to domain '%s' already (line %u)",
			   inet_ntop(AF_INET6, &d->addr6.v6, buf, sizeof(buf)),
			   e->name, e->line6);
}

/* v: the n domains that have the key, in file order; sorted here. */
static void dup_check(struct conf *c, const struct conf_domain **v, size_t n,
		      enum dup_key key)
{
	size_t i, j, first = 0;

	dup_sort_key = key;
	qsort(v, n, sizeof(*v), dup_cmp);
	for (i = 1; i < n; i++) {
		if (dup_key_cmp(v[i], v[first], key)) {
			first = i;
			continue;
		}
		for (j = first; j < i; j++) {
			/* One error per pair: a second name says it all. */
			if (key != DUP_NAME && !strcmp(v[i]->name, v[j]->name))
				continue;
			dup_report(c, v[i], v[j], key);
		}
	}
}

static void dup_domains(struct conf *c)
{
	const struct conf_domain **v;
	enum dup_key key;
	size_t i, n;

	for (i = 0; i < c->nr_domains; i++)
		if (!c->domains[i].addr4.family && !c->domains[i].addr6.family)
			conf_error(c, c->domains[i].line,
				   "domain '%s' has no address: add an 'addr' line",
				   c->domains[i].name);
	if (c->nr_domains < 2)
		return;
	v = malloc(c->nr_domains * sizeof(*v));
	if (!v) {
		conf_error(c, c->domains[c->nr_domains - 1].line,
			   "out of memory");
		return;
	}
	for (key = DUP_NAME; key <= DUP_ADDR6; key++) {
		for (i = n = 0; i < c->nr_domains; i++) {
			const struct conf_domain *d = &c->domains[i];

			if (key == DUP_NAME ||
			    (key == DUP_ADDR4 && d->addr4.family) ||
			    (key == DUP_ADDR6 && d->addr6.family))
				v[n++] = d;
		}
		dup_check(c, v, n, key);
	}
	free(v);
}

int conf_parse(struct conf *c, FILE *f, const struct conf_resolve *r)
{
	struct conf_reader rd = { .c = c, .r = r };
	char *argv[CONF_WORDS_MAX];
	char *buf = NULL, *p;
	size_t size = 0;
	int argc;

	memset(c, 0, sizeof(*c));
	while (!rd.oom && getline(&buf, &size, f) >= 0) {
		rd.line++;
		/* Unlike in a batch, a comment may start inside a word. */
		p = strchr(buf, '#');
		if (p)
			*p = '\0';
		argc = split_words(buf, argv, CONF_WORDS_MAX);
		if (argc < 0)
			conf_error(c, rd.line, "more than %d words on a line",
				   CONF_WORDS_MAX);
		else if (argc)
			conf_line(&rd, argc, argv);
	}
	free(buf);
	if (ferror(f))
		conf_error(c, rd.line + 1, "cannot read: %s", strerror(errno));
	if (rd.oom)
		conf_error(c, rd.line, "out of memory");
	dup_domains(c);
	dup_maps(c, c->uids, c->nr_uids, "uid");
	dup_maps(c, c->cgroups, c->nr_cgroups, "cgroup");
	if (c->nr_errs)
		qsort(c->errs, c->nr_errs, sizeof(*c->errs), err_cmp);
	return c->nr_errs ? -1 : 0;
}

void conf_print_errors(const struct conf *c, const char *file, FILE *out,
		       size_t max)
{
	size_t i;

	for (i = 0; i < c->nr_errs && i < max; i++)
		fprintf(out, "%s:%u: %s\n", file, c->errs[i].line,
			c->errs[i].msg);
	if (c->nr_errs > max)
		fprintf(out, "%s: %zu more errors\n", file, c->nr_errs - max);
}

void conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nr_errs; i++)
		free(c->errs[i].msg);
	free(c->errs);
	free(c->domains);
	free(c->uids);
	free(c->cgroups);
	memset(c, 0, sizeof(*c));
}
