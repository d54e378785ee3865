// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing helpers: addresses, domain names, uids and cgroup paths, checked
 * here so that a mistake is reported with the word that caused it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "parse.h"

/* include/linux/exportfs.h, not UAPI: the file handle type of kernfs. */
#define FILEID_KERNFS	0xfe

static char err_buf[512];

const char *parse_err(void)
{
	return err_buf;
}

int parse_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	return -1;
}

/* Keywords match exactly: no abbreviations, unlike old iproute2. */
bool is_keyword(const char *arg, const char *keyword)
{
	return arg && strcmp(arg, keyword) == 0;
}

/* "on" or "off", exactly. */
int parse_on_off(const char *what, const char *arg, bool *val)
{
	if (!arg)
		return parse_error("'%s' needs a value: 'on' or 'off'", what);
	if (is_keyword(arg, "on") || is_keyword(arg, "off")) {
		*val = is_keyword(arg, "on");
		return 0;
	}
	return parse_error("'%s' expects 'on' or 'off', got '%s'", what, arg);
}

/* Decimal digits only, no sign or spaces: -EINVAL, or -ERANGE if too big. */
static int parse_u64(const char *arg, uint64_t *val)
{
	if (!*arg || strspn(arg, "0123456789") != strlen(arg))
		return -EINVAL;
	errno = 0;
	*val = strtoull(arg, NULL, 10);
	return -errno;
}

int parse_addr(const char *arg, struct addr *a)
{
	if (inet_pton(AF_INET, arg, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, &a->v6) != 1)
		return parse_error("'addr' expects an IPv4 or IPv6 address, got '%s'",
				   arg);
	/* The kernel gives v4-mapped destinations the domain's IPv4 address. */
	if (IN6_IS_ADDR_V4MAPPED(&a->v6)) {
		char v4[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a->v6.s6_addr[12], v4, sizeof(v4));
		return parse_error("'addr' expects an IPv4 or IPv6 address, got the IPv4-mapped '%s': write %s",
				   arg, v4);
	}
	a->family = AF_INET6;
	return 0;
}

/* RFC 1035: a label is at most 63 bytes; <linux/vaddr.h> says the same. */
#define DOMAIN_LABEL_MAX	63

static bool domain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* name is made of allowed characters: are its labels 1-63 bytes long? */
static int domain_labels(const char *arg, const char *name, size_t len)
{
	const char *p;
	size_t n;

	for (p = name; ; p += n + 1) {
		n = strcspn(p, ".");
		if (!n && p == name)
			return parse_error("invalid domain name '%s': it starts with '.'",
					   arg);
		if (!n && !*p)
			return parse_error("invalid domain name '%s': it ends with '.' (write '%.*s')",
					   arg, (int)len - 1, arg);
		if (!n)
			return parse_error("invalid domain name '%s': empty label between two '.'",
					   arg);
		if (n > DOMAIN_LABEL_MAX)
			return parse_error("invalid domain name '%s': label '%.*s' has %zu bytes, at most %d allowed",
					   arg, (int)n, arg + (p - name), n,
					   DOMAIN_LABEL_MAX);
		if (!p[n])
			return 0;
	}
}

/*
 * <linux/vaddr.h>: at most VADDR_DOMAIN_MAX bytes of dot-separated labels
 * of 1 to 63 bytes of [a-z0-9_-]. DNS names are case-insensitive, so
 * uppercase ASCII is lowercased here, not refused.
 */
int parse_domain(const char *arg, char name[VADDR_DOMAIN_MAX + 1])
{
	size_t i, len = strlen(arg);

	if (!len)
		return parse_error("empty domain name");
	if (len > VADDR_DOMAIN_MAX)
		return parse_error("domain name of %zu bytes, at most %d allowed",
				   len, VADDR_DOMAIN_MAX);
	for (i = 0; i < len; i++) {
		char c = arg[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!domain_char(c))
			return parse_error(c > ' ' && c < 0x7f ?
					   "invalid domain name '%s': '%c' is not allowed (a-z, 0-9, '-', '_', '.')" :
					   "invalid domain name '%s': byte 0x%02hhx is not allowed (a-z, 0-9, '-', '_', '.')",
					   arg, c);
		name[i] = c;
	}
	name[len] = '\0';
	return domain_labels(arg, name, len);
}

/* A string of digits is a uid, anything else a user name. */
int parse_uid(const char *arg, uint32_t *uid)
{
	const struct passwd *pw;
	uint64_t val;
	int err = parse_u64(arg, &val);

	/* (uid_t)-1 is the kernel's invalid uid. */
	if (err == -ERANGE || (!err && val >= UINT32_MAX))
		return parse_error("uid %s out of range (0-%u)", arg,
				   UINT32_MAX - 1);
	if (!err) {
		*uid = val;
		return 0;
	}
	pw = getpwnam(arg);
	if (!pw)
		return parse_error("unknown user '%s'", arg);
	*uid = pw->pw_uid;
	return 0;
}

/* The cgroup id is the kernfs node id, which is also its file handle. */
int cgroup_dir_id(const char *path, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	int mount_id;

	memset(h.buf, 0, sizeof(h.buf));
	h.fh.handle_bytes = sizeof(uint64_t);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0))
		return parse_error("cannot get the cgroup id of '%s': %s", path,
				   strerror(errno));
	if (h.fh.handle_type != FILEID_KERNFS ||
	    h.fh.handle_bytes != sizeof(*id))
		return parse_error("'%s' has no cgroup id (file handle type %#x)",
				   path, h.fh.handle_type);
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

/* A cgroup v2 directory, as a path. */
int parse_cgroup(const char *arg, uint64_t *id)
{
	struct statfs sfs;
	struct stat st;

	if (statfs(arg, &sfs) || stat(arg, &st))
		return parse_error("cannot access '%s': %s", arg, strerror(errno));
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return parse_error("'%s' is not on a cgroup v2 filesystem", arg);
	if (!S_ISDIR(st.st_mode))
		return parse_error("'%s' is not a cgroup directory", arg);
	return cgroup_dir_id(arg, id);
}

/*
 * A cgroup path, or digits for a cgroup id: `cgroup show` prints the id of
 * a mapped cgroup whose directory is gone, and it must stay deletable.
 */
int parse_cgroup_or_id(const char *arg, uint64_t *id)
{
	int err = parse_u64(arg, id);

	if (err == -ERANGE)
		return parse_error("cgroup id %s out of range", arg);
	return err ? parse_cgroup(arg, id) : 0;
}
