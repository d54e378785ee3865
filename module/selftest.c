// SPDX-License-Identifier: GPL-2.0
/*
 * A self-test of the table (table.c), run when a module built with
 * VADDR_SELFTEST=y loads, before anything is registered; the module
 * users get never contains it. It checks what the VM tests cannot reach
 * directly: the domain name rule, the sorted and deduplicated uid list
 * that UID_GET dumps resume from, and the counters that adding, deleting
 * and replacing keep (a table's nr_uids and nr_cgroups, a domain's, the
 * number of domains and of fail-closed ones).
 *
 * Each check prints one line, "vaddr: selftest: ok - WHAT" or
 * "vaddr: selftest: not ok - WHAT", then a summary line; a failed check
 * makes the load fail. tests/vm/selftest.sh turns the lines into TAP.
 */
#include <linux/errno.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "selftest.h"
#include "stats.h"
#include "table.h"

struct vaddr_selftest {
	unsigned int passed;
	unsigned int failed;
};

static __printf(3, 4) bool vaddr_check(struct vaddr_selftest *st, bool ok,
				       const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("selftest: %s - %pV\n", ok ? "ok" : "not ok", &vaf);
	va_end(args);
	if (ok)
		st->passed++;
	else
		st->failed++;
	return ok;
}

/* A name of labels of @len characters each, @n of them, in @buf. */
static const char *vaddr_labels(char *buf, int n, int len)
{
	char *p = buf;
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			*p++ = '.';
		memset(p, 'a' + i, len);
		p += len;
	}
	*p = '\0';
	return buf;
}

static void vaddr_selftest_names(struct vaddr_selftest *st)
{
	static const char * const good[] = {
		"a", "bcd.example", "mail-1.bcd_2.example", "0.9",
	};
	static const char * const bad[] = {
		"", ".", ".example", "bcd.", "bcd..example", "Bcd.example",
		"bcd example", "bcd/example", "bcd.\xc3\xa9xample",
	};
	char buf[VADDR_DOMAIN_MAX + 2];
	int i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		vaddr_check(st, vaddr_domain_name_valid(good[i]),
			    "name check accepts '%s'", good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		vaddr_check(st, !vaddr_domain_name_valid(bad[i]),
			    "name check rejects '%s'", bad[i]);
	vaddr_check(st, vaddr_domain_name_valid(vaddr_labels(buf, 1, 63)),
		    "name check accepts a label of 63 characters");
	vaddr_check(st, !vaddr_domain_name_valid(vaddr_labels(buf, 1, 64)),
		    "name check rejects a label of 64 characters");
	vaddr_check(st, vaddr_domain_name_valid(vaddr_labels(buf, 4, 62)) &&
		    strlen(buf) == 251,
		    "name check accepts four labels of 62 characters");
	vaddr_check(st, !vaddr_domain_name_valid(vaddr_labels(buf, 3, 64)),
		    "name check rejects a long name with a label of 64");
}

/*
 * The uids of the list test: 1000 + k * 1000003 for k from 0 to 1999,
 * added in a scattered order (7919 is prime to 2000), enough for the
 * hash table to grow under the walk.
 */
#define VADDR_TEST_UIDS	2000
static u32 vaddr_test_uid(unsigned long k)
{
	return 1000 + k * 1000003;
}

/*
 * Removals leave tombstones, which an add of the same uid revives and a
 * rebuild drops: remove every other uid, add back a quarter, remove all.
 * Each step, every uid maps to what it should, and INVALID_UID to nothing.
 */
static void vaddr_selftest_uid_churn(struct vaddr_selftest *st,
				     struct vaddr_table *t,
				     struct vaddr_domain *d)
{
	unsigned long i, bad = 0, want;
	struct vaddr_domain *got;
	int err = 0;

	for (i = 0; i < VADDR_TEST_UIDS && !err; i += 2)
		err = vaddr_uid_del(t, KUIDT_INIT(vaddr_test_uid(i)));
	for (i = 0; i < VADDR_TEST_UIDS && !err; i += 4)
		err = vaddr_uid_add(t, KUIDT_INIT(vaddr_test_uid(i)), d);
	for (i = 0; i < VADDR_TEST_UIDS; i++) {
		got = vaddr_uid_domain(t, KUIDT_INIT(vaddr_test_uid(i)));
		bad += got != (i % 2 || !(i % 4) ? d : NULL);
	}
	want = VADDR_TEST_UIDS / 2 + VADDR_TEST_UIDS / 4;
	vaddr_check(st, !err && !bad && t->nr_uids == want &&
		    !vaddr_uid_domain(t, INVALID_UID),
		    "uid churn: half removed, a quarter back: %lu mapped, %lu wrong (error %d)",
		    t->nr_uids, bad, err);
	for (i = 0; i < VADDR_TEST_UIDS && !err; i++)
		if (vaddr_uid_domain(t, KUIDT_INIT(vaddr_test_uid(i))))
			err = vaddr_uid_del(t, KUIDT_INIT(vaddr_test_uid(i)));
	vaddr_check(st, !err && !t->nr_uids && !d->nr_uids &&
		    !rcu_access_pointer(t->uids),
		    "uid churn: all removed, the array is gone (error %d)", err);
}

/* Enough uids to be sorted by radix: 3000 of 1000 values, hashed. */
static void vaddr_selftest_uid_sort_many(struct vaddr_selftest *st)
{
	unsigned long n = 3000, nr, i;
	bool ordered = true;
	u32 *v;

	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL);
	if (!vaddr_check(st, v, "uid sort: 3000 uids allocated"))
		return;
	for (i = 0; i < n; i++)
		v[i] = hash_32(i % 1000, 32) | (i % 1000 == 7 ? 0x80000000 : 0);
	nr = vaddr_uid_sort(v, n);
	for (i = 1; i < nr; i++)
		ordered &= v[i - 1] < v[i];
	vaddr_check(st, nr == 1000 && ordered,
		    "uid sort: 3000 uids, each value thrice, give 1000 in order");
	kvfree(v);
}

