// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the reader's pure parts (parse, select, rates, diagnosis,
 * text/JSON/Prometheus output), linked directly with the userspace sources but
 * main.c and watch.c. Prints "PASS reader/unit/<name>" or "FAIL ...: why"
 * per check, as make check counts them.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "../../userspace/dest.h"
#include "../../userspace/output.h"
#include "../../userspace/netns.h"
#include "../../userspace/scan.h"
#include "../../userspace/since.h"
#include "../../userspace/tcpclose.h"

static int failures, checks;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok) {
		printf("PASS reader/unit/%s\n", name);
		return;
	}
	failures++;
	printf("FAIL reader/unit/%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void check_str(const char *name, const char *got, const char *want)
{
	check(!strcmp(got, want), name, "expected '%s', got '%s'", want, got);
}

static void check_u64(const char *name, uint64_t got, uint64_t want)
{
	check(got == want, name, "expected %" PRIu64 ", got %" PRIu64, want,
	      got);
}

static const char HDR[] =
	" port role active_closes passive_closes simultaneous_closes resets"
	" time_wait close_wait fin_wait1 fin_wait2 last_ack closing established\n";
static const char META[] = "# tcpclose 1 version=0.1.0 netns=7 ports=1\n";

/* Parse META + HDR + BODY; returns the status, T filled on success. */
static enum tc_parse_err parse3(struct tc_table *t, const char *meta,
				const char *hdr, const char *body, char *err)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s%s", meta, hdr, body);
	return tc_table_parse(t, buf, strlen(buf), err, 256);
}

/* The parse must fail with status WANT and exactly message MSG. */
static void parse_fails(const char *name, const char *text, size_t len,
			enum tc_parse_err want, const char *msg)
{
	struct tc_table t;
	char err[256], n[96];
	enum tc_parse_err e = tc_table_parse(&t, text, len, err, sizeof(err));

	snprintf(n, sizeof(n), "parse.%s.status", name);
	check(e == want, n, "expected status %d, got %d (%s)", want, e, err);
	snprintf(n, sizeof(n), "parse.%s.message", name);
	check_str(n, err, msg);
	snprintf(n, sizeof(n), "parse.%s.empty", name);
	check(t.nrows == 0 && t.rows == NULL && t.nmeta == 0, n,
	      "a failed parse left data behind");
}

static void test_parse_ok(void)
{
	struct tc_table t;
	char err[256];
	const struct tc_row *r;
	enum tc_parse_err e;

	/* Rows out of order, blank and comment lines: sorted, skipped. */
	e = parse3(&t, META, HDR,
		   "81 server 1 2 3 4 5 6 7 8 9 10 11\n"
		   "\n# a comment between rows\n"
		   "80 server 0 0 0 0 0 0 0 0 0 0 1\r\n"
		   "80 client 0 0 0 0 0 0 0 0 0 0 2\n", err);
	check(e == TC_PARSE_OK, "parse.ok.status", "%s", err);
	check_u64("parse.ok.rows", t.nrows, 3);
	check(t.nrows == 3 && t.rows[0].port == 80 && t.rows[0].role == TC_CLIENT &&
	      t.rows[1].role == TC_SERVER && t.rows[2].port == 81,
	      "parse.ok.sorted", "rows not in port, role order");
	r = tc_table_find(&t, 81, TC_SERVER);
	check(r && r->v[TC_ACTIVE_CLOSES] == 1 && r->v[TC_ESTABLISHED] == 11 &&
	      r->v[TC_TIME_WAIT] == 5, "parse.ok.values", "wrong values");
	check(tc_table_find(&t, 81, TC_CLIENT) == NULL, "parse.ok.find-absent",
	      "found a row that is not there");
	check_str("parse.ok.meta-version", tc_table_meta(&t, "version"), "0.1.0");
	check(!t.have[TC_CLOSE_WAIT_OLDEST_S], "parse.ok.optional-absent",
	      "close_wait_oldest_s reported present");
	check_u64("parse.ok.format", t.format, 1);
	tc_table_free(&t);

	/* Header only: a valid, empty table. */
	e = parse3(&t, META, HDR, "", err);
	check(e == TC_PARSE_OK && t.nrows == 0, "parse.empty-table", "%s", err);
	tc_table_free(&t);

	/* Appended columns (known and unknown), a minor version, odd keys. */
	e = parse3(&t, "# tcpclose 1.7 version=2 netns=1 lonely =x k=\n",
		   " port role active_closes passive_closes simultaneous_closes resets"
		   " time_wait close_wait fin_wait1 fin_wait2 last_ack closing established"
		   " future_text close_wait_oldest_s\n",
		   "80 server 0 0 0 0 0 3 0 0 0 0 0 hello 99\n", err);
	check(e == TC_PARSE_OK, "parse.appended.status", "%s", err);
	check(t.have[TC_CLOSE_WAIT_OLDEST_S] && t.nrows == 1 &&
	      t.rows[0].v[TC_CLOSE_WAIT_OLDEST_S] == 99 &&
	      t.rows[0].v[TC_CLOSE_WAIT] == 3, "parse.appended.known",
	      "close_wait_oldest_s not read by name");
	check_str("parse.appended.empty-value", tc_table_meta(&t, "k"), "");
	check(tc_table_meta(&t, "lonely") == NULL && t.nmeta == 3,
	      "parse.appended.odd-keys", "%zu keys", t.nmeta);
	tc_table_free(&t);

	/* The largest numbers a u64 holds, exactly. */
	e = parse3(&t, META, HDR,
		   "65535 client 18446744073709551615 0 0 0 0 0 0 0 0 0 0\n", err);
	check(e == TC_PARSE_OK && t.rows[0].v[TC_ACTIVE_CLOSES] == UINT64_MAX &&
	      t.rows[0].port == 65535, "parse.u64-max", "%s", err);
	tc_table_free(&t);

	/* Only the contract's required columns: read, the others absent. */
	e = parse3(&t, META,
		   " port role active_closes passive_closes simultaneous_closes"
		   " resets time_wait close_wait\n",
		   "80 server 1 2 3 4 5 6\n", err);
	check(e == TC_PARSE_OK && t.nrows == 1 && t.have[TC_CLOSE_WAIT] &&
	      !t.have[TC_FIN_WAIT1] && !t.have[TC_ESTABLISHED] &&
	      t.rows[0].v[TC_CLOSE_WAIT] == 6 && t.rows[0].v[TC_RESETS] == 4,
	      "parse.required-only", "%s", err);
	tc_table_free(&t);

	/* A role a later module adds: its rows are checked, then skipped. */
	e = parse3(&t, META, HDR,
		   "80 proxy 1 0 0 0 1 0 0 0 0 0 0\n"
		   "80 server 1 0 0 0 1 0 0 0 0 0 0\n"
		   "81 proxy 1 0 0 0 1 0 0 0 0 0 0\n"
		   "81 gateway_2 1 0 0 0 1 0 0 0 0 0 0\n", err);
	check(e == TC_PARSE_OK && t.nrows == 1 && t.rows[0].role == TC_SERVER &&
	      t.skips.rows == 3 && !strcmp(t.skips.first, "proxy"),
	      "parse.unknown-role", "%s: %zu rows, %lu skipped, '%s'", err,
	      t.nrows, t.skips.rows, t.skips.first);
	tc_table_free(&t);
}

static void test_parse_errors(void)
{
	char buf[4096];
	size_t n;

#define FAILS(name, body, want, msg) do { \
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s%s", META, HDR, body); \
	parse_fails(name, buf, n, want, msg); \
} while (0)
	FAILS("truncated-row", "80 server 1 0 0 0 1\n", TC_PARSE_FORMAT,
	      "line 3: truncated row: 7 of 13 columns");
	FAILS("extra-values", "80 server 1 0 0 0 1 0 0 0 0 0 0 9\n",
	      TC_PARSE_FORMAT, "line 3: more values than the 13 columns");
	FAILS("no-newline", "80 server 1 0 0 0 1 0 0 0 0 0 0", TC_PARSE_FORMAT,
	      "line 3: truncated (no newline at the end)");
	FAILS("overflow", "80 server 18446744073709551616 0 0 0 1 0 0 0 0 0 0\n",
	      TC_PARSE_FORMAT,
	      "line 3: active_closes: not a number below 2^64: '18446744073709551616'");
	FAILS("huge", "80 server 1 0 0 0 99999999999999999999999999999999 0 0 0 0 0 0\n",
	      TC_PARSE_FORMAT,
	      "line 3: time_wait: not a number below 2^64: '999999999999999999999999'");
	FAILS("negative", "80 server -1 0 0 0 1 0 0 0 0 0 0\n", TC_PARSE_FORMAT,
	      "line 3: active_closes: not a number below 2^64: '-1'");
	FAILS("plus", "80 server +1 0 0 0 1 0 0 0 0 0 0\n", TC_PARSE_FORMAT,
	      "line 3: active_closes: not a number below 2^64: '+1'");
	FAILS("port", "65536 server 1 0 0 0 1 0 0 0 0 0 0\n", TC_PARSE_FORMAT,
	      "line 3: bad port '65536'");
	FAILS("role", "80 Proxy 1 0 0 0 1 0 0 0 0 0 0\n", TC_PARSE_FORMAT,
	      "line 3: bad role 'Proxy'");
	FAILS("role-unknown-still-checked", "80 proxy 1 0 0 0 1 0 0 0 0 0\n",
	      TC_PARSE_FORMAT, "line 3: truncated row: 12 of 13 columns");
	FAILS("duplicate-row",
	      "80 server 1 0 0 0 1 0 0 0 0 0 0\n80 server 1 0 0 0 1 0 0 0 0 0 0\n",
	      TC_PARSE_FORMAT, "two rows for port 80 server");
#undef FAILS
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s", META,
			     " port role active_closes\n");
	parse_fails("missing-column", buf, n, TC_PARSE_FORMAT,
		    "line 2: header has no 'passive_closes', 'simultaneous_closes', 'resets', 'time_wait' and 'close_wait' columns");
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s", META,
			     " role active_closes passive_closes simultaneous_closes"
			     " resets time_wait close_wait\n");
	parse_fails("missing-port", buf, n, TC_PARSE_FORMAT,
		    "line 2: header has no 'port' column");
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s", META,
			     " port active_closes passive_closes simultaneous_closes"
			     " resets close_wait\n");
	parse_fails("missing-two", buf, n, TC_PARSE_FORMAT,
		    "line 2: header has no 'role' and 'time_wait' columns");
	n = (size_t)snprintf(buf, sizeof(buf), "%s port role time_wait time_wait\n",
			     META);
	parse_fails("duplicate-column", buf, n, TC_PARSE_FORMAT,
		    "line 2: column 'time_wait' twice");
	parse_fails("empty", "", 0, TC_PARSE_FORMAT, "empty file");
	parse_fails("first-line-cut", "# tcpclose 1", 12, TC_PARSE_FORMAT,
		    "line 1: truncated (no newline at the end)");
	parse_fails("no-header", META, strlen(META), TC_PARSE_FORMAT,
		    "no header line");
	parse_fails("not-tcpclose", "port role\n", 10, TC_PARSE_FORMAT,
		    "line 1: not a tcpclose table (no \"# tcpclose\" line)");
	parse_fails("version-2", "# tcpclose 2 version=9\n", 23,
		    TC_PARSE_VERSION,
		    "line 1: unknown format version 2 (this tcpclose reads format 1)");
	parse_fails("version-0", "# tcpclose 0.9\n", 15, TC_PARSE_VERSION,
		    "line 1: unknown format version 0.9 (this tcpclose reads format 1)");
	parse_fails("version-text", "# tcpclose one\n", 15, TC_PARSE_FORMAT,
		    "line 1: bad format version 'one'");
	parse_fails("version-missing", "# tcpclose\n", 11, TC_PARSE_FORMAT,
		    "line 1: no format version");
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s80 server 1 0 0 0 1 0 0 0 0 0 0\n",
			     META, HDR);
	buf[n - 2] = '\0';	/* a NUL for the last value */
	parse_fails("nul", buf, n, TC_PARSE_FORMAT,
		    "line 3: established: not a number below 2^64: ''");
}

static void test_u64(void)
{
	uint64_t v = 7;

	check(tc_parse_u64("0", 1, &v) && v == 0, "u64.zero", "%" PRIu64, v);
	check(!tc_parse_u64("", 0, &v), "u64.empty", "accepted");
	check(!tc_parse_u64(" 1", 2, &v), "u64.space", "accepted");
	check(!tc_parse_u64("1x", 2, &v), "u64.trailing", "accepted");
	check(tc_parse_u64("18446744073709551615", 20, &v) && v == UINT64_MAX,
	      "u64.max", "rejected");
	check(!tc_parse_u64("18446744073709551616", 20, &v), "u64.max+1",
	      "accepted");
	check(!tc_parse_u64("99999999999999999999", 20, &v), "u64.big",
	      "accepted");
}

static int load(struct tc_table *t, const char *body)
{
	char err[256];

	if (parse3(t, META, HDR, body, err)) {
		printf("FAIL reader/unit/load: %s\n", err);
		failures++;
		return 0;
	}
	return 1;
}

