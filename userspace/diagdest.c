// SPDX-License-Identifier: GPL-2.0
/*
 * Local port exhaustion, judged per destination: the kernel lets a
 * connect() without bind() reuse a local port for another (local address,
 * remote address, remote port), so a destination runs out of ports when
 * its own sockets hold the capacity (ip_local_port_range less the reserved
 * ports), whatever the others do. A bind() to port 0 (and bind() before
 * connect() without IP_BIND_ADDRESS_NO_PORT) needs a port no socket holds:
 * that is the namespace-wide count.
 *
 * The capacity is the file's own (a saved copy carries its range), never
 * this machine's.
 */
#include <string.h>
#include "diagnose.h"

/*
 * New connections per second to PORT: the closes of its client row (every
 * connection closes once: active or passive; a simultaneous close is
 * already an active one), over the watch interval or since the counters
 * started. The row is the remote port's, all remote addresses together:
 * at worst an overestimate, so the time left is not overstated.
 */
static void tc_dest_rate(const struct tc_dest_ctx *c, unsigned int port,
			 struct tc_diag *dg)
{
	const struct tc_row *r;
	double rate;

	if (!c->t || c->window <= 0)
		return;
	r = tc_table_find(c->t, port, TC_CLIENT);
	if (!r)
		return;
	if (c->rates) {
		const struct tc_rate *rt = &c->rates[r - c->t->rows];

		if (!rt->known)
			return;
		rate = rt->r[TC_ACTIVE_CLOSES] + rt->r[TC_PASSIVE_CLOSES];
		dg->rate_from = TC_RATE_WATCH;
	} else {
		rate = ((double)r->v[TC_ACTIVE_CLOSES] +
			(double)r->v[TC_PASSIVE_CLOSES]) / c->window;
		dg->rate_from = TC_RATE_SINCE_START;
	}
	dg->conn_rate = rate;
	dg->rate_window = c->window;
	if (rate > 0 && !dg->exhausted && dg->capacity) {
		dg->has_eta = 1;
		dg->eta_s = (double)(dg->capacity - dg->in_use) / rate;
	}
}

/* in_use >= ratio * capacity, exactly for integers (no rounding at 0.8). */
static int tc_dest_near(uint64_t in_use, uint64_t capacity, double ratio)
{
	return capacity && (double)in_use >= ratio * (double)capacity;
}

static int tc_rule_dest(const struct tc_dest_ctx *c, const struct tc_dest_row *r,
			const struct tc_thresholds *th, struct tc_diag *dg)
{
	uint64_t fails = r->v[TC_DC_CONNECT_FAILURES];

	/* other sums destinations: only its failures mean something. */
	if (!fails && (!r->family ||
		       !tc_dest_near(r->v[TC_DC_IN_USE], c->capacity,
				     th->exhaustion_ratio)))
		return 0;
	memset(dg, 0, sizeof(*dg));
	dg->kind = TC_DIAG_DEST_PORTS;
	dg->role = TC_CLIENT;
	dg->port = r->port;
	dg->family = r->family;
	strcpy(dg->local, r->local);
	strcpy(dg->remote, r->remote);
	dg->in_use = r->v[TC_DC_IN_USE];
	dg->time_wait = r->v[TC_DC_TIME_WAIT];
	dg->established = r->v[TC_DC_ESTABLISHED];
	dg->connect_failures = fails;
	dg->capacity = c->capacity;
	dg->exhausted = c->capacity && dg->in_use >= c->capacity;
	if (r->family)
		tc_dest_rate(c, r->port, dg);
	return 1;
}

/*
 * connect() takes even ports first and shares them between destinations,
 * bind() to port 0 takes odd ones first and needs a port of its own: with
 * connect() alone, the namespace's count reaches the ratio only when a
 * destination does, whose finding says it all. Any bind() failure is news.
 */
static int tc_rule_local_ports(const struct tc_dest_ctx *c,
			       const struct tc_thresholds *th, struct tc_diag *dg)
{
	const struct tc_dest *d = c->d;
	uint64_t used = d->k[TC_DK_LOCAL_PORTS_IN_USE];
	uint64_t fails = d->k[TC_DK_BIND_FAILURES];
	size_t i;

	if (!fails) {
		if (!d->have[TC_DK_LOCAL_PORTS_IN_USE] ||
		    !tc_dest_near(used, c->capacity, th->exhaustion_ratio))
			return 0;
		for (i = 0; i < d->nrows; i++)
			if (tc_dest_near(d->rows[i].v[TC_DC_IN_USE], c->capacity,
					 th->exhaustion_ratio))
				return 0;
	}
	memset(dg, 0, sizeof(*dg));
	dg->kind = TC_DIAG_LOCAL_PORTS;
	dg->role = TC_CLIENT;
	dg->local_ports_in_use = used;
	dg->bind_failures = fails;
	dg->capacity = c->capacity;
	dg->exhausted = c->capacity && used >= c->capacity;
	return 1;
}

size_t tc_diagnose_dest(const struct tc_dest_ctx *c, const struct tc_select *sel,
			const struct tc_thresholds *th, struct tc_diag *out)
{
	const struct tc_dest *d = c->d;
	size_t i, n = 0;

	for (i = 0; i < d->nrows; i++)
		if (tc_select_match_dest(sel, &d->rows[i]))
			n += tc_rule_dest(c, &d->rows[i], th, &out[n]);
	if (sel->port < 0 && sel->role != TC_SERVER) {
		n += tc_rule_dest(c, &d->other, th, &out[n]);
		n += tc_rule_local_ports(c, th, &out[n]);
	}
	return n;
}
