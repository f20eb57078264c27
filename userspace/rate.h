/* SPDX-License-Identifier: GPL-2.0 */
/* Per-second rates of the cumulative counters between two snapshots. */
#ifndef TCPCLOSE_RATE_H
#define TCPCLOSE_RATE_H

#include <stdint.h>
#include "table.h"

struct tc_rate {
	int known;		/* 0 without a usable previous snapshot */
	double r[TC_NCOLS];	/* for the counter columns */
};

/* (cur - prev) / seconds; a counter that went down counts from zero. */
double tc_rate_one(uint64_t prev, uint64_t cur, double seconds);

/*
 * Were the counters reset between PREV and CUR (echo reset, or the module
 * reloaded)? Counters never go down otherwise, and a row only disappears
 * when all its numbers are zero.
 */
int tc_rate_was_reset(const struct tc_table *prev, const struct tc_table *cur);

/*
 * OUT[i] for CUR->rows[i]. PREV may be NULL, or of another namespace:
 * nothing is known then. After a reset, everything counted happened since,
 * so the rate is the new value over the interval, never negative. A row
 * absent from PREV had all counters at zero then.
 */
void tc_rate_rows(const struct tc_table *prev, const struct tc_table *cur,
		  double seconds, struct tc_rate *out);

#endif
