// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the /proc/tcpclose_dest text (doc/tcpclose.5). The same rules
 * as the other two files (scan.c): columns and keys by name, unknown ones
 * skipped, anything else off-contract refused with its line number. On top
 * of those, what makes the numbers add up: the "* * 0" row ends the file
 * (a file without it was cut short), no destination twice, no more
 * destinations than max_dests, TIME_WAIT and ESTABLISHED within in_use.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dest.h"
#include "scan.h"

const char *const tc_dest_col_names[TC_DC_N] = {
	[TC_DC_IN_USE] = "in_use",
	[TC_DC_TIME_WAIT] = "time_wait",
	[TC_DC_ESTABLISHED] = "established",
	[TC_DC_CONNECT_FAILURES] = "connect_failures",
};

const char *const tc_dest_key_names[TC_DK_N] = {
	[TC_DK_SINCE_BOOT_S] = "since_boot_s",
	[TC_DK_RESERVED_PORTS] = "reserved_ports",
	[TC_DK_CAPACITY] = "capacity",
	[TC_DK_LOCAL_PORTS_IN_USE] = "local_ports_in_use",
	[TC_DK_DESTS] = "dests",
	[TC_DK_MAX_DESTS] = "max_dests",
	[TC_DK_UNGROUPED] = "ungrouped",
	[TC_DK_CONNECT_FAILURES] = "connect_failures",
	[TC_DK_BIND_FAILURES] = "bind_failures",
	[TC_DK_FAILURE_DESTS] = "failure_dests",
};

/* Header positions of the key columns, after the numeric ones. */
enum { TC_DC_LOCAL = TC_DC_N, TC_DC_REMOTE, TC_DC_PORT, TC_DC_ALL };

static const char *const tc_dest_key_cols[] = { "local", "remote", "port" };

#define TC_MAX_HEADER_COLS 1024

const char *tc_dest_meta(const struct tc_dest *d, const char *key)
{
	return tc_kv_get(d->meta, d->nmeta, key);
}

uint64_t tc_dest_capacity(const struct tc_dest *d, uint64_t fallback)
{
	uint64_t range;

	if (d->have[TC_DK_CAPACITY])
		return d->k[TC_DK_CAPACITY];
	if (d->has_range) {
		range = (uint64_t)d->hi - d->lo + 1;
		if (!d->have[TC_DK_RESERVED_PORTS])
			return range;
		if (d->k[TC_DK_RESERVED_PORTS] < range)
			return range - d->k[TC_DK_RESERVED_PORTS];
		return 0;
	}
	return fallback;
}

void tc_dest_remote_str(char *buf, size_t len, const struct tc_dest_row *r)
{
	if (!r->family)
		snprintf(buf, len, "*");
	else if (r->family == 6)
		snprintf(buf, len, "[%s]:%u", r->remote, r->port);
	else
		snprintf(buf, len, "%s:%u", r->remote, r->port);
}

void tc_dest_free(struct tc_dest *d)
{
	tc_kv_free(d->meta, d->nmeta);
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

/* The known keys must be numbers when present; the others are passed on. */
static enum tc_parse_err tc_dest_keys(struct tc_parser *ps, struct tc_dest *d)
{
	const char *v;
	int k;

	for (k = 0; k < TC_DK_N; k++) {
		v = tc_dest_meta(d, tc_dest_key_names[k]);
		if (!v)
			continue;
		if (!tc_parse_u64(v, strlen(v), &d->k[k]))
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "%s=%.24s: not a number below 2^64",
				       tc_dest_key_names[k], v);
		d->have[k] = 1;
	}
	v = tc_dest_meta(d, "port_range");
	if (v) {
		const char *dash = strchr(v, '-');
		uint64_t lo, hi;

		if (!dash || !tc_parse_u64(v, dash - v, &lo) ||
		    !tc_parse_u64(dash + 1, strlen(dash + 1), &hi) ||
		    lo > hi || hi > 65535)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "port_range=%.24s: not LO-HI with LO <= HI <= 65535",
				       v);
		d->has_range = 1;
		d->lo = lo;
		d->hi = hi;
	}
	return TC_PARSE_OK;
}

