// SPDX-License-Identifier: GPL-2.0
/*
 * Text for people: the table, the summary under it and --diagnose.
 * Sentences carry the numbers they rest on, so a reader can check them
 * against the table, and the tests can match them exactly.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "output.h"
#include "since.h"

#define TC_CELL 32	/* a u64 has 20 digits */

/* One ", "-separated part of the meta line. */
static void tc_part(FILE *f, const char **sep, const char *fmt, ...)
{
	va_list ap;

	fputs(*sep, f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	*sep = ", ";
}

/* Since when the counters count, as far as the reader knows. */
static void tc_print_since(FILE *f, const char **sep, const struct tc_table *t)
{
	char age[32];
	uint64_t v;

	if (t->age_s >= 0) {
		tc_since_human(age, sizeof(age), t->age_s);
		tc_part(f, sep, "counting for %s", age);
	} else if (tc_table_meta_u64(t, "since_boot_s", &v)) {
		/* A saved copy: no uptime of its boot to compare with. */
		tc_part(f, sep, "counting since %" PRIu64 " s after boot (a saved copy: age unknown)", v);
	}
}

void tc_print_meta(FILE *f, const struct tc_table *t)
{
	tc_print_meta_of(f, t, NULL);
}

void tc_print_meta_of(FILE *f, const struct tc_table *t, const char *who)
{
	const char *v, *sep = "";
	uint64_t a, b;

	/* With WHO, the namespace leads the line: "netns N: WHO, module ...". */
	if (who && (v = tc_table_meta(t, "netns")))
		fprintf(f, "netns %s: ", v);
	if (who)
		tc_part(f, &sep, "%s", who);
	if ((v = tc_table_meta(t, "version")))
		tc_part(f, &sep, "module %s", v);
	if (!who && (v = tc_table_meta(t, "netns")))
		tc_part(f, &sep, "netns %s", v);
	if (tc_table_meta_u64(t, "ports", &a)) {
		if (tc_table_meta_u64(t, "max_ports", &b))
			tc_part(f, &sep, "ports %" PRIu64 " (max %" PRIu64 ")",
				a, b);
		else
			tc_part(f, &sep, "ports %" PRIu64, a);
	}
	if ((v = tc_table_meta(t, "sockstat_tw"))) {
		tc_part(f, &sep, "sockstat tw %s", v);
		if (tc_table_meta_u64(t, "tw_fin_wait2", &a))
			fprintf(f, " (%" PRIu64 " of them FIN_WAIT2 orphans)", a);
	}
	if ((v = tc_table_meta(t, "dropped")))
		tc_part(f, &sep, "dropped %s", v);
	if ((v = tc_table_meta(t, "untracked")))
		tc_part(f, &sep, "untracked %s", v);
	tc_print_since(f, &sep, t);
	if (*sep)
		fputc('\n', f);
}

/*
 * The columns shown: those with a heading that the file has, except those
 * that only matter when not zero and are zero in every row shown.
 */
static size_t tc_shown_cols(const struct tc_table *t,
			    const struct tc_row *const *rows, size_t nrows,
			    int *cols)
{
	size_t n = 0, i;
	int c, any;

	for (c = 0; c < TC_NCOLS; c++) {
		if (!t->have[c] || !tc_cols[c].label)
			continue;
		for (i = 0, any = !tc_cols[c].if_nonzero; i < nrows && !any; i++)
			any = rows[i]->v[c] != 0;
		if (any)
			cols[n++] = c;
	}
	return n;
}

static void tc_cell(char *buf, const struct tc_table *t,
		    const struct tc_row *r, int c, const struct tc_rate *rates)
{
	const struct tc_rate *rt = rates ? &rates[r - t->rows] : NULL;

	if (rt && tc_cols[c].counter) {
		if (rt->known)
			snprintf(buf, TC_CELL, "%.1f", rt->r[c]);
		else
			snprintf(buf, TC_CELL, "-");
	} else {
		snprintf(buf, TC_CELL, "%" PRIu64, r->v[c]);
	}
}

static void tc_label(char *buf, int c, const struct tc_rate *rates)
{
	snprintf(buf, TC_CELL, "%s%s", tc_cols[c].label,
		 rates && tc_cols[c].counter ? "/s" : "");
}

/* The table a row came from: its namespace's, with --all-netns. */
static const struct tc_table *tc_part_of(const struct tc_table *t,
					 const struct tc_row *r)
{
	return t->parts ? t->parts[r->ns] : t;
}

/*
 * CLOSES/S, a one-shot table's average: closes (active and passive, each
 * close once, a simultaneous one counting as active) per second since
 * counting started. Shown when an age is known; "-" below a second.
 */
static int tc_avg_shown(const struct tc_table *t,
			const struct tc_row *const *rows, size_t n,
			const struct tc_rate *rates)
{
	size_t i;

	if (rates)
		return 0;	/* --watch shows real rates */
	for (i = 0; i < n; i++)
		if (tc_part_of(t, rows[i])->age_s >= 0)
			return 1;
	return 0;
}

static void tc_avg_cell(char *buf, const struct tc_table *t,
			const struct tc_row *r)
{
	double age = tc_part_of(t, r)->age_s;

	if (age < 1)
		snprintf(buf, TC_CELL, "-");
	else
		snprintf(buf, TC_CELL, "%.2f",
			 ((double)r->v[TC_ACTIVE_CLOSES] +
			  (double)r->v[TC_PASSIVE_CLOSES]) / age);
}

/* NETNS: the namespace's inode, as in its header. */
static const char *tc_netns_cell(const struct tc_table *t,
				 const struct tc_row *r)
{
	const char *v = tc_table_meta(tc_part_of(t, r), "netns");

	return v ? v : "-";
}

void tc_print_table(FILE *f, const struct tc_table *t,
		    const struct tc_row *const *rows, size_t n,
		    const struct tc_rate *rates)
{
	int cols[TC_NCOLS], avg = tc_avg_shown(t, rows, n, rates);
	size_t w[TC_NCOLS], nc = tc_shown_cols(t, rows, n, cols), i, k;
	size_t wns = 5, wavg = 8;	/* "NETNS", "CLOSES/S" */
	char cell[TC_CELL];

	/* Widths: the wider of the heading and the widest value. */
	for (k = 0; k < nc; k++) {
		tc_label(cell, cols[k], rates);
		w[k] = strlen(cell);
		for (i = 0; i < n; i++) {
			tc_cell(cell, t, rows[i], cols[k], rates);
			if (strlen(cell) > w[k])
				w[k] = strlen(cell);
		}
	}
	for (i = 0; i < n; i++) {
		if (t->parts && strlen(tc_netns_cell(t, rows[i])) > wns)
			wns = strlen(tc_netns_cell(t, rows[i]));
		if (avg) {
			tc_avg_cell(cell, t, rows[i]);
			if (strlen(cell) > wavg)
				wavg = strlen(cell);
		}
	}
	if (t->parts)
		fprintf(f, "%*s ", (int)wns, "NETNS");
	fprintf(f, "%5s %-6s", "PORT", "ROLE");
	for (k = 0; k < nc; k++) {
		tc_label(cell, cols[k], rates);
		fprintf(f, " %*s", (int)w[k], cell);
	}
	if (avg)
		fprintf(f, " %*s", (int)wavg, "CLOSES/S");
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		if (t->parts)
			fprintf(f, "%*s ", (int)wns, tc_netns_cell(t, rows[i]));
		/* Port 0: the ports without a row of their own (a full table). */
		if (rows[i]->port == 0)
			fprintf(f, "%5s %-6s", "other", tc_role_names[rows[i]->role]);
		else
			fprintf(f, "%5u %-6s", rows[i]->port, tc_role_names[rows[i]->role]);
		for (k = 0; k < nc; k++) {
			tc_cell(cell, t, rows[i], cols[k], rates);
			fprintf(f, " %*s", (int)w[k], cell);
		}
		if (avg) {
			tc_avg_cell(cell, t, rows[i]);
			fprintf(f, " %*s", (int)wavg, cell);
		}
		fputc('\n', f);
	}
}

