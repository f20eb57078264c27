// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the /proc/tcpclose text (README.md, "/proc/tcpclose").
 *
 * Columns are found by name in the header line, because the module only
 * ever appends columns: unknown ones are skipped, a missing optional one is
 * marked absent, a missing required one is an error. Rows of a role a later
 * module adds are skipped and counted. Anything that does not fit the contract is refused with the line
 * number, rather than guessed at, since an operator acts on these numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "scan.h"
#include "table.h"

/*
 * The text table keeps to what an operator reads at a glance; JSON and
 * Prometheus carry every known column.
 */
const struct tc_colinfo tc_cols[TC_NCOLS] = {
	[TC_ACTIVE_CLOSES] = { "active_closes", "ACTIVE", 1,
		"tcpclose_active_closes_total",
		"Closes where this side sent FIN first, since the module was loaded or reset." },
	[TC_PASSIVE_CLOSES] = { "passive_closes", "PASSIVE", 1,
		"tcpclose_passive_closes_total",
		"Closes where the peer sent FIN first, since the module was loaded or reset." },
	[TC_SIMULTANEOUS_CLOSES] = { "simultaneous_closes", "SIMULT", 1,
		"tcpclose_simultaneous_closes_total",
		"Closes where both FINs crossed (also counted as active)." },
	[TC_RESETS] = { "resets", "RESETS", 1,
		"tcpclose_resets_total",
		"Connections ended by an RST received, or by the kernel giving up on the peer (retransmission or keepalive timeout), in any state." },
	[TC_TIME_WAIT] = { "time_wait", "TIME_WAIT", 0,
		"tcpclose_time_wait_sockets", "Sockets in TIME_WAIT now." },
	[TC_CLOSE_WAIT] = { "close_wait", "CLOSE_WAIT", 0,
		"tcpclose_close_wait_sockets",
		"Sockets in CLOSE_WAIT now: the peer closed, the application has not." },
	[TC_FIN_WAIT1] = { "fin_wait1", "FIN_WAIT1", 0,
		"tcpclose_fin_wait1_sockets", "Sockets in FIN_WAIT1 now." },
	[TC_FIN_WAIT2] = { "fin_wait2", "FIN_WAIT2", 0,
		"tcpclose_fin_wait2_sockets",
		"Sockets in FIN_WAIT2 now, including orphans." },
	[TC_LAST_ACK] = { "last_ack", "LAST_ACK", 0,
		"tcpclose_last_ack_sockets", "Sockets in LAST_ACK now." },
	[TC_CLOSING] = { "closing", "CLOSING", 0,
		"tcpclose_closing_sockets", "Sockets in CLOSING now." },
	[TC_ESTABLISHED] = { "established", "ESTAB", 0,
		"tcpclose_established_sockets", "Sockets in ESTABLISHED now." },
	[TC_CLOSE_WAIT_OLDEST_S] = { "close_wait_oldest_s", "CW_OLDEST_S", 0,
		"tcpclose_close_wait_oldest_seconds",
		"Age of the oldest CLOSE_WAIT socket whose entry tcpclose saw." },
	/* Beside CW_OLDEST_S, which does not count these: only when any. */
	[TC_CLOSE_WAIT_UNTRACKED] = { "close_wait_untracked", "CW_UNTRACKED", 0,
		"tcpclose_close_wait_untracked_sockets",
		"CLOSE_WAIT sockets of unknown age (older than the module, or not tracked).",
		1 },
	[TC_TW_CREATED] = { "tw_created", NULL, 1,
		"tcpclose_tw_created_total", "Timewait sockets created." },
	[TC_TW_EXPIRED] = { "tw_expired", NULL, 1,
		"tcpclose_tw_expired_total",
		"Timewait sockets ended by their timer in TIME_WAIT." },
	[TC_TW_KILLED] = { "tw_killed", NULL, 1,
		"tcpclose_tw_killed_total",
		"Timewait sockets ended early (RST, reuse by connect or SYN, ss -K)." },
	[TC_TW_OVERFLOW] = { "tw_overflow", NULL, 1,
		"tcpclose_tw_overflow_total",
		"Timewait sockets not created because tcp_max_tw_buckets was reached." },
	[TC_FIN_WAIT2_TIMEOUTS] = { "fin_wait2_timeouts", NULL, 1,
		"tcpclose_fin_wait2_timeouts_total",
		"Orphans whose peer never sent its FIN (tcp_fin_timeout expired)." },
	[TC_TW_KILLED_RST] = { "tw_killed_rst", NULL, 1,
		"tcpclose_tw_killed_rst_total",
		"Of tw_killed: ended by a reset (received, or sent to a peer that wrote to an orphan)." },
	[TC_TW_KILLED_REUSE] = { "tw_killed_reuse", NULL, 1,
		"tcpclose_tw_killed_reuse_total",
		"Of tw_killed: a new connection took the 4-tuple (a peer's SYN, or connect() with tcp_tw_reuse)." },
	[TC_TW_KILLED_ABORT] = { "tw_killed_abort", NULL, 1,
		"tcpclose_tw_killed_abort_total",
		"Of tw_killed: destroyed by SOCK_DESTROY (ss -K) or a BPF program." },
	/* Shown only when any row has some. */
	[TC_LOCAL_ABORTS] = { "local_aborts", "ABORTS", 1,
		"tcpclose_local_aborts_total",
		"Connections this side's application aborted (SO_LINGER 0, close() with unread data, connect(AF_UNSPEC)).",
		1 },
};