static void test_select(void)
{
	struct tc_table t;
	const struct tc_row *rows[8];
	struct tc_select sel = { .port = -1, .role = -1, .sort = TC_TIME_WAIT };
	struct tc_rate rates[4] = { { 1, { 0 } }, { 1, { 9 } }, { 1, { 0 } },
				    { 1, { 5 } } };
	size_t n;

	if (!load(&t, "10 client 0 0 0 0 5 0 0 0 0 0 0\n"
		      "10 server 0 0 0 0 7 1 0 0 0 0 0\n"
		      "20 client 0 0 0 0 5 0 0 0 0 0 0\n"
		      "30 server 9 0 0 0 1 0 0 0 0 0 0\n"))
		return;
	n = tc_select_rows(&t, &sel, NULL, rows);
	check(n == 4 && rows[0]->port == 10 && rows[0]->role == TC_SERVER &&
	      rows[1]->port == 10 && rows[2]->port == 20 && rows[3]->port == 30,
	      "select.sort-desc-stable", "wrong order");
	sel.sort = TC_SORT_PORT;
	n = tc_select_rows(&t, &sel, NULL, rows);
	check(n == 4 && rows[0]->role == TC_CLIENT && rows[3]->port == 30,
	      "select.sort-port", "wrong order");
	sel.sort = TC_ACTIVE_CLOSES;
	n = tc_select_rows(&t, &sel, rates, rows);
	check(n == 4 && rows[0]->port == 10 && rows[0]->role == TC_SERVER &&
	      rows[1]->port == 30, "select.sort-rate", "rates not used");
	sel.sort = TC_TIME_WAIT;
	sel.role = TC_CLIENT;
	n = tc_select_rows(&t, &sel, NULL, rows);
	check(n == 2 && rows[0]->port == 10 && rows[1]->port == 20,
	      "select.role", "%zu rows", n);
	sel.role = -1;
	sel.port = 10;
	n = tc_select_rows(&t, &sel, NULL, rows);
	check(n == 2 && rows[0]->role == TC_SERVER, "select.port", "%zu rows", n);
	sel.port = -1;
	sel.top = 3;
	n = tc_select_rows(&t, &sel, NULL, rows);
	check(n == 3 && rows[2]->port == 20, "select.top", "%zu rows", n);
	sel.top = 99;
	check(tc_select_rows(&t, &sel, NULL, rows) == 4, "select.top-large",
	      "not all rows");
	check(tc_col_lookup("time_wait") == TC_TIME_WAIT &&
	      tc_col_lookup("ESTAB") == TC_ESTABLISHED &&
	      tc_col_lookup("Close_Wait") == TC_CLOSE_WAIT &&
	      tc_col_lookup("port") == -1 && tc_col_lookup("nope") == -1,
	      "select.col-lookup", "names or labels not found");
	tc_table_free(&t);
}

static void test_rates(void)
{
	struct tc_table a, b, c;
	struct tc_rate r[4];

	check(tc_rate_one(10, 30, 2) == 10, "rate.delta", "%g",
	      tc_rate_one(10, 30, 2));
	check(tc_rate_one(30, 4, 2) == 2, "rate.reset-counts-from-zero", "%g",
	      tc_rate_one(30, 4, 2));
	check(tc_rate_one(5, 5, 1) == 0, "rate.quiet", "%g",
	      tc_rate_one(5, 5, 1));
	if (!load(&a, "10 client 4 0 0 0 0 0 0 0 0 0 0\n"
		      "10 server 10 0 0 0 0 0 0 0 0 0 0\n") ||
	    !load(&b, "10 client 8 0 0 0 0 0 0 0 0 0 0\n"
		      "10 server 12 2 0 0 0 0 0 0 0 0 0\n"
		      "11 server 3 0 0 0 0 0 0 0 0 0 0\n") ||
	    !load(&c, "10 server 1 0 0 0 0 0 0 0 0 0 0\n"))
		return;
	tc_rate_rows(NULL, &a, 1, r);
	check(!r[0].known && !r[1].known, "rate.first-unknown", "known");
	tc_rate_rows(&a, &b, 2, r);
	check(r[0].known && r[0].r[TC_ACTIVE_CLOSES] == 2 &&
	      r[1].r[TC_ACTIVE_CLOSES] == 1 && r[1].r[TC_PASSIVE_CLOSES] == 1 &&
	      r[2].r[TC_ACTIVE_CLOSES] == 1.5, "rate.rows",
	      "%g %g %g %g", r[0].r[0], r[1].r[0], r[1].r[1], r[2].r[0]);
	check(!tc_rate_was_reset(&a, &b), "rate.no-reset", "reset seen");
	/* 10 client vanished with counts, 10 server went from 12 to 1. */
	check(tc_rate_was_reset(&b, &c), "rate.reset-seen", "not seen");
	tc_rate_rows(&b, &c, 2, r);
	check(r[0].known && r[0].r[TC_ACTIVE_CLOSES] == 0.5, "rate.after-reset",
	      "%g", r[0].r[0]);
	tc_table_free(&c);
	/* Another namespace: nothing to compare with. */
	if (parse3(&c, "# tcpclose 1 netns=8\n", HDR,
		   "10 server 20 0 0 0 0 0 0 0 0 0 0\n", (char[256]){ 0 }))
		return;
	tc_rate_rows(&a, &c, 1, r);
	check(!r[0].known, "rate.other-netns", "known");
	tc_table_free(&a);
	tc_table_free(&b);
	tc_table_free(&c);
}

static const struct tc_select ALL = { .port = -1, .role = -1 };
static const struct tc_port_range RANGE = { 1, 40000, 40199, 0 };

static size_t diagnose(const char *body, const struct tc_thresholds *th,
		       struct tc_diag *d)
{
	struct tc_table t;
	size_t n;

	if (!load(&t, body))
		return 99;
	n = tc_diagnose(&t, &ALL, th, &RANGE, NULL, d);
	tc_table_free(&t);
	return n;
}

static void test_diagnose(void)
{
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_diag d[16];
	char buf[512];
	size_t n;

	/* The default is quiet on 20 (tested below): the logic, on any. */
	th.min_time_wait = 1;
	n = diagnose("5020 client 0 20 0 0 0 0 0 0 0 0 0\n"
		     "5020 server 20 0 0 0 20 0 0 0 0 0 0\n", &th, d);
	check(n == 1 && d[0].kind == TC_DIAG_SERVER_CLOSES_FIRST &&
	      d[0].port == 5020 && d[0].time_wait == 20,
	      "diag.server-first", "%zu findings", n);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check_str("diag.server-first.finding", buf,
		  "port 5020: the server closes first: 20 of its 20 closes were active (100%), and it holds 20 sockets in TIME_WAIT");
	tc_diag_short(buf, sizeof(buf), &d[0]);
	check_str("diag.server-first.short", buf,
		  "port 5020: the server closes first (20 TIME_WAIT)");
	/* 199 of 200 is 99%, not a rounded-up 100%. */
	n = diagnose("80 server 199 1 0 0 5 0 0 0 0 0 0\n", &th, d);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check(n == 1 && strstr(buf, "199 of its 200 closes were active (99%)"),
	      "diag.server-first.percent", "%s", buf);
	/* The total of two counters near 2^64 saturates, it does not wrap. */
	n = diagnose("80 server 18446744073709551615 1 0 0 5 0 0 0 0 0 0\n", &th, d);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check(n == 1 && strstr(buf, "18446744073709551615 of its 18446744073709551615 closes"),
	      "diag.server-first.saturate", "%s", buf);
	check_u64("diag.server-first.half",
		  diagnose("80 server 5 5 0 0 5 0 0 0 0 0 0\n", &th, d), 0);
	check_u64("diag.server-first.no-closes",
		  diagnose("80 server 0 0 0 0 5 0 0 0 0 0 0\n", &th, d), 0);
	check_u64("diag.server-first.client-role",
		  diagnose("80 client 20 0 0 0 20 0 0 0 0 0 0\n", &th, d), 0);
	th.min_time_wait = 21;
	check_u64("diag.server-first.min-time-wait",
		  diagnose("80 server 20 0 0 0 20 0 0 0 0 0 0\n", &th, d), 0);
	th = (struct tc_thresholds)TC_THRESHOLDS_DEFAULT;
	th.active_share = 0.4;
	th.min_time_wait = 1;
	check_u64("diag.server-first.active-share",
		  diagnose("80 server 5 5 0 0 5 0 0 0 0 0 0\n", &th, d), 1);
	th = (struct tc_thresholds)TC_THRESHOLDS_DEFAULT;
	th.min_time_wait = 1;

	n = diagnose("6379 server 0 15 0 0 0 15 0 0 0 0 0\n", &th, d);
	check(n == 1 && d[0].kind == TC_DIAG_CLOSE_WAIT && d[0].close_wait == 15 &&
	      !d[0].has_oldest, "diag.close-wait", "%zu findings", n);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check_str("diag.close-wait.finding", buf,
		  "port 6379: CLOSE_WAIT is accumulating on the server side: 15 sockets whose peer closed, but the application has not called close()");
	check_u64("diag.close-wait.below",
		  diagnose("6379 server 0 9 0 0 0 9 0 0 0 0 0\n", &th, d), 0);
	check_u64("diag.close-wait.at",
		  diagnose("6379 client 0 10 0 0 0 10 0 0 0 0 0\n", &th, d), 1);

	n = diagnose("5022 client 150 0 0 0 150 0 0 0 0 0 0\n"
		     "5022 server 0 150 0 0 0 0 0 0 0 0 0\n", &th, d);
	check(n == 1 && d[0].kind == TC_DIAG_PORT_RANGE && d[0].range == 200 &&
	      d[0].ratio == 0.75, "diag.port-range", "%zu findings", n);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check_str("diag.port-range.finding", buf,
		  "port 5022: clients hold 150 sockets in TIME_WAIT towards this port, ratio 0.75 of the 200 local ports 40000-40199");
	check_u64("diag.port-range.below",
		  diagnose("5022 client 49 0 0 0 49 0 0 0 0 0 0\n", &th, d), 0);
	check_u64("diag.port-range.at",
		  diagnose("5022 client 50 0 0 0 50 0 0 0 0 0 0\n", &th, d), 1);
	check_u64("diag.port-range.server-role",
		  diagnose("5022 server 0 0 0 0 150 0 0 0 0 0 0\n", &th, d), 0);

	/* Healthy: clients close first, aborts, a couple in CLOSE_WAIT. */
	check_u64("diag.healthy",
		  diagnose("5023 client 25 0 0 0 25 0 0 0 0 0 0\n"
			   "5023 server 0 25 0 0 0 2 0 0 0 0 30\n"
			   "5123 client 0 0 0 5 0 0 0 0 0 0 0\n"
			   "5123 server 0 0 0 5 0 0 0 0 0 0 0\n", &th, d), 0);
	/* Several findings on one port: the critical one first. */
	n = diagnose("80 server 20 0 0 0 20 30 0 0 0 0 0\n", &th, d);
	check(n == 2 && d[0].kind == TC_DIAG_CLOSE_WAIT &&
	      d[1].kind == TC_DIAG_SERVER_CLOSES_FIRST, "diag.two-on-one-port",
	      "%zu findings", n);
}

static void test_diagnose_options(void)
{
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_port_range none = { 0 }, pr;
	struct tc_select sel = ALL;
	struct tc_diag d[8];
	struct tc_table t;
	char err[256], buf[512];
	size_t n;

	if (!load(&t, "5022 client 150 0 0 0 150 0 0 0 0 0 0\n"
		      "6379 server 0 15 0 0 0 15 0 0 0 0 0\n"))
		return;
	check_u64("diag.range-unknown", tc_diagnose(&t, &sel, &th, &none, NULL, d), 1);
	sel.port = 5022;
	check_u64("diag.filter-port", tc_diagnose(&t, &sel, &th, &RANGE, NULL, d), 1);
	sel.port = -1;
	sel.role = TC_SERVER;
	n = tc_diagnose(&t, &sel, &th, &RANGE, NULL, d);
	check(n == 1 && d[0].kind == TC_DIAG_CLOSE_WAIT, "diag.filter-role",
	      "%zu findings", n);
	tc_table_free(&t);

	/* With the age column: few but old sockets are a leak too. */
	if (parse3(&t, META,
		   " port role active_closes passive_closes simultaneous_closes resets"
		   " time_wait close_wait fin_wait1 fin_wait2 last_ack closing established"
		   " close_wait_oldest_s\n",
		   "1 server 0 3 0 0 0 3 0 0 0 0 0 61\n"
		   "2 server 0 3 0 0 0 3 0 0 0 0 0 59\n", err)) {
		check(0, "diag.age.parse", "%s", err);
		return;
	}
	sel.role = -1;
	n = tc_diagnose(&t, &sel, &th, &RANGE, NULL, d);
	check(n == 1 && d[0].port == 1 && d[0].has_oldest && d[0].oldest == 61,
	      "diag.age", "%zu findings", n);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check_str("diag.age.finding", buf,
		  "port 1: CLOSE_WAIT is accumulating on the server side: 3 sockets whose peer closed, but the application has not called close(); the oldest has waited 61 s");
	th.close_wait_age = 59;
	check_u64("diag.age.threshold", tc_diagnose(&t, &sel, &th, &RANGE, NULL, d), 2);
	tc_table_free(&t);

	check(tc_port_range_parse("32768\t60999\n", &pr) && pr.lo == 32768 &&
	      pr.hi == 60999, "range.sysctl", "not parsed");
	check(tc_port_range_parse("40000-40199", &pr) && pr.lo == 40000 &&
	      pr.hi == 40199, "range.flag", "not parsed");
	check(!tc_port_range_parse("5-4", &pr) && !tc_port_range_parse("1-70000", &pr) &&
	      !tc_port_range_parse("1", &pr) && !tc_port_range_parse("1-2x", &pr) &&
	      !tc_port_range_parse("-1-2", &pr) && !tc_port_range_parse("", &pr),
	      "range.bad", "accepted");
}

