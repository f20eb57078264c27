/* SPDX-License-Identifier: GPL-2.0 */
/* Per-second rates of the cumulative counters between two snapshots. */
#ifndef TCPCLOSE_RATE_H
#define TCPCLOSE_RATE_H

#include <stdint.h>
#include "dest.h"
#include "table.h"

struct tc_rate {
	int known;		/* 0 without a usable previous snapshot */
	double r[TC_NCOLS];	/* for the counter columns */
};

/* (cur - prev) / seconds; a counter that went down counts from zero. */
double tc_rate_one(uint64_t prev, uint64_t cur, double seconds);

/*
 * Were the counters reset between PREV and CUR (echo reset, or the module
 * reloaded)? The header's since_boot_s says; for a file without it, a
 * counter that went down or a row with counts that vanished.
 */
int tc_rate_was_reset(const struct tc_table *prev, const struct tc_table *cur);

/*
 * How much COL of ROW (of CUR) grew since PREV: all of it after a RESET
 * (tc_rate_was_reset()), for a row new in CUR, or one that went down (a
 * full table evicted the port, and it came back); for port 0, less what
 * the rows evicted meanwhile brought into it. PREV NULL: all of it.
 */
uint64_t tc_rate_delta(const struct tc_table *prev, const struct tc_table *cur,
		       int reset, const struct tc_row *row, int col);

/* Are A and B of one namespace (both without a netns key counts as one)? */
int tc_same_netns(const struct tc_table *a, const struct tc_table *b);

/*
 * OUT[i] for CUR->rows[i]: tc_rate_delta() over SECONDS. PREV may be
 * NULL, or of another namespace: nothing is known then.
 */
void tc_rate_rows(const struct tc_table *prev, const struct tc_table *cur,
		  double seconds, struct tc_rate *out);

/* connect() failures per second of a destination between two snapshots. */
struct tc_dest_rate {
	int known;		/* 0: no previous snapshot, or a new row */
	double connect_failures;
};

/*
 * Were the destinations' counters reset between PREV and CUR? The header's
 * since_boot_s moves at a reset or reload; a counter that went down says
 * the same for a file without it.
 */
int tc_rate_dest_was_reset(const struct tc_dest *prev, const struct tc_dest *cur);

/*
 * OUT[i] for CUR->rows[i], OUT[CUR->nrows] for other. PREV may be NULL or
 * of another namespace. A destination absent from PREV was in other or
 * unknown then: its rate is unknown, unless the counters were reset, when
 * everything counted happened since. Other's rate leaves out the failures
 * of PREV's rows that moved into it (left the list, or lost their slot).
 */
void tc_rate_dests(const struct tc_dest *prev, const struct tc_dest *cur,
		   double seconds, struct tc_dest_rate *out);

/* The same for a counter key of the first line; 0 if not known. */
int tc_rate_dest_key(const struct tc_dest *prev, const struct tc_dest *cur,
		     enum tc_dest_key k, double seconds, double *out);

#endif