/* Counters near 2^64 are absurd, but must not print a wrapped sum. */
static uint64_t tc_sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Whole percent, rounded down: 199 of 200 is 99%, not 100%. */
static unsigned int tc_percent(double share)
{
	return (unsigned int)(share * 100.0);
}

void tc_diag_finding(char *buf, size_t len, const struct tc_diag *d)
{
	int n;

	switch (d->kind) {
	case TC_DIAG_SERVER_CLOSES_FIRST:
		snprintf(buf, len,
			 "port %u: the server closes first: %" PRIu64
			 " of its %" PRIu64 " closes were active (%u%%), and it holds %" PRIu64
			 " sockets in TIME_WAIT",
			 d->port, d->active, tc_sat_add(d->active, d->passive),
			 tc_percent(d->share), d->time_wait);
		break;
	case TC_DIAG_CLOSE_WAIT:
		n = snprintf(buf, len,
			     "port %u: CLOSE_WAIT is accumulating on the %s side: %" PRIu64
			     " sockets whose peer closed, but the application has not called close()",
			     d->port, tc_role_names[d->role], d->close_wait);
		if (d->has_oldest && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n,
				      "; the oldest has waited %" PRIu64 " s",
				      d->oldest);
		if (d->has_untracked && d->untracked && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - n,
				 ", not counting %" PRIu64 " of unknown age (in CLOSE_WAIT"
				 " since before tcpclose was loaded, or not tracked)",
				 d->untracked);
		break;
	case TC_DIAG_TW_OVERFLOW:
		snprintf(buf, len,
			 "port %u: the kernel refused %" PRIu64
			 " TIME_WAIT sockets on the %s side because net.ipv4.tcp_max_tw_buckets"
			 " was reached: those connections were closed without TIME_WAIT protection",
			 d->port, d->tw_overflow, tc_role_names[d->role]);
		break;
	case TC_DIAG_FIN_WAIT2_TIMEOUTS:
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets timed out in FIN_WAIT2: this side"
			 " closed, but the peer never sent its FIN within net.ipv4.tcp_fin_timeout",
			 d->port, d->fin_wait2_timeouts, tc_role_names[d->role]);
		break;
	case TC_DIAG_PORT_RANGE:
		snprintf(buf, len,
			 "port %u: clients hold %" PRIu64
			 " sockets in TIME_WAIT towards this port, ratio %.3g of the %" PRIu64
			 " local ports %u-%u",
			 d->port, d->time_wait, d->ratio, d->range, d->lo,
			 d->hi);
		break;
	default:
		snprintf(buf, len, "port %u: ?", d->port);
	}
}

