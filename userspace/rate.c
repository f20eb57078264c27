// SPDX-License-Identifier: GPL-2.0
/* Rates for --watch: delta over the interval, never negative. */
#include <string.h>
#include "rate.h"

double tc_rate_one(uint64_t prev, uint64_t cur, double seconds)
{
	uint64_t delta = cur >= prev ? cur - prev : cur;

	return seconds > 0 ? (double)delta / seconds : 0;
}

static int tc_row_has_counts(const struct tc_row *row)
{
	int c;

	for (c = 0; c < TC_NCOLS; c++)
		if (tc_cols[c].counter && row->v[c])
			return 1;
	return 0;
}

int tc_rate_was_reset(const struct tc_table *prev, const struct tc_table *cur)
{
	size_t i;
	int c;

	for (i = 0; i < prev->nrows; i++) {
		const struct tc_row *old = &prev->rows[i], *row;

		row = tc_table_find(cur, old->port, old->role);
		if (!row) {
			if (tc_row_has_counts(old))
				return 1;
			continue;
		}
		for (c = 0; c < TC_NCOLS; c++)
			if (tc_cols[c].counter && row->v[c] < old->v[c])
				return 1;
	}
	return 0;
}

int tc_same_netns(const struct tc_table *a, const struct tc_table *b)
{
	const char *x = tc_table_meta(a, "netns"), *y = tc_table_meta(b, "netns");

	return (!x && !y) || (x && y && !strcmp(x, y));
}

void tc_rate_rows(const struct tc_table *prev, const struct tc_table *cur,
		  double seconds, struct tc_rate *out)
{
	static const struct tc_row zero;
	int reset, c;
	size_t i;

	memset(out, 0, cur->nrows * sizeof(*out));
	if (!prev || !tc_same_netns(prev, cur))
		return;
	reset = tc_rate_was_reset(prev, cur);
	for (i = 0; i < cur->nrows; i++) {
		const struct tc_row *row = &cur->rows[i], *old = &zero;

		if (!reset)
			old = tc_table_find(prev, row->port, row->role);
		if (!old)
			old = &zero;
		out[i].known = 1;
		for (c = 0; c < TC_NCOLS; c++)
			if (tc_cols[c].counter)
				out[i].r[c] = tc_rate_one(old->v[c], row->v[c],
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

	if (prev->have[TC_DK_SINCE_BOOT_S] && cur->have[TC_DK_SINCE_BOOT_S] &&
	    prev->k[TC_DK_SINCE_BOOT_S] != cur->k[TC_DK_SINCE_BOOT_S])
		return 1;
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