static void vaddr_selftest_uid_list(struct vaddr_selftest *st)
{
	static const u32 want[] = { 0, 3, 5, 42, 4294967294U };
	u32 v[] = { 5, 3, 5, 0, 4294967294U, 3, 42, 0 };
	struct vaddr_domain *d;
	struct vaddr_table *t;
	unsigned long nr, i;
	u32 *uids;
	int err;

	nr = vaddr_uid_sort(v, ARRAY_SIZE(v));
	vaddr_check(st, nr == ARRAY_SIZE(want) && !memcmp(v, want, sizeof(want)),
		    "uid sort: 8 uids, 3 of them twice, give 5 in order");
	vaddr_check(st, vaddr_uid_sort(v, 0) == 0, "uid sort: none give none");
	vaddr_selftest_uid_sort_many(st);

	t = vaddr_table_alloc();
	if (!vaddr_check(st, t, "a table is allocated for the uid list"))
		return;
	uids = vaddr_uid_list(t, &nr);
	vaddr_check(st, !uids && !nr, "uid list of an empty table is empty");
	err = vaddr_domain_add(t, "u.example", NULL, NULL);
	d = vaddr_domain_find(t, "u.example");
	for (i = 0; i < VADDR_TEST_UIDS && !err; i++)
		err = vaddr_uid_add(t,
				    KUIDT_INIT(vaddr_test_uid(i * 7919 %
							      VADDR_TEST_UIDS)),
				    d);
	vaddr_check(st, !err && t->nr_uids == VADDR_TEST_UIDS &&
		    d->nr_uids == VADDR_TEST_UIDS,
		    "%d uids added (table %lu, domain %u, error %d)",
		    VADDR_TEST_UIDS, t->nr_uids, d ? d->nr_uids : 0, err);
	uids = vaddr_uid_list(t, &nr);
	if (vaddr_check(st, !IS_ERR_OR_NULL(uids),
			"uid list of %d uids", VADDR_TEST_UIDS)) {
		for (i = 0; i < nr; i++)
			if (uids[i] != vaddr_test_uid(i))
				break;
		vaddr_check(st, nr == VADDR_TEST_UIDS && i == nr,
			    "uid list holds each mapped uid once, in order (%lu of %lu)",
			    i, nr);
		kvfree(uids);
	}
	vaddr_selftest_uid_churn(st, t, d);
	vaddr_table_free(t);
}

