/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything tcpclose prints on stdout: the text table and diagnoses
 * (text.c), JSON (json.c) and the Prometheus exposition format (prom.c,
 * promhist.c for the histograms).
 * Pure functions of their arguments, writing to any FILE.
 */
#ifndef TCPCLOSE_OUTPUT_H
#define TCPCLOSE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include "dest.h"
#include "diagnose.h"
#include "hist.h"
#include "rate.h"
#include "select.h"
#include "table.h"

struct tc_dest_view;	/* below */

/* One line about the namespace, from the "# tcpclose" line's keys. */
void tc_print_meta(FILE *f, const struct tc_table *t);
/* --all-netns: "netns N: WHO, module ..." (WHO: pid, container, pod). */
void tc_print_meta_of(FILE *f, const struct tc_table *t, const char *who);

/*
 * The aligned table of ROWS. With RATES (indexed like t->rows), counters
 * are shown as per-second rates ("-" while unknown) instead of totals.
 */
void tc_print_table(FILE *f, const struct tc_table *t,
		    const struct tc_row *const *rows, size_t n,
		    const struct tc_rate *rates);

/*
 * The findings D[0..N), worst first (tc_diagnose's order), of which --top
 * (TOP, 0: all) limits how many are printed; the rest are counted.
 */
size_t tc_diag_shown(size_t n, uint64_t top);

/* The short summary under the table: one line per finding. */
void tc_print_summary(FILE *f, const struct tc_diag *d, size_t n, uint64_t top);

/* --diagnose: each finding with its numbers, then what to do. */
void tc_print_diagnoses(FILE *f, const struct tc_diag *d, size_t n,
			uint64_t top, size_t rows_checked,
			const struct tc_port_range *pr);

/* --check alone: "warning: ..." or "critical: ..." per finding, or nothing. */
void tc_print_check(FILE *f, const struct tc_diag *d, size_t n, uint64_t top);

/* After the findings: the destinations' capacity is unknown. */
void tc_print_dest_note(FILE *f);

/* The sentences, also used as JSON "finding", "summary" and "advice". */
void tc_diag_finding(char *buf, size_t len, const struct tc_diag *d);
void tc_diag_short(char *buf, size_t len, const struct tc_diag *d);
const char *tc_diag_advice(const struct tc_diag *d);

/*
 * H: the histograms (NULL when there are none: "histograms" is null), of
 * which the rows SEL's --port and --role match are printed; DV: the
 * destinations (NULL: "destinations" is null).
 */
void tc_print_json(FILE *f, const struct tc_table *t,
		   const struct tc_row *const *rows, size_t n,
		   const struct tc_diag *d, size_t nd,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr,
		   const struct tc_hist *h, const struct tc_select *sel,
		   const struct tc_dest_view *dv);
/*
 * The same document as an object without the final newline, with EXTRA
 * (keys and values, each followed by ",\n") first: --all-netns's
 * namespaces; of the findings D[0..ND), the first SHOWN (--top over all
 * namespaces).
 */
void tc_print_json_doc(FILE *f, const char *extra, const struct tc_table *t,
		       const struct tc_row *const *rows, size_t n,
		       const struct tc_diag *d, size_t nd, size_t shown,
		       const struct tc_thresholds *th,
		       const struct tc_port_range *pr,
		       const struct tc_hist *h, const struct tc_select *sel,
		       const struct tc_dest_view *dv);

/* One namespace: the whole exposition with its netns label. */
void tc_print_prom(FILE *f, const struct tc_table *t,
		   const struct tc_row *const *rows, size_t n,
		   const struct tc_hist *h, const struct tc_select *sel,
		   const struct tc_dest_view *dv);

/* One namespace's part of an exposition of several (--all-netns). */
struct tc_prom_ns {
	const struct tc_table *t;
	const struct tc_row *const *rows;	/* the rows shown, N of them */
	size_t n;
	const struct tc_hist *h;	/* NULL: no histograms */
	const char *labels;	/* netns="...",... escaped, on every series; or "" */
	const struct tc_dest_view *dv;	/* NULL: no destinations */
};

/*
 * tcpclose_up 1 (labelled UP_LABELS), then every family, each with the
 * samples of every namespace of NS in turn.
 */
void tc_print_prom_ns(FILE *f, const struct tc_prom_ns *ns, size_t nns,
		      const struct tc_select *sel, const char *up_labels);

/*
 * The module is not loaded: a comment saying WHY and tcpclose_up 0, so
 * that a textfile collector shows it down rather than keep stale numbers.
 */
void tc_print_prom_down(FILE *f, const char *labels, const char *why);

/* The histogram families of NS (promhist.c); of H alone, unlabelled. */
void tc_print_prom_hist_ns(FILE *f, const struct tc_prom_ns *ns, size_t nns,
			   const struct tc_select *sel);
void tc_print_prom_hist(FILE *f, const struct tc_hist *h,
			const struct tc_select *sel);

/* S as a JSON string, quoted and escaped (json.c). */
void tc_json_str(FILE *f, const char *s);
/*
 * --dest (destout.c): two lines from the "# tcpclose_dest" line's keys,
 * CAPACITY being what tc_dest_capacity() found (0: unknown), then the
 * aligned destinations of ROWS and other when it holds anything. With
 * RATES (tc_rate_dests), connect() failures per second.
 */
void tc_print_dest_meta(FILE *f, const struct tc_dest *d, uint64_t capacity,
			int has_uptime, double uptime);
void tc_print_dest_table(FILE *f, const struct tc_dest *d,
			 const struct tc_dest_row *const *rows, size_t n,
			 uint64_t capacity, const struct tc_dest_rate *rates);

/* The destinations as JSON and Prometheus show them. */
struct tc_dest_view {
	const struct tc_dest *d;
	const struct tc_dest_row *const *rows;	/* selected (tc_select_dests) */
	size_t n;
	uint64_t capacity;	/* tc_dest_capacity(); 0: unknown */
};

/* The JSON "destinations" object, or null without DV (json.c). */
void tc_print_dest_json(FILE *f, const struct tc_dest_view *dv);

/* The destination families, LABELS ("netns=..." or "") first (promdest.c). */
void tc_print_prom_dest(FILE *f, const struct tc_dest_view *dv,
			const char *labels);
/* The same for every namespace of NS that has destinations (its dv). */
void tc_print_prom_dest_ns(FILE *f, const struct tc_prom_ns *ns, size_t nns);

/* "# HELP" and "# TYPE" of a family, once (prom.c). */
void tc_prom_family(FILE *f, const char *name, const char *type,
		    const char *help);
/* NAME, then {A,B} of those not empty (label lists), or nothing. */
void tc_prom_name(FILE *f, const char *name, const char *a, const char *b);
/* S as a label value: backslash, double quote and newline escaped. */
void tc_prom_escape(char *buf, size_t len, const char *s);
/* A label value, escaped, written to F (prom.c). */
void tc_prom_label(FILE *f, const char *s);

#endif
