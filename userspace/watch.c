// SPDX-License-Identifier: GPL-2.0
/*
 * --watch: reopen the file every interval (each open is one consistent
 * snapshot), show counters as rates against the previous snapshot, and
 * keep going while the module is unloaded.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "output.h"
#include "since.h"
#include "tcpclose.h"

static volatile sig_atomic_t tc_stop;

static void tc_on_signal(int sig)
{
	(void)sig;
	tc_stop = 1;
}

/* No SA_RESTART: the sleep must end at once so that Ctrl-C is prompt. */
static void tc_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tc_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double tc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until the monotonic time AT; 0 if interrupted by a signal. */
static int tc_sleep_until(double at)
{
	struct timespec ts = {
		.tv_sec = (time_t)at,
		.tv_nsec = (long)((at - (double)(time_t)at) * 1e9),
	};
	int e;

	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while ((e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)))
		if (e != EINTR || tc_stop)
			return 0;
	return 1;
}

/* What one refresh reads: the table, and the destinations if any. */
struct tc_snap {
	struct tc_table t;	/* empty without a table (--dest --dest-file) */
	struct tc_dest d;
	int has_dest;
};

static void tc_snap_free(struct tc_snap *s)
{
	tc_table_free(&s->t);
	if (s->has_dest)
		tc_dest_free(&s->d);
	s->has_dest = 0;
}

/*
 * Read a snapshot. *GONE: a file is missing (rmmod, or a saved copy
 * removed): the watch waits. A live table without its destinations is a
 * module older than them, an error as in one shot (unless the table went
 * too: the module was unloaded between the two reads).
 */
static enum tc_exit tc_snap_load(const struct tc_opts *o, struct tc_snap *s,
				 int *gone, char *msg, size_t len)
{
	enum tc_exit st = TC_EXIT_OK;

	memset(s, 0, sizeof(*s));
	*gone = 0;
	if (o->path) {
		st = tc_load(o->path, &s->t, msg, len);
		*gone = st == TC_EXIT_NOT_LOADED ||
			(st == TC_EXIT_UNREADABLE && access(o->path, F_OK));
		if (st)
			return st;
	}
	if (!o->dest_path)
		return TC_EXIT_OK;
	st = tc_dest_load(o->dest_path, o->dest_optional, &s->d, &s->has_dest,
			  msg, len);
	if (st) {
		*gone = access(o->dest_path, F_OK) &&
			(!o->path || access(o->path, F_OK) ||
			 strncmp(o->dest_path, "/proc/", 6));
		tc_table_free(&s->t);
		return st;
	}
	/* As in one shot: rates of one namespace's, findings of another's, never. */
	if (s->has_dest) {
		st = tc_dest_netns_check(o, o->path ? &s->t : NULL, &s->d, msg, len);
		if (st)
			tc_snap_free(s);
	}
	return st;
}

/* --dest: the destinations with connect() failures per second. */
static void tc_frame_dest(const struct tc_opts *o, const struct tc_snap *prev,
			  const struct tc_snap *cur, double seconds,
			  uint64_t capacity, const struct tc_dest_row **drows,
			  struct tc_dest_rate *drates)
{
	const struct tc_dest *pd = prev && prev->has_dest ? &prev->d : NULL;
	double rate, uptime = 0;
	int has_uptime;
	size_t n;

	tc_rate_dests(pd, &cur->d, seconds, drates);
	n = tc_select_dests(&cur->d, &o->sel, drows);
	has_uptime = tc_files_uptime(o, &uptime);
	tc_print_dest_meta(stdout, &cur->d, capacity, has_uptime, uptime);
	if (tc_rate_dest_key(pd, &cur->d, TC_DK_CONNECT_FAILURES, seconds, &rate))
		printf("connect() failures per second: %.1f\n", rate);
	else
		printf("connect() failures per second: -\n");
	tc_print_dest_table(stdout, &cur->d, drows, n, capacity, drates);
}

