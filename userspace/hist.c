// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the /proc/tcpclose_hist text (README.md, "/proc/tcpclose_hist:
 * how long closes take"). The same rules as the table's (scan.c): columns
 * by name, unknown ones skipped, anything else off-contract refused with
 * its line number. A row of a role or phase a later module adds is skipped
 * and counted: a new phase could overlap the known ones (a sum over the
 * Prometheus family's phases must mean time in closing states), so it is
 * not passed on unread. The buckets are the last column and take the rest of
 * the line, so a later module can only add columns before them.
 *
 * The buckets' bounds are checked to be increasing powers of two: that is
 * what makes every bound of a Prometheus histogram computable from a
 * sparse list, and a file that breaks it would give wrong cumulative counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "scan.h"

enum tc_hist_col {
	TC_HC_PORT, TC_HC_ROLE, TC_HC_PHASE, TC_HC_COUNT, TC_HC_SUM_US,
	TC_HC_BUCKETS, TC_HC_N
};

static const char *const tc_hist_cols[TC_HC_N] = {
	"port", "role", "phase", "count", "sum_us", "buckets",
};

/* The module's phases, in its order (module/hist.c). */
static const char *const tc_phases[] = {
	"fin_wait1", "fin_wait2", "close_wait", "last_ack", "total",
};

#define TC_NPHASES (int)(sizeof(tc_phases) / sizeof(tc_phases[0]))
#define TC_MAX_HEADER_COLS 1024

int tc_hist_phase_rank(const char *phase)
{
	int i;

	for (i = 0; i < TC_NPHASES; i++)
		if (!strcmp(phase, tc_phases[i]))
			return i;
	return TC_NPHASES;
}

const char *tc_hist_meta(const struct tc_hist *h, const char *key)
{
	return tc_kv_get(h->meta, h->nmeta, key);
}

int tc_hist_meta_u64(const struct tc_hist *h, const char *key, uint64_t *out)
{
	const char *v = tc_hist_meta(h, key);

	return v && tc_parse_u64(v, strlen(v), out);
}

uint64_t tc_hist_total(const struct tc_hist_row *r)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < r->nb; i++)
		s += r->b[i].count;	/* the parser refused a sum past 2^64-1 */
	return s;
}

int tc_hist_top_exp(const struct tc_hist *h)
{
	int top = -1, e;
	size_t i;

	for (i = 0; i < h->nbuckets; i++) {
		uint64_t le = h->buckets[i].le_us;

		if (le == TC_HIST_INF)
			continue;
		for (e = 0; (1ULL << e) != le; e++)
			;
		if (e > top)
			top = e;
	}
	return top;
}

void tc_hist_free(struct tc_hist *h)
{
	tc_kv_free(h->meta, h->nmeta);
	free(h->rows);
	free(h->buckets);
	memset(h, 0, sizeof(*h));
}

static enum tc_parse_err tc_hist_header(struct tc_parser *ps)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	int have[TC_HC_N] = { 0 }, c;
	size_t n;

	while (tc_field(&s, end, &f, &n)) {
		int *m;

		if (ps->ncols == TC_MAX_HEADER_COLS)
			return tc_fail(ps, TC_PARSE_FORMAT, "too many columns");
		m = realloc(ps->colmap, (ps->ncols + 1) * sizeof(*m));
		if (!m)
			return TC_PARSE_NOMEM;
		ps->colmap = m;
		for (c = 0; c < TC_HC_N; c++)
			if (n == strlen(tc_hist_cols[c]) &&
			    !memcmp(f, tc_hist_cols[c], n))
				break;
		if (c < TC_HC_N && have[c]++)
			return tc_fail(ps, TC_PARSE_FORMAT, "column '%s' twice",
				       tc_hist_cols[c]);
		if (have[TC_HC_BUCKETS] && c != TC_HC_BUCKETS)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "'buckets' is not the last column");
		ps->colmap[ps->ncols++] = c < TC_HC_N ? c : -1;
	}
	for (c = 0; c < TC_HC_N; c++)
		if (!have[c])
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "header has no '%s' column", tc_hist_cols[c]);
	return TC_PARSE_OK;
}

