// SPDX-License-Identifier: GPL-2.0
/*
 * The histograms of /proc/tcpclose_hist as Prometheus histograms.
 *
 * Two families, because Prometheus wants a sum over any label of a family
 * to mean something: tcpclose_close_phase_duration_seconds{phase} adds up
 * to the time spent in closing states, but adding the "total" phase to it
 * would count every close twice, so the whole close has its own family,
 * tcpclose_close_duration_seconds.
 *
 * The file lists non-empty buckets only and does not accumulate; here each
 * series gets every power-of-two bound from 1 us to 2^30 us (further if a
 * file has higher ones), cumulative, then +Inf. A fixed set keeps rate()
 * and histogram_quantile() right: a bound that appeared only once a
 * duration reached it would miss the increase that created it, and series
 * of different bounds cannot be summed by le.
 *
 * Seconds are printed exactly, in decimal, from integer microseconds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

#define TC_HIST_TOTAL "total"

/* US microseconds in seconds, exactly: "0.000128", "1.5", "3". */
static void tc_prom_seconds(char *buf, size_t len, uint64_t us)
{
	int n = snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000,
			 us % 1000000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* One series: its bounds 2^0 .. 2^TOP us, +Inf, _sum and _count. */
static void tc_prom_hist_row(FILE *f, const char *name, const char *nslabels,
			     const struct tc_hist_row *r, int phase, int top)
{
	uint64_t cum = 0, total = tc_hist_total(r);
	char labels[512], num[32];
	size_t i = 0;
	int k;

	snprintf(labels, sizeof(labels), "%s%sport=\"%u\",role=\"%s\"%s%s%s",
		 nslabels, *nslabels ? "," : "", r->port, tc_role_names[r->role],
		 phase ? ",phase=\"" : "", phase ? r->phase : "", phase ? "\"" : "");
	for (k = 0; k <= top; k++) {
		uint64_t le = 1ULL << k;

		while (i < r->nb && r->b[i].le_us <= le)
			cum += r->b[i++].count;
		tc_prom_seconds(num, sizeof(num), le);
		fprintf(f, "%s_bucket{%s,le=\"%s\"} %" PRIu64 "\n", name,
			labels, num, cum);
	}
	/*
	 * _count is the +Inf bucket, as Prometheus requires; the file's count
	 * is read apart from its buckets, and closes completing meanwhile can
	 * be in one and not the other.
	 */
	fprintf(f, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels,
		total);
	tc_prom_seconds(num, sizeof(num), r->sum_us);
	fprintf(f, "%s_sum{%s} %s\n", name, labels, num);
	fprintf(f, "%s_count{%s} %" PRIu64 "\n", name, labels, total);
}

/*
 * The rows of one family, namespace by namespace; with --top, only the
 * histograms of the table rows shown (KEYS[j] for namespace j).
 */
static void tc_prom_hist_family(FILE *f, const struct tc_prom_ns *ns,
				size_t nns, unsigned char **keys,
				const struct tc_select *sel, int total, int top)
{
	const char *name = total ? "tcpclose_close_duration_seconds" :
				   "tcpclose_close_phase_duration_seconds";
	size_t i, j;

	tc_prom_family(f, name, "histogram", total ?
		       "Time from the first FIN (either side) to CLOSED, TIME_WAIT not included." :
		       "Time spent in one closing state, by phase: fin_wait1, fin_wait2, close_wait, last_ack.");
	for (j = 0; j < nns; j++) {
		const struct tc_hist *h = ns[j].h;

		for (i = 0; h && i < h->nrows; i++) {
			const struct tc_hist_row *r = &h->rows[i];
			int is_total = !strcmp(r->phase, TC_HIST_TOTAL);

			if (is_total != total ||
			    !tc_select_hist_shown(sel, keys ? keys[j] : NULL, r))
				continue;
			tc_prom_hist_row(f, name, ns[j].labels, r, !total, top);
		}
	}
}

/* A number of the histogram file's first line, one sample per namespace. */
static void tc_prom_hist_meta(FILE *f, const struct tc_prom_ns *ns, size_t nns,
			      const char *key, const char *metric,
			      const char *type, const char *help)
{
	size_t j;
	int any = 0;
	uint64_t v;

	for (j = 0; j < nns; j++) {
		if (!ns[j].h || !tc_hist_meta_u64(ns[j].h, key, &v))
			continue;
		if (!any++)
			tc_prom_family(f, metric, type, help);
		tc_prom_name(f, metric, ns[j].labels, "");
		fprintf(f, " %" PRIu64 "\n", v);
	}
}

void tc_print_prom_hist_ns(FILE *f, const struct tc_prom_ns *ns, size_t nns,
			   const struct tc_select *sel)
{
	unsigned char **keys = NULL;
	int top = TC_HIST_TOP_EXP, any = 0;
	const char *t;
	size_t j;

	for (j = 0; j < nns; j++) {
		if (!ns[j].h)
			continue;
		any = 1;
		if (tc_hist_top_exp(ns[j].h) > top)
			top = tc_hist_top_exp(ns[j].h);
	}
	if (!any)
		return;
	if (sel && sel->top)
		keys = calloc(nns, sizeof(*keys));
	for (j = 0; keys && j < nns; j++)
		keys[j] = tc_select_keys(sel, ns[j].rows, ns[j].n);
	tc_prom_hist_family(f, ns, nns, keys, sel, 1, top);
	tc_prom_hist_family(f, ns, nns, keys, sel, 0, top);
	for (j = 0; keys && j < nns; j++)
		free(keys[j]);
	free(keys);
	tc_prom_hist_meta(f, ns, nns, "untracked_closes", "tcpclose_untracked_closes_total",
			  "counter", "Closes not timed because max_tracked closing sockets were already being timed.");
	tc_prom_hist_meta(f, ns, nns, "max_tracked", "tcpclose_max_tracked", "gauge",
			  "The max_tracked module parameter: closing sockets timed at once.");
	for (j = 0, any = 0; j < nns; j++) {
		if (!ns[j].h || !(t = tc_hist_meta(ns[j].h, "timing")))
			continue;
		if (!any++)
			tc_prom_family(f, "tcpclose_timing_enabled", "gauge",
				       "1 if closes are being timed (the timing module parameter).");
		tc_prom_name(f, "tcpclose_timing_enabled", ns[j].labels, "");
		fprintf(f, " %d\n", strcmp(t, "on") == 0);
	}
}

void tc_print_prom_hist(FILE *f, const struct tc_hist *h,
			const struct tc_select *sel)
{
	struct tc_prom_ns ns = { .h = h, .labels = "" };

	tc_print_prom_hist_ns(f, &ns, 1, sel);
}
