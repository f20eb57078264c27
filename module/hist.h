/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_HIST_H
#define TCPCLOSE_HIST_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/minmax.h>
#include <net/tcp_states.h>
#include "tcpclose.h"

/*
 * log2 histograms of close-phase durations in microseconds. Bucket k
 * counts durations d with 2^(k-1) < d <= 2^k (bucket 0: d <= 1 us), so the
 * bucket's upper bound is exactly a Prometheus "le"; the last bucket is
 * open-ended (+Inf).
 */
#define TCPCLOSE_HIST_BUCKETS 32

/* Phases, in output order. */
enum tcpclose_phase {
	TCPCLOSE_PH_FIN_WAIT1,	/* our FIN sent, not yet acknowledged */
	TCPCLOSE_PH_FIN_WAIT2,	/* our FIN acknowledged, waiting for the peer's */
	TCPCLOSE_PH_CLOSE_WAIT,	/* the peer's FIN received, the application has not closed */
	TCPCLOSE_PH_LAST_ACK,	/* our FIN sent after the peer's, not yet acknowledged */
	TCPCLOSE_PH_TOTAL,	/* first FIN (either side) to CLOSE */
	TCPCLOSE_NR_PHASES
};

/* No count: it is the sum of the buckets, and one atomic less per close step. */
struct tcpclose_hist {
	atomic64_t sum_us;
	atomic64_t bucket[TCPCLOSE_HIST_BUCKETS];
};

/*
 * One (port, role)'s histograms, taken on its first measured close from
 * a pool that process context refills (pool.h): 1320 bytes, so
 * kmalloc-2k; a port seldom has closes in both roles.
 */
struct tcpclose_hists {
	struct tcpclose_hist h[TCPCLOSE_NR_PHASES];
};

/* A snapshot of one (port, role, phase) for output. */
struct tcpclose_hist_row {
	u16 port;
	u8 role;
	u8 phase;
	u64 count;
	u64 sum_us;
	u64 bucket[TCPCLOSE_HIST_BUCKETS];
};

extern const char *const tcpclose_phase_names[TCPCLOSE_NR_PHASES];

u64 tcpclose_hist_upper(unsigned int bucket);
void tcpclose_hist_read(struct tcpclose_hist *h, struct tcpclose_hist_row *row);
void tcpclose_hist_zero(struct tcpclose_hist *h);
void tcpclose_hist_fold(struct tcpclose_hist *dst, struct tcpclose_hist *src);

/* The bucket of a duration: inline, as the probe runs it per closing step. */
static inline unsigned int tcpclose_hist_bucket(u64 us)
{
	unsigned int b = us <= 1 ? 0 : fls64(us - 1);

	return min_t(unsigned int, b, TCPCLOSE_HIST_BUCKETS - 1);
}

/* The phase a socket leaving @state has spent time in, or -1. */
static inline int tcpclose_phase_of(int state)
{
	switch (state) {
	case TCP_FIN_WAIT1:
		return TCPCLOSE_PH_FIN_WAIT1;
	case TCP_FIN_WAIT2:
		return TCPCLOSE_PH_FIN_WAIT2;
	case TCP_CLOSE_WAIT:
		return TCPCLOSE_PH_CLOSE_WAIT;
	case TCP_LAST_ACK:
		return TCPCLOSE_PH_LAST_ACK;
	default:
		return -1;
	}
}

/* Lockless: two atomics, shared with other CPUs closing on the same port. */
static inline void tcpclose_hist_add(struct tcpclose_hist *h, u64 us)
{
	atomic64_inc(&h->bucket[tcpclose_hist_bucket(us)]);
	atomic64_add(us, &h->sum_us);
}

int tcpclose_format_hist_comment(char *buf, size_t len, const struct tcpclose_summary *s);
int tcpclose_format_hist_columns(char *buf, size_t len);
int tcpclose_format_hist_row(char *buf, size_t len, const struct tcpclose_hist_row *row);

#endif