static int tc_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Space for one more bucket in H. */
static int tc_hist_grow(struct tc_hist *h, size_t *cap)
{
	struct tc_hist_bucket *b;

	if (h->nbuckets < *cap)
		return 1;
	*cap = *cap ? 2 * *cap : 256;
	b = realloc(h->buckets, *cap * sizeof(*b));
	if (!b)
		return 0;
	h->buckets = b;
	return 1;
}

/* "le:count", bounds increasing from the row's previous bucket. */
static enum tc_parse_err tc_hist_bucket(struct tc_parser *ps, struct tc_hist *h,
					struct tc_hist_row *r, const char *f,
					size_t n, size_t *cap, uint64_t *total)
{
	const char *colon = memchr(f, ':', n);
	int w = n > 32 ? 32 : (int)n;
	struct tc_hist_bucket b;
	char le[24], prev[24];

	if (!colon)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "bucket '%.*s' is not le:count", w, f);
	if (colon - f == 3 && !memcmp(f, "inf", 3))
		b.le_us = TC_HIST_INF;
	else if (!tc_parse_u64(f, colon - f, &b.le_us) || !tc_is_pow2(b.le_us))
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "bucket '%.*s': le is not a power of two or inf",
			       w, f);
	if (!tc_parse_u64(colon + 1, f + n - colon - 1, &b.count))
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "bucket '%.*s': count is not a number below 2^64",
			       w, f);
	snprintf(le, sizeof(le), "%.*s", (int)(colon - f), f);
	if (r->nb) {
		uint64_t p = h->buckets[h->nbuckets - 1].le_us;

		if (p == TC_HIST_INF)
			snprintf(prev, sizeof(prev), "inf");
		else
			snprintf(prev, sizeof(prev), "%llu", (unsigned long long)p);
		if (b.le_us == p)
			return tc_fail(ps, TC_PARSE_FORMAT, "bucket %s twice", le);
		if (b.le_us < p)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "bucket %s after %s: bounds must increase",
				       le, prev);
	}
	if (b.count > UINT64_MAX - *total)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "bucket counts add up to more than 2^64-1");
	*total += b.count;
	if (!tc_hist_grow(h, cap))
		return TC_PARSE_NOMEM;
	h->buckets[h->nbuckets++] = b;
	r->nb++;
	return TC_PARSE_OK;
}

/* *KEEP is 0 for a row of a role or phase this reader does not know. */
static enum tc_parse_err tc_hist_row(struct tc_parser *ps, struct tc_hist *h,
				     struct tc_hist_row *r, size_t *cap,
				     int *keep)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	size_t n, pos = 0, fixed = ps->ncols - 1;	/* buckets is last */
	uint64_t v, total = 0;
	enum tc_parse_err e;
	char name[16];
	int c, w;

	memset(r, 0, sizeof(*r));
	r->bidx = h->nbuckets;
	*keep = 1;
	for (; tc_field(&s, end, &f, &n); pos++) {
		w = n > 24 ? 24 : (int)n;
		if (pos >= fixed) {
			e = tc_hist_bucket(ps, h, r, f, n, cap, &total);
			if (e)
				return e;
			continue;
		}
		switch ((c = ps->colmap[pos])) {
		case TC_HC_PORT:
			if (!tc_parse_u64(f, n, &v) || v > 65535)
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "bad port '%.*s'", w, f);
			r->port = v;
			break;
		case TC_HC_ROLE:
			snprintf(name, sizeof(name), "%.*s", (int)n, f);
			c = n < sizeof(name) ? tc_role_lookup(name) : -1;
			if (c < 0 && !tc_is_name(f, n, sizeof(name) - 1))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "bad role '%.*s'",
					       n > 16 ? 16 : (int)n, f);
			if (c < 0 && *keep)
				tc_skips_add(&h->skips, f, n);
			if (c < 0)
				*keep = 0;
			r->role = c < 0 ? TC_CLIENT : c;
			break;
		case TC_HC_PHASE:
			if (!tc_is_name(f, n, TC_PHASE_MAX - 1))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "bad phase '%.*s'", w, f);
			memcpy(r->phase, f, n);
			r->phase[n] = '\0';
			if (tc_hist_phase_rank(r->phase) == TC_NPHASES && *keep)
				tc_skips_add(&h->skips, f, n);
			if (tc_hist_phase_rank(r->phase) == TC_NPHASES)
				*keep = 0;
			break;
		case TC_HC_COUNT:
		case TC_HC_SUM_US:
			if (!tc_parse_u64(f, n, &v))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "%s: not a number below 2^64: '%.*s'",
					       tc_hist_cols[c], w, f);
			if (c == TC_HC_COUNT)
				r->count = v;
			else
				r->sum_us = v;
			break;
		default:	/* a column this reader does not know */
			break;
		}
	}
	if (pos < fixed)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "truncated row: %zu of %zu columns", pos, fixed);
	return TC_PARSE_OK;
}

