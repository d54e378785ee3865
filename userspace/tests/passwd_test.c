// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of passwd.c: naming uids one by one, or by one read of the
 * database, against a database made up here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/passwd.h"
#include "tap.h"

/* The made-up database: its entries, and what was asked of it. */
static struct {
	struct passwd *v;
	char (*names)[16];
	size_t n;
	size_t pos;
	struct passwd hidden;		/* found by uid, never enumerated */
	int opens, nexts, closes, by_uids;
} db;

static void db_open(void)
{
	db.opens++;
	db.pos = 0;
}

static struct passwd *db_next(void)
{
	db.nexts++;
	return db.pos < db.n ? &db.v[db.pos++] : NULL;
}

static void db_close(void)
{
	db.closes++;
}

static struct passwd *db_by_uid(uid_t uid)
{
	size_t i;

	db.by_uids++;
	for (i = 0; i < db.n; i++)
		if (db.v[i].pw_uid == uid)
			return &db.v[i];
	return db.hidden.pw_name && db.hidden.pw_uid == uid ? &db.hidden :
							       NULL;
}

static const struct pw_db fake = {
	.open = db_open,
	.next = db_next,
	.close = db_close,
	.by_uid = db_by_uid,
};

/* Entries for uids first, ..., first + n - 1, named uN, last ones first. */
static void db_fill(uid_t first, size_t n)
{
	size_t i;

	free(db.v);
	free(db.names);
	memset(&db, 0, sizeof(db));
	db.v = calloc(n + 1, sizeof(*db.v));
	db.names = calloc(n + 1, sizeof(*db.names));
	for (i = 0; i < n; i++) {
		uid_t uid = first + n - 1 - i;

		snprintf(db.names[i], sizeof(db.names[i]), "u%u", uid);
		db.v[i].pw_name = db.names[i];
		db.v[i].pw_uid = uid;
	}
	db.n = n;
}

/* n mappings of uids first, first + 1, ..., sorted by key. */
static struct map *maps_of(uint64_t first, size_t n)
{
	struct map *v = calloc(n, sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++)
		v[i].key = first + i;
	return v;
}

static void maps_drop(struct map *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Each map of v named uKEY, or without a name outside [lo, hi). */
static int named(const struct map *v, size_t n, uint64_t lo, uint64_t hi)
{
	char want[32];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "u%llu",
			 (unsigned long long)v[i].key);
		if (v[i].key >= lo && v[i].key < hi ?
		    !v[i].name || strcmp(v[i].name, want) :
		    v[i].name != NULL) {
			printf("# uid %llu named %s\n",
			       (unsigned long long)v[i].key,
			       v[i].name ? v[i].name : "(none)");
			return 0;
		}
	}
	return 1;
}

static void test_few(void)
{
	struct map *v = maps_of(1000, PW_LOOKUPS_MAX);

	db_fill(1000, PW_LOOKUPS_MAX - 1);
	users_name(v, PW_LOOKUPS_MAX, &fake);
	ok(named(v, PW_LOOKUPS_MAX, 1000, 1000 + PW_LOOKUPS_MAX - 1),
	   "%d uids are named, the one not in the database is not",
	   PW_LOOKUPS_MAX);
	ok(db.by_uids == PW_LOOKUPS_MAX && !db.opens && !db.nexts,
	   "%d uids: one lookup by uid each, no read of the database",
	   PW_LOOKUPS_MAX);
	maps_drop(v, PW_LOOKUPS_MAX);
}

static void test_many(void)
{
	size_t n = 4000;
	struct map *v = maps_of(2000, n);

	/* A database larger than the uids, and not in their order. */
	db_fill(1000, n + 2000);
	users_name(v, n, &fake);
	ok(named(v, n, 2000, 2000 + n), "%zu uids are named", n);
	ok(db.opens == 1 && db.closes == 1 && !db.by_uids,
	   "%zu uids: one read of the database, no lookup by uid", n);
	ok(db.nexts == (int)(db.n - 1000),
	   "the read stops once every uid is named");
	maps_drop(v, n);
}

static void test_first_entry(void)
{
	struct map *v = maps_of(1000, 100);

	db_fill(1000, 100);
	/* u1050 again, later in the database: getpwuid() finds the first. */
	db.v[db.n] = (struct passwd){ .pw_name = "later", .pw_uid = 1050 };
	db.n++;
	users_name(v, 100, &fake);
	ok(v[50].name && !strcmp(v[50].name, "u1050"),
	   "a uid listed twice gets its first name");
	maps_drop(v, 100);
}

static void test_leftovers(void)
{
	struct map *v;

	/* 100 uids, 90 in the database, 10 left: asked one by one. */
	v = maps_of(1000, 100);
	db_fill(1000, 90);
	db.hidden = (struct passwd){ .pw_name = "u1095", .pw_uid = 1095 };
	users_name(v, 100, &fake);
	ok(db.opens == 1 && db.by_uids == 10,
	   "after the read, the 10 uids left are looked up by uid");
	ok(named(v, 95, 1000, 1090) && v[95].name &&
	   !strcmp(v[95].name, "u1095") && named(v + 96, 4, 0, 0),
	   "a uid the database does not enumerate is named by lookup");
	maps_drop(v, 100);

	/* 200 uids, 100 without a name: too many to look up one by one. */
	v = maps_of(1000, 200);
	db_fill(1000, 100);
	users_name(v, 200, &fake);
	ok(db.opens == 1 && !db.by_uids && named(v, 200, 1000, 1100),
	   "100 uids without a name are not looked up one by one");
	maps_drop(v, 200);
}

static void test_named_kept(void)
{
	struct map *v = maps_of(1000, 3);

	db_fill(1000, 3);
	v[1].name = strdup("kept");
	users_name(v, 3, &fake);
	ok(db.by_uids == 2 && !strcmp(v[1].name, "kept"),
	   "a uid that has a name keeps it and is not looked up");
	maps_drop(v, 3);
}

/* The system's database has root; as many uids as take either path. */
static void test_system(void)
{
	size_t n;

	for (n = 1; n <= PW_LOOKUPS_MAX + 1; n += PW_LOOKUPS_MAX) {
		struct map *v = maps_of(0, n);

		users_name(v, n, &pw_system);
		ok(v[0].name && !strcmp(v[0].name, "root"),
		   "system database, %zu uids: uid 0 is root", n);
		maps_drop(v, n);
	}
}

void test_passwd(void)
{
	test_few();
	test_many();
	test_first_entry();
	test_leftovers();
	test_named_kept();
	test_system();
	free(db.v);
	free(db.names);
}
