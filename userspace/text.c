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

void tc_diag_finding(char *buf, size_t len, const struct tc_diag *d)
{
	tc_rules[d->kind].text(buf, len, d, 1);
}

void tc_diag_short(char *buf, size_t len, const struct tc_diag *d)
{
	tc_rules[d->kind].text(buf, len, d, 0);
}

const char *tc_diag_advice(const struct tc_diag *d)
{
	return tc_rules[d->kind].advice;
}

/* How many of N findings --top lets through (0: all). */
size_t tc_diag_shown(size_t n, uint64_t top)
{
	return top && n > top ? (size_t)top : n;
}

void tc_print_summary(FILE *f, const struct tc_diag *d, size_t n, uint64_t top)
{
	size_t i, shown = tc_diag_shown(n, top);
	char buf[512];

	if (!n) {
		fputs("No problems found.\n", f);
		return;
	}
	if (shown < n)
		fprintf(f, "%zu findings, the %zu worst shown (--top; tcpclose --diagnose explains):\n",
			n, shown);
	else
		fprintf(f, "%zu finding%s (tcpclose --diagnose explains):\n", n,
			n == 1 ? "" : "s");
	for (i = 0; i < shown; i++) {
		tc_diag_short(buf, sizeof(buf), &d[i]);
		fprintf(f, "  %s\n", buf);
	}
}

void tc_print_diagnoses(FILE *f, const struct tc_diag *d, size_t n,
			uint64_t top, size_t rows_checked,
			const struct tc_port_range *pr)
{
	size_t i, shown = tc_diag_shown(n, top);
	char buf[512];

	for (i = 0; i < shown; i++) {
		tc_diag_finding(buf, sizeof(buf), &d[i]);
		fprintf(f, "%s.\n    %s\n", buf, tc_diag_advice(&d[i]));
	}
	if (shown < n)
		fprintf(f, "%zu more finding%s, less severe or of later ports (--top %zu).\n",
			n - shown, n - shown == 1 ? "" : "s", shown);
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

void tc_print_check(FILE *f, const struct tc_diag *d, size_t n, uint64_t top)
{
	size_t i, shown = tc_diag_shown(n, top);
	char buf[512];

	for (i = 0; i < shown; i++) {
		tc_diag_short(buf, sizeof(buf), &d[i]);
		fprintf(f, "%s: %s\n", tc_severity_names[d[i].severity],
			buf);
	}
	if (shown < n)
		fprintf(f, "and %zu more finding%s (--top %zu)\n", n - shown,
			n - shown == 1 ? "" : "s", shown);
}
