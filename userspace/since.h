/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Since when the counters count. The module's headers say when counting
 * started (load or the last reset) as since_boot_s=, seconds of
 * CLOCK_BOOTTIME, the clock /proc/uptime shows: with the uptime of the
 * same boot, that is an age and a Unix time. A saved copy has no uptime
 * beside it, so only a live read gets them, or one given --uptime (the
 * age only). The findings judge counters over that age (diagnose.h).
 */
#ifndef TCPCLOSE_SINCE_H
#define TCPCLOSE_SINCE_H

#include <stddef.h>
#include "table.h"

/* The first field of PROCFS/uptime, seconds since boot; -1 if unreadable. */
double tc_uptime(const char *procfs);

/* The Unix time now, in seconds. */
double tc_unix_now(void);

/*
 * Sets t->age_s and t->start_unix from since_boot_s and UPTIME (seconds
 * since boot) read at Unix time NOW. Left unknown (-1) without
 * since_boot_s, with UPTIME < 0, or when since_boot_s is later than
 * UPTIME (not the same boot). With NOW < 0 (unknown: a saved copy),
 * only the age.
 */
void tc_since_apply(struct tc_table *t, double uptime, double now);

struct tc_opts;

/*
 * Seconds since boot when O's files were read: --uptime, or for files under
 * /proc, which are of this moment, /proc/uptime. 0 if unknown.
 */
int tc_files_uptime(const struct tc_opts *o, double *s);

/*
 * The age of O's table T: from --uptime if given (a saved copy: no Unix
 * time), else from /proc/uptime when its files are read live; else unknown.
 */
void tc_since_get(struct tc_table *t, const struct tc_opts *o);

/* Is PATH read live (under /proc), so that /proc/uptime goes with it? */
int tc_since_live(const char *path);

/* A duration for people: "42s", "5m07s", "3h05m", "2d03h". */
void tc_since_human(char *buf, size_t len, double seconds);

#endif
