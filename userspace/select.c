// SPDX-License-Identifier: GPL-2.0
/*
 * Row selection and ordering. A merge sort, because it is stable (ties
 * keep the file's port order without a second key) and takes a context
 * without qsort_r, which C11 does not have.
 */
#include <stdlib.h>
#include <string.h>
#include "select.h"

struct tc_sort_ctx {
	const struct tc_table *t;
	const struct tc_rate *rates;
	int col;
};

static double tc_sort_key(const struct tc_sort_ctx *c, const struct tc_row *r)
{
	if (c->rates && tc_cols[c->col].counter)
		return c->rates[r - c->t->rows].r[c->col];
	return (double)r->v[c->col];
}

/* Does A come after B? Descending by key. */
static int tc_after(const struct tc_sort_ctx *c, const struct tc_row *a,
		    const struct tc_row *b)
{
	if (c->col == TC_SORT_PORT)
		return 0;	/* already in port order */
	if (!c->rates || !tc_cols[c->col].counter)
		return a->v[c->col] < b->v[c->col];	/* exact for u64 */
	return tc_sort_key(c, a) < tc_sort_key(c, b);
}

static void tc_merge_sort(const struct tc_sort_ctx *c, const struct tc_row **a,
			  const struct tc_row **tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	tc_merge_sort(c, a, tmp, mid);
	tc_merge_sort(c, a + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = tc_after(c, a[i], a[j]) ? a[j++] : a[i++];
	while (i < mid)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof(*a));
}

int tc_select_match(const struct tc_select *sel, const struct tc_row *row)
{
	return (sel->port < 0 || row->port == (unsigned long)sel->port) &&
	       (sel->role < 0 || (int)row->role == sel->role);
}

int tc_select_match_hist(const struct tc_select *sel,
			 const struct tc_hist_row *r)
{
	return (sel->port < 0 || r->port == (unsigned long)sel->port) &&
	       (sel->role < 0 || (int)r->role == sel->role);
}

size_t tc_select_rows(const struct tc_table *t, const struct tc_select *sel,
		      const struct tc_rate *rates, const struct tc_row **out)
{
	struct tc_sort_ctx c = { .t = t, .rates = rates, .col = sel->sort };
	const struct tc_row **tmp;
	size_t i, n = 0;

	for (i = 0; i < t->nrows; i++)
		if (tc_select_match(sel, &t->rows[i]))
			out[n++] = &t->rows[i];
	tmp = malloc((n ? n : 1) * sizeof(*tmp));
	if (tmp) {
		tc_merge_sort(&c, out, tmp, n);
		free(tmp);
	}
	/* Without memory the rows stay in port order: still a true answer. */
	if (sel->top && n > sel->top)
		n = sel->top;
	return n;
}

#define TC_KEY(port, role) ((size_t)(port) * TC_NROLES + (size_t)(role))

unsigned char *tc_select_keys(const struct tc_select *sel,
			      const struct tc_row *const *rows, size_t n)
{
	unsigned char *keys;
	size_t i, k;

	if (!sel || !sel->top)
		return NULL;
	keys = calloc(TC_KEY(65536, 0) / 8, 1);
	for (i = 0; keys && i < n; i++) {
		k = TC_KEY(rows[i]->port, rows[i]->role);
		keys[k / 8] |= 1u << (k % 8);
	}
	return keys;
}

int tc_select_hist_shown(const struct tc_select *sel, const unsigned char *keys,
			 const struct tc_hist_row *r)
{
	size_t k = TC_KEY(r->port, r->role);

	if (sel && !tc_select_match_hist(sel, r))
		return 0;
	return !keys || (keys[k / 8] >> (k % 8) & 1);
}

int tc_select_match_dest(const struct tc_select *sel,
			 const struct tc_dest_row *r)
{
	return (sel->port < 0 || r->port == (unsigned long)sel->port) &&
	       (sel->role < 0 || sel->role == TC_CLIENT);
}

size_t tc_select_dests(const struct tc_dest *d, const struct tc_select *sel,
		       const struct tc_dest_row **out)
{
	size_t i, n = 0;

	for (i = 0; i < d->nrows; i++)
		if (tc_select_match_dest(sel, &d->rows[i]))
			out[n++] = &d->rows[i];
	if (sel->top && n > sel->top)
		n = sel->top;
	return n;
}