/* What a formatter writes, as a string (caller frees). */
static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	FILE *f = tmpfile();
	char *s;
	long n;

	if (!f)
		return strdup("");
	fn(f, arg);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	if (s && fread(s, 1, n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

struct out_args {
	struct tc_table t;
	const struct tc_row *rows[8];
	size_t n;
	struct tc_diag d[8];
	size_t nd;
	struct tc_rate rates[8];
};

static void out_table(FILE *f, void *a)
{
	struct out_args *o = a;

	tc_print_table(f, &o->t, o->rows, o->n, NULL);
}

static void out_rates(FILE *f, void *a)
{
	struct out_args *o = a;

	tc_print_table(f, &o->t, o->rows, o->n, o->rates);
}

static void out_json(FILE *f, void *a)
{
	struct out_args *o = a;
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;

	tc_print_json(f, &o->t, o->rows, o->n, o->d, o->nd, &th, &RANGE, NULL,
		      NULL, NULL);
}

static void out_prom(FILE *f, void *a)
{
	struct out_args *o = a;

	tc_print_prom(f, &o->t, o->rows, o->n, NULL, NULL, NULL);
}

static void out_summary(FILE *f, void *a)
{
	struct out_args *o = a;

	tc_print_summary(f, o->d, o->nd, 0);
}

static void test_output(void)
{
	static struct out_args o;
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_select sel = { .port = -1, .role = -1, .sort = TC_SORT_PORT };
	char err[256], *s;

	th.min_time_wait = 1;
	if (parse3(&o.t, "# tcpclose 1 version=0.1.0 netns=7 sockstat_tw=-1 note=a\"b\n",
		   HDR, "80 server 18446744073709551615 0 0 0 3 0 0 0 0 0 0\n"
		   "80 client 0 2 0 0 0 0 0 0 0 0 0\n", err)) {
		check(0, "output.parse", "%s", err);
		return;
	}
	o.n = tc_select_rows(&o.t, &sel, NULL, o.rows);
	o.nd = tc_diagnose(&o.t, &ALL, &th, &RANGE, NULL, o.d);

	s = capture(out_table, &o);
	check_str("output.table", s,
		  " PORT ROLE                 ACTIVE PASSIVE SIMULT RESETS TIME_WAIT CLOSE_WAIT FIN_WAIT1 FIN_WAIT2 LAST_ACK CLOSING ESTAB\n"
		  "   80 client                    0       2      0      0         0          0         0         0        0       0     0\n"
		  "   80 server 18446744073709551615       0      0      0         3          0         0         0        0       0     0\n");
	free(s);
	o.rates[0] = (struct tc_rate){ 1, { 0.25, 12.5 } };
	o.rates[1] = (struct tc_rate){ 0, { 0 } };
	s = capture(out_rates, &o);
	check_str("output.rates", s,
		  " PORT ROLE   ACTIVE/s PASSIVE/s SIMULT/s RESETS/s TIME_WAIT CLOSE_WAIT FIN_WAIT1 FIN_WAIT2 LAST_ACK CLOSING ESTAB\n"
		  "   80 client      0.2      12.5      0.0      0.0         0          0         0         0        0       0     0\n"
		  "   80 server        -         -        -        -         3          0         0         0        0       0     0\n");
	free(s);
	s = capture(out_summary, &o);
	check_str("output.summary", s,
		  "1 finding (tcpclose --diagnose explains):\n"
		  "  port 80: the server closes first (3 TIME_WAIT)\n");
	free(s);
	s = capture(out_json, &o);
	check(strstr(s, "\"active_closes\":18446744073709551615,") != NULL,
	      "output.json.u64", "%s", s);
	check(strstr(s, "\"sockstat_tw\":-1,") != NULL, "output.json.negative",
	      "%s", s);
	check(strstr(s, "\"close_wait_oldest_s\":null,") != NULL &&
	      strstr(s, "\"fin_wait2_timeouts\":null,") != NULL &&
	      strstr(s, "\"local_aborts\":null}") != NULL,
	      "output.json.null", "%s", s);
	check(strstr(s, "\"port_range\":[40000,40199],") != NULL,
	      "output.json.range", "%s", s);
	check(strstr(s, "\"meta\":{\"ports\":null,") != NULL,
	      "output.json.absent-key", "%s", s);
	free(s);
	s = capture(out_prom, &o);
	check(strstr(s, "# TYPE tcpclose_active_closes_total counter\n"
			"tcpclose_active_closes_total{netns=\"7\",port=\"80\",role=\"client\"} 0\n"
			"tcpclose_active_closes_total{netns=\"7\",port=\"80\",role=\"server\"} 18446744073709551615\n") != NULL,
	      "output.prom.counter", "%s", s);
	check(strstr(s, "# TYPE tcpclose_time_wait_sockets gauge\n") != NULL,
	      "output.prom.gauge", "%s", s);
	check(strstr(s, "tcpclose_close_wait_oldest") == NULL &&
	      strstr(s, "tcpclose_sockstat_tw_sockets") == NULL,
	      "output.prom.absent", "%s", s);
	free(s);
	tc_table_free(&o.t);
}


/* /proc/tcpclose_hist: parsing. */
static const char HMETA[] =
	"# tcpclose_hist 1 version=0.1.0 netns=7 unit=us buckets=log2 max_tracked=64 untracked_closes=2 timing=off\n";
static const char HHDR[] = " port role   phase           count         sum_us buckets\n";

static enum tc_parse_err hparse(struct tc_hist *h, const char *meta,
				const char *hdr, const char *body, char *err)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s%s", meta, hdr, body);
	return tc_hist_parse(h, buf, strlen(buf), err, 256);
}

static void hist_fails(const char *name, const char *text,
		       enum tc_parse_err want, const char *msg)
{
	struct tc_hist h;
	char err[256], n[96];
	enum tc_parse_err e = tc_hist_parse(&h, text, strlen(text), err,
					    sizeof(err));

	snprintf(n, sizeof(n), "hist.parse.%s.status", name);
	check(e == want, n, "expected status %d, got %d (%s)", want, e, err);
	snprintf(n, sizeof(n), "hist.parse.%s.message", name);
	check_str(n, err, msg);
	snprintf(n, sizeof(n), "hist.parse.%s.empty", name);
	check(h.nrows == 0 && h.rows == NULL && h.nmeta == 0 &&
	      h.buckets == NULL, n, "a failed parse left data behind");
}

static void test_hist_parse(void)
{
	struct tc_hist h;
	char err[256];
	enum tc_parse_err e;

	/* Out of order, a blank line, a comment, CRLF: sorted by phase order. */
	e = hparse(&h, HMETA, HHDR,
		   " 8080 server total               3            700 128:1 256:2\n"
		   "\n# a comment\n"
		   " 8080 server fin_wait1           3            100 1:1 64:2\r\n"
		   " 80 client close_wait 2 2600000000 1073741824:1 inf:1\n"
		   " 80 client last_ack 0 0\n", err);
	check(e == TC_PARSE_OK, "hist.parse.ok.status", "%s", err);
	check_u64("hist.parse.ok.rows", h.nrows, 4);
	if (e || h.nrows != 4)
		return;
	check(h.rows[0].port == 80 && !strcmp(h.rows[0].phase, "close_wait") &&
	      !strcmp(h.rows[1].phase, "last_ack") &&
	      h.rows[2].port == 8080 && !strcmp(h.rows[2].phase, "fin_wait1") &&
	      !strcmp(h.rows[3].phase, "total"), "hist.parse.ok.sorted",
	      "%u %s, %s, %s", h.rows[0].port, h.rows[0].phase,
	      h.rows[2].phase, h.rows[3].phase);
	check(h.rows[0].nb == 2 && h.rows[0].b[0].le_us == 1073741824 &&
	      h.rows[0].b[1].le_us == TC_HIST_INF && h.rows[0].b[1].count == 1 &&
	      h.rows[0].sum_us == 2600000000ULL, "hist.parse.ok.inf",
	      "wrong buckets");
	check(h.rows[1].nb == 0 && h.rows[1].count == 0, "hist.parse.ok.no-buckets",
	      "%zu buckets", h.rows[1].nb);
	check(h.rows[2].nb == 2 && h.rows[2].b[0].le_us == 1 &&
	      h.rows[2].b[1].count == 2 && h.rows[2].role == TC_SERVER,
	      "hist.parse.ok.buckets", "wrong buckets");
	check_u64("hist.total", tc_hist_total(&h.rows[3]), 3);
	check_u64("hist.top-exp", (uint64_t)tc_hist_top_exp(&h), 30);
	check_str("hist.meta", tc_hist_meta(&h, "max_tracked"), "64");
	tc_hist_free(&h);

	/* A later module: a minor version, a column before the buckets,
	 * phases and a role this reader does not know (skipped, and their
	 * buckets not kept), 2^63. */
	e = hparse(&h, "# tcpclose_hist 1.3 unit=us buckets=log2 odd\n",
		   " port role phase count sum_us new buckets\n",
		   "1 server closing 1 5 y 8:1 4096:7\n"
		   "1 server total 1 5 x 9223372036854775808:1\n"
		   "1 proxy total 1 5 y 8:1\n"
		   "1 server abc 1 5 y 8:1\n", err);
	check(e == TC_PARSE_OK && h.nrows == 1 &&
	      !strcmp(h.rows[0].phase, "total") && h.rows[0].nb == 1 &&
	      h.rows[0].b[0].le_us == 9223372036854775808ULL &&
	      h.nbuckets == 1, "hist.parse.later", "%s", err);
	check(h.skips.rows == 3 && !strcmp(h.skips.first, "closing"),
	      "hist.parse.later-skipped", "%lu '%s'", h.skips.rows, h.skips.first);
	check_u64("hist.top-exp-63", (uint64_t)tc_hist_top_exp(&h), 63);
	tc_hist_free(&h);

	e = hparse(&h, HMETA, HHDR, "", err);
	check(e == TC_PARSE_OK && h.nrows == 0 && tc_hist_top_exp(&h) == -1,
	      "hist.parse.empty-table", "%s", err);
	tc_hist_free(&h);
}

static void test_hist_errors(void)
{
	char buf[4096];

#define HFAILS(name, body, want, msg) do { \
	snprintf(buf, sizeof(buf), "%s%s%s", HMETA, HHDR, body); \
	hist_fails(name, buf, want, msg); \
} while (0)
	HFAILS("not-pow2", "80 server total 1 1 100:1\n", TC_PARSE_FORMAT,
	       "line 3: bucket '100:1': le is not a power of two or inf");
	HFAILS("zero-le", "80 server total 1 1 0:1\n", TC_PARSE_FORMAT,
	       "line 3: bucket '0:1': le is not a power of two or inf");
	HFAILS("le-2^64", "80 server total 1 1 18446744073709551616:1\n",
	       TC_PARSE_FORMAT,
	       "line 3: bucket '18446744073709551616:1': le is not a power of two or inf");
	HFAILS("inf-case", "80 server total 1 1 +Inf:1\n", TC_PARSE_FORMAT,
	       "line 3: bucket '+Inf:1': le is not a power of two or inf");
	HFAILS("duplicate", "80 server total 2 1 64:1 64:1\n", TC_PARSE_FORMAT,
	       "line 3: bucket 64 twice");
	HFAILS("duplicate-inf", "80 server total 2 1 inf:1 inf:1\n",
	       TC_PARSE_FORMAT, "line 3: bucket inf twice");
	HFAILS("decreasing", "80 server total 2 1 128:1 64:1\n", TC_PARSE_FORMAT,
	       "line 3: bucket 64 after 128: bounds must increase");
	HFAILS("after-inf", "80 server total 2 1 inf:1 64:1\n", TC_PARSE_FORMAT,
	       "line 3: bucket 64 after inf: bounds must increase");
	HFAILS("no-colon", "80 server total 1 1 64\n", TC_PARSE_FORMAT,
	       "line 3: bucket '64' is not le:count");
	HFAILS("empty-count", "80 server total 1 1 64:\n", TC_PARSE_FORMAT,
	       "line 3: bucket '64:': count is not a number below 2^64");
	HFAILS("count-2^64", "80 server total 1 1 64:18446744073709551616\n",
	       TC_PARSE_FORMAT,
	       "line 3: bucket '64:18446744073709551616': count is not a number below 2^64");
	HFAILS("sum-past-2^64",
	       "80 server total 1 1 1:9223372036854775808 2:9223372036854775808\n",
	       TC_PARSE_FORMAT, "line 3: bucket counts add up to more than 2^64-1");
	HFAILS("count", "80 server total -1 1\n", TC_PARSE_FORMAT,
	       "line 3: count: not a number below 2^64: '-1'");
	HFAILS("sum", "80 server total 1 18446744073709551616\n", TC_PARSE_FORMAT,
	       "line 3: sum_us: not a number below 2^64: '18446744073709551616'");
	HFAILS("truncated", "80 server total 1\n", TC_PARSE_FORMAT,
	       "line 3: truncated row: 4 of 5 columns");
	HFAILS("no-newline", "80 server total 1 1 64:1", TC_PARSE_FORMAT,
	       "line 3: truncated (no newline at the end)");
	HFAILS("phase-case", "80 server Total 1 1\n", TC_PARSE_FORMAT,
	       "line 3: bad phase 'Total'");
	HFAILS("phase-long", "80 server a_phase_name_of_24_chars 1 1\n",
	       TC_PARSE_FORMAT, "line 3: bad phase 'a_phase_name_of_24_chars'");
	HFAILS("phase-quote", "80 server fin\"wait 1 1\n", TC_PARSE_FORMAT,
	       "line 3: bad phase 'fin\"wait'");
	HFAILS("role", "80 Proxy total 1 1\n", TC_PARSE_FORMAT,
	       "line 3: bad role 'Proxy'");
	HFAILS("skipped-row-checked", "80 server closing 1 1 64:1 32:1\n",
	       TC_PARSE_FORMAT, "line 3: bucket 32 after 64: bounds must increase");
	HFAILS("port", "65536 server total 1 1\n", TC_PARSE_FORMAT,
	       "line 3: bad port '65536'");
	HFAILS("duplicate-row", "80 server total 1 1\n80 server total 1 1\n",
	       TC_PARSE_FORMAT, "two rows for port 80 server total");
#undef HFAILS
	hist_fails("version-2", "# tcpclose_hist 2 unit=us buckets=log2\n",
		   TC_PARSE_VERSION,
		   "line 1: unknown format version 2 (this tcpclose reads format 1)");
	hist_fails("not-hist", "# tcpclose 1 unit=us buckets=log2\n",
		   TC_PARSE_FORMAT,
		   "line 1: not a tcpclose_hist file (no \"# tcpclose_hist\" line)");
	hist_fails("unit", "# tcpclose_hist 1 unit=ms buckets=log2\n",
		   TC_PARSE_FORMAT, "line 1: unit=ms, this tcpclose reads unit=us");
	hist_fails("no-buckets-key", "# tcpclose_hist 1 unit=us\n",
		   TC_PARSE_FORMAT, "line 1: no buckets=log2 key");
	hist_fails("empty", "", TC_PARSE_FORMAT, "empty file");
	hist_fails("no-header", HMETA, TC_PARSE_FORMAT, "no header line");
	snprintf(buf, sizeof(buf), "%s port role phase count sum_us buckets count\n", HMETA);
	hist_fails("column-twice", buf, TC_PARSE_FORMAT, "line 2: column 'count' twice");
	snprintf(buf, sizeof(buf), "%s port role phase count buckets sum_us\n", HMETA);
	hist_fails("buckets-not-last", buf, TC_PARSE_FORMAT,
		   "line 2: 'buckets' is not the last column");
	snprintf(buf, sizeof(buf), "%s port role count sum_us buckets\n", HMETA);
	hist_fails("no-phase", buf, TC_PARSE_FORMAT,
		   "line 2: header has no 'phase' column");
}

