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
 * The columns shown: the first module's eleven always (so that a file with
 * only the required columns keeps the layout, "-" in the absent ones), the
 * later ones with a heading when the file has them, except those that only
 * matter when not zero and are zero in every row shown.
 */
static size_t tc_shown_cols(const struct tc_table *t,
			    const struct tc_row *const *rows, size_t nrows,
			    int *cols)
{
	size_t n = 0, i;
	int c, any;

	for (c = 0; c < TC_NCOLS; c++) {
		if (!tc_cols[c].label || (!t->have[c] && c >= TC_NBASE))
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

	if (!t->have[c]) {
		snprintf(buf, TC_CELL, "-");	/* not measured, not zero */
	} else if (rt && tc_cols[c].counter) {
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

/* "127.0.0.1 -> 127.0.0.2:8000", "other destinations (not listed)". */
static void tc_diag_dest_name(char *buf, size_t len, const struct tc_diag *d)
{
	if (!d->family)
		snprintf(buf, len, "other destinations (not listed)");
	else if (d->family == 6)
		snprintf(buf, len, "%s -> [%s]:%u", d->local, d->remote, d->port);
	else
		snprintf(buf, len, "%s -> %s:%u", d->local, d->remote, d->port);
}

/* Seconds as people read them: 1.6 s, 45 s. */
static void tc_secs(char *buf, size_t len, double s)
{
	snprintf(buf, len, s < 10 ? "%.1f s" : "%.0f s", s);
}

static void tc_diag_dest_finding(char *buf, size_t len, const struct tc_diag *d)
{
	char name[128], rate[160], a[32], b[32], other[64];
	uint64_t rest;
	int n;

	tc_diag_dest_name(name, sizeof(name), d);
	if (!d->family) {
		snprintf(buf, len, "%s: %" PRIu64 " connect() failures for lack of a local port",
			 name, d->connect_failures);
		return;
	}
	/*
	 * Sockets neither in TIME_WAIT nor ESTABLISHED are mostly closing
	 * ones, CLOSE_WAIT above all: a leak, not churn (the table's row says).
	 */
	rest = d->in_use - d->time_wait - d->established;
	if (rest)
		snprintf(other, sizeof(other), ", %" PRIu64
			 " neither TIME_WAIT nor ESTABLISHED", rest);
	else
		other[0] = '\0';
	if (d->capacity)
		n = snprintf(buf, len, "%s: %" PRIu64 " of %" PRIu64 " local ports in use (%"
			     PRIu64 " in TIME_WAIT%s)", name, d->in_use, d->capacity,
			     d->time_wait, other);
	else
		n = snprintf(buf, len, "%s: %" PRIu64 " local ports in use (%" PRIu64
			     " in TIME_WAIT%s), capacity unknown", name, d->in_use,
			     d->time_wait, other);
	if (n > 0 && (size_t)n < len && d->connect_failures)
		n += snprintf(buf + n, len - n, ", %" PRIu64 " connect() failures",
			      d->connect_failures);
	if (n < 0 || (size_t)n >= len)
		return;
	if (d->exhausted) {
		snprintf(buf + n, len - n,
			 "; the range is exhausted: connect() to it fails with EADDRNOTAVAIL until a port is freed");
		return;
	}
	if (!d->has_eta)
		return;
	tc_secs(b, sizeof(b), d->rate_window);
	if (d->rate_from == TC_RATE_WATCH)
		snprintf(rate, sizeof(rate), "%.3g per second over the last %s",
			 d->conn_rate, b);
	else
		snprintf(rate, sizeof(rate),
			 "%.3g per second, the average since the counters started %s ago",
			 d->conn_rate, b);
	tc_secs(a, sizeof(a), d->eta_s);
	snprintf(buf + n, len - n,
		 "; at the current rate of new connections to port %u (%s) the range is exhausted in about %s",
		 d->port, rate, a);
}

static void tc_diag_local_finding(char *buf, size_t len, const struct tc_diag *d)
{
	int n;

	if (d->capacity)
		n = snprintf(buf, len, "local ports: %" PRIu64 " of the %" PRIu64
			     " local ports of the range are held by client sockets (%u%%), across all destinations",
			     d->local_ports_in_use, d->capacity,
			     tc_percent((double)d->local_ports_in_use / (double)d->capacity));
	else
		n = snprintf(buf, len, "local ports: %" PRIu64
			     " local ports of the range are held by client sockets, across all destinations",
			     d->local_ports_in_use);
	if (n > 0 && (size_t)n < len && d->bind_failures)
		n += snprintf(buf + n, len - n, ", and %" PRIu64 " bind() failures",
			      d->bind_failures);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n,
			 ": a bind() to port 0 (or before connect() without IP_BIND_ADDRESS_NO_PORT) needs a port that no socket holds, whatever the destination");
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
	case TC_DIAG_DEST_PORTS:
		tc_diag_dest_finding(buf, len, d);
		break;
	case TC_DIAG_LOCAL_PORTS:
		tc_diag_local_finding(buf, len, d);
		break;
	default:
		snprintf(buf, len, "port %u: ?", d->port);
	}
}

void tc_diag_short(char *buf, size_t len, const struct tc_diag *d)
{
	char name[128];
	int n;

	switch (d->kind) {
	case TC_DIAG_DEST_PORTS:
		tc_diag_dest_name(name, sizeof(name), d);
		if (!d->family)
			n = snprintf(buf, len, "%s: %" PRIu64 " connect() failures",
				     name, d->connect_failures);
		else if (d->capacity)
			n = snprintf(buf, len, "%s: %" PRIu64 " of %" PRIu64
				     " local ports in use (%u%%)", name, d->in_use,
				     d->capacity,
				     tc_percent((double)d->in_use / (double)d->capacity));
		else
			n = snprintf(buf, len, "%s: %" PRIu64 " local ports in use",
				     name, d->in_use);
		if (d->family && d->connect_failures && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - n, ", %" PRIu64 " connect() failures",
				 d->connect_failures);
		break;
	case TC_DIAG_LOCAL_PORTS:
		if (d->capacity)
			n = snprintf(buf, len, "local ports: %" PRIu64 " of %" PRIu64
				     " in use across destinations (%u%%)",
				     d->local_ports_in_use, d->capacity,
				     tc_percent((double)d->local_ports_in_use /
						(double)d->capacity));
		else
			n = snprintf(buf, len, "local ports: %" PRIu64
				     " in use across destinations",
				     d->local_ports_in_use);
		if (d->bind_failures && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - n, ", %" PRIu64 " bind() failures",
				 d->bind_failures);
		break;
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
	case TC_DIAG_DEST_PORTS:
		return "In this order: reuse connections (keep-alive, a connection pool); "
		       "where the protocol allows, let the server close first, so that "
		       "TIME_WAIT stays on its side; set net.ipv4.tcp_tw_reuse=1, so that "
		       "connect() may take over a TIME_WAIT port (outgoing connections only); "
		       "use more source addresses, each with a range of its own (clients that "
		       "bind() to one: set IP_BIND_ADDRESS_NO_PORT before bind()); widen "
		       "net.ipv4.ip_local_port_range.";
	case TC_DIAG_LOCAL_PORTS:
		return "Clients that bind() to a source address before connect(): set "
		       "IP_BIND_ADDRESS_NO_PORT before bind(), so that connect() picks the "
		       "port per destination and may share it. Then, as for a destination: "
		       "reuse connections, let the server close first, "
		       "net.ipv4.tcp_tw_reuse=1, widen net.ipv4.ip_local_port_range.";
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
	if (!pr->known && !pr->superseded)
		fputs("Note: net.ipv4.ip_local_port_range is unknown, so port "
		      "exhaustion was not checked (see --port-range).\n", f);
}

void tc_print_dest_note(FILE *f)
{
	fputs("Note: the destinations file gives no capacity, so only connect() "
	      "failures were checked (see --port-range).\n", f);
}
