// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnosis rules. Each one is a fact of the table compared with one
 * threshold, so that every sentence printed can quote its numbers.
 */
#include <string.h>
#include "diagnose.h"

const char *const tc_diag_names[TC_NDIAG_KINDS] = {
	[TC_DIAG_SERVER_CLOSES_FIRST] = "server_closes_first",
	[TC_DIAG_CLOSE_WAIT] = "close_wait",
	[TC_DIAG_PORT_RANGE] = "port_range",
	[TC_DIAG_TW_OVERFLOW] = "tw_overflow",
	[TC_DIAG_FIN_WAIT2_TIMEOUTS] = "fin_wait2_timeouts",
	[TC_DIAG_DEST_PORTS] = "destination_ports",
	[TC_DIAG_LOCAL_PORTS] = "local_ports",
};

/*
 * TIME_WAIT stays with whoever sent FIN first. A server holding it, and
 * closing actively more often than not, is the one to change. Without any
 * close counted (reset, reload) nobody can say who dominates: no finding.
 */
static int tc_rule_server_first(const struct tc_table *t,
				const struct tc_row *r,
				const struct tc_thresholds *th,
				const struct tc_port_range *pr, struct tc_diag *d)
{
	uint64_t a = r->v[TC_ACTIVE_CLOSES], p = r->v[TC_PASSIVE_CLOSES];

	(void)t;
	(void)pr;
	if (r->role != TC_SERVER || r->v[TC_TIME_WAIT] < th->min_time_wait ||
	    r->v[TC_TIME_WAIT] == 0 || a == 0)
		return 0;
	d->share = (double)a / ((double)a + (double)p);
	if (!(d->share > th->active_share))
		return 0;
	d->kind = TC_DIAG_SERVER_CLOSES_FIRST;
	d->time_wait = r->v[TC_TIME_WAIT];
	d->active = a;
	d->passive = p;
	return 1;
}

/*
 * A few sockets pass through CLOSE_WAIT on a busy, healthy server; many at
 * once, or one that is old, mean close() is missing. Either side can leak.
 */
static int tc_rule_close_wait(const struct tc_table *t, const struct tc_row *r,
			      const struct tc_thresholds *th,
			      const struct tc_port_range *pr, struct tc_diag *d)
{
	uint64_t cw = r->v[TC_CLOSE_WAIT];
	int has_oldest = t->have[TC_CLOSE_WAIT_OLDEST_S];
	uint64_t oldest = r->v[TC_CLOSE_WAIT_OLDEST_S];

	(void)pr;
	if (cw == 0 || (cw < th->min_close_wait &&
			!(has_oldest && oldest >= th->close_wait_age)))
		return 0;
	d->kind = TC_DIAG_CLOSE_WAIT;
	d->close_wait = cw;
	d->has_oldest = has_oldest;
	d->oldest = oldest;
	/* The age above leaves these out: they may well be the oldest. */
	d->has_untracked = t->have[TC_CLOSE_WAIT_UNTRACKED];
	d->untracked = r->v[TC_CLOSE_WAIT_UNTRACKED];
	return 1;
}

/*
 * Each client TIME_WAIT towards one destination holds a local port for
 * 60 s; connect() fails with EADDRNOTAVAIL once the range is used up.
 */
static int tc_rule_port_range(const struct tc_table *t, const struct tc_row *r,
			      const struct tc_thresholds *th,
			      const struct tc_port_range *pr, struct tc_diag *d)
{
	uint64_t range;

	(void)t;
	if (r->role != TC_CLIENT || !pr->known || pr->superseded || pr->hi < pr->lo ||
	    r->v[TC_TIME_WAIT] == 0)
		return 0;
	range = (uint64_t)pr->hi - pr->lo + 1;
	d->ratio = (double)r->v[TC_TIME_WAIT] / (double)range;
	if (!(d->ratio >= th->port_range_ratio))
		return 0;
	d->kind = TC_DIAG_PORT_RANGE;
	d->time_wait = r->v[TC_TIME_WAIT];
	d->lo = pr->lo;
	d->hi = pr->hi;
	d->range = range;
	return 1;
}

/*
 * Past net.ipv4.tcp_max_tw_buckets the kernel skips TIME_WAIT and closes at
 * once, so a late segment of an old connection can land in a new one on
 * the same 4-tuple. A host sized for its load never gets there: any refusal
 * is worth saying. (0 when the module lacks the column or the probe.)
 */
static int tc_rule_tw_overflow(const struct tc_table *t, const struct tc_row *r,
			       const struct tc_thresholds *th,
			       const struct tc_port_range *pr, struct tc_diag *d)
{
	(void)t;
	(void)th;
	(void)pr;
	if (r->v[TC_TW_OVERFLOW] == 0)
		return 0;
	d->kind = TC_DIAG_TW_OVERFLOW;
	d->tw_overflow = r->v[TC_TW_OVERFLOW];
	return 1;
}

/*
 * An orphan whose tcp_fin_timeout runs out in FIN_WAIT2 had a peer that read
 * our FIN and never closed its side: the peer's bug (a CLOSE_WAIT leak
 * there), and a socket held here for the whole timeout meanwhile.
 */
static int tc_rule_fin_wait2_timeouts(const struct tc_table *t,
				      const struct tc_row *r,
				      const struct tc_thresholds *th,
				      const struct tc_port_range *pr,
				      struct tc_diag *d)
{
	(void)t;
	(void)th;
	(void)pr;
	if (r->v[TC_FIN_WAIT2_TIMEOUTS] == 0)
		return 0;
	d->kind = TC_DIAG_FIN_WAIT2_TIMEOUTS;
	d->fin_wait2_timeouts = r->v[TC_FIN_WAIT2_TIMEOUTS];
	return 1;
}

typedef int (*tc_rule)(const struct tc_table *t, const struct tc_row *r,
		       const struct tc_thresholds *th,
		       const struct tc_port_range *pr, struct tc_diag *d);

/* In the order of enum tc_diag_kind: findings of one port keep it. */
static const tc_rule tc_rules[] = {
	tc_rule_server_first,
	tc_rule_close_wait,
	tc_rule_port_range,
	tc_rule_tw_overflow,
	tc_rule_fin_wait2_timeouts,
};

size_t tc_diagnose(const struct tc_table *t, const struct tc_select *sel,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr, struct tc_diag *out)
{
	size_t i, n = 0;
	int k;

	for (i = 0; i < t->nrows; i++) {
		const struct tc_row *r = &t->rows[i];

		/* "other" (port 0) sums many ports: no finding can name one. */
		if (!tc_select_match(sel, r) || r->port == 0)
			continue;
		for (k = 0; k < (int)(sizeof(tc_rules) / sizeof(tc_rules[0])); k++) {
			struct tc_diag *d = &out[n];

			memset(d, 0, sizeof(*d));
			d->port = r->port;
			d->role = r->role;
			n += tc_rules[k](t, r, th, pr, d);
		}
	}
	return n;
}