/* The table holds what it says: nr_* and what the lookups find. */
static void vaddr_selftest_counts(struct vaddr_selftest *st,
				  struct vaddr_table *t, const char *when,
				  unsigned long uids, unsigned long cgroups,
				  unsigned int domains)
{
	vaddr_check(st, t->nr_uids == uids && t->nr_cgroups == cgroups &&
		    atomic_read(&t->names.nelems) == domains,
		    "%s: %lu uids, %lu cgroups, %u domains (have %lu, %lu, %d)",
		    when, uids, cgroups, domains, t->nr_uids, t->nr_cgroups,
		    atomic_read(&t->names.nelems));
}

static int vaddr_count_one(unsigned long id, struct vaddr_domain *d,
			   void *arg)
{
	unsigned int *n = arg;

	return ++*n == 1;
}

static void vaddr_selftest_replace(struct vaddr_selftest *st,
				   struct vaddr_table *old)
{
	const __be32 b4 = htonl(0xc6336402);	/* 198.51.100.2 */
	struct vaddr_domain *b, *c;
	struct vaddr_table *t;
	struct vaddr_net *vn;
	unsigned long pos = 0;
	unsigned int n = 0;

	vn = kzalloc(sizeof(*vn), GFP_KERNEL);
	t = vaddr_table_alloc();
	if (!vaddr_check(st, vn && t,
			 "a namespace and a replacement table are allocated")) {
		kfree(vn);
		if (t)
			vaddr_table_free(t);
		vaddr_table_free(old);
		return;
	}
	mutex_init(&vn->lock);
	RCU_INIT_POINTER(vn->table, old);
	vaddr_domain_add(t, "c.example", &b4, NULL);
	vaddr_domain_add(t, "b.example", NULL, NULL);
	b = vaddr_domain_find(t, "b.example");
	c = vaddr_domain_find(t, "c.example");
	vaddr_count(vaddr_domain_find(old, "b.example"), VADDR_STAT_BOUND4);

	mutex_lock(&vn->lock);
	vaddr_table_keep_stats(t, old);
	vaddr_table_replace(vn, t);
	vaddr_check(st, vaddr_table_locked(vn) == t,
		    "replace publishes the new table");
	mutex_unlock(&vn->lock);
	vaddr_check(st, vaddr_stat_read(b, VADDR_STAT_BOUND4) == 1,
		    "replace: a domain kept by name keeps its counters");
	vaddr_check(st, !vaddr_stat_read(c, VADDR_STAT_BOUND4),
		    "replace: a new domain starts from zero");
	vaddr_selftest_counts(st, t, "replace", 0, 0, 2);

	vaddr_domain_foreach(t, &pos, vaddr_count_one, &n);
	vaddr_check(st, n == 1 && pos == c->id,
		    "domain walk stops where told, at the first domain");
	pos++;
	vaddr_domain_foreach(t, &pos, vaddr_count_one, &n);
	vaddr_check(st, n == 2, "domain walk resumes after it (%u)", n);

	vaddr_table_free(t);
	mutex_destroy(&vn->lock);
	kfree(vn);
}

