/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events of the "events" multicast group, as monitor prints them:
 * named, then printed in one line of text or one JSON object, from what
 * ipc.c decoded. Nothing here talks to the kernel or looks names up.
 */
#ifndef VADDRCTL_EVENT_H
#define VADDRCTL_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ipc.h"

/* "domain_add", "user_del", ...; "command_N" for one this tool predates. */
const char *event_name(uint8_t cmd, char *buf, size_t size);

/* One line of text, or one JSON object. */
void event_print(const struct event *e);

/* ts as local ISO 8601 with microseconds: 2026-11-23T10:57:28.123456+0000 */
void event_time(const struct timespec *ts, char *buf, size_t size);

#endif