const char *const tc_role_names[TC_NROLES] = {
	[TC_CLIENT] = "client",
	[TC_SERVER] = "server",
};

/* A reader must not be made to allocate without bound by a bad file. */
#define TC_MAX_HEADER_COLS 1024

int tc_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

int tc_col_lookup(const char *name)
{
	int i;

	for (i = 0; i < TC_NCOLS; i++)
		if (!strcasecmp(name, tc_cols[i].name) ||
		    (tc_cols[i].label && !strcasecmp(name, tc_cols[i].label)))
			return i;
	return -1;
}

int tc_is_name(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

void tc_skips_add(struct tc_skips *s, const char *name, size_t n)
{
	if (!s->rows++)
		snprintf(s->first, sizeof(s->first), "%.*s", (int)n, name);
}

int tc_role_lookup(const char *name)
{
	int i;

	for (i = 0; i < TC_NROLES; i++)
		if (!strcmp(name, tc_role_names[i]))
			return i;
	return -1;
}

const char *tc_table_meta(const struct tc_table *t, const char *key)
{
	return tc_kv_get(t->meta, t->nmeta, key);
}

int tc_table_meta_u64(const struct tc_table *t, const char *key,
		      uint64_t *out)
{
	const char *v = tc_table_meta(t, key);

	return v && tc_parse_u64(v, strlen(v), out);
}

static int tc_row_cmp(const struct tc_row *a, const struct tc_row *b)
{
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return (int)a->role - (int)b->role;
}

const struct tc_row *tc_table_find(const struct tc_table *t,
				   unsigned int port, enum tc_role role)
{
	struct tc_row key = { .port = port, .role = role };
	size_t lo = 0, hi = t->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = tc_row_cmp(&t->rows[mid], &key);

		if (!c)
			return &t->rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void tc_table_free(struct tc_table *t)
{
	tc_kv_free(t->meta, t->nmeta);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/*
 * Every required column the header lacks, in one message: whoever fixes
 * the file (or the module) should not have to run the reader once per
 * column. "header has no 'resets' column", "... no 'resets', 'time_wait'
 * and 'close_wait' columns".
 */
static enum tc_parse_err tc_missing_columns(struct tc_parser *ps,
					    const struct tc_table *t)
{
	const char *miss[TC_NREQUIRED + 2];
	char list[512];
	size_t n = 0, i, used = 0;
	int c;

	if (ps->portpos < 0)
		miss[n++] = "port";
	if (ps->rolepos < 0)
		miss[n++] = "role";
	for (c = 0; c < TC_NREQUIRED; c++)
		if (!t->have[c])
			miss[n++] = tc_cols[c].name;
	if (!n)
		return TC_PARSE_OK;
	list[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(list + used, sizeof(list) - used, "%s'%s'",
				 i == 0 ? "" : i + 1 == n ? " and " : ", ",
				 miss[i]);
	return tc_fail(ps, TC_PARSE_FORMAT, "header has no %s column%s", list,
		       n > 1 ? "s" : "");
}

static enum tc_parse_err tc_parse_header(struct tc_parser *ps,
					 struct tc_table *t)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	size_t n, i;
	int c;

	ps->portpos = ps->rolepos = -1;
	while (tc_field(&s, end, &f, &n)) {
		char name[64];
		int *m;

		if (ps->ncols == TC_MAX_HEADER_COLS)
			return tc_fail(ps, TC_PARSE_FORMAT, "too many columns");
		m = realloc(ps->colmap, (ps->ncols + 1) * sizeof(*m));
		if (!m)
			return TC_PARSE_NOMEM;
		ps->colmap = m;
		snprintf(name, sizeof(name), "%.*s", (int)n, f);
		c = -1;
		for (i = 0; i < TC_NCOLS; i++)
			if (!strcmp(name, tc_cols[i].name))
				c = i;
		if (c >= 0 && t->have[c])
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "column '%s' twice", name);
		if (c >= 0)
			t->have[c] = 1;
		if (!strcmp(name, "port") || !strcmp(name, "role")) {
			int *pos = name[0] == 'p' ? &ps->portpos : &ps->rolepos;

			if (*pos >= 0)
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "column '%s' twice", name);
			*pos = ps->ncols;
		}
		ps->colmap[ps->ncols++] = c;
	}
	return tc_missing_columns(ps, t);
	return TC_PARSE_OK;
}

/*
 * *KEEP is 0 for a row of a role this reader does not know (a later
 * module's): the row is still checked, then left out by the caller.
 */
static enum tc_parse_err tc_parse_row(struct tc_parser *ps,
				      struct tc_row *row, struct tc_skips *sk,
				      int *keep)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	size_t n, pos = 0;
	uint64_t v;
	int r;

	memset(row, 0, sizeof(*row));
	*keep = 1;
	while (tc_field(&s, end, &f, &n)) {
		if (pos == ps->ncols)
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "more values than the %zu columns",
				       ps->ncols);
		if ((int)pos == ps->rolepos) {
			char name[16];

			snprintf(name, sizeof(name), "%.*s", (int)n, f);
			r = n < sizeof(name) ? tc_role_lookup(name) : -1;
			if (r < 0 && !tc_is_name(f, n, sizeof(name) - 1))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "bad role '%.*s'",
					       (int)(n > 16 ? 16 : n), f);
			if (r < 0) {
				tc_skips_add(sk, f, n);
				*keep = 0;
			}
			row->role = r < 0 ? TC_CLIENT : r;
		} else if ((int)pos == ps->portpos) {
			if (!tc_parse_u64(f, n, &v) || v > 65535)
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "bad port '%.*s'",
					       (int)(n > 24 ? 24 : n), f);
			row->port = v;
		} else if (ps->colmap[pos] >= 0) {
			if (!tc_parse_u64(f, n, &v))
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "%s: not a number below 2^64: '%.*s'",
					       tc_cols[ps->colmap[pos]].name,
					       (int)(n > 24 ? 24 : n), f);
			row->v[ps->colmap[pos]] = v;
		}
		pos++;
	}
	if (pos < ps->ncols)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "truncated row: %zu of %zu columns", pos,
			       ps->ncols);
	return TC_PARSE_OK;
}

