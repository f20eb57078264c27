// SPDX-License-Identifier: GPL-2.0
/* Rates for --watch: delta over the interval, never negative. */
#include <string.h>
#include "rate.h"

double tc_rate_one(uint64_t prev, uint64_t cur, double seconds)
{
	uint64_t delta = cur >= prev ? cur - prev : cur;

	return seconds > 0 ? (double)delta / seconds : 0;
}

static uint64_t tc_sat_sum(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int tc_row_has_counts(const struct tc_row *row)
{
	int c;

	for (c = 0; c < TC_NCOLS; c++)
		if (tc_cols[c].counter && row->v[c])
			return 1;
	return 0;
}

/* Any counter of ROW below OLD's: a reset, or the row evicted and made anew. */
static int tc_row_went_down(const struct tc_row *old, const struct tc_row *row)
{
	int c;

	for (c = 0; c < TC_NCOLS; c++)
		if (tc_cols[c].counter && row->v[c] < old->v[c])
			return 1;
	return 0;
}

int tc_rate_was_reset(const struct tc_table *prev, const struct tc_table *cur)
{
	const char *a = tc_table_meta(prev, "since_boot_s");
	const char *b = tc_table_meta(cur, "since_boot_s");
	size_t i;

	/*
	 * The module restamps since_boot_s (whole seconds) at every reset
	 * and load. Rows go down or vanish without one too: a full table
	 * evicts idle ports and folds their counts into port 0
	 * (tc_rate_delta()).
	 */
	if (a && b && strcmp(a, b))
		return 1;
	for (i = 0; i < prev->nrows; i++) {
		const struct tc_row *old = &prev->rows[i], *row;

		/*
		 * With since_boot_s, only port 0 (sorted first) tells: it only
		 * ever grows between resets (evictions add to it), so it
		 * catches a reset in the same second as the one before.
		 * Without, a counter that went down can only be a reset.
		 */
		if (a && b && old->port)
			break;
		row = tc_table_find(cur, old->port, old->role);
		if (row ? tc_row_went_down(old, row) : tc_row_has_counts(old))
			return 1;
	}
	return 0;
}

/* COL of the rows of ROLE in PREV that were evicted (folded into port 0) by CUR. */
static uint64_t tc_rate_folded(const struct tc_table *prev, const struct tc_table *cur,
			       enum tc_role role, int col)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < prev->nrows; i++) {
		const struct tc_row *old = &prev->rows[i], *row;

		if (!old->port || old->role != role)
			continue;
		row = tc_table_find(cur, old->port, old->role);
		if (!row || tc_row_went_down(old, row))
			sum = tc_sat_sum(sum, old->v[col]);
	}
	return sum;
}

uint64_t tc_rate_delta(const struct tc_table *prev, const struct tc_table *cur,
		       int reset, const struct tc_row *row, int col)
{
	const struct tc_row *old;
	uint64_t was;

	if (!prev || reset)
		return row->v[col];
	old = tc_table_find(prev, row->port, row->role);
	if (old && tc_row_went_down(old, row))
		return row->v[col];
	if (!old && row->port)
		return row->v[col];
	was = old ? old->v[col] : 0;
	if (!row->port) {
		/* What evicted rows brought was counted before, in their rows. */
		was = tc_sat_sum(was, tc_rate_folded(prev, cur, row->role, col));
	}
	return row->v[col] > was ? row->v[col] - was : 0;
}

int tc_same_netns(const struct tc_table *a, const struct tc_table *b)
{
	const char *x = tc_table_meta(a, "netns"), *y = tc_table_meta(b, "netns");

	return (!x && !y) || (x && y && !strcmp(x, y));
}

void tc_rate_rows(const struct tc_table *prev, const struct tc_table *cur,
		  double seconds, struct tc_rate *out)
{
	int reset, c;
	size_t i;

	memset(out, 0, cur->nrows * sizeof(*out));
	if (!prev || !tc_same_netns(prev, cur))
		return;
	reset = tc_rate_was_reset(prev, cur);
	for (i = 0; i < cur->nrows; i++) {
		out[i].known = 1;
		for (c = 0; c < TC_NCOLS; c++)
			if (tc_cols[c].counter)
				out[i].r[c] = tc_rate_one(0, tc_rate_delta(prev, cur, reset,
									   &cur->rows[i], c),
							  seconds);
	}
}