void tc_diag_short(char *buf, size_t len, const struct tc_diag *d)
{
	switch (d->kind) {
	case TC_DIAG_SERVER_CLOSES_FIRST:
		snprintf(buf, len,
			 "port %u: the server closes first (%" PRIu64 " TIME_WAIT)",
			 d->port, d->time_wait);
		break;
	case TC_DIAG_CLOSE_WAIT:
		if (d->has_oldest)
			snprintf(buf, len,
				 "port %u: %" PRIu64 " %s sockets in CLOSE_WAIT, the oldest for %" PRIu64
				 " s (close() missing?)",
				 d->port, d->close_wait, tc_role_names[d->role],
				 d->oldest);
		else
			snprintf(buf, len,
				 "port %u: %" PRIu64 " %s sockets in CLOSE_WAIT (close() missing?)",
				 d->port, d->close_wait, tc_role_names[d->role]);
		break;
	case TC_DIAG_PORT_RANGE:
		snprintf(buf, len,
			 "port %u: client TIME_WAIT holds %.3g of the local port range (%" PRIu64
			 " of %" PRIu64 ")",
			 d->port, d->ratio, d->time_wait, d->range);
		break;
	case TC_DIAG_TW_OVERFLOW:
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s TIME_WAIT sockets refused (tcp_max_tw_buckets reached)",
			 d->port, d->tw_overflow, tc_role_names[d->role]);
		break;
	case TC_DIAG_FIN_WAIT2_TIMEOUTS:
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets timed out in FIN_WAIT2 (the peer never closed)",
			 d->port, d->fin_wait2_timeouts, tc_role_names[d->role]);
		break;
	default:
		snprintf(buf, len, "port %u: ?", d->port);
	}
}

const char *tc_diag_advice(const struct tc_diag *d)
{
	switch (d->kind) {
	case TC_DIAG_SERVER_CLOSES_FIRST:
		return "Let the client close first (the TIME_WAIT then stays with it), "
		       "or use keep-alive so that fewer connections are closed.";
	case TC_DIAG_CLOSE_WAIT:
		return "Fix the missing close(): once read() returns 0 the peer is gone, "
		       "and the socket stays until the application closes it.";
	case TC_DIAG_PORT_RANGE:
		return "New connections to one address and port fail with EADDRNOTAVAIL "
		       "when the range runs out: use keep-alive or a connection pool, "
		       "widen net.ipv4.ip_local_port_range, or consider "
		       "net.ipv4.tcp_tw_reuse=1 (outgoing connections only).";
	case TC_DIAG_TW_OVERFLOW:
		return "Raise net.ipv4.tcp_max_tw_buckets (it is per network namespace), "
		       "or stop closing first on this side: let the peer close, or use "
		       "keep-alive, so that fewer TIME_WAIT sockets are needed.";
	case TC_DIAG_FIN_WAIT2_TIMEOUTS:
		return "The peer reads the end of the connection but never closes its side "
		       "(a CLOSE_WAIT leak there): fix its missing close(). Meanwhile each "
		       "such connection holds an orphan socket here for "
		       "net.ipv4.tcp_fin_timeout (60 s by default).";
	default:
		return "";
	}
}

void tc_print_summary(FILE *f, const struct tc_diag *d, size_t n)
{
	char buf[512];
	size_t i;

	if (!n) {
		fputs("No problems found.\n", f);
		return;
	}
	fprintf(f, "%zu finding%s (tcpclose --diagnose explains):\n", n,
		n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		tc_diag_short(buf, sizeof(buf), &d[i]);
		fprintf(f, "  %s\n", buf);
	}
}

void tc_print_diagnoses(FILE *f, const struct tc_diag *d, size_t n,
			size_t rows_checked, const struct tc_port_range *pr)
{
	char buf[512];
	size_t i;

	for (i = 0; i < n; i++) {
		tc_diag_finding(buf, sizeof(buf), &d[i]);
		fprintf(f, "%s.\n    %s\n", buf, tc_diag_advice(&d[i]));
	}
	if (!n)
		fprintf(f, "No problems found (%zu row%s checked).\n",
			rows_checked, rows_checked == 1 ? "" : "s");
	if (!pr->known)
		fputs("Note: net.ipv4.ip_local_port_range is unknown, so port "
		      "exhaustion was not checked (see --port-range).\n", f);
}
