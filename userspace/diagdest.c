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
#include <inttypes.h>
#include <stdio.h>
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
	dg->has_rate = 1;
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

/*
 * A destination near its capacity, or whose connect()s failed: a failure,
 * or a range used up (the next connect() fails), is critical.
 */
int tc_rule_dest_ports(const struct tc_dest_ctx *c,
		       const struct tc_thresholds *th,
		       const struct tc_dest_row *r, struct tc_diag *dg)
{
	uint64_t fails = r->v[TC_DC_CONNECT_FAILURES];

	/* other sums destinations: only its failures mean something. */
	if (!fails && (!r->family ||
		       !tc_dest_near(r->v[TC_DC_IN_USE], c->capacity,
				     th->exhaustion_ratio)))
		return 0;
	dg->family = r->family;
	strcpy(dg->local, r->local);
	strcpy(dg->remote, r->remote);
	dg->in_use = r->v[TC_DC_IN_USE];
	dg->time_wait = r->v[TC_DC_TIME_WAIT];
	dg->established = r->v[TC_DC_ESTABLISHED];
	dg->connect_failures = fails;
	dg->capacity = c->capacity;
	dg->has_capacity = c->capacity != 0;
	dg->exhausted = c->capacity && dg->in_use >= c->capacity;
	if (r->family)
		tc_dest_rate(c, r->port, dg);
	if (dg->exhausted) {	/* exhausted in 0 s */
		dg->has_eta = 1;
		dg->eta_s = 0;
	}
	if (fails || dg->exhausted)
		dg->severity = TC_SEV_CRITICAL;
	return 1;
}

/*
 * connect() takes even ports first and shares them between destinations,
 * bind() to port 0 takes odd ones first and needs a port of its own: with
 * connect() alone, the namespace's count reaches the ratio only when a
 * destination does, whose finding says it all. Any bind() failure is news,
 * and critical, as a range used up is.
 */
int tc_rule_local_ports(const struct tc_dest_ctx *c,
			const struct tc_thresholds *th,
			const struct tc_dest_row *r, struct tc_diag *dg)
{
	const struct tc_dest *d = c->d;
	uint64_t used = d->k[TC_DK_LOCAL_PORTS_IN_USE];
	uint64_t fails = d->k[TC_DK_BIND_FAILURES];
	size_t i;

	(void)r;
	if (!fails) {
		if (!d->have[TC_DK_LOCAL_PORTS_IN_USE] ||
		    !tc_dest_near(used, c->capacity, th->exhaustion_ratio))
			return 0;
		for (i = 0; i < d->nrows; i++)
			if (tc_dest_near(d->rows[i].v[TC_DC_IN_USE], c->capacity,
					 th->exhaustion_ratio))
				return 0;
	}
	dg->local_ports_in_use = used;
	dg->bind_failures = fails;
	dg->capacity = c->capacity;
	dg->has_capacity = c->capacity != 0;
	dg->exhausted = c->capacity && used >= c->capacity;
	if (fails || dg->exhausted)
		dg->severity = TC_SEV_CRITICAL;
	return 1;
}

/* "127.0.0.1 -> 127.0.0.2:8000", "other destinations (not listed)". */
static void tc_dest_name(char *buf, size_t len, const struct tc_diag *d)
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

static void tc_dest_finding(char *buf, size_t len, const struct tc_diag *d)
{
	char name[128], rate[160], a[32], b[32], other[64];
	uint64_t rest;
	int n;

	tc_dest_name(name, sizeof(name), d);
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

static void tc_dest_short(char *buf, size_t len, const struct tc_diag *d)
{
	char name[128];
	int n;

	tc_dest_name(name, sizeof(name), d);
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
}

void tc_text_dest_ports(char *buf, size_t len, const struct tc_diag *d, int full)
{
	if (full)
		tc_dest_finding(buf, len, d);
	else
		tc_dest_short(buf, len, d);
}

static void tc_local_finding(char *buf, size_t len, const struct tc_diag *d)
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

static void tc_local_short(char *buf, size_t len, const struct tc_diag *d)
{
	int n;

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
}

void tc_text_local_ports(char *buf, size_t len, const struct tc_diag *d,
			 int full)
{
	if (full)
		tc_local_finding(buf, len, d);
	else
		tc_local_short(buf, len, d);
}

size_t tc_diagnose_dest(const struct tc_dest_ctx *c, const struct tc_select *sel,
			const struct tc_thresholds *th, struct tc_diag *out)
{
	const struct tc_dest *d = c->d;
	size_t i, n = 0;

	for (i = 0; i < d->nrows; i++)
		if (tc_select_match_dest(sel, &d->rows[i]))
			n += tc_apply_dest(c, th, &d->rows[i], out + n);
	if (sel->port < 0 && sel->role != TC_SERVER) {
		n += tc_apply_dest(c, th, &d->other, out + n);
		n += tc_apply_dest(c, th, NULL, out + n);
	}
	tc_diag_sort(out, n);
	return n;
}
