/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contents of /proc/tcpclose_hist (format 1) as data, with no I/O:
 * per (port, role, phase), log2 histograms of close durations in
 * microseconds (README.md, "/proc/tcpclose_hist: how long closes take").
 */
#ifndef TCPCLOSE_HIST_H
#define TCPCLOSE_HIST_H

#include <stddef.h>
#include <stdint.h>
#include "table.h"

#define TC_HIST_FORMAT 1	/* the only major format version understood */

/* The "le" of the open-ended last bucket; no power of two is this. */
#define TC_HIST_INF UINT64_MAX

/*
 * The highest finite bound of the module's buckets (2^30 us, about 18
 * minutes): Prometheus gets every bound up to it for every series, so that
 * the set does not change from one scrape to the next.
 */
#define TC_HIST_TOP_EXP 30

#define TC_PHASE_MAX 24		/* longest phase name + 1 */

/* One "le:count" of the file: not cumulative. */
struct tc_hist_bucket {
	uint64_t le_us;		/* inclusive upper bound, a power of two, or TC_HIST_INF */
	uint64_t count;
};

struct tc_hist_row {
	unsigned int port;
	enum tc_role role;
	char phase[TC_PHASE_MAX];	/* fin_wait1, ..., last_ack, total */
	uint64_t count, sum_us;
	const struct tc_hist_bucket *b;	/* as listed: bounds increasing */
	size_t nb;
	size_t bidx;			/* parsing: b's index in buckets */
};

struct tc_hist {
	unsigned int format;	/* major version from "# tcpclose_hist N" */
	struct tc_kv *meta;	/* key=value pairs of the first line, in order */
	size_t nmeta;
	struct tc_hist_row *rows;	/* sorted by port, role, phase */
	size_t nrows;
	struct tc_hist_bucket *buckets;	/* every row's, one array */
	size_t nbuckets;
	struct tc_skips skips;	/* rows of an unknown role or phase */
};

/*
 * Parse LEN bytes into H. On failure H is empty and ERR holds a one-line
 * reason, e.g. "line 3: bucket 64 after 128: bounds must increase".
 */
enum tc_parse_err tc_hist_parse(struct tc_hist *h, const char *buf,
				size_t len, char *err, size_t errlen);
void tc_hist_free(struct tc_hist *h);

/* The value of a key of the first line, or NULL; as a number, 0 if not. */
const char *tc_hist_meta(const struct tc_hist *h, const char *key);
int tc_hist_meta_u64(const struct tc_hist *h, const char *key, uint64_t *out);

/* The module's phases in its order (unknown ones are skipped): sorting. */
int tc_hist_phase_rank(const char *phase);

/* Every duration counted in the row's buckets (Prometheus's +Inf bucket). */
uint64_t tc_hist_total(const struct tc_hist_row *r);
/* log2 of the highest finite bound listed in any row, or -1. */
int tc_hist_top_exp(const struct tc_hist *h);

#endif