static enum tc_parse_err tc_dest_header(struct tc_parser *ps)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	int have[TC_DC_ALL] = { 0 }, c;
	size_t n;

	while (tc_field(&s, end, &f, &n)) {
		int *m;

		if (ps->ncols == TC_MAX_HEADER_COLS)
			return tc_fail(ps, TC_PARSE_FORMAT, "too many columns");
		m = realloc(ps->colmap, (ps->ncols + 1) * sizeof(*m));
		if (!m)
			return TC_PARSE_NOMEM;
		ps->colmap = m;
		for (c = 0; c < TC_DC_ALL; c++) {
			const char *name = c < TC_DC_N ? tc_dest_col_names[c] :
					   tc_dest_key_cols[c - TC_DC_N];

			if (n == strlen(name) && !memcmp(f, name, n))
				break;
		}
		if (c < TC_DC_ALL && have[c]++)
			return tc_fail(ps, TC_PARSE_FORMAT, "column '%.*s' twice",
				       (int)n, f);
		ps->colmap[ps->ncols++] = c < TC_DC_ALL ? c : -1;
	}
	for (c = 0; c < TC_DC_ALL; c++)
		if (!have[c])
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "header has no '%s' column",
				       c < TC_DC_N ? tc_dest_col_names[c] :
				       tc_dest_key_cols[c - TC_DC_N]);
	return TC_PARSE_OK;
}

/* An address as the module prints it, or "*"; canonical text into OUT. */
static int tc_dest_addr(const char *f, size_t n, char *out, int *family,
			unsigned char *bin)
{
	char tmp[TC_ADDR_MAX];

	if (n == 1 && *f == '*') {
		strcpy(out, "*");
		*family = 0;
		return 1;
	}
	if (n >= sizeof(tmp))
		return 0;
	memcpy(tmp, f, n);
	tmp[n] = '\0';
	memset(bin, 0, 16);
	if (inet_pton(AF_INET, tmp, bin) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, tmp, bin) == 1)
		*family = 6;
	else
		return 0;
	return inet_ntop(*family == 4 ? AF_INET : AF_INET6, bin, out,
			 TC_ADDR_MAX) != NULL;
}

static enum tc_parse_err tc_dest_row(struct tc_parser *ps,
				     struct tc_dest_row *r)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	size_t n, pos = 0;
	int lfam = 0, rfam = 0, c, w;
	uint64_t v;

	memset(r, 0, sizeof(*r));
	for (; tc_field(&s, end, &f, &n); pos++) {
		if (pos == ps->ncols)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "more values than the %zu columns",
				       ps->ncols);
		w = n > 48 ? 48 : (int)n;
		switch ((c = ps->colmap[pos])) {
		case TC_DC_LOCAL:
		case TC_DC_REMOTE:
			if (!tc_dest_addr(f, n, c == TC_DC_LOCAL ? r->local : r->remote,
					  c == TC_DC_LOCAL ? &lfam : &rfam,
					  c == TC_DC_LOCAL ? r->lbin : r->rbin))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "%s: bad address '%.*s'",
					       tc_dest_key_cols[c - TC_DC_N], w, f);
			break;
		case TC_DC_PORT:
			if (!tc_parse_u64(f, n, &v) || v > 65535)
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "bad port '%.*s'", w > 24 ? 24 : w, f);
			r->port = v;
			break;
		case -1:	/* a column this reader does not know */
			break;
		default:
			if (!tc_parse_u64(f, n, &r->v[c]))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "%s: not a number below 2^64: '%.*s'",
					       tc_dest_col_names[c], w > 24 ? 24 : w, f);
		}
	}
	if (pos < ps->ncols)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "truncated row: %zu of %zu columns", pos, ps->ncols);
	/* "* * 0" is the rest; any other mix of '*' is no destination. */
	if (!lfam || !rfam) {
		if (lfam || rfam || r->port)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "'*' only in the row '* * 0'");
	} else if (lfam != rfam) {
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "local %s and remote %s of different families",
			       r->local, r->remote);
	} else if (r->port == 0) {
		return tc_fail(ps, TC_PARSE_FORMAT, "bad port '0'");
	}
	r->family = lfam;
	/* Both are states of the sockets in_use counts. */
	if (r->v[TC_DC_TIME_WAIT] > r->v[TC_DC_IN_USE] ||
	    r->v[TC_DC_ESTABLISHED] > r->v[TC_DC_IN_USE] - r->v[TC_DC_TIME_WAIT])
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "time_wait %llu and established %llu are more than in_use %llu",
			       (unsigned long long)r->v[TC_DC_TIME_WAIT],
			       (unsigned long long)r->v[TC_DC_ESTABLISHED],
			       (unsigned long long)r->v[TC_DC_IN_USE]);
	return TC_PARSE_OK;
}

/* Destinations by identity: family, local, remote, port. */
static int tc_dest_key_cmp(const struct tc_dest_row *x,
			   const struct tc_dest_row *y)
{
	int c;

	if ((c = x->family - y->family))
		return c;
	if ((c = memcmp(x->lbin, y->lbin, 16)))
		return c;
	if ((c = memcmp(x->rbin, y->rbin, 16)))
		return c;
	return (x->port > y->port) - (x->port < y->port);
}

static int tc_dest_key_qcmp(const void *a, const void *b)
{
	return tc_dest_key_cmp(*(const struct tc_dest_row *const *)a,
			       *(const struct tc_dest_row *const *)b);
}