/* One refresh of a loaded snapshot: rates, rows, summary. */
static enum tc_exit tc_frame(const struct tc_opts *o, const struct tc_snap *prev,
			     const struct tc_snap *cur, double seconds)
{
	const struct tc_table *t = &cur->t;
	size_t nr = t->nrows ? t->nrows : 1;
	size_t ndr = cur->has_dest ? cur->d.nrows + 2 : 0;
	const struct tc_row **rows = malloc(nr * sizeof(*rows));
	struct tc_rate *rates = malloc(nr * sizeof(*rates));
	struct tc_diag *diags = malloc((tc_diag_room(t) + ndr) * sizeof(*diags));
	const struct tc_dest_row **drows = malloc((ndr ? ndr : 1) * sizeof(*drows));
	struct tc_dest_rate *drates = malloc((ndr ? ndr : 1) * sizeof(*drates));
	struct tc_dest_ctx dc = { 0 };
	/* Judged over this refresh's interval; the first, since counting began. */
	struct tc_window w = { prev ? &prev->t : NULL, 0, seconds, t->age_s };
	struct tc_port_range pr;
	size_t n, nd, ntd;

	if (!rows || !rates || !diags || !drows || !drates) {
		free(rows);
		free(rates);
		free(diags);
		free(drows);
		free(drates);
		fputs("tcpclose: out of memory\n", stderr);
		return TC_EXIT_FAILURE;
	}
	tc_rate_rows(prev ? &prev->t : NULL, t, seconds, rates);
	tc_port_range_get(o, &pr);
	pr.superseded = cur->has_dest;
	n = tc_select_rows(t, &o->sel, rates, rows);
	/* Another namespace's snapshot (a file replaced) tells nothing. */
	if (w.prev && !tc_same_netns(w.prev, t))
		w.prev = NULL;
	w.reset = w.prev && tc_rate_was_reset(w.prev, t);
	/* The first frame has no interval: the totals, since counting began. */
	if (!w.prev)
		w.seconds = w.age;
	nd = ntd = tc_diagnose(t, &o->sel, &o->th, &pr, &w, diags);
	if (cur->has_dest) {
		dc.d = &cur->d;
		dc.capacity = tc_dest_capacity(&cur->d, tc_capacity_fallback(o));
		/* The rate of new connections over this refresh's interval. */
		dc.t = o->path && prev ? t : NULL;
		dc.rates = rates;
		dc.window = seconds;
		nd += tc_diagnose_dest(&dc, &o->sel, &o->th, diags + nd);
	}
	if (o->mode == TC_MODE_DEST) {
		tc_frame_dest(o, prev, cur, seconds, dc.capacity, drows, drates);
		fputc('\n', stdout);
		tc_print_summary(stdout, diags + ntd, nd - ntd, o->sel.top);
	} else {
		tc_diag_sort(diags, nd);
		tc_print_meta(stdout, t);
		tc_print_table(stdout, t, rows, n, rates);
		fputc('\n', stdout);
		tc_print_summary(stdout, diags, nd, o->sel.top);
	}
	free(rows);
	free(rates);
	free(diags);
	free(drows);
	free(drates);
	return TC_EXIT_OK;
}

enum tc_exit tc_watch(const struct tc_opts *o)
{
	struct tc_snap prev, cur;
	int have_prev = 0, tty = isatty(STDOUT_FILENO), gone;
	double next = tc_now(), last = 0, now;
	enum tc_exit st = TC_EXIT_OK;
	unsigned long frame;
	char msg[512], stamp[64];
	struct tm tm;
	time_t wall;

	tc_catch_signals();
	for (frame = 1; !tc_stop; frame++) {
		enum tc_exit ls = tc_snap_load(o, &cur, &gone, msg, sizeof(msg));

		now = tc_now();
		if (ls && !gone) {
			fprintf(stderr, "tcpclose: %s\n", msg);
			st = ls;
			break;
		}
		/* In place on a terminal; a log of frames otherwise. */
		fputs(tty ? "\033[H\033[2J" : frame > 1 ? "\n" : "", stdout);
		/* The wall clock: a saved log says when each frame was. */
		wall = time(NULL);
		if (!strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S %z",
			      localtime_r(&wall, &tm)))
			stamp[0] = '\0';
		printf("tcpclose --watch %g: refresh %lu, counters per second, %s\n",
		       o->interval, frame, stamp);
		if (!ls)
			tc_since_get(&cur.t, o);
		if (gone) {
			/* rmmod: wait; the counters start again from zero. */
			if (ls == TC_EXIT_NOT_LOADED)
				printf("module not loaded (%s missing), waiting\n",
				       o->path);
			else
				printf("%s missing, waiting\n",
				       o->path && access(o->path, F_OK) ?
				       o->path : o->dest_path);
			if (have_prev)
				tc_snap_free(&prev);
			have_prev = 0;
		} else {
			/*
			 * The time between the two snapshots as measured: a
			 * frame late by a blocked terminal, a pager or a stop
			 * spans more than the interval.
			 */
			st = tc_frame(o, have_prev ? &prev : NULL, &cur, now - last);
			if (have_prev)
				tc_snap_free(&prev);
			prev = cur;
			have_prev = 1;
			last = now;
			if (st)
				break;
		}
		if (fflush(stdout))
			break;	/* main() reports the write error */
		if (o->count && frame >= o->count)
			break;
		next += o->interval;
		if (next < now)
			next = now + o->interval;	/* fell behind: no burst */
		if (!tc_sleep_until(next))
			break;
	}
	if (have_prev)
		tc_snap_free(&prev);
	return st;
}
