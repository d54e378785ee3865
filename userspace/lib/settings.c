// SPDX-License-Identifier: GPL-2.0
/*
 * The table of settings: a setting is a name, the words of its value and
 * one attribute of VADDR_CMD_SETTINGS_*. A switch needs only a row made
 * with SETTING_ON_OFF(); a setting with other words (a list of users, say)
 * brings its own parse, put, get and print.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "parse.h"
#include "print.h"
#include "settings.h"

struct setting {
	const char *name;
	const char *args;		/* synopsis of the value */
	const char *help;
	uint16_t attr;
	size_t offset;			/* of the value in struct settings */
	/* Words taken from argv, the words after the name, or -1. */
	int (*parse)(const struct setting *st, struct settings *s, int argc,
		     char **argv);
	void (*put)(const struct setting *st, struct nlmsghdr *nlh,
		    const struct settings *s);
	void (*get)(const struct setting *st, const struct nlattr *attr,
		    struct settings *s);
	void (*print)(const struct setting *st, const struct settings *s);
};

static bool *on_off(const struct setting *st, struct settings *s)
{
	return (bool *)((char *)s + st->offset);
}

static bool on_off_val(const struct setting *st, const struct settings *s)
{
	return *(const bool *)((const char *)s + st->offset);
}

static int on_off_parse(const struct setting *st, struct settings *s,
			int argc, char **argv)
{
	return parse_on_off(st->name, argc ? argv[0] : NULL, on_off(st, s)) ?
	       -1 : 1;
}

static void on_off_put(const struct setting *st, struct nlmsghdr *nlh,
		       const struct settings *s)
{
	mnl_attr_put_u8(nlh, st->attr, on_off_val(st, s));
}

/* nl.c checked the attribute against its type. */
static void on_off_get(const struct setting *st, const struct nlattr *attr,
		       struct settings *s)
{
	*on_off(st, s) = mnl_attr_get_u8(attr);
}

static void on_off_print(const struct setting *st, const struct settings *s)
{
	print_on_off(PRINT_ANY, st->name, 0, on_off_val(st, s));
}

#define SETTING_ON_OFF(_name, _attr, _field, _help) {			\
	.name = _name,							\
	.args = "on|off",						\
	.help = _help,							\
	.attr = _attr,							\
	.offset = offsetof(struct settings, _field),			\
	.parse = on_off_parse,						\
	.put = on_off_put,						\
	.get = on_off_get,						\
	.print = on_off_print,						\
}

static const struct setting settings_table[] = {
	SETTING_ON_OFF("nat", VADDR_A_NAT, nat,
		       "rewrite the source of mapped traffic that auto-bind\n"
		       "cannot cover (default on); off pulls no conntrack in"),
	SETTING_ON_OFF("isolation", VADDR_A_ISOLATION, isolation,
		       "a domain's address is the source only of its own\n"
		       "sockets and of allowed users (default off); see\n"
		       "'set isolation allow|disallow USER|UID'"),
};

#define NR_SETTINGS	(sizeof(settings_table) / sizeof(settings_table[0]))

_Static_assert(NR_SETTINGS <= 32, "struct settings: 'given' is too small");

static const struct setting *setting_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SETTINGS; i++)
		if (is_keyword(name, settings_table[i].name))
			return &settings_table[i];
	return NULL;
}

/* "nat, isolation": what an unknown setting's error lists. */
static void settings_names(char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < NR_SETTINGS && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				settings_table[i].name);
}

int settings_parse(int argc, char **argv, struct settings *s)
{
	memset(s, 0, sizeof(*s));
	if (!argc)
		return parse_error("'set' needs a setting");
	while (argc) {
		const struct setting *st = setting_find(argv[0]);
		uint32_t bit;
		int used;

		if (!st) {
			char names[128];

			settings_names(names, sizeof(names));
			return parse_error("unknown setting '%s' (settings: %s)",
					   argv[0], names);
		}
		bit = 1u << (st - settings_table);
		if (s->given & bit)
			return parse_error("setting '%s' given twice", st->name);
		used = st->parse(st, s, argc - 1, argv + 1);
		if (used < 0)
			return -1;
		s->given |= bit;
		argc -= 1 + used;
		argv += 1 + used;
	}
	return 0;
}

void settings_put(struct nlmsghdr *nlh, const struct settings *s)
{
	size_t i;

	for (i = 0; i < NR_SETTINGS; i++)
		if (s->given & (1u << i))
			settings_table[i].put(&settings_table[i], nlh, s);
}

int settings_cb(const nl_attrs tb, void *data)
{
	struct settings *s = data;
	size_t i;

	if (tb[VADDR_A_CONNECT_REFUSAL] && tb[VADDR_A_MISSED]) {
		s->module.known = true;
		s->module.refusal = mnl_attr_get_u8(tb[VADDR_A_CONNECT_REFUSAL]);
		s->module.missed = mnl_attr_get_u64(tb[VADDR_A_MISSED]);
	}
	for (i = 0; i < NR_SETTINGS; i++) {
		const struct setting *st = &settings_table[i];

		if (!tb[st->attr])
			continue;
		st->get(st, tb[st->attr], s);
		s->given |= 1u << i;
	}
	return 0;
}

void settings_print(const struct settings *s)
{
	size_t i;

	for (i = 0; i < NR_SETTINGS; i++) {
		const struct setting *st = &settings_table[i];

		print_text("%s: ", st->name);
		if (s->given & (1u << i))
			st->print(st, s);
		else
			print_str(PRINT_ANY, st->name, 0, NULL);
		print_text("\n");
	}
}

void module_state_print(const struct module_state *m)
{
	if (!m->known)
		return;
	print_text("connect refusal: %s\n", m->refusal ? "works" :
		   "unavailable on this kernel: isolation and fail-closed cannot be turned on");
	print_on_off(PRINT_JSON, "connect_refusal", 0, m->refusal);
	print_text("missed connects: ");
	print_u64(PRINT_ANY, "missed_connects", 0, m->missed);
	print_text("\n");
}

/* Help lines are indented under the setting, continuation lines too. */
void settings_help(FILE *f)
{
	size_t i;

	for (i = 0; i < NR_SETTINGS; i++) {
		const struct setting *st = &settings_table[i];
		const char *p = st->help;

		fprintf(f, "  %s %s\n", st->name, st->args);
		while (*p) {
			int n = strcspn(p, "\n");

			fprintf(f, "      %.*s\n", n, p);
			p += n + !!p[n];
		}
	}
}