static int tc_hist_cmp(const void *a, const void *b)
{
	const struct tc_hist_row *x = a, *y = b;
	int rx, ry;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->role != y->role)
		return (int)x->role - (int)y->role;
	rx = tc_hist_phase_rank(x->phase);
	ry = tc_hist_phase_rank(y->phase);
	return rx != ry ? rx - ry : strcmp(x->phase, y->phase);
}

/* unit=us and buckets=log2 are what the numbers mean: nothing else is. */
static enum tc_parse_err tc_hist_units(struct tc_parser *ps,
				       const struct tc_hist *h)
{
	static const char *const want[][2] = {
		{ "unit", "us" }, { "buckets", "log2" },
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *v = tc_hist_meta(h, want[i][0]);

		if (!v)
			return tc_fail(ps, TC_PARSE_FORMAT, "no %s=%s key",
				       want[i][0], want[i][1]);
		if (strcmp(v, want[i][1]))
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "%s=%.24s, this tcpclose reads %s=%s",
				       want[i][0], v, want[i][0], want[i][1]);
	}
	return TC_PARSE_OK;
}

static enum tc_parse_err tc_hist_body(struct tc_parser *ps, struct tc_hist *h)
{
	size_t cap = 0, bcap = 0, i;
	int seen_header = 0, keep;
	enum tc_parse_err e;

	e = tc_parse_start(ps, "tcpclose_hist", "tcpclose_hist file",
			   TC_HIST_FORMAT, &h->format, &h->meta, &h->nmeta);
	if (!e)
		e = tc_hist_units(ps, h);
	if (e)
		return e;
	while (tc_next_data(ps, &e)) {
		if (!seen_header) {
			e = tc_hist_header(ps);
			if (e)
				return e;
			seen_header = 1;
			continue;
		}
		if (h->nrows == cap) {
			struct tc_hist_row *r;

			cap = cap ? 2 * cap : 64;
			r = realloc(h->rows, cap * sizeof(*r));
			if (!r)
				return TC_PARSE_NOMEM;
			h->rows = r;
		}
		e = tc_hist_row(ps, h, &h->rows[h->nrows], &bcap, &keep);
		if (e)
			return e;
		if (keep)
			h->nrows++;
		else	/* its buckets were checked, and are not kept */
			h->nbuckets = h->rows[h->nrows].bidx;
	}
	if (e)
		return e;
	ps->lineno = 0;
	if (!seen_header)
		return tc_fail(ps, TC_PARSE_FORMAT, "no header line");
	/* The buckets array has stopped moving: point the rows into it. */
	for (i = 0; i < h->nrows; i++)
		h->rows[i].b = h->buckets + h->rows[i].bidx;
	if (h->nrows)	/* qsort(NULL, 0, ...) is undefined */
		qsort(h->rows, h->nrows, sizeof(*h->rows), tc_hist_cmp);
	for (i = 1; i < h->nrows; i++)
		if (!tc_hist_cmp(&h->rows[i - 1], &h->rows[i]))
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "two rows for port %u %s %s",
				       h->rows[i].port,
				       tc_role_names[h->rows[i].role],
				       h->rows[i].phase);
	return TC_PARSE_OK;
}

static enum tc_parse_err tc_hist_run(struct tc_parser *ps, void *h)
{
	return tc_hist_body(ps, h);
}

enum tc_parse_err tc_hist_parse(struct tc_hist *h, const char *buf,
				size_t len, char *err, size_t errlen)
{
	enum tc_parse_err e;

	memset(h, 0, sizeof(*h));
	e = tc_parse_run(buf, len, err, errlen, tc_hist_run, h);
	if (e)
		tc_hist_free(h);
	return e;
}
