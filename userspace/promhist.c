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
static void tc_prom_hist_row(FILE *f, const char *name,
			     const struct tc_hist_row *r, int phase, int top)
{
	uint64_t cum = 0, total = tc_hist_total(r);
	char labels[96], num[32];
	size_t i = 0;
	int k;

	snprintf(labels, sizeof(labels), "port=\"%u\",role=\"%s\"%s%s%s",
		 r->port, tc_role_names[r->role], phase ? ",phase=\"" : "",
		 phase ? r->phase : "", phase ? "\"" : "");
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

static void tc_prom_hist_family(FILE *f, const struct tc_hist *h,
				const struct tc_select *sel, int total,
				int top)
{
	const char *name = total ? "tcpclose_close_duration_seconds" :
				   "tcpclose_close_phase_duration_seconds";
	size_t i;

	tc_prom_family(f, name, "histogram", total ?
		       "Time from the first FIN (either side) to CLOSED, TIME_WAIT not included." :
		       "Time spent in one closing state, by phase: fin_wait1, fin_wait2, close_wait, last_ack.");
	for (i = 0; i < h->nrows; i++) {
		const struct tc_hist_row *r = &h->rows[i];
		int is_total = !strcmp(r->phase, TC_HIST_TOTAL);

		if ((sel && !tc_select_match_hist(sel, r)) || is_total != total)
			continue;
		tc_prom_hist_row(f, name, r, !total, top);
	}
}

void tc_print_prom_hist(FILE *f, const struct tc_hist *h,
			const struct tc_select *sel)
{
	int top = tc_hist_top_exp(h);
	const char *t;
	uint64_t v;

	if (top < TC_HIST_TOP_EXP)
		top = TC_HIST_TOP_EXP;
	tc_prom_hist_family(f, h, sel, 1, top);
	tc_prom_hist_family(f, h, sel, 0, top);
	if (tc_hist_meta_u64(h, "untracked_closes", &v)) {
		tc_prom_family(f, "tcpclose_untracked_closes_total", "counter",
			       "Closes not timed because max_tracked closing sockets were already being timed.");
		fprintf(f, "tcpclose_untracked_closes_total %" PRIu64 "\n", v);
	}
	if (tc_hist_meta_u64(h, "max_tracked", &v)) {
		tc_prom_family(f, "tcpclose_max_tracked", "gauge",
			       "The max_tracked module parameter: closing sockets timed at once.");
		fprintf(f, "tcpclose_max_tracked %" PRIu64 "\n", v);
	}
	if ((t = tc_hist_meta(h, "timing"))) {
		tc_prom_family(f, "tcpclose_timing_enabled", "gauge",
			       "1 if closes are being timed (the timing module parameter).");
		fprintf(f, "tcpclose_timing_enabled %d\n", strcmp(t, "on") == 0);
	}
}