struct hist_args {
	struct tc_hist h;
	struct tc_select sel;
};

static void out_prom_hist(FILE *f, void *a)
{
	struct hist_args *o = a;

	tc_print_prom_hist(f, &o->h, &o->sel);
}

/* Lines of S that start with PREFIX. */
static unsigned int count_lines(const char *s, const char *prefix)
{
	unsigned int n = 0;
	size_t len = strlen(prefix);

	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "")
		n += !strncmp(s, prefix, len);
	return n;
}

static void test_hist_prom(void)
{
	static struct hist_args o;
	char err[256], *s;

	o.sel = ALL;
	if (hparse(&o.h, HMETA, HHDR,
		   "5021 client fin_wait2 5 1485905 524288:5\n"
		   "5021 client total 6 1000000 1:1 524288:4 inf:1\n"
		   "5022 server close_wait 2 18446744073709551615 2:2\n", err)) {
		check(0, "hist.prom.parse", "%s", err);
		return;
	}
	s = capture(out_prom_hist, &o);
	check(strstr(s, "# HELP tcpclose_close_phase_duration_seconds ") != NULL &&
	      strstr(s, "# TYPE tcpclose_close_phase_duration_seconds histogram\n") != NULL &&
	      strstr(s, "# TYPE tcpclose_close_duration_seconds histogram\n") != NULL,
	      "hist.prom.families", "%s", s);
	check(strstr(s,
		     "tcpclose_close_phase_duration_seconds_bucket{port=\"5021\",role=\"client\",phase=\"fin_wait2\",le=\"0.262144\"} 0\n"
		     "tcpclose_close_phase_duration_seconds_bucket{port=\"5021\",role=\"client\",phase=\"fin_wait2\",le=\"0.524288\"} 5\n"
		     "tcpclose_close_phase_duration_seconds_bucket{port=\"5021\",role=\"client\",phase=\"fin_wait2\",le=\"1.048576\"} 5\n") != NULL,
	      "hist.prom.cumulative", "%s", s);
	check(strstr(s,
		     "tcpclose_close_phase_duration_seconds_bucket{port=\"5021\",role=\"client\",phase=\"fin_wait2\",le=\"1073.741824\"} 5\n"
		     "tcpclose_close_phase_duration_seconds_bucket{port=\"5021\",role=\"client\",phase=\"fin_wait2\",le=\"+Inf\"} 5\n"
		     "tcpclose_close_phase_duration_seconds_sum{port=\"5021\",role=\"client\",phase=\"fin_wait2\"} 1.485905\n"
		     "tcpclose_close_phase_duration_seconds_count{port=\"5021\",role=\"client\",phase=\"fin_wait2\"} 5\n") != NULL,
	      "hist.prom.inf-sum-count", "%s", s);
	/* The whole close: no phase label; first bound 1 us; _count is the
	 * +Inf bucket (6), whatever the file's count says; whole seconds. */
	check(strstr(s,
		      "tcpclose_close_duration_seconds_bucket{port=\"5021\",role=\"client\",le=\"0.000001\"} 1\n"
		      "tcpclose_close_duration_seconds_bucket{port=\"5021\",role=\"client\",le=\"0.000002\"} 1\n") != NULL &&
	      strstr(s,
		     "tcpclose_close_duration_seconds_bucket{port=\"5021\",role=\"client\",le=\"1073.741824\"} 5\n"
		     "tcpclose_close_duration_seconds_bucket{port=\"5021\",role=\"client\",le=\"+Inf\"} 6\n"
		     "tcpclose_close_duration_seconds_sum{port=\"5021\",role=\"client\"} 1\n"
		     "tcpclose_close_duration_seconds_count{port=\"5021\",role=\"client\"} 6\n") != NULL,
	      "hist.prom.total", "%s", s);
	check(strstr(s, "phase=\"total\"") == NULL, "hist.prom.total-apart", "%s", s);
	check(strstr(s, "tcpclose_close_phase_duration_seconds_sum{port=\"5022\",role=\"server\",phase=\"close_wait\"} 18446744073709.551615\n") != NULL,
	      "hist.prom.sum-u64-max", "%s", s);
	/* Every series: the 31 bounds 2^0 .. 2^30 us and +Inf. */
	check_u64("hist.prom.bounds",
		  count_lines(s, "tcpclose_close_phase_duration_seconds_bucket{port=\"5022\""), 32);
	check_u64("hist.prom.series", count_lines(s, "tcpclose_close_duration_seconds_count"), 1);
	check(strstr(s, "# TYPE tcpclose_timing_enabled gauge\ntcpclose_timing_enabled 0\n") != NULL,
	      "hist.prom.timing", "%s", s);
	check(strstr(s, "# TYPE tcpclose_untracked_closes_total counter\ntcpclose_untracked_closes_total 2\n") != NULL &&
	      strstr(s, "# TYPE tcpclose_max_tracked gauge\ntcpclose_max_tracked 64\n") != NULL,
	      "hist.prom.meta", "%s", s);
	free(s);
	/* --port and --role apply to the histograms too. */
	o.sel.port = 5022;
	s = capture(out_prom_hist, &o);
	check(count_lines(s, "tcpclose_close_duration_seconds_") == 0 &&
	      count_lines(s, "tcpclose_close_phase_duration_seconds_count{port=\"5022\"") == 1 &&
	      count_lines(s, "tcpclose_close_phase_duration_seconds_count") == 1,
	      "hist.prom.select", "%s", s);
	free(s);
	tc_hist_free(&o.h);
}