static void vaddr_selftest_table(struct vaddr_selftest *st)
{
	const __be32 a4 = htonl(0xc0000201), b4 = htonl(0xc0000202);
	const struct in6_addr b6 = { .s6_addr = {
		0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct vaddr_domain *a, *b;
	struct vaddr_table *t;

	t = vaddr_table_alloc();
	if (!vaddr_check(st, t, "a table is allocated"))
		return;
	vaddr_check(st, !vaddr_domain_add(t, "a.example", &a4, NULL) &&
		    !vaddr_domain_add(t, "b.example", &b4, &b6),
		    "two domains added");
	a = vaddr_domain_find(t, "a.example");
	b = vaddr_domain_find(t, "b.example");
	if (!vaddr_check(st, a && b && a != b, "both found by name"))
		goto out;
	vaddr_check(st, vaddr_domain_by_addr4(t, a4) == a &&
		    vaddr_domain_by_addr4(t, b4) == b &&
		    vaddr_domain_by_addr6(t, &b6) == b,
		    "each found by its addresses");
	vaddr_selftest_counts(st, t, "two domains", 0, 0, 2);

	vaddr_check(st, !vaddr_uid_add(t, KUIDT_INIT(1001), a) &&
		    !vaddr_uid_add(t, KUIDT_INIT(1002), a) &&
		    !vaddr_uid_add(t, KUIDT_INIT(1003), b),
		    "three uids added");
	vaddr_check(st, vaddr_uid_add(t, KUIDT_INIT(1001), b) == -EEXIST,
		    "a uid mapped twice is refused");
	vaddr_check(st, !vaddr_cgroup_add(t, 10, 1, a) &&
		    !vaddr_cgroup_add(t, 11, 2, b) &&
		    !vaddr_cgroup_add(t, 12, 2, a),
		    "three cgroups added");
	vaddr_check(st, vaddr_cgroup_add(t, 10, 1, b) == -EEXIST,
		    "a cgroup mapped twice is refused");
	vaddr_check(st, vaddr_cgroup_add(t, 13, VADDR_CGROUP_LEVEL_MAX + 1,
					 a) == -E2BIG,
		    "a cgroup nested deeper than 63 levels is refused");
	vaddr_selftest_counts(st, t, "added", 3, 3, 2);
	vaddr_check(st, a->nr_uids == 2 && a->nr_cgroups == 2 &&
		    b->nr_uids == 1 && b->nr_cgroups == 1,
		    "each domain counts its own mappings");
	vaddr_check(st, vaddr_uid_domain(t, KUIDT_INIT(1003)) == b &&
		    vaddr_cgroup_domain(t, 12) == a &&
		    !vaddr_uid_domain(t, KUIDT_INIT(1004)) &&
		    !vaddr_cgroup_domain(t, 13),
		    "uids and cgroups are found, and only mapped ones");

	vaddr_check(st, !vaddr_uid_del(t, KUIDT_INIT(1002)) &&
		    vaddr_uid_del(t, KUIDT_INIT(1002)) == -ENOENT &&
		    !vaddr_cgroup_del(t, 12) &&
		    vaddr_cgroup_del(t, 12) == -ENOENT,
		    "a mapping is deleted once, then it is unknown");
	vaddr_selftest_counts(st, t, "deleted", 2, 2, 2);
	vaddr_check(st, a->nr_uids == 1 && a->nr_cgroups == 1,
		    "the domain counts one less of each");

	vaddr_domain_set_fail_closed(t, a, true);
	vaddr_domain_set_fail_closed(t, a, true);
	vaddr_check(st, t->nr_fail_closed == 1, "fail-closed counted once");
	vaddr_domain_del(t, a);
	vaddr_selftest_counts(st, t, "domain deleted", 1, 1, 1);
	vaddr_check(st, !vaddr_domain_find(t, "a.example") &&
		    !vaddr_domain_by_addr4(t, a4) &&
		    !vaddr_uid_domain(t, KUIDT_INIT(1001)) &&
		    !vaddr_cgroup_domain(t, 10) && !t->nr_fail_closed,
		    "a deleted domain takes its addresses and mappings along");

	vaddr_selftest_replace(st, t);
	return;
out:
	vaddr_table_free(t);
}

int vaddr_selftest(void)
{
	struct vaddr_selftest st = {};

	vaddr_selftest_names(&st);
	vaddr_selftest_uid_list(&st);
	vaddr_selftest_table(&st);
	pr_info("selftest: %u passed, %u failed\n", st.passed, st.failed);
	return st.failed ? -ENOTRECOVERABLE : 0;
}
