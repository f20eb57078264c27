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

/* One refresh of a loaded table: rates, rows, summary. */
static enum tc_exit tc_frame(const struct tc_opts *o, const struct tc_table *prev,
			     const struct tc_table *cur, double seconds)
{
	const struct tc_row **rows = malloc((cur->nrows ? cur->nrows : 1) *
					    sizeof(*rows));
	struct tc_rate *rates = malloc((cur->nrows ? cur->nrows : 1) *
				       sizeof(*rates));
	struct tc_diag *diags = malloc((cur->nrows ? cur->nrows : 1) *
				       TC_NDIAG_KINDS * sizeof(*diags));
	struct tc_port_range pr;
	size_t n, nd;

	if (!rows || !rates || !diags) {
		free(rows);
		free(rates);
		free(diags);
		fputs("tcpclose: out of memory\n", stderr);
		return TC_EXIT_FAILURE;
	}
	tc_rate_rows(prev, cur, seconds, rates);
	tc_port_range_get(o, &pr);
	n = tc_select_rows(cur, &o->sel, rates, rows);
	nd = tc_diagnose(cur, &o->sel, &o->th, &pr, diags);
	tc_print_meta(stdout, cur);
	tc_print_table(stdout, cur, rows, n, rates);
	fputc('\n', stdout);
	tc_print_summary(stdout, diags, nd);
	free(rows);
	free(rates);
	free(diags);
	return TC_EXIT_OK;
}

enum tc_exit tc_watch(const struct tc_opts *o)
{
	struct tc_table prev, cur;
	int have_prev = 0, tty = isatty(STDOUT_FILENO);
	double next = tc_now(), last = 0, now;
	enum tc_exit st = TC_EXIT_OK;
	unsigned long frame;
	char msg[512], stamp[64];
	struct tm tm;
	time_t wall;

	tc_catch_signals();
	for (frame = 1; !tc_stop; frame++) {
		enum tc_exit ls = tc_load(o->path, &cur, msg, sizeof(msg));
		int gone = ls == TC_EXIT_NOT_LOADED ||
			   (ls == TC_EXIT_UNREADABLE && access(o->path, F_OK));

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
		if (!ls && tc_since_live(o->path))
			tc_since_apply(&cur, tc_uptime("/proc"), tc_unix_now());
		if (gone) {
			/* rmmod: wait; the counters start again from zero. */
			if (ls == TC_EXIT_NOT_LOADED)
				printf("module not loaded (%s missing), waiting\n",
				       o->path);
			else
				printf("%s missing, waiting\n", o->path);
			if (have_prev)
				tc_table_free(&prev);
			have_prev = 0;
		} else {
			/*
			 * The schedule is fixed, so the interval is the time
			 * between snapshots, unless the process was held up
			 * (stopped, suspended): then the real time is truer.
			 */
			double dt = now - last;

			if (dt < 2 * o->interval)
				dt = o->interval;
			st = tc_frame(o, have_prev ? &prev : NULL, &cur, dt);
			if (have_prev)
				tc_table_free(&prev);
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
		tc_table_free(&prev);
	return st;
}
