// SPDX-License-Identifier: GPL-2.0
/*
 * Close-phase duration histograms: bucket arithmetic (pure, for KUnit),
 * lockless accumulation, and the text of /proc/tcpclose_hist.
 *
 * Counts are shared atomics rather than per-CPU: a (port, role)'s
 * histograms take 1.3 KiB once, not per CPU, and only a close that
 * completes a phase touches them.
 */
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/limits.h>
#include <net/tcp_states.h>
#include "hist.h"
#include "version.h"

const char *const tcpclose_phase_names[TCPCLOSE_NR_PHASES] = {
	[TCPCLOSE_PH_FIN_WAIT1] = "fin_wait1",
	[TCPCLOSE_PH_FIN_WAIT2] = "fin_wait2",
	[TCPCLOSE_PH_CLOSE_WAIT] = "close_wait",
	[TCPCLOSE_PH_LAST_ACK] = "last_ack",
	[TCPCLOSE_PH_TOTAL] = "total",
};

/* The inclusive upper bound of a bucket, U64_MAX for the last (+Inf). */
u64 tcpclose_hist_upper(unsigned int bucket)
{
	return bucket >= TCPCLOSE_HIST_BUCKETS - 1 ? U64_MAX : 1ULL << bucket;
}

void tcpclose_hist_read(struct tcpclose_hist *h, struct tcpclose_hist_row *row)
{
	unsigned int b;

	row->count = 0;
	row->sum_us = atomic64_read(&h->sum_us);
	for (b = 0; b < TCPCLOSE_HIST_BUCKETS; b++) {
		row->bucket[b] = atomic64_read(&h->bucket[b]);
		row->count += row->bucket[b];
	}
}

/* Reset: a close completing meanwhile may be counted in part. */
void tcpclose_hist_zero(struct tcpclose_hist *h)
{
	unsigned int b;

	atomic64_set(&h->sum_us, 0);
	for (b = 0; b < TCPCLOSE_HIST_BUCKETS; b++)
		atomic64_set(&h->bucket[b], 0);
}

int tcpclose_format_hist_comment(char *buf, size_t len, const struct tcpclose_summary *s)
{
	return scnprintf(buf, len,
			 "# tcpclose_hist %d version=%s netns=%llu unit=us buckets=log2 max_tracked=%u untracked_closes=%llu timing=%s netns_tracked=%u netns_max_tracked=%u since_boot_s=%llu\n",
			 TCPCLOSE_FORMAT_VERSION, TCPCLOSE_VERSION, s->netns,
			 s->max_tracked, s->untracked_closes, s->timing ? "on" : "off",
			 s->netns_tracked, s->netns_max_tracked, s->since_boot_s);
}

int tcpclose_format_hist_columns(char *buf, size_t len)
{
	return scnprintf(buf, len, "%5s %-6s %-10s %10s %14s %s\n", "port", "role", "phase",
			 "count", "sum_us", "buckets");
}

/*
 * Buckets are listed sparsely as "le:count", le being the bucket's
 * inclusive upper bound in microseconds ("inf" for the last), e.g.
 * "64:5 128:15": five closes took 33..64 us, fifteen 65..128 us.
 */
int tcpclose_format_hist_row(char *buf, size_t len, const struct tcpclose_hist_row *row)
{
	unsigned int b;
	size_t n;

	n = scnprintf(buf, len, "%5u %-6s %-10s %10llu %14llu", row->port,
		      tcpclose_role_names[row->role], tcpclose_phase_names[row->phase],
		      row->count, row->sum_us);
	for (b = 0; b < TCPCLOSE_HIST_BUCKETS; b++) {
		if (!row->bucket[b])
			continue;
		if (b == TCPCLOSE_HIST_BUCKETS - 1)
			n += scnprintf(buf + n, len - n, " inf:%llu", row->bucket[b]);
		else
			n += scnprintf(buf + n, len - n, " %llu:%llu", tcpclose_hist_upper(b),
				       row->bucket[b]);
	}
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

/* Adds @src into @dst: an evicted port's durations go to the "other" row. */
void tcpclose_hist_fold(struct tcpclose_hist *dst, struct tcpclose_hist *src)
{
	unsigned int b;

	atomic64_add(atomic64_read(&src->sum_us), &dst->sum_us);
	for (b = 0; b < TCPCLOSE_HIST_BUCKETS; b++)
		atomic64_add(atomic64_read(&src->bucket[b]), &dst->bucket[b]);
}