/* The module's order: in_use descending, then failures, then address. */
static int tc_dest_cmp(const void *a, const void *b)
{
	const struct tc_dest_row *x = a, *y = b;

	if (x->v[TC_DC_IN_USE] != y->v[TC_DC_IN_USE])
		return x->v[TC_DC_IN_USE] > y->v[TC_DC_IN_USE] ? -1 : 1;
	if (x->v[TC_DC_CONNECT_FAILURES] != y->v[TC_DC_CONNECT_FAILURES])
		return x->v[TC_DC_CONNECT_FAILURES] > y->v[TC_DC_CONNECT_FAILURES] ?
		       -1 : 1;
	return tc_dest_key_cmp(x, y);
}


const struct tc_dest_row *tc_dest_find(const struct tc_dest *d,
				       const struct tc_dest_row *key)
{
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < d->nrows; i++)	/* at most max_dests: no index */
		if (!tc_dest_key_cmp(&d->rows[i], key))
			return &d->rows[i];
	return NULL;
}

/* No destination twice: sorted by identity, a duplicate is a neighbour. */
static enum tc_parse_err tc_dest_dups(struct tc_parser *ps,
				      const struct tc_dest *d)
{
	char rs[TC_ADDR_MAX + 16], ls[TC_ADDR_MAX];
	const struct tc_dest_row **ix;
	size_t i;

	if (d->nrows < 2)
		return TC_PARSE_OK;
	ix = malloc(d->nrows * sizeof(*ix));
	if (!ix)
		return TC_PARSE_NOMEM;
	for (i = 0; i < d->nrows; i++)
		ix[i] = &d->rows[i];
	qsort(ix, d->nrows, sizeof(*ix), tc_dest_key_qcmp);
	for (i = 1; i < d->nrows; i++)
		if (!tc_dest_key_cmp(ix[i - 1], ix[i]))
			break;
	if (i < d->nrows) {
		tc_dest_remote_str(rs, sizeof(rs), ix[i]);
		snprintf(ls, sizeof(ls), "%s", ix[i]->local);
	}
	free(ix);
	if (i < d->nrows)
		return tc_fail(ps, TC_PARSE_FORMAT, "two rows for %s -> %s",
			       ls, rs);
	return TC_PARSE_OK;
}

static enum tc_parse_err tc_dest_body(struct tc_parser *ps, struct tc_dest *d)
{
	int seen_header = 0, seen_other = 0;
	struct tc_dest_row row;
	enum tc_parse_err e;
	size_t cap = 0;

	e = tc_parse_start(ps, "tcpclose_dest", "tcpclose_dest file",
			   TC_DEST_FORMAT, &d->format, &d->meta, &d->nmeta);
	if (!e)
		e = tc_dest_keys(ps, d);
	if (e)
		return e;
	while (tc_next_data(ps, &e)) {
		if (!seen_header) {
			e = tc_dest_header(ps);
			if (e)
				return e;
			seen_header = 1;
			continue;
		}
		e = tc_dest_row(ps, &row);
		if (e)
			return e;
		if (seen_other)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "a row after the '* * 0' row, which is the last");
		if (!row.family) {
			d->other = row;
			seen_other = 1;
			continue;
		}
		if (d->nrows == cap) {
			struct tc_dest_row *r;

			cap = cap ? 2 * cap : 64;
			r = realloc(d->rows, cap * sizeof(*r));
			if (!r)
				return TC_PARSE_NOMEM;
			d->rows = r;
		}
		d->rows[d->nrows++] = row;
	}
	if (e)
		return e;
	ps->lineno = 0;
	if (!seen_header)
		return tc_fail(ps, TC_PARSE_FORMAT, "no header line");
	if (!seen_other)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "no '* * 0' row: the file is cut short");
	if (d->have[TC_DK_MAX_DESTS] && d->nrows > d->k[TC_DK_MAX_DESTS])
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "%zu destinations, more than max_dests=%llu",
			       d->nrows, (unsigned long long)d->k[TC_DK_MAX_DESTS]);
	if (d->nrows)	/* qsort(NULL, 0, ...) is undefined */
		qsort(d->rows, d->nrows, sizeof(*d->rows), tc_dest_cmp);
	return tc_dest_dups(ps, d);
}

static enum tc_parse_err tc_dest_run(struct tc_parser *ps, void *d)
{
	return tc_dest_body(ps, d);
}

enum tc_parse_err tc_dest_parse(struct tc_dest *d, const char *buf,
				size_t len, char *err, size_t errlen)
{
	enum tc_parse_err e;

	memset(d, 0, sizeof(*d));
	e = tc_parse_run(buf, len, err, errlen, tc_dest_run, d);
	if (e)
		tc_dest_free(d);
	return e;
}