static int tc_row_qcmp(const void *a, const void *b)
{
	return tc_row_cmp(a, b);
}

static enum tc_parse_err tc_parse_body(struct tc_parser *ps,
				       struct tc_table *t)
{
	enum tc_parse_err e;
	size_t cap = 0, i;
	int seen_header = 0, keep;

	e = tc_parse_start(ps, "tcpclose", "tcpclose table", TC_FORMAT,
			   &t->format, &t->meta, &t->nmeta);
	if (e)
		return e;
	while (tc_next_data(ps, &e)) {
		if (!seen_header) {
			e = tc_parse_header(ps, t);
			if (e)
				return e;
			seen_header = 1;
			continue;
		}
		if (t->nrows == cap) {
			struct tc_row *r;

			cap = cap ? 2 * cap : 64;
			r = realloc(t->rows, cap * sizeof(*r));
			if (!r)
				return TC_PARSE_NOMEM;
			t->rows = r;
		}
		e = tc_parse_row(ps, &t->rows[t->nrows], &t->skips, &keep);
		if (e)
			return e;
		t->nrows += keep;
	}
	if (e)
		return e;
	ps->lineno = 0;
	if (!seen_header)
		return tc_fail(ps, TC_PARSE_FORMAT, "no header line");
	/* The module sorts; a hand-edited copy may not. Duplicates are wrong. */
	if (t->nrows)	/* qsort(NULL, 0, ...) is undefined */
		qsort(t->rows, t->nrows, sizeof(*t->rows), tc_row_qcmp);
	for (i = 1; i < t->nrows; i++)
		if (!tc_row_cmp(&t->rows[i - 1], &t->rows[i]))
			return tc_fail(ps, TC_PARSE_FORMAT,
				       "two rows for port %u %s",
				       t->rows[i].port,
				       tc_role_names[t->rows[i].role]);
	return TC_PARSE_OK;
}

static enum tc_parse_err tc_table_run(struct tc_parser *ps, void *t)
{
	return tc_parse_body(ps, t);
}

enum tc_parse_err tc_table_parse(struct tc_table *t, const char *buf,
				 size_t len, char *err, size_t errlen)
{
	enum tc_parse_err e;

	memset(t, 0, sizeof(*t));
	e = tc_parse_run(buf, len, err, errlen, tc_table_run, t);
	if (e)
		tc_table_free(t);
	t->age_s = t->start_unix = -1;	/* unknown until since.c says */
	return e;
}