static int tc_dest_same_netns(const struct tc_dest *a, const struct tc_dest *b)
{
	const char *x = tc_dest_meta(a, "netns"), *y = tc_dest_meta(b, "netns");

	return (!x && !y) || (x && y && !strcmp(x, y));
}

int tc_rate_dest_was_reset(const struct tc_dest *prev, const struct tc_dest *cur)
{
	const struct tc_dest_row *old;
	size_t i;
	int k;

	/*
	 * Restamped at every reset and load. A destination's failures go
	 * down without one: its slot can be given to another destination.
	 */
	if (prev->have[TC_DK_SINCE_BOOT_S] && cur->have[TC_DK_SINCE_BOOT_S])
		return prev->k[TC_DK_SINCE_BOOT_S] != cur->k[TC_DK_SINCE_BOOT_S];
	/* A file without it: a counter that went down can only be a reset. */
	for (k = TC_DK_CONNECT_FAILURES; k <= TC_DK_BIND_FAILURES; k++)
		if (prev->have[k] && cur->have[k] && cur->k[k] < prev->k[k])
			return 1;
	for (i = 0; i < cur->nrows; i++) {
		old = tc_dest_find(prev, &cur->rows[i]);
		if (old && cur->rows[i].v[TC_DC_CONNECT_FAILURES] <
			   old->v[TC_DC_CONNECT_FAILURES])
			return 1;
	}
	return 0;
}

/*
 * The failures of PREV's rows that CUR counts in other: a destination
 * that left the list, or whose slot went to another (its count went down).
 */
static uint64_t tc_dest_folded(const struct tc_dest *prev, const struct tc_dest *cur)
{
	const struct tc_dest_row *row;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < prev->nrows; i++) {
		uint64_t was = prev->rows[i].v[TC_DC_CONNECT_FAILURES];

		row = tc_dest_find(cur, &prev->rows[i]);
		if (!row || row->v[TC_DC_CONNECT_FAILURES] < was)
			sum = tc_sat_sum(sum, was);
	}
	return sum;
}

void tc_rate_dests(const struct tc_dest *prev, const struct tc_dest *cur,
		   double seconds, struct tc_dest_rate *out)
{
	const struct tc_dest_row *old;
	int reset;
	size_t i;

	memset(out, 0, (cur->nrows + 1) * sizeof(*out));
	if (!prev || !tc_dest_same_netns(prev, cur))
		return;
	reset = tc_rate_dest_was_reset(prev, cur);
	for (i = 0; i <= cur->nrows; i++) {
		const struct tc_dest_row *row = i < cur->nrows ? &cur->rows[i] :
						&cur->other;
		uint64_t was = 0;

		if (!reset) {
			old = i < cur->nrows ? tc_dest_find(prev, row) : &prev->other;
			if (!old)
				continue;
			was = old->v[TC_DC_CONNECT_FAILURES];
			if (i == cur->nrows) {
				was = tc_sat_sum(was, tc_dest_folded(prev, cur));
				/* Less: destinations left it for the list. */
				if (row->v[TC_DC_CONNECT_FAILURES] < was)
					was = row->v[TC_DC_CONNECT_FAILURES];
			}
		}
		out[i].known = 1;
		out[i].connect_failures = tc_rate_one(was,
			row->v[TC_DC_CONNECT_FAILURES], seconds);
	}
}

int tc_rate_dest_key(const struct tc_dest *prev, const struct tc_dest *cur,
		     enum tc_dest_key k, double seconds, double *out)
{
	if (!prev || !tc_dest_same_netns(prev, cur) || !cur->have[k])
		return 0;
	if (tc_rate_dest_was_reset(prev, cur) || !prev->have[k])
		*out = tc_rate_one(0, cur->k[k], seconds);
	else
		*out = tc_rate_one(prev->k[k], cur->k[k], seconds);
	return 1;
}
