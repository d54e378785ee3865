// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output. JSON is written as it goes, with a comma flag per
 * nesting level, so output of any size needs no tree in memory.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "print.h"

#define PRINT_DEPTH	8
#define PRINT_INDENT	4

static struct {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	bool empty[PRINT_DEPTH];	/* nothing printed yet at that level */
} pr;

void print_init(FILE *out, bool json, bool pretty)
{
	pr.out = out;
	pr.json = json;
	pr.pretty = pretty;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t i, n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_char(FILE *f, unsigned char c)
{
	switch (c) {
	case '"':
		fputs("\\\"", f);
		break;
	case '\\':
		fputs("\\\\", f);
		break;
	case '\b':
		fputs("\\b", f);
		break;
	case '\f':
		fputs("\\f", f);
		break;
	case '\n':
		fputs("\\n", f);
		break;
	case '\r':
		fputs("\\r", f);
		break;
	case '\t':
		fputs("\\t", f);
		break;
	default:
		if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 1)
			json_char(f, *p);
		else if (n)
			fwrite(p, 1, n, f);
		else
			fputs("\\ufffd", f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

/* The separator before a value, and its key inside an object. */
static void json_key(const char *key)
{
	if (pr.depth) {
		if (!pr.empty[pr.depth])
			fputc(',', pr.out);
		pr.empty[pr.depth] = false;
		if (pr.pretty)
			fprintf(pr.out, "\n%*s", PRINT_INDENT * pr.depth, "");
	}
	if (key) {
		json_string(pr.out, key);
		fputs(pr.pretty ? ": " : ":", pr.out);
	}
}

static void json_open(const char *key, char c)
{
	if (!pr.json)
		return;
	json_key(key);
	fputc(c, pr.out);
	assert(pr.depth + 1 < PRINT_DEPTH);
	pr.empty[++pr.depth] = true;
}

static void json_close(char c)
{
	if (!pr.json)
		return;
	if (pr.pretty && !pr.empty[pr.depth])
		fprintf(pr.out, "\n%*s", PRINT_INDENT * (pr.depth - 1), "");
	fputc(c, pr.out);
	if (!--pr.depth)
		fputc('\n', pr.out);
}

void print_open_array(const char *key)
{
	json_open(key, '[');
}

void print_close_array(void)
{
	json_close(']');
}

void print_open_object(const char *key)
{
	json_open(key, '{');
}

void print_close_object(void)
{
	json_close('}');
}

void print_str(enum print_type t, const char *key, int width, const char *val)
{
	if (pr.json && (t & PRINT_JSON)) {
		json_key(key);
		if (val)
			json_string(pr.out, val);
		else
			fputs("null", pr.out);
	} else if (!pr.json && (t & PRINT_TEXT)) {
		fprintf(pr.out, "%*s", width, val ? val : "-");
	}
}

void print_u64(enum print_type t, const char *key, int width, uint64_t val)
{
	if (pr.json && (t & PRINT_JSON)) {
		json_key(key);
		fprintf(pr.out, "%" PRIu64, val);
	} else if (!pr.json && (t & PRINT_TEXT)) {
		fprintf(pr.out, "%*" PRIu64, width, val);
	}
}

void print_on_off(enum print_type t, const char *key, int width, bool val)
{
	if (pr.json && (t & PRINT_JSON)) {
		json_key(key);
		fputs(val ? "true" : "false", pr.out);
	} else if (!pr.json && (t & PRINT_TEXT)) {
		fprintf(pr.out, "%*s", width, val ? "on" : "off");
	}
}

int print_width(int width, const char *s)
{
	int len = strlen(s ? s : "-");

	return len > width ? len : width;
}

int print_u64_width(int width, uint64_t val)
{
	int len = snprintf(NULL, 0, "%" PRIu64, val);

	return len > width ? len : width;
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(pr.out, fmt, ap);
	va_end(ap);
}
