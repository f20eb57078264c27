// SPDX-License-Identifier: GPL-2.0
/*
 * Ages from since_boot_s (since.h). /proc/uptime and since_boot_s count
 * the same clock (CLOCK_BOOTTIME, suspend included), so their difference
 * is the age; it is exact to the second, since_boot_s being truncated.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "since.h"
#include "tcpclose.h"

double tc_uptime(const char *procfs)
{
	char path[4096], *buf = NULL, *end;
	size_t n;
	double up;

	snprintf(path, sizeof(path), "%s/uptime", procfs);
	if (tc_read_all(path, &buf, &n))
		return -1;
	/* "12345.67 23456.78\n": room for the NUL in a short file only. */
	if (n == 0 || n > 256) {
		free(buf);
		return -1;
	}
	buf[n - 1] = '\0';
	up = strtod(buf, &end);
	if (end == buf || up < 0 || (*end != ' ' && *end != '\0'))
		up = -1;
	free(buf);
	return up;
}

double tc_unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void tc_since_apply(struct tc_table *t, double uptime, double now)
{
	uint64_t since;

	t->age_s = t->start_unix = -1;
	if (uptime < 0 || !tc_table_meta_u64(t, "since_boot_s", &since))
		return;
	/* since_boot_s is truncated: it may be up to 1 s above a fresh uptime. */
	if ((double)since > uptime + 1)
		return;
	t->age_s = (double)since > uptime ? 0 : uptime - (double)since;
	if (now >= 0)
		t->start_unix = now - t->age_s;
}

int tc_files_uptime(const struct tc_opts *o, double *s)
{
	const char *p = o->path ? o->path : o->dest_path;

	if (o->has_uptime) {
		*s = o->uptime;
		return 1;
	}
	if (!p || !tc_since_live(p))
		return 0;
	*s = tc_uptime("/proc");
	return *s >= 0;
}

void tc_since_get(struct tc_table *t, const struct tc_opts *o)
{
	double up;

	t->age_s = t->start_unix = -1;
	if (!tc_files_uptime(o, &up))
		return;
	/* A saved copy's --uptime: its age, but not when it was saved. */
	tc_since_apply(t, up, o->has_uptime ? -1 : tc_unix_now());
}

int tc_since_live(const char *path)
{
	return !strncmp(path, "/proc/", 6);
}

void tc_since_human(char *buf, size_t len, double seconds)
{
	unsigned long long s = seconds > 0 ? (unsigned long long)seconds : 0;

	if (s < 60)
		snprintf(buf, len, "%llus", s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%llud%02lluh", s / 86400, s / 3600 % 24);
}
