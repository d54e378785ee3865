/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printing path for text and JSON, after iproute2's print_*(PRINT_ANY):
 * a command prints each value once, with its JSON key and its text width,
 * and the mode chosen by -j decides what is written.
 */
#ifndef VADDRCTL_PRINT_H
#define VADDRCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum print_type {
	PRINT_TEXT = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_TEXT | PRINT_JSON,
};

void print_init(FILE *out, bool json, bool pretty);

/* Containers exist in JSON only; a NULL key inside an array. */
void print_open_array(const char *key);
void print_close_array(void);
void print_open_object(const char *key);
void print_close_object(void);

/*
 * Text pads to width like printf ("%*s": negative aligns left) and shows a
 * NULL string as "-"; JSON writes "key": value, null for a NULL string.
 */
void print_str(enum print_type t, const char *key, int width, const char *val);
void print_u64(enum print_type t, const char *key, int width, uint64_t val);
/* A switch: "on" or "off" in text, true or false in JSON. */
void print_on_off(enum print_type t, const char *key, int width, bool val);

/* The width of a text column that must also hold s, or val. */
int print_width(int width, const char *s);
int print_u64_width(int width, uint64_t val);

/* Text mode only: headers, separators, newlines. */
__attribute__((format(printf, 1, 2)))
void print_text(const char *fmt, ...);

/* A quoted JSON string; invalid UTF-8 becomes U+FFFD. */
void json_string(FILE *f, const char *s);

#endif
