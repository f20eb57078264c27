/* SPDX-License-Identifier: GPL-2.0 */
/* Which rows to show, and in which order: --port, --role, --sort, --top. */
#ifndef TCPCLOSE_SELECT_H
#define TCPCLOSE_SELECT_H

#include <stddef.h>
#include "dest.h"
#include "hist.h"
#include "rate.h"
#include "table.h"

#define TC_SORT_PORT (-1)	/* sort key: port ascending (file order) */
#define TC_SORT_DEFAULT (-2)	/* not chosen yet: depends on the output */

struct tc_select {
	long port;		/* -1: any */
	int role;		/* -1: any */
	int sort;		/* enum tc_col, or TC_SORT_PORT */
	uint64_t top;		/* 0: all */
};

/*
 * Fill OUT (room for t->nrows) with the rows to show; returns how many.
 * Numeric sorts are descending, ties in port order. With RATES (indexed
 * like t->rows), counter columns sort by their rate.
 */
size_t tc_select_rows(const struct tc_table *t, const struct tc_select *sel,
		      const struct tc_rate *rates, const struct tc_row **out);

/* Only the --port and --role filter (what the diagnosis looks at). */
int tc_select_match(const struct tc_select *sel, const struct tc_row *row);
/* The same filter for a histogram row. */
int tc_select_match_hist(const struct tc_select *sel,
			 const struct tc_hist_row *r);

/*
 * Is the histogram row R shown beside the table rows ROWS[0..N) that SEL
 * chose? With --top, only those rows' (port, role)s have histograms
 * shown (a bounded set of series for Prometheus); otherwise SEL's filter.
 * KEYS is what tc_select_keys made of ROWS, NULL without --top.
 */
int tc_select_hist_shown(const struct tc_select *sel, const unsigned char *keys,
			 const struct tc_hist_row *r);

/*
 * With --top, a bitmap of the (port, role)s of ROWS (to free); NULL
 * without --top, or without memory (then SEL's filter alone applies).
 */
unsigned char *tc_select_keys(const struct tc_select *sel,
			      const struct tc_row *const *rows, size_t n);

/*
 * The destinations to show, in the file's order (ports in use first):
 * --port is the remote port, --role server leaves none (destinations are
 * client sockets), --top cuts. OUT needs room for d->nrows.
 */
size_t tc_select_dests(const struct tc_dest *d, const struct tc_select *sel,
		       const struct tc_dest_row **out);
/* The --port and --role filter alone. */
int tc_select_match_dest(const struct tc_select *sel,
			 const struct tc_dest_row *r);

#endif
