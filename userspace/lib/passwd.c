// SPDX-License-Identifier: GPL-2.0
/*
 * User names for the uids of mappings. With the files backend each
 * getpwuid() reads /etc/passwd from its top, so naming n uids one by one
 * costs n times the database: past PW_LOOKUPS_MAX uids the database is
 * read once with getpwent() instead, and each entry looked up among the
 * uids, sorted by key.
 */
#include <stdlib.h>
#include <string.h>

#include "passwd.h"

const struct pw_db pw_system = {
	.open = setpwent,
	.next = getpwent,
	.close = endpwent,
	.by_uid = getpwuid,
};

static int uid_cmp(const void *key, const void *elem)
{
	uint64_t uid = *(const uint64_t *)key;
	const struct map *u = elem;

	return (uid > u->key) - (uid < u->key);
}

/* getpwuid() keeps the first entry of a uid; so does this. */
static size_t users_scan(struct map *v, size_t n, size_t left,
			 const struct pw_db *db)
{
	const struct passwd *pw;

	db->open();
	while (left && (pw = db->next())) {
		uint64_t uid = pw->pw_uid;
		struct map *u = bsearch(&uid, v, n, sizeof(*v), uid_cmp);

		if (u && !u->name) {
			u->name = strdup(pw->pw_name);
			left -= !!u->name;
		}
	}
	db->close();
	return left;
}

void users_name(struct map *v, size_t n, const struct pw_db *db)
{
	size_t i, left = 0;

	for (i = 0; i < n; i++)
		left += !v[i].name;
	if (left > PW_LOOKUPS_MAX)
		left = users_scan(v, n, left, db);
	/*
	 * A backend may find uids it does not enumerate (LDAP without
	 * enumeration, say): ask for those few, but not for a crowd of
	 * uids that have no name.
	 */
	if (left > PW_LOOKUPS_MAX)
		return;
	for (i = 0; i < n && left; i++) {
		const struct passwd *pw;

		if (v[i].name)
			continue;
		left--;
		pw = db->by_uid(v[i].key);
		if (pw)
			v[i].name = strdup(pw->pw_name);
	}
}

void users_resolve(struct maps *m)
{
	users_name(m->v, m->n, &pw_system);
}

char *user_name(uint32_t uid)
{
	struct map u = { .key = uid };

	users_name(&u, 1, &pw_system);
	return u.name;
}