static void test_hist_json(void)
{
	static struct out_args o;
	struct tc_hist h;
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_select sel = ALL;
	char err[256], *s = NULL;
	FILE *f;
	long n;

	if (!load(&o.t, "80 server 1 0 0 0 1 0 0 0 0 0 0\n") ||
	    hparse(&h, HMETA, HHDR, "80 server total 2 70 64:1 inf:1\n"
		   "81 client total 1 3 4:1\n", err)) {
		check(0, "hist.json.parse", "%s", err);
		return;
	}
	f = tmpfile();
	if (!f)
		return;
	tc_print_json(f, &o.t, NULL, 0, NULL, 0, &th, &RANGE, &h, &sel, NULL);
	sel.role = TC_CLIENT;
	tc_print_json(f, &o.t, NULL, 0, NULL, 0, &th, &RANGE, &h, &sel, NULL);
	tc_print_json(f, &o.t, NULL, 0, NULL, 0, &th, &RANGE, NULL, &sel, NULL);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	if (s && fread(s, 1, n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	check(s && strstr(s, "\"histograms\":{\"max_tracked\":64,\"timing\":\"off\",\"untracked_closes\":2,\"rows\":[\n"
			  " {\"port\":80,\"role\":\"server\",\"phase\":\"total\",\"count\":2,\"sum_us\":70,"
			  "\"buckets\":[{\"le_us\":64,\"count\":1},{\"le_us\":null,\"count\":1}]},\n"
			  " {\"port\":81,") != NULL, "hist.json.rows", "%s", s);
	check(s && strstr(s, "\"histograms\":{\"max_tracked\":64,\"timing\":\"off\",\"untracked_closes\":2,\"rows\":[\n"
			  " {\"port\":81,\"role\":\"client\",\"phase\":\"total\",\"count\":1,\"sum_us\":3,"
			  "\"buckets\":[{\"le_us\":4,\"count\":1}]}\n]},\n\"destinations\":null\n}\n") != NULL,
	      "hist.json.select", "%s", s);
	check(s && strstr(s, "\"diagnoses\":[],\n\"histograms\":null,\n\"destinations\":null\n}\n") != NULL,
	      "hist.json.null", "%s", s);
	free(s);
	tc_hist_free(&h);
	tc_table_free(&o.t);
}

/* The TIME_WAIT lifecycle columns: overflow, FIN_WAIT2 timeouts, age. */
static const char LHDR[] =
	" port role active_closes passive_closes simultaneous_closes resets"
	" time_wait close_wait fin_wait1 fin_wait2 last_ack closing established"
	" close_wait_oldest_s close_wait_untracked tw_created tw_expired tw_killed"
	" tw_overflow fin_wait2_timeouts\n";

static void test_lifecycle(void)
{
	static struct out_args o;
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_select sel = { .port = -1, .role = -1, .sort = TC_SORT_PORT };
	char err[256], buf[512], *s;
	size_t n;

	th.min_time_wait = 1;
	if (parse3(&o.t, META, LHDR,
		   "5031 server 10 0 0 0 3 0 0 0 0 0 0 0 0 3 0 0 7 0\n"
		   "5033 client 4 0 0 0 0 0 0 0 0 0 0 0 0 4 0 0 0 4\n"
		   "6379 server 0 12 0 0 0 12 0 0 0 0 0 5 3 0 0 0 0 0\n", err)) {
		check(0, "lifecycle.parse", "%s", err);
		return;
	}
	n = tc_diagnose(&o.t, &ALL, &th, &RANGE, NULL, o.d);
	/* Critical first (port order within), then the warnings. */
	check(n == 4 && o.d[0].kind == TC_DIAG_TW_OVERFLOW && o.d[0].tw_overflow == 7 &&
	      o.d[1].kind == TC_DIAG_CLOSE_WAIT && o.d[1].port == 6379 &&
	      o.d[2].kind == TC_DIAG_SERVER_CLOSES_FIRST &&
	      o.d[3].kind == TC_DIAG_FIN_WAIT2_TIMEOUTS &&
	      o.d[3].fin_wait2_timeouts == 4,
	      "diag.lifecycle.kinds", "%zu findings", n);
	if (n != 4)
		return;
	/* Swap to the old order the checks below were written for. */
	{
		struct tc_diag tmp[4] = { o.d[2], o.d[0], o.d[3], o.d[1] };

		memcpy(o.d, tmp, sizeof(tmp));
	}
	tc_diag_finding(buf, sizeof(buf), &o.d[1]);
	check_str("diag.tw-overflow.finding", buf,
		  "port 5031: the kernel refused 7 TIME_WAIT sockets on the server side because net.ipv4.tcp_max_tw_buckets was reached: those connections were closed without TIME_WAIT protection");
	tc_diag_short(buf, sizeof(buf), &o.d[1]);
	check_str("diag.tw-overflow.short", buf,
		  "port 5031: 7 server TIME_WAIT sockets refused (tcp_max_tw_buckets reached)");
	check(strstr(tc_diag_advice(&o.d[1]), "Raise net.ipv4.tcp_max_tw_buckets") == tc_diag_advice(&o.d[1]),
	      "diag.tw-overflow.advice", "%s", tc_diag_advice(&o.d[1]));
	tc_diag_finding(buf, sizeof(buf), &o.d[2]);
	check_str("diag.fin-wait2-timeouts.finding", buf,
		  "port 5033: 4 client sockets timed out in FIN_WAIT2: this side closed, but the peer never sent its FIN within net.ipv4.tcp_fin_timeout");
	tc_diag_short(buf, sizeof(buf), &o.d[2]);
	check_str("diag.fin-wait2-timeouts.short", buf,
		  "port 5033: 4 client sockets timed out in FIN_WAIT2 (the peer never closed)");
	tc_diag_finding(buf, sizeof(buf), &o.d[3]);
	check_str("diag.close-wait.untracked", buf,
		  "port 6379: CLOSE_WAIT is accumulating on the server side: 12 sockets whose peer closed, but the application has not called close(); the oldest has waited 5 s, not counting 3 of unknown age (in CLOSE_WAIT since before tcpclose was loaded, or not tracked)");
	/* CW_UNTRACKED: shown while a row shown has some. */
	o.n = tc_select_rows(&o.t, &sel, NULL, o.rows);
	s = capture(out_table, &o);
	check(strstr(s, " CW_OLDEST_S CW_UNTRACKED\n") != NULL &&
	      strstr(s, "           5            3\n") != NULL, "table.cw-untracked.shown",
	      "%s", s);
	free(s);
	sel.port = 5031;
	o.n = tc_select_rows(&o.t, &sel, NULL, o.rows);
	s = capture(out_table, &o);
	check(strstr(s, "CW_UNTRACKED") == NULL && strstr(s, "CW_OLDEST_S\n") != NULL,
	      "table.cw-untracked.hidden", "%s", s);
	free(s);
	tc_table_free(&o.t);
}

/* --all-netns labels: the cgroup layouts of tcpclose(8), one per line. */
static void test_cgroup(void)
{
#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define UID "1f3c5a2e-8b4d-4c6e-9f0a-2b3c4d5e6f70"
#define UID_ "1f3c5a2e_8b4d_4c6e_9f0a_2b3c4d5e6f70"
	static const struct {
		const char *name, *text, *id, *pod, *path;
	} cases[] = {
		{ "containerd-systemd",
		  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID ".scope\n",
		  ID, UID, NULL },
		{ "containerd-systemd-guaranteed",
		  "0::/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope\n", ID, UID, NULL },
		{ "containerd-cgroupfs", "0::/kubepods/besteffort/pod" UID "/" ID "\n", ID, UID, NULL },
		{ "crio-systemd",
		  "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID ".scope\n",
		  ID, UID, NULL },
		{ "crio-conmon", "0::/kubepods.slice/kubepods-pod" UID_ ".slice/crio-conmon-" ID ".scope\n",
		  "", UID, NULL },
		{ "docker-systemd", "0::/system.slice/docker-" ID ".scope\n", ID, "",
		  "/system.slice/docker-" ID ".scope" },
		{ "docker-cgroupfs", "0::/docker/" ID "\n", ID, "", NULL },
		{ "podman", "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope\n",
		  ID, "", NULL },
		{ "host", "0::/init.scope\n", "", "", "/init.scope" },
		{ "root", "0::/\n", "", "", "/" },
		{ "v1-only", "12:pids:/docker/" ID "\n11:memory:/docker/" ID "\n", ID, "", "/docker/" ID },
		{ "hybrid-v2-wins", "1:name=systemd:/user.slice\n0::/system.slice/docker-" ID ".scope\n", ID, "", NULL },
		{ "nested-innermost", "0::/system.slice/docker-" ID2 ".scope/kubepods/besteffort/pod" UID "/" ID "\n",
		  ID, UID, NULL },
		{ "uppercase", "0::/docker/" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef" "\n", "", "", NULL },
		{ "short-id", "0::/docker/" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde" "\n", "", "", NULL },
		{ "bad-uid", "0::/kubepods/pod1f3c5a2e-8b4d-4c6e-9f0a-2b3c4d5e6f7z/x\n", "", "", NULL },
		{ "no-newline", "0::/docker/" ID, ID, "", "/docker/" ID },
		{ "empty", "", "", "", "" },
	};
	char id[TC_CONTAINER_ID_LEN + 1], pod[TC_POD_UID_LEN + 1], path[256], name[96];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tc_cgroup_ids(cases[i].text, strlen(cases[i].text), path, sizeof(path), id, pod);
		snprintf(name, sizeof(name), "cgroup.%s.id", cases[i].name);
		check_str(name, id, cases[i].id);
		snprintf(name, sizeof(name), "cgroup.%s.pod", cases[i].name);
		check_str(name, pod, cases[i].pod);
		if (cases[i].path) {
			snprintf(name, sizeof(name), "cgroup.%s.path", cases[i].name);
			check_str(name, path, cases[i].path);
		}
	}
#undef ID
#undef ID2
#undef UID
#undef UID_
}

/* Ages from since_boot_s: /proc/uptime's clock, the same boot only. */
static void test_since(void)
{
	static const char T[] =
		"# tcpclose 1 netns=1 since_boot_s=100\n"
		" port role active_closes passive_closes simultaneous_closes resets time_wait close_wait fin_wait1 fin_wait2 last_ack closing established\n";
	struct tc_table t;
	char err[256], buf[32];

	check(tc_table_parse(&t, T, strlen(T), err, sizeof(err)) == TC_PARSE_OK, "since.parse", "%s", err);
	check(t.age_s < 0 && t.start_unix < 0, "since.unknown-after-parse", "%g %g", t.age_s, t.start_unix);
	tc_since_apply(&t, 160.5, 1000000);
	check(t.age_s == 60.5 && t.start_unix == 1000000 - 60.5, "since.age", "%g %g", t.age_s, t.start_unix);
	/* Truncated since_boot_s may exceed a fresh uptime by under 1 s. */
	tc_since_apply(&t, 99.5, 1000000);
	check(t.age_s == 0, "since.truncated", "%g", t.age_s);
	/* Another boot's file: no age rather than a wrong one. */
	tc_since_apply(&t, 50, 1000000);
	check(t.age_s < 0 && t.start_unix < 0, "since.other-boot", "%g", t.age_s);
	tc_since_apply(&t, -1, 1000000);
	check(t.age_s < 0, "since.no-uptime", "%g", t.age_s);
	tc_table_free(&t);
	check(tc_table_parse(&t, T + 0, strlen(T), err, sizeof(err)) == TC_PARSE_OK, "since.parse2", "%s", err);
	tc_kv_free(t.meta, t.nmeta);
	t.meta = NULL;
	t.nmeta = 0;
	tc_since_apply(&t, 160, 1000000);
	check(t.age_s < 0, "since.no-key", "%g", t.age_s);
	tc_table_free(&t);
	tc_since_human(buf, sizeof(buf), 59.9);
	check_str("since.human.s", buf, "59s");
	tc_since_human(buf, sizeof(buf), 307);
	check_str("since.human.m", buf, "5m07s");
	tc_since_human(buf, sizeof(buf), 3 * 3600 + 5 * 60 + 59);
	check_str("since.human.h", buf, "3h05m");
	tc_since_human(buf, sizeof(buf), 2 * 86400 + 3 * 3600 + 1);
	check_str("since.human.d", buf, "2d03h");
	check(tc_since_live("/proc/tcpclose") && tc_since_live("/proc/1234/net/tcpclose") &&
	      !tc_since_live("saved.txt") && !tc_since_live("-") && !tc_since_live("/procx"),
	      "since.live", "%s", "");
}

/* /proc/tcpclose_dest: parsing. */
static const char DMETA[] =
	"# tcpclose_dest 1 version=0.1.0 netns=7 since_boot_s=812 port_range=40000-40199"
	" reserved_ports=0 capacity=200 local_ports_in_use=221 dests=2 max_dests=64"
	" ungrouped=0 connect_failures=37 bind_failures=0 failure_dests=1"
	" failure_probes=connect,bind\n";
static const char DHDR[] =
	"     local    remote  port in_use time_wait established connect_failures\n";
static const char DOTHER[] = " * * 0 0 0 0 0\n";

static enum tc_parse_err dparse(struct tc_dest *d, const char *meta,
				const char *hdr, const char *body, char *err)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s%s%s", meta, hdr, body);
	return tc_dest_parse(d, buf, strlen(buf), err, 256);
}

static void dest_fails(const char *name, const char *meta, const char *hdr,
		       const char *body, enum tc_parse_err want, const char *msg)
{
	struct tc_dest d;
	char err[256], n[96];
	enum tc_parse_err e = dparse(&d, meta, hdr, body, err);

	snprintf(n, sizeof(n), "dest.parse.%s.status", name);
	check(e == want, n, "expected status %d, got %d (%s)", want, e, err);
	snprintf(n, sizeof(n), "dest.parse.%s.message", name);
	check_str(n, err, msg);
	snprintf(n, sizeof(n), "dest.parse.%s.empty", name);
	check(d.nrows == 0 && d.rows == NULL && d.nmeta == 0, n,
	      "a failed parse left data behind");
}

static void test_dest_parse(void)
{
	const struct tc_dest_row *r;
	struct tc_dest_row key;
	struct tc_dest d;
	char err[256], buf[64];
	enum tc_parse_err e;

	/* The example of doc/tcpclose.5, rows out of order. */
	e = dparse(&d, DMETA, DHDR,
		   " 127.0.0.1 127.0.0.3  8000     20         0          20                0\n"
		   "# a comment\n\n"
		   " 127.0.0.1 127.0.0.2  8000    200       170          30               37\n"
		   "         *         *     0      1         0           1                0\n", err);
	check(e == TC_PARSE_OK, "dest.parse.ok.status", "%s", err);
	check(d.nrows == 2 && !strcmp(d.rows[0].remote, "127.0.0.2") &&
	      d.rows[0].v[TC_DC_IN_USE] == 200 && d.rows[0].v[TC_DC_TIME_WAIT] == 170 &&
	      d.rows[0].v[TC_DC_ESTABLISHED] == 30 &&
	      d.rows[0].v[TC_DC_CONNECT_FAILURES] == 37 && d.rows[0].port == 8000 &&
	      d.rows[0].family == 4 && !strcmp(d.rows[1].remote, "127.0.0.3"),
	      "dest.parse.ok.rows", "wrong rows or order");
	check(d.other.family == 0 && d.other.v[TC_DC_IN_USE] == 1 &&
	      !strcmp(d.other.local, "*"), "dest.parse.ok.other", "other not read");
	check(d.have[TC_DK_CAPACITY] && d.k[TC_DK_CAPACITY] == 200 &&
	      d.k[TC_DK_SINCE_BOOT_S] == 812 && d.k[TC_DK_CONNECT_FAILURES] == 37 &&
	      d.has_range && d.lo == 40000 && d.hi == 40199,
	      "dest.parse.ok.keys", "keys not read");
	check_str("dest.parse.ok.probes", tc_dest_meta(&d, "failure_probes"),
		  "connect,bind");
	check_u64("dest.capacity.header", tc_dest_capacity(&d, 5), 200);
	memset(&key, 0, sizeof(key));
	key = d.rows[1];
	key.v[TC_DC_IN_USE] = 999;
	r = tc_dest_find(&d, &key);
	check(r == &d.rows[1], "dest.find", "not found by identity");
	key.port = 8001;
	check(tc_dest_find(&d, &key) == NULL, "dest.find-absent", "found");
	tc_dest_remote_str(buf, sizeof(buf), &d.rows[0]);
	check_str("dest.remote-str.v4", buf, "127.0.0.2:8000");
	tc_dest_free(&d);

	/*
	 * IPv6, canonical text whatever the spelling, an appended column and
	 * key, a minor version; ties in in_use sorted by failures, then by
	 * address.
	 */
	e = dparse(&d, "# tcpclose_dest 1.3 netns=7 port_range=1024-1123 reserved_ports=10 newkey=x\n",
		   "local remote port in_use future time_wait established connect_failures\n",
		   "FD00:0:0::1 fd00::2 443 5 x 5 0 0\n"
		   "::1 ::1 8080 5 y 0 5 2\n"
		   "10.0.0.1 10.0.0.9 80 5 z 0 0 0\n"
		   "10.0.0.1 10.0.0.2 80 5 z 0 0 0\n"
		   "* * 0 0 z 0 0 0\n", err);
	check(e == TC_PARSE_OK, "dest.parse.v6.status", "%s", err);
	check(d.nrows == 4 && !strcmp(d.rows[0].remote, "::1") &&
	      !strcmp(d.rows[1].remote, "10.0.0.2") &&
	      !strcmp(d.rows[2].remote, "10.0.0.9") &&
	      !strcmp(d.rows[3].local, "fd00::1") && d.rows[3].family == 6,
	      "dest.parse.v6.order", "%s %s %s %s", d.nrows > 0 ? d.rows[0].remote : "",
	      d.nrows > 1 ? d.rows[1].remote : "", d.nrows > 2 ? d.rows[2].remote : "",
	      d.nrows > 3 ? d.rows[3].local : "");
	tc_dest_remote_str(buf, sizeof(buf), &d.rows[3]);
	check_str("dest.remote-str.v6", buf, "[fd00::2]:443");
	/* No capacity key: the range less the reserved ports; no range: the fallback. */
	check_u64("dest.capacity.range", tc_dest_capacity(&d, 5), 90);
	tc_dest_free(&d);
	e = dparse(&d, "# tcpclose_dest 1 netns=7\n", DHDR, DOTHER, err);
	check(e == TC_PARSE_OK && d.nrows == 0, "dest.parse.empty", "%s", err);
	check_u64("dest.capacity.fallback", tc_dest_capacity(&d, 5), 5);
	check_u64("dest.capacity.unknown", tc_dest_capacity(&d, 0), 0);
	tc_dest_free(&d);
}

static void test_dest_errors(void)
{
	static const char V4[] = "127.0.0.1 127.0.0.2 8000 10 5 5 0\n";

	dest_fails("not-dest", "# tcpclose 1 netns=7\n", DHDR, DOTHER, TC_PARSE_FORMAT,
		   "line 1: not a tcpclose_dest file (no \"# tcpclose_dest\" line)");
	dest_fails("version", "# tcpclose_dest 2 netns=7\n", DHDR, DOTHER, TC_PARSE_VERSION,
		   "line 1: unknown format version 2 (this tcpclose reads format 1)");
	dest_fails("key", "# tcpclose_dest 1 capacity=2x\n", DHDR, DOTHER, TC_PARSE_FORMAT,
		   "line 1: capacity=2x: not a number below 2^64");
	dest_fails("range", "# tcpclose_dest 1 port_range=5-4\n", DHDR, DOTHER, TC_PARSE_FORMAT,
		   "line 1: port_range=5-4: not LO-HI with LO <= HI <= 65535");
	dest_fails("range-big", "# tcpclose_dest 1 port_range=1-65536\n", DHDR, DOTHER,
		   TC_PARSE_FORMAT, "line 1: port_range=1-65536: not LO-HI with LO <= HI <= 65535");
	dest_fails("missing-column", DMETA, "local remote port in_use time_wait established\n",
		   DOTHER, TC_PARSE_FORMAT, "line 2: header has no 'connect_failures' column");
	dest_fails("missing-key-column", DMETA, "local port in_use time_wait established connect_failures\n",
		   DOTHER, TC_PARSE_FORMAT, "line 2: header has no 'remote' column");
	dest_fails("duplicate-column", DMETA, "local remote port in_use time_wait established connect_failures port\n",
		   DOTHER, TC_PARSE_FORMAT, "line 2: column 'port' twice");
	dest_fails("address", DMETA, DHDR, "127.0.0.1 127.0.0.300 8000 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: remote: bad address '127.0.0.300'");
	dest_fails("address-local", DMETA, DHDR, "localhost 127.0.0.3 8000 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: local: bad address 'localhost'");
	dest_fails("families", DMETA, DHDR, "127.0.0.1 ::1 8000 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: local 127.0.0.1 and remote ::1 of different families");
	dest_fails("port", DMETA, DHDR, "127.0.0.1 127.0.0.2 65536 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: bad port '65536'");
	dest_fails("port-zero", DMETA, DHDR, "127.0.0.1 127.0.0.2 0 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: bad port '0'");
	dest_fails("star", DMETA, DHDR, "127.0.0.1 * 0 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: '*' only in the row '* * 0'");
	dest_fails("star-port", DMETA, DHDR, "* * 80 1 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: '*' only in the row '* * 0'");
	dest_fails("no-other", DMETA, DHDR, V4, TC_PARSE_FORMAT,
		   "no '* * 0' row: the file is cut short");
	dest_fails("after-other", DMETA, DHDR, "* * 0 0 0 0 0\n127.0.0.1 127.0.0.2 8000 10 5 5 0\n",
		   TC_PARSE_FORMAT, "line 4: a row after the '* * 0' row, which is the last");
	dest_fails("two-others", DMETA, DHDR, "* * 0 0 0 0 0\n* * 0 0 0 0 0\n",
		   TC_PARSE_FORMAT, "line 4: a row after the '* * 0' row, which is the last");
	/* inet_pton(3) refuses leading zeros: no octal ambiguity. */
	dest_fails("leading-zeros", DMETA, DHDR,
		   "127.0.0.1 127.0.0.2 8000 10 5 5 0\n10.0.0.1 10.0.0.2 80 20 0 0 0\n"
		   "127.0.0.1 127.0.0.002 8000 3 0 0 0\n* * 0 0 0 0 0\n",
		   TC_PARSE_FORMAT, "line 5: remote: bad address '127.0.0.002'");
	dest_fails("duplicate-row", DMETA, DHDR,
		   "127.0.0.1 127.0.0.2 8000 10 5 5 0\n10.0.0.1 10.0.0.2 80 20 0 0 0\n"
		   "127.0.0.1 127.0.0.2 8000 3 0 0 0\n* * 0 0 0 0 0\n",
		   TC_PARSE_FORMAT, "two rows for 127.0.0.1 -> 127.0.0.2:8000");
	dest_fails("duplicate-row-v6", DMETA, DHDR,
		   "fd00::1 fd00::2 443 1 0 0 0\nfd00:0::1 fd00::0:2 443 1 0 0 0\n* * 0 0 0 0 0\n",
		   TC_PARSE_FORMAT, "two rows for fd00::1 -> [fd00::2]:443");
	dest_fails("max-dests", "# tcpclose_dest 1 max_dests=1\n", DHDR,
		   "127.0.0.1 127.0.0.2 8000 10 5 5 0\n127.0.0.1 127.0.0.3 8000 10 5 5 0\n* * 0 0 0 0 0\n",
		   TC_PARSE_FORMAT, "2 destinations, more than max_dests=1");
	dest_fails("states", DMETA, DHDR, "127.0.0.1 127.0.0.2 8000 10 6 5 0\n* * 0 0 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: time_wait 6 and established 5 are more than in_use 10");
	dest_fails("states-tw", DMETA, DHDR, "* * 0 1 2 0 0\n",
		   TC_PARSE_FORMAT, "line 3: time_wait 2 and established 0 are more than in_use 1");
	dest_fails("overflow", DMETA, DHDR, "127.0.0.1 127.0.0.2 8000 18446744073709551616 0 0 0\n",
		   TC_PARSE_FORMAT, "line 3: in_use: not a number below 2^64: '18446744073709551616'");
	dest_fails("negative", DMETA, DHDR, "127.0.0.1 127.0.0.2 8000 1 0 0 -1\n",
		   TC_PARSE_FORMAT, "line 3: connect_failures: not a number below 2^64: '-1'");
	dest_fails("truncated-row", DMETA, DHDR, "127.0.0.1 127.0.0.2 8000 1\n",
		   TC_PARSE_FORMAT, "line 3: truncated row: 4 of 7 columns");
	dest_fails("extra-values", DMETA, DHDR, "127.0.0.1 127.0.0.2 8000 1 0 0 0 9\n",
		   TC_PARSE_FORMAT, "line 3: more values than the 7 columns");
	dest_fails("no-newline", DMETA, DHDR, "* * 0 0 0 0 0", TC_PARSE_FORMAT,
		   "line 3: truncated (no newline at the end)");
	dest_fails("no-header", DMETA, "", "", TC_PARSE_FORMAT, "no header line");
	dest_fails("empty", "", "", "", TC_PARSE_FORMAT, "empty file");
}

/* Destinations of one file for the rules: META with CAP, then BODY. */
static int dload(struct tc_dest *d, const char *meta, const char *body)
{
	char err[256];

	if (dparse(d, meta, DHDR, body, err)) {
		printf("FAIL reader/unit/dload: %s\n", err);
		failures++;
		return 0;
	}
	return 1;
}

static size_t ddiag(const char *meta, const char *body,
		    const struct tc_thresholds *th, const struct tc_select *sel,
		    struct tc_diag *out)
{
	struct tc_dest_ctx c = { 0 };
	struct tc_dest d;
	size_t n;

	if (!dload(&d, meta, body))
		return 99;
	c.d = &d;
	c.capacity = tc_dest_capacity(&d, 0);
	n = tc_diagnose_dest(&c, sel, th, out);
	tc_dest_free(&d);
	return n;
}

static void test_dest_diagnose(void)
{
	static const char M200[] =
		"# tcpclose_dest 1 netns=7 since_boot_s=800 capacity=200 local_ports_in_use=100"
		" bind_failures=0\n";
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_select sel = ALL;
	struct tc_dest_ctx c = { 0 };
	struct tc_table t;
	struct tc_rate rates[2];
	struct tc_diag dg[70];
	struct tc_dest d;
	char buf[1024], body[4096];
	size_t n, i, k;

	/* The threshold: 160 of 200 is 0.8 exactly; 159 is below. */
	n = ddiag(M200, "127.0.0.1 127.0.0.2 8000 160 150 10 0\n"
		  "127.0.0.1 127.0.0.3 8000 159 150 9 0\n* * 0 0 0 0 0\n", &th, &sel, dg);
	check(n == 1 && dg[0].kind == TC_DIAG_DEST_PORTS && dg[0].in_use == 160 &&
	      !strcmp(dg[0].remote, "127.0.0.2") && dg[0].capacity == 200 &&
	      !dg[0].exhausted && dg[0].rate_from == TC_RATE_NONE && !dg[0].has_eta,
	      "dest.diag.at-ratio", "%zu findings", n);
	/* Near the capacity, nothing failed yet: a warning. */
	check(dg[0].severity == TC_SEV_WARNING, "dest.diag.at-ratio.severity", "%d",
	      dg[0].severity);
	tc_diag_finding(buf, sizeof(buf), &dg[0]);
	check_str("dest.diag.finding-no-rate", buf,
		  "127.0.0.1 -> 127.0.0.2:8000: 160 of 200 local ports in use (150 in TIME_WAIT)");
	tc_diag_short(buf, sizeof(buf), &dg[0]);
	check_str("dest.diag.short", buf,
		  "127.0.0.1 -> 127.0.0.2:8000: 160 of 200 local ports in use (80%)");
	th.exhaustion_ratio = 0.5;
	check_u64("dest.diag.ratio-flag",
		  ddiag(M200, "127.0.0.1 127.0.0.2 8000 100 0 0 0\n* * 0 0 0 0 0\n",
			&th, &sel, dg), 1);
	th = (struct tc_thresholds)TC_THRESHOLDS_DEFAULT;
	/* Any connect() failure is a finding, however few ports are in use. */
	n = ddiag(M200, "127.0.0.1 127.0.0.2 8000 3 0 3 1\n* * 0 0 0 0 0\n", &th, &sel, dg);
	check(n == 1 && dg[0].connect_failures == 1, "dest.diag.failure", "%zu", n);
	check(dg[0].severity == TC_SEV_CRITICAL, "dest.diag.failure.severity", "%d",
	      dg[0].severity);
	/* At capacity: exhausted, no estimate. */
	n = ddiag(M200, "::1 ::1 443 200 190 10 37\n* * 0 0 0 0 0\n", &th, &sel, dg);
	tc_diag_finding(buf, sizeof(buf), &dg[0]);
	check(n == 1 && dg[0].exhausted && dg[0].severity == TC_SEV_CRITICAL &&
	      dg[0].has_eta && dg[0].eta_s == 0, "dest.diag.exhausted", "%zu", n);
	check_str("dest.diag.exhausted.finding", buf,
		  "::1 -> [::1]:443: 200 of 200 local ports in use (190 in TIME_WAIT), 37 connect() failures;"
		  " the range is exhausted: connect() to it fails with EADDRNOTAVAIL until a port is freed");
	/* 40 destinations at 5 %: nothing, the namespace at 50 % neither. */
	k = 0;
	for (i = 0; i < 40; i++)
		k += snprintf(body + k, sizeof(body) - k,
			      "127.0.0.1 127.0.1.%zu 8000 10 8 2 0\n", i + 1);
	snprintf(body + k, sizeof(body) - k, "* * 0 0 0 0 0\n");
	check_u64("dest.diag.spread", ddiag(M200, body, &th, &sel, dg), 0);
	/* other: its failures only, never its sum of ports. */
	n = ddiag(M200, "* * 0 400 0 0 3\n", &th, &sel, dg);
	tc_diag_finding(buf, sizeof(buf), &dg[0]);
	check(n == 1 && dg[0].family == 0, "dest.diag.other", "%zu", n);
	check_str("dest.diag.other.finding", buf,
		  "other destinations (not listed): 3 connect() failures for lack of a local port");
	check_u64("dest.diag.other-ports",
		  ddiag(M200, "* * 0 400 0 0 0\n", &th, &sel, dg), 0);
	/* --port: the remote port; --role server: no destination at all. */
	sel.port = 8001;
	check_u64("dest.diag.port-filter",
		  ddiag(M200, "127.0.0.1 127.0.0.2 8000 200 0 0 5\n* * 0 0 0 0 5\n",
			&th, &sel, dg), 0);
	sel.port = 8000;
	check_u64("dest.diag.port-match",
		  ddiag(M200, "127.0.0.1 127.0.0.2 8000 200 0 0 5\n* * 0 0 0 0 5\n",
			&th, &sel, dg), 1);
	sel = ALL;
	sel.role = TC_SERVER;
	check_u64("dest.diag.role-server",
		  ddiag(M200, "127.0.0.1 127.0.0.2 8000 200 0 0 5\n* * 0 0 0 0 5\n",
			&th, &sel, dg), 0);
	sel = ALL;
	/* Namespace: bind() failures; or most of the range in use without a
	 * destination that explains it (bind() before connect()). */
	n = ddiag("# tcpclose_dest 1 capacity=200 local_ports_in_use=20 bind_failures=2\n",
		  "* * 0 0 0 0 0\n", &th, &sel, dg);
	tc_diag_finding(buf, sizeof(buf), &dg[0]);
	check(n == 1 && dg[0].kind == TC_DIAG_LOCAL_PORTS && dg[0].bind_failures == 2 &&
	      dg[0].severity == TC_SEV_CRITICAL && !dg[0].has_port,
	      "dest.diag.bind-failures", "%zu", n);
	check_str("dest.diag.bind-failures.finding", buf,
		  "local ports: 20 of the 200 local ports of the range are held by client sockets (10%), across all"
		  " destinations, and 2 bind() failures: a bind() to port 0 (or before connect() without"
		  " IP_BIND_ADDRESS_NO_PORT) needs a port that no socket holds, whatever the destination");
	n = ddiag("# tcpclose_dest 1 capacity=200 local_ports_in_use=188 bind_failures=0\n",
		  "10.0.0.5 10.0.2.1 5432 94 80 14 0\n10.0.0.5 10.0.2.2 5432 94 80 14 0\n* * 0 0 0 0 0\n",
		  &th, &sel, dg);
	check(n == 1 && dg[0].kind == TC_DIAG_LOCAL_PORTS && dg[0].local_ports_in_use == 188 &&
	      dg[0].severity == TC_SEV_WARNING, "dest.diag.local-ports", "%zu", n);
	n = ddiag("# tcpclose_dest 1 capacity=200 local_ports_in_use=190 bind_failures=0\n",
		  "10.0.0.5 10.0.2.1 5432 170 80 14 0\n10.0.0.5 10.0.2.2 5432 20 20 0 0\n* * 0 0 0 0 0\n",
		  &th, &sel, dg);
	check(n == 1 && dg[0].kind == TC_DIAG_DEST_PORTS, "dest.diag.local-ports-explained",
	      "%zu findings", n);
	/*
	 * Worst first, then the namespace's, then by port; equal keys in the
	 * order found (the file's: most ports in use first): a warning at
	 * 8000 after the failing 9000 and the namespace's bind() failures.
	 */
	n = ddiag("# tcpclose_dest 1 capacity=200 local_ports_in_use=190 bind_failures=1\n",
		  "10.0.0.5 10.0.2.1 8000 170 80 14 0\n10.0.0.5 10.0.2.9 9000 10 10 0 2\n"
		  "10.0.0.5 10.0.2.3 9000 10 10 0 1\n* * 0 0 0 0 0\n", &th, &sel, dg);
	check(n == 4 && dg[0].kind == TC_DIAG_LOCAL_PORTS &&
	      dg[1].port == 9000 && !strcmp(dg[1].remote, "10.0.2.9") &&
	      dg[2].port == 9000 && !strcmp(dg[2].remote, "10.0.2.3") &&
	      dg[3].port == 8000 && dg[3].severity == TC_SEV_WARNING,
	      "dest.diag.order", "%zu findings: %s %s", n, n > 1 ? dg[1].remote : "",
	      n > 2 ? dg[2].remote : "");
	sel.port = 5432;
	check_u64("dest.diag.local-ports-port-filter",
		  ddiag("# tcpclose_dest 1 capacity=200 local_ports_in_use=20 bind_failures=2\n",
			"* * 0 0 0 0 0\n", &th, &sel, dg), 0);
	sel = ALL;
	/* Capacity unknown: failures only. */
	check_u64("dest.diag.no-capacity",
		  ddiag("# tcpclose_dest 1\n", "127.0.0.1 127.0.0.2 8000 60000 0 0 0\n"
			"127.0.0.1 127.0.0.3 8000 6 0 0 1\n* * 0 0 0 0 0\n", &th, &sel, dg), 1);

	/*
	 * The estimate: new connections to port 8000 are its client row's
	 * closes (active + passive; simultaneous ones are among the active),
	 * 2500 in 200 s = 12.5/s; 35 free ports last 2.8 s.
	 */
	if (!load(&t, "8000 client 2400 100 3 7 0 0 0 0 0 0 0\n") ||
	    !dload(&d, M200, "127.0.0.1 127.0.0.3 8000 165 160 5 0\n* * 0 0 0 0 0\n"))
		return;
	c.d = &d;
	c.capacity = 200;
	c.t = &t;
	c.window = 200;
	n = tc_diagnose_dest(&c, &sel, &th, dg);
	check(n == 1 && dg[0].rate_from == TC_RATE_SINCE_START && dg[0].conn_rate == 12.5 &&
	      dg[0].has_eta && dg[0].eta_s == 2.8, "dest.diag.eta-since-start",
	      "%zu %g %g", n, dg[0].conn_rate, dg[0].eta_s);
	tc_diag_finding(buf, sizeof(buf), &dg[0]);
	check_str("dest.diag.eta-since-start.finding", buf,
		  "127.0.0.1 -> 127.0.0.3:8000: 165 of 200 local ports in use (160 in TIME_WAIT); at the current"
		  " rate of new connections to port 8000 (12.5 per second, the average since the counters"
		  " started 200 s ago) the range is exhausted in about 2.8 s");
	/* --watch: the rate of the last interval. */
	rates[0] = (struct tc_rate){ 1, { 30, 5 } };
	c.rates = rates;
	c.window = 2;
	n = tc_diagnose_dest(&c, &sel, &th, dg);
	tc_diag_finding(buf, sizeof(buf), &dg[0]);
	check(n == 1 && dg[0].rate_from == TC_RATE_WATCH && dg[0].conn_rate == 35 &&
	      dg[0].eta_s == 1, "dest.diag.eta-watch", "%g %g", dg[0].conn_rate, dg[0].eta_s);
	check(strstr(buf, "(35 per second over the last 2.0 s) the range is exhausted in about 1.0 s") != NULL,
	      "dest.diag.eta-watch.finding", "%s", buf);
	rates[0].known = 0;	/* the first refresh */
	n = tc_diagnose_dest(&c, &sel, &th, dg);
	check(n == 1 && dg[0].rate_from == TC_RATE_NONE && !dg[0].has_eta,
	      "dest.diag.eta-watch-first", "estimate without a rate");
	c.rates = NULL;
	c.window = 0;	/* a saved file without --uptime */
	n = tc_diagnose_dest(&c, &sel, &th, dg);
	check(n == 1 && !dg[0].has_eta, "dest.diag.eta-unknown", "estimate without a rate");
	c.window = 200;
	tc_table_free(&t);
	if (!load(&t, "8000 client 0 0 0 0 0 0 0 0 0 0 0\n"))
		return;
	n = tc_diagnose_dest(&c, &sel, &th, dg);
	check(n == 1 && !dg[0].has_eta && dg[0].rate_from == TC_RATE_SINCE_START,
	      "dest.diag.eta-no-connections", "estimate at rate 0");
	tc_table_free(&t);
	tc_dest_free(&d);
}

static void test_dest_rates(void)
{
	struct tc_dest a, b, c;
	struct tc_dest_rate r[4];
	double v;

	if (!dload(&a, "# tcpclose_dest 1 netns=7 since_boot_s=10 connect_failures=5\n",
		   "127.0.0.1 127.0.0.2 8000 10 0 0 4\n* * 0 0 0 0 1\n") ||
	    !dload(&b, "# tcpclose_dest 1 netns=7 since_boot_s=10 connect_failures=15\n",
		   "127.0.0.1 127.0.0.3 8000 20 0 0 2\n127.0.0.1 127.0.0.2 8000 10 0 0 10\n* * 0 0 0 0 3\n") ||
	    !dload(&c, "# tcpclose_dest 1 netns=7 since_boot_s=99 connect_failures=2\n",
		   "127.0.0.1 127.0.0.2 8000 10 0 0 2\n* * 0 0 0 0 0\n"))
		return;
	tc_rate_dests(NULL, &a, 2, r);
	check(!r[0].known && !r[1].known, "dest.rate.first", "known");
	tc_rate_dests(&a, &b, 2, r);
	check(!r[0].known && r[1].known && r[1].connect_failures == 3 && r[2].known &&
	      r[2].connect_failures == 1, "dest.rate.rows", "%d %g %d %g", r[0].known,
	      r[1].connect_failures, r[2].known, r[2].connect_failures);
	check(tc_rate_dest_key(&a, &b, TC_DK_CONNECT_FAILURES, 2, &v) && v == 5,
	      "dest.rate.key", "%g", v);
	/* since_boot_s moved: a reset, everything since counts. */
	check(tc_rate_dest_was_reset(&b, &c), "dest.rate.reset", "not seen");
	tc_rate_dests(&b, &c, 2, r);
	check(r[0].known && r[0].connect_failures == 1, "dest.rate.after-reset", "%g",
	      r[0].connect_failures);
	tc_dest_free(&a);
	tc_dest_free(&b);
	tc_dest_free(&c);
}

struct dest_out {
	struct tc_dest d;
	const struct tc_dest_row *rows[8];
	struct tc_dest_view v;
};

static void out_dest_json(FILE *f, void *a)
{
	tc_print_dest_json(f, &((struct dest_out *)a)->v);
}

static void out_dest_prom(FILE *f, void *a)
{
	tc_print_prom_dest(f, &((struct dest_out *)a)->v, "");
}

static void out_dest_table(FILE *f, void *a)
{
	struct dest_out *o = a;

	tc_print_dest_table(f, &o->d, o->rows, o->v.n, o->v.capacity, NULL);
}

static void test_dest_output(void)
{
	static struct dest_out o;
	struct tc_select sel = ALL;
	char *s;

	if (!dload(&o.d, "# tcpclose_dest 1 netns=7 capacity=200 connect_failures=3 note=a\"b\n",
		   "fd00::1 fd00::2 443 200 190 10 2\n127.0.0.1 127.0.0.2 8000 5 0 5 0\n* * 0 7 1 1 1\n"))
		return;
	o.v.d = &o.d;
	o.v.capacity = 200;
	o.v.rows = o.rows;
	o.v.n = tc_select_dests(&o.d, &sel, o.rows);
	s = capture(out_dest_table, &o);
	check_str("dest.out.table", s,
		  " LOCAL     REMOTE         IN_USE  USE TIME_WAIT ESTAB CONNECT_FAIL\n"
		  " fd00::1   [fd00::2]:443     200 100%       190    10            2\n"
		  " 127.0.0.1 127.0.0.2:8000      5   2%         0     5            0\n"
		  " other     *                   7    -         1     1            1\n");
	free(s);
	s = capture(out_dest_json, &o);
	check(strstr(s, "{\"local\":\"fd00::1\",\"remote\":\"fd00::2\",\"port\":443,\"in_use\":200,"
			"\"time_wait\":190,\"established\":10,\"connect_failures\":2,\"capacity_share\":1}") != NULL &&
	      strstr(s, "\"other\":{\"in_use\":7,\"time_wait\":1,\"established\":1,\"connect_failures\":1}}") != NULL &&
	      strstr(s, "\"port_range\":null,") != NULL && strstr(s, "\"capacity\":200,") != NULL,
	      "dest.out.json", "%s", s);
	free(s);
	s = capture(out_dest_prom, &o);
	check(strstr(s, "tcpclose_dest_ports_in_use{local=\"fd00::1\",remote=\"fd00::2\",port=\"443\"} 200\n") != NULL &&
	      strstr(s, "tcpclose_dest_connect_failures_total{local=\"*\",remote=\"*\",port=\"0\"} 1\n") != NULL &&
	      strstr(s, "tcpclose_connect_failures_total 3\n") != NULL &&
	      strstr(s, "tcpclose_local_port_capacity 200\n") != NULL &&
	      strstr(s, "tcpclose_bind_failures_total") == NULL,
	      "dest.out.prom", "%s", s);
	free(s);
	sel.top = 1;
	check_u64("dest.out.top", tc_select_dests(&o.d, &sel, o.rows), 1);
	sel.top = 0;
	sel.port = 8000;
	check(tc_select_dests(&o.d, &sel, o.rows) == 1 && o.rows[0]->port == 8000,
	      "dest.out.port", "not filtered");
	tc_dest_free(&o.d);
}

/* The rules of issue 16: quiet defaults, windows, new findings, order. */
static size_t diag_win(const char *meta, const char *hdr, const char *body,
		       const struct tc_window *w, struct tc_diag *d)
{
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_table t;
	char err[256];
	size_t n;

	if (parse3(&t, meta, hdr, body, err)) {
		check(0, "diag-win.parse", "%s", err);
		return 99;
	}
	n = tc_diagnose(&t, &ALL, &th, &RANGE, w, d);
	tc_table_free(&t);
	return n;
}

static void test_rules(void)
{
	struct tc_thresholds th = TC_THRESHOLDS_DEFAULT;
	struct tc_window w = TC_WINDOW_NONE;
	struct tc_table prev, t;
	struct tc_diag d[16];
	char buf[512], err[256];
	size_t n;

	/* A keep-alive server closing idle connections first: quiet. */
	check_u64("rules.server-first.quiet",
		  diagnose("80 server 499 1 0 0 499 0 0 0 0 0 0\n", &th, d), 0);
	n = diagnose("80 server 500 1 0 0 500 0 0 0 0 0 0\n", &th, d);
	check(n == 1 && d[0].kind == TC_DIAG_SERVER_CLOSES_FIRST,
	      "rules.server-first.default", "%zu", n);

	/* Resets: many, and steady when the span is known. */
	check_u64("rules.resets.few",
		  diagnose("80 server 0 0 0 99 0 0 0 0 0 0 0\n", &th, d), 0);
	n = diagnose("80 server 0 0 0 150 0 0 0 0 0 0 0\n", &th, d);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check(n == 1 && d[0].kind == TC_DIAG_RESETS && !d[0].has_window,
	      "rules.resets.no-span", "%zu", n);
	check_str("rules.resets.no-span.text", buf,
		  "port 80: connections keep ending in resets on the server side: 150 since counting started, by an RST received or the kernel giving up on the peer (retransmission or keepalive timeout)");
	w.seconds = w.age = 10;
	n = diag_win(META, HDR, "80 server 0 0 0 150 0 0 0 0 0 0 0\n", &w, d);
	tc_diag_short(buf, sizeof(buf), &d[0]);
	check(n == 1 && d[0].has_window && d[0].rate == 15, "rules.resets.rate",
	      "%zu", n);
	check_str("rules.resets.rate.text", buf,
		  "port 80: 150 server resets in the last 10 s, 15.0 per second");
	w.seconds = w.age = 0.4;	/* a fresh namespace: no "0 s" */
	diag_win(META, HDR, "80 server 0 0 0 150 0 0 0 0 0 0 0\n", &w, d);
	tc_diag_short(buf, sizeof(buf), &d[0]);
	check_str("rules.resets.short-span", buf,
		  "port 80: 150 server resets in the last 0.4 s, 375.0 per second");
	w.seconds = w.age = 1000;	/* 0.15 per second: a bad minute long ago */
	check_u64("rules.resets.slow",
		  diag_win(META, HDR, "80 server 0 0 0 150 0 0 0 0 0 0 0\n", &w, d), 0);
	/* --watch: the change since the previous snapshot. */
	if (parse3(&prev, META, HDR, "80 server 0 0 0 1000 0 0 0 0 0 0 0\n", err))
		return;
	w.prev = &prev;
	w.seconds = 2;
	n = diag_win(META, HDR, "80 server 0 0 0 1150 0 0 0 0 0 0 0\n", &w, d);
	check(n == 1 && d[0].resets == 150 && d[0].rate == 75,
	      "rules.resets.watch", "%zu %" PRIu64, n, n ? d[0].resets : 0);
	check_u64("rules.resets.watch-quiet",
		  diag_win(META, HDR, "80 server 0 0 0 1050 0 0 0 0 0 0 0\n", &w, d), 0);
	w.reset = 1;	/* after a reset: all of it is new */
	n = diag_win(META, HDR, "80 server 0 0 0 300 0 0 0 0 0 0 0\n", &w, d);
	check(n == 1 && d[0].resets == 300, "rules.resets.watch-reset", "%zu", n);
	tc_table_free(&prev);
	w = (struct tc_window)TC_WINDOW_NONE;

	/* LAST_ACK: only with the column. */
	check_u64("rules.last-ack.few",
		  diagnose("80 server 0 99 0 0 0 0 0 0 99 0 0\n", &th, d), 0);
	n = diagnose("80 server 0 100 0 0 0 0 0 0 100 0 0\n", &th, d);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check(n == 1 && d[0].kind == TC_DIAG_LAST_ACK, "rules.last-ack", "%zu", n);
	check_str("rules.last-ack.text", buf,
		  "port 80: LAST_ACK is piling up on the server side: 100 sockets sent their FIN after the peer's and still wait for its acknowledgement, which takes one round trip");
	check_u64("rules.last-ack.no-column",
		  diag_win(META, " port role active_closes passive_closes simultaneous_closes"
			   " resets time_wait close_wait\n", "80 server 0 100 0 0 0 0\n",
			   &w, d), 0);

	/* CLOSE_WAIT of unknown age, below the count threshold. */
#define CWHDR " port role active_closes passive_closes simultaneous_closes resets" \
	" time_wait close_wait close_wait_oldest_s close_wait_untracked\n"
	n = diag_win(META, CWHDR, "80 server 0 3 0 0 0 3 0 3\n", &w, d);
	tc_diag_short(buf, sizeof(buf), &d[0]);
	check(n == 1 && d[0].kind == TC_DIAG_CLOSE_WAIT_UNKNOWN_AGE,
	      "rules.cw-unknown", "%zu", n);
	check_str("rules.cw-unknown.text", buf,
		  "port 80: 3 server sockets in CLOSE_WAIT of unknown age (older than tcpclose, or not tracked)");
	w.age = w.seconds = 59;	/* counting is younger than --close-wait-age */
	check_u64("rules.cw-unknown.young",
		  diag_win(META, CWHDR, "80 server 0 3 0 0 0 3 0 3\n", &w, d), 0);
	w.age = w.seconds = 120;
	n = diag_win(META, CWHDR, "80 server 0 3 0 0 0 3 0 3\n", &w, d);
	tc_diag_finding(buf, sizeof(buf), &d[0]);
	check_str("rules.cw-unknown.old", buf,
		  "port 80: 3 server sockets are in CLOSE_WAIT and tcpclose cannot tell their age: they entered it before counting started 120 s ago, or were not tracked (max_tracked closes were being timed)");
	/* Reported by the CLOSE_WAIT rule instead: not twice. */
	n = diag_win(META, CWHDR, "80 server 0 12 0 0 0 12 0 3\n", &w, d);
	check(n == 1 && d[0].kind == TC_DIAG_CLOSE_WAIT, "rules.cw-unknown.once",
	      "%zu", n);
	w = (struct tc_window)TC_WINDOW_NONE;

	/* Partly blind: the namespace first among warnings, after criticals. */
	n = diag_win("# tcpclose 1 dropped=0 untracked=2\n", HDR,
		     "0 server 3 0 1 0 2 0 0 0 0 0 0\n"
		     "80 server 0 0 0 0 0 20 0 0 0 0 0\n"
		     "81 server 0 0 0 0 0 0 0 0 100 0 0\n", &w, d);
	check(n == 3 && d[0].kind == TC_DIAG_CLOSE_WAIT &&
	      d[1].kind == TC_DIAG_PARTLY_BLIND && !d[1].has_port &&
	      d[1].other_closes == 3 && d[1].other_sockets == 2 &&
	      d[2].kind == TC_DIAG_LAST_ACK, "rules.blind.order", "%zu", n);
	tc_diag_short(buf, sizeof(buf), &d[1]);
	check_str("rules.blind.text", buf,
		  "this namespace: tcpclose is partly blind: 2 live sockets untracked, 3 closes and 2 live sockets on ports without a row (other)");
	check(tc_diag_worst(d, n) == TC_SEV_CRITICAL &&
	      tc_diag_worst(d + 1, n - 1) == TC_SEV_WARNING &&
	      tc_diag_worst(d, 0) == TC_SEV_NONE, "rules.worst", "wrong");
	check_u64("rules.blind.quiet",
		  diag_win("# tcpclose 1 dropped=0 untracked=0\n", HDR,
			   "0 server 0 0 0 0 0 0 0 0 0 0 0\n", &w, d), 0);

	/* since_boot_s against the uptime. */
	if (parse3(&t, "# tcpclose 1 since_boot_s=100\n", HDR, "", err))
		return;
	/* One mechanism (since.c): a saved copy's --uptime, no Unix time. */
	tc_since_apply(&t, 250.5, -1);
	check(t.age_s == 150.5 && t.start_unix < 0, "rules.counting-age", "%g %g",
	      t.age_s, t.start_unix);
	tc_since_apply(&t, 98, -1);
	check(t.age_s < 0, "rules.counting-age.other-boot", "%g", t.age_s);
	tc_table_free(&t);
}

/*
 * --all-netns: what a namespace's tcpclose_dest is worth to it; and the
 * live file's fault, which costs only the destinations as well.
 */
static void test_netns_dest(void)
{
	static const char good[] =
		"# tcpclose_dest 1 netns=7 capacity=200\n"
		" local remote port in_use time_wait established connect_failures\n"
		" 10.0.0.1 10.0.0.2 80 5 1 4 0\n"
		" * * 0 0 0 0 0\n";
	static const char nonetns[] =
		"# tcpclose_dest 1 capacity=200\n"
		" local remote port in_use time_wait established connect_failures\n"
		" * * 0 0 0 0 0\n";
	char err[256] = "", path[] = "/tmp/tcpclose-unit-XXXXXX";
	struct tc_dest d;
	enum tc_exit st;
	int fd, saved, found = -1;

	check(tc_netns_dest(good, strlen(good), 7, &d, err, sizeof(err)) == TC_DEST_OK &&
	      d.nrows == 1, "netns-dest.ok", "%s", err);
	tc_dest_free(&d);
	check(tc_netns_dest(good, strlen(good), 8, &d, err, sizeof(err)) == TC_DEST_BAD &&
	      !d.nrows && !d.meta, "netns-dest.other", "taken");
	check_str("netns-dest.other.err", err,
		  "destinations of netns 7, but the namespace is 8");
	check(tc_netns_dest("", 0, 7, &d, err, sizeof(err)) == TC_DEST_BAD,
	      "netns-dest.empty", "taken");
	check_str("netns-dest.empty.err", err, "empty file");
	/* As --file with --dest-file: a file that does not say is taken. */
	check(tc_netns_dest(nonetns, strlen(nonetns), 7, &d, err, sizeof(err)) == TC_DEST_OK,
	      "netns-dest.no-netns", "%s", err);
	tc_dest_free(&d);

	fd = mkstemp(path);
	if (fd < 0 || write(fd, "x\n", 2) != 2) {
		check(0, "dest-load.tmp", "cannot write %s", path);
		return;
	}
	close(fd);
	/* Its one line of warning is not this program's output. */
	fflush(stdout);
	saved = dup(2);
	fd = open("/dev/null", O_WRONLY);
	if (saved >= 0 && fd >= 0)
		dup2(fd, 2);
	st = tc_dest_load(path, 1, &d, &found, err, sizeof(err));
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (fd >= 0)
		close(fd);
	check(st == TC_EXIT_OK && found == 0, "dest-load.optional-bad",
	      "status %d found %d", (int)st, found);
	st = tc_dest_load(path, 0, &d, &found, err, sizeof(err));
	check(st == TC_EXIT_FORMAT && found == 0, "dest-load.named-bad",
	      "status %d found %d", (int)st, found);
	unlink(path);
}

int main(void)
{
	test_parse_ok();
	test_parse_errors();
	test_u64();
	test_select();
	test_rates();
	test_diagnose();
	test_diagnose_options();
	test_output();
	test_hist_parse();
	test_hist_errors();
	test_hist_prom();
	test_hist_json();
	test_lifecycle();
	test_cgroup();
	test_netns_dest();
	test_since();
	test_dest_parse();
	test_dest_errors();
	test_dest_diagnose();
	test_dest_rates();
	test_dest_output();
	test_rules();
	/* The end marker: tests/userspace/run.sh fails a run without it. */
	printf("unit: end, %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
