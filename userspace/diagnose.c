// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnosis rules: one table, a row per finding. Each condition compares
 * facts of the table with thresholds chosen so that a healthy server or
 * client says nothing (tcpclose(8) gives the reason for each), and every
 * sentence quotes the numbers it rests on.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagnose.h"
#include "rate.h"

const char *const tc_severity_names[] = {
	[TC_SEV_NONE] = "none",
	[TC_SEV_WARNING] = "warning",
	[TC_SEV_CRITICAL] = "critical",
};

struct tc_diag_ctx {
	const struct tc_table *t;
	const struct tc_thresholds *th;
	const struct tc_port_range *pr;
	const struct tc_window *w;
};

/*
 * A counter over the window: under --watch its change since the previous
 * snapshot (tc_rate_delta()), else its total since counting started.
 */
static uint64_t tc_win(const struct tc_diag_ctx *c, const struct tc_row *r,
		       int col)
{
	return tc_rate_delta(c->w->prev, c->t, c->w->reset, r, col);
}

/* Counters near 2^64 are absurd, but must not print a wrapped sum. */
static uint64_t tc_sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Whole percent, rounded down: 199 of 200 is 99%, not 100%. */
unsigned int tc_percent(double share)
{
	return (unsigned int)(share * 100.0);
}

/* "in the last 5 s" or "since counting started". */
static void tc_span(char *buf, size_t len, const struct tc_diag *d)
{
	/* A fresh namespace's span can be under a second: no "0 s". */
	if (d->has_window)
		snprintf(buf, len, d->window_s < 10 ? "in the last %.1f s" :
			 "in the last %.0f s", d->window_s);
	else
		snprintf(buf, len, "since counting started");
}

/*
 * CLOSE_WAIT: the peer closed, the application has not. A few sockets pass
 * through it on a busy, healthy server; many at once, or one that is old,
 * mean close() is missing, and a leak only grows (file descriptors,
 * memory): critical. Either side can leak.
 */
static int tc_rule_close_wait(const struct tc_diag_ctx *c,
			      const struct tc_row *r, struct tc_diag *d)
{
	uint64_t cw = r->v[TC_CLOSE_WAIT];
	int has_oldest = c->t->have[TC_CLOSE_WAIT_OLDEST_S];
	uint64_t oldest = r->v[TC_CLOSE_WAIT_OLDEST_S];

	if (cw == 0 || (cw < c->th->min_close_wait &&
			!(has_oldest && oldest >= c->th->close_wait_age)))
		return 0;
	d->close_wait = cw;
	d->has_oldest = has_oldest;
	d->oldest = oldest;
	/* The age above leaves these out: they may well be the oldest. */
	d->has_untracked = c->t->have[TC_CLOSE_WAIT_UNTRACKED];
	d->untracked = r->v[TC_CLOSE_WAIT_UNTRACKED];
	return 1;
}

static void tc_text_close_wait(char *buf, size_t len, const struct tc_diag *d,
			       int full)
{
	int n;

	if (!full && d->has_oldest) {
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets in CLOSE_WAIT, the oldest for %" PRIu64
			 " s (close() missing?)",
			 d->port, d->close_wait, tc_role_names[d->role], d->oldest);
		return;
	}
	if (!full) {
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets in CLOSE_WAIT (close() missing?)",
			 d->port, d->close_wait, tc_role_names[d->role]);
		return;
	}
	n = snprintf(buf, len,
		     "port %u: CLOSE_WAIT is accumulating on the %s side: %" PRIu64
		     " sockets whose peer closed, but the application has not called close()",
		     d->port, tc_role_names[d->role], d->close_wait);
	if (d->has_oldest && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, "; the oldest has waited %" PRIu64 " s",
			      d->oldest);
	if (d->has_untracked && d->untracked && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n,
			 ", not counting %" PRIu64 " of unknown age (in CLOSE_WAIT"
			 " since before tcpclose was loaded, or not tracked)",
			 d->untracked);
}

/*
 * Past net.ipv4.tcp_max_tw_buckets the kernel skips TIME_WAIT and closes at
 * once, so a late segment of an old connection can land in a new one on
 * the same 4-tuple: happening now, critical. A host sized for its load never
 * gets there, so any refusal in the window is worth saying.
 */
static int tc_rule_tw_overflow(const struct tc_diag_ctx *c,
			       const struct tc_row *r, struct tc_diag *d)
{
	if (!c->t->have[TC_TW_OVERFLOW])
		return 0;
	d->tw_overflow = tc_win(c, r, TC_TW_OVERFLOW);
	return d->tw_overflow != 0;
}

static void tc_text_tw_overflow(char *buf, size_t len, const struct tc_diag *d,
				int full)
{
	if (full)
		snprintf(buf, len,
			 "port %u: the kernel refused %" PRIu64
			 " TIME_WAIT sockets on the %s side because net.ipv4.tcp_max_tw_buckets"
			 " was reached: those connections were closed without TIME_WAIT protection",
			 d->port, d->tw_overflow, tc_role_names[d->role]);
	else
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s TIME_WAIT sockets refused (tcp_max_tw_buckets reached)",
			 d->port, d->tw_overflow, tc_role_names[d->role]);
}

/*
 * TIME_WAIT stays with whoever sent FIN first. A server's costs memory and
 * a tcp_max_tw_buckets slot each, which matters by the hundreds, not for
 * the idle keep-alive connections every server closes. The TIME_WAIT count
 * is itself recent (each lasts 60 s); the share of active closes is taken
 * over the window, so that a bad hour long ago is not reported forever
 * under --watch. Without a close counted (reset, reload) nobody can say
 * who dominates: no finding.
 */
static int tc_rule_server_first(const struct tc_diag_ctx *c,
				const struct tc_row *r, struct tc_diag *d)
{
	uint64_t a = tc_win(c, r, TC_ACTIVE_CLOSES), p = tc_win(c, r, TC_PASSIVE_CLOSES);

	/* A quiet interval says nothing about who closes: the totals do. */
	if (a == 0 && p == 0) {
		a = r->v[TC_ACTIVE_CLOSES];
		p = r->v[TC_PASSIVE_CLOSES];
	}
	if (r->role != TC_SERVER || r->v[TC_TIME_WAIT] < c->th->min_time_wait ||
	    r->v[TC_TIME_WAIT] == 0 || a == 0)
		return 0;
	d->share = (double)a / ((double)a + (double)p);
	if (!(d->share > c->th->active_share))
		return 0;
	d->time_wait = r->v[TC_TIME_WAIT];
	d->active = a;
	d->passive = p;
	return 1;
}

static void tc_text_server_first(char *buf, size_t len, const struct tc_diag *d,
				 int full)
{
	if (full)
		snprintf(buf, len,
			 "port %u: the server closes first: %" PRIu64
			 " of its %" PRIu64 " closes were active (%u%%), and it holds %" PRIu64
			 " sockets in TIME_WAIT",
			 d->port, d->active, tc_sat_add(d->active, d->passive),
			 tc_percent(d->share), d->time_wait);
	else
		snprintf(buf, len, "port %u: the server closes first (%" PRIu64 " TIME_WAIT)",
			 d->port, d->time_wait);
}

/*
 * Each client TIME_WAIT towards one destination holds a local port for
 * 60 s; connect() fails with EADDRNOTAVAIL once the range is used up.
 * For a table without destinations (/proc/tcpclose_dest): theirs judge
 * instead (diagdest.c).
 */
static int tc_rule_port_range(const struct tc_diag_ctx *c,
			      const struct tc_row *r, struct tc_diag *d)
{
	const struct tc_port_range *pr = c->pr;
	uint64_t range;

	if (r->role != TC_CLIENT || !pr->known || pr->superseded || pr->hi < pr->lo ||
	    r->v[TC_TIME_WAIT] == 0)
		return 0;
	range = (uint64_t)pr->hi - pr->lo + 1;
	d->ratio = (double)r->v[TC_TIME_WAIT] / (double)range;
	if (!(d->ratio >= c->th->port_range_ratio))
		return 0;
	d->time_wait = r->v[TC_TIME_WAIT];
	d->lohi[0] = pr->lo;
	d->lohi[1] = pr->hi;
	d->range = range;
	return 1;
}

static void tc_text_port_range(char *buf, size_t len, const struct tc_diag *d,
			       int full)
{
	if (full)
		snprintf(buf, len,
			 "port %u: clients hold %" PRIu64
			 " sockets in TIME_WAIT towards this port, ratio %.3g of the %" PRIu64
			 " local ports %u-%u",
			 d->port, d->time_wait, d->ratio, d->range, d->lohi[0], d->lohi[1]);
	else
		snprintf(buf, len,
			 "port %u: client TIME_WAIT holds %.3g of the local port range (%" PRIu64
			 " of %" PRIu64 ")",
			 d->port, d->ratio, d->time_wait, d->range);
}

/*
 * An orphan whose tcp_fin_timeout runs out in FIN_WAIT2 had a peer that read
 * our FIN and never closed its side: the peer's bug (a CLOSE_WAIT leak
 * there), and a socket held here for the whole timeout meanwhile.
 */
static int tc_rule_fin_wait2_timeouts(const struct tc_diag_ctx *c,
				      const struct tc_row *r, struct tc_diag *d)
{
	if (!c->t->have[TC_FIN_WAIT2_TIMEOUTS])
		return 0;
	d->fin_wait2_timeouts = tc_win(c, r, TC_FIN_WAIT2_TIMEOUTS);
	return d->fin_wait2_timeouts != 0;
}

static void tc_text_fin_wait2_timeouts(char *buf, size_t len,
				       const struct tc_diag *d, int full)
{
	if (full)
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets timed out in FIN_WAIT2: this side"
			 " closed, but the peer never sent its FIN within net.ipv4.tcp_fin_timeout",
			 d->port, d->fin_wait2_timeouts, tc_role_names[d->role]);
	else
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets timed out in FIN_WAIT2 (the peer never closed)",
			 d->port, d->fin_wait2_timeouts, tc_role_names[d->role]);
}

/*
 * Resets: any service sees some (a crashed client, a mobile peer gone, a
 * keepalive timeout), and clients that abort on purpose (SO_LINGER 0)
 * cause them by design. A pile is both many (--min-resets) and steady
 * (--reset-rate per second over the window, when its length is known).
 */
static int tc_rule_resets(const struct tc_diag_ctx *c, const struct tc_row *r,
			  struct tc_diag *d)
{
	d->resets = tc_win(c, r, TC_RESETS);
	if (d->resets == 0 || d->resets < c->th->min_resets)
		return 0;
	d->has_window = c->w->seconds > 0;
	if (d->has_window) {
		d->window_s = c->w->seconds;
		d->rate = (double)d->resets / d->window_s;
		if (!(d->rate >= c->th->reset_rate))
			return 0;
	}
	return 1;
}

static void tc_text_resets(char *buf, size_t len, const struct tc_diag *d,
			   int full)
{
	char span[64], rate[48] = "";

	tc_span(span, sizeof(span), d);
	if (d->has_window)
		snprintf(rate, sizeof(rate), ", %.1f per second", d->rate);
	if (full)
		snprintf(buf, len,
			 "port %u: connections keep ending in resets on the %s side: %" PRIu64
			 " %s%s, by an RST received or the kernel giving up on the peer"
			 " (retransmission or keepalive timeout)",
			 d->port, tc_role_names[d->role], d->resets, span, rate);
	else
		snprintf(buf, len, "port %u: %" PRIu64 " %s resets %s%s", d->port,
			 d->resets, tc_role_names[d->role], span, rate);
}

/*
 * LAST_ACK lasts one round trip: our FIN after the peer's, until its ACK.
 * By Little's law a server needs 1000 passive closes per second at 100 ms
 * to hold 100 in passing; more are FINs nobody acknowledges (a peer or a
 * middlebox that forgot the connection), each an orphan retransmitted
 * until tcp_orphan_retries runs out.
 */
static int tc_rule_last_ack(const struct tc_diag_ctx *c, const struct tc_row *r,
			    struct tc_diag *d)
{
	if (!c->t->have[TC_LAST_ACK])
		return 0;
	d->last_ack = r->v[TC_LAST_ACK];
	return d->last_ack != 0 && d->last_ack >= c->th->min_last_ack;
}

static void tc_text_last_ack(char *buf, size_t len, const struct tc_diag *d,
			     int full)
{
	if (full)
		snprintf(buf, len,
			 "port %u: LAST_ACK is piling up on the %s side: %" PRIu64
			 " sockets sent their FIN after the peer's and still wait for its"
			 " acknowledgement, which takes one round trip",
			 d->port, tc_role_names[d->role], d->last_ack);
	else
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets in LAST_ACK (the peer does not acknowledge our FIN)",
			 d->port, d->last_ack, tc_role_names[d->role]);
}

/*
 * CLOSE_WAIT sockets tcpclose could not time (they entered it before it was
 * loaded, or max_tracked closes were being timed) and that the CLOSE_WAIT
 * rule did not report: possibly a leak it cannot see. Once counting has
 * run for --close-wait-age, those from before it are at least that old;
 * sooner, a busy server's sockets in passing: nothing to say.
 */
static int tc_rule_cw_unknown_age(const struct tc_diag_ctx *c,
				  const struct tc_row *r, struct tc_diag *d)
{
	struct tc_diag cw;

	if (!c->t->have[TC_CLOSE_WAIT_UNTRACKED] ||
	    r->v[TC_CLOSE_WAIT_UNTRACKED] == 0 || tc_rule_close_wait(c, r, &cw))
		return 0;
	d->has_age = c->w->age >= 0;
	d->age_s = c->w->age;
	if (d->has_age && d->age_s < (double)c->th->close_wait_age)
		return 0;
	d->untracked = r->v[TC_CLOSE_WAIT_UNTRACKED];
	d->has_untracked = 1;
	return 1;
}

static void tc_text_cw_unknown_age(char *buf, size_t len,
				   const struct tc_diag *d, int full)
{
	char since[96];

	if (d->has_age)
		snprintf(since, sizeof(since), "before counting started %.0f s ago",
			 d->age_s);
	else
		snprintf(since, sizeof(since), "before tcpclose was loaded");
	if (full)
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets are in CLOSE_WAIT and tcpclose cannot"
			 " tell their age: they entered it %s, or were not tracked"
			 " (max_tracked closes were being timed)",
			 d->port, d->untracked, tc_role_names[d->role], since);
	else if (d->has_age)
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets in CLOSE_WAIT of unknown age (at least %.0f s, or not tracked)",
			 d->port, d->untracked, tc_role_names[d->role], d->age_s);
	else
		snprintf(buf, len,
			 "port %u: %" PRIu64 " %s sockets in CLOSE_WAIT of unknown age (older than tcpclose, or not tracked)",
			 d->port, d->untracked, tc_role_names[d->role]);
}

/*
 * Partly blind: the namespace's numbers are incomplete, so a problem may
 * go unreported. Events dropped and live sockets untracked (memory was
 * short, or a burst of new ports emptied the pool), or closes and sockets
 * of ports without a row ("other", port 0: the table held max_ports
 * entries), which no finding can name. Timewait events of "other" alone
 * are not counted: TIME_WAIT sockets older than the module land there.
 */
static int tc_rule_partly_blind(const struct tc_diag_ctx *c,
				const struct tc_row *r, struct tc_diag *d)
{
	size_t i;
	int col;

	(void)r;
	d->has_dropped = tc_table_meta_u64(c->t, "dropped", &d->dropped);
	d->has_untracked_socks = tc_table_meta_u64(c->t, "untracked",
						   &d->untracked_socks);
	for (i = 0; i < c->t->nrows && c->t->rows[i].port == 0; i++) {
		const struct tc_row *o = &c->t->rows[i];

		for (col = 0; col < TC_NBASE; col++)
			if (col == TC_SIMULTANEOUS_CLOSES)
				continue;	/* also counted as active */
			else if (col <= TC_RESETS)
				d->other_closes = tc_sat_add(d->other_closes, o->v[col]);
			else
				d->other_sockets = tc_sat_add(d->other_sockets, o->v[col]);
		d->other_closes = tc_sat_add(d->other_closes, o->v[TC_LOCAL_ABORTS]);
	}
	return (d->has_dropped && d->dropped) ||
	       (d->has_untracked_socks && d->untracked_socks) ||
	       d->other_closes || d->other_sockets;
}

static void tc_text_partly_blind(char *buf, size_t len, const struct tc_diag *d,
				 int full)
{
	char parts[3][96];
	int n = 0, i, w;

	if (d->has_dropped && d->dropped)
		snprintf(parts[n++], sizeof(parts[0]), "%" PRIu64 " events dropped",
			 d->dropped);
	if (d->has_untracked_socks && d->untracked_socks)
		snprintf(parts[n++], sizeof(parts[0]), "%" PRIu64 " live sockets untracked",
			 d->untracked_socks);
	if (d->other_closes || d->other_sockets)
		snprintf(parts[n++], sizeof(parts[0]),
			 "%" PRIu64 " closes and %" PRIu64 " live sockets on ports without a row (other)",
			 d->other_closes, d->other_sockets);
	w = snprintf(buf, len, "this namespace: tcpclose is partly blind: ");
	for (i = 0; i < n && w > 0 && (size_t)w < len; i++)
		w += snprintf(buf + w, len - w, "%s%s", i ? ", " : "", parts[i]);
	if (full && w > 0 && (size_t)w < len)
		snprintf(buf + w, len - w, "; findings may miss the ports concerned");
}

#define TC_FIELD(k, t, f) { k, t, offsetof(struct tc_diag, f), TC_F_ALWAYS }
#define TC_FIELD_OR_NULL(k, t, f, h) \
	{ k, t, offsetof(struct tc_diag, f), offsetof(struct tc_diag, h) }
#define TC_FIELD_NAME_OR_NULL(k, names, f, h) { k, TC_F_NAME, \
	offsetof(struct tc_diag, f), offsetof(struct tc_diag, h), names }

const char *const tc_rate_from_names[] = {
	[TC_RATE_NONE] = NULL, [TC_RATE_WATCH] = "watch",
	[TC_RATE_SINCE_START] = "since_start",
};

const struct tc_rule tc_rules[TC_NDIAG_KINDS] = {
	[TC_DIAG_CLOSE_WAIT] = {
		.name = "close_wait", .severity = TC_SEV_CRITICAL, .of = TC_OF_ROW,
		.match = tc_rule_close_wait, .text = tc_text_close_wait,
		.advice =
		"Fix the missing close(): once read() returns 0 the peer is gone, "
		"and the socket stays until the application closes it.",
		.fields = {
			TC_FIELD("close_wait", TC_F_U64, close_wait),
			TC_FIELD_OR_NULL("close_wait_oldest_s", TC_F_U64, oldest, has_oldest),
			TC_FIELD_OR_NULL("close_wait_untracked", TC_F_U64, untracked, has_untracked),
		},
	},
	[TC_DIAG_TW_OVERFLOW] = {
		.name = "tw_overflow", .severity = TC_SEV_CRITICAL, .of = TC_OF_ROW,
		.match = tc_rule_tw_overflow, .text = tc_text_tw_overflow,
		.advice =
		"Raise net.ipv4.tcp_max_tw_buckets (it is per network namespace), "
		"or stop closing first on this side: let the peer close, or use "
		"keep-alive, so that fewer TIME_WAIT sockets are needed.",
		.fields = {
			TC_FIELD("tw_overflow", TC_F_U64, tw_overflow),
		},
	},
	[TC_DIAG_SERVER_CLOSES_FIRST] = {
		.name = "server_closes_first", .severity = TC_SEV_WARNING, .of = TC_OF_ROW,
		.match = tc_rule_server_first, .text = tc_text_server_first,
		.advice =
		"Let the client close first (the TIME_WAIT then stays with it), "
		"or use keep-alive so that fewer connections are closed.",
		.fields = {
			TC_FIELD("time_wait", TC_F_U64, time_wait),
			TC_FIELD("active_closes", TC_F_U64, active),
			TC_FIELD("passive_closes", TC_F_U64, passive),
			TC_FIELD("active_share", TC_F_DBL, share),
		},
	},
	[TC_DIAG_PORT_RANGE] = {
		.name = "port_range", .severity = TC_SEV_WARNING, .of = TC_OF_ROW,
		.match = tc_rule_port_range, .text = tc_text_port_range,
		.advice =
		"New connections to one address and port fail with EADDRNOTAVAIL "
		"when the range runs out: use keep-alive or a connection pool, "
		"widen net.ipv4.ip_local_port_range, or consider "
		"net.ipv4.tcp_tw_reuse=1 (outgoing connections only).",
		.fields = {
			TC_FIELD("time_wait", TC_F_U64, time_wait),
			TC_FIELD("port_range", TC_F_RANGE, lohi),
			TC_FIELD("port_range_size", TC_F_U64, range),
			TC_FIELD("ratio", TC_F_DBL, ratio),
		},
	},
	[TC_DIAG_FIN_WAIT2_TIMEOUTS] = {
		.name = "fin_wait2_timeouts", .severity = TC_SEV_WARNING, .of = TC_OF_ROW,
		.match = tc_rule_fin_wait2_timeouts, .text = tc_text_fin_wait2_timeouts,
		.advice =
		"The peer reads the end of the connection but never closes its side "
		"(a CLOSE_WAIT leak there): fix its missing close(). Meanwhile each "
		"such connection holds an orphan socket here for "
		"net.ipv4.tcp_fin_timeout (60 s by default).",
		.fields = {
			TC_FIELD("fin_wait2_timeouts", TC_F_U64, fin_wait2_timeouts),
		},
	},
	[TC_DIAG_RESETS] = {
		.name = "resets", .severity = TC_SEV_WARNING, .of = TC_OF_ROW,
		.match = tc_rule_resets, .text = tc_text_resets,
		.advice =
		"Find who ends them: a peer or a middlebox that aborts (a load "
		"balancer's health checks, a firewall's idle timeout), peers that "
		"crash or vanish (retransmission or keepalive timeouts; ss -ti shows "
		"retransmissions). Clients that abort on purpose (SO_LINGER 0) cause "
		"this too: then raise --min-resets or --reset-rate.",
		.fields = {
			TC_FIELD("resets", TC_F_U64, resets),
			TC_FIELD_OR_NULL("window_s", TC_F_DBL, window_s, has_window),
			TC_FIELD_OR_NULL("rate_per_s", TC_F_DBL, rate, has_window),
		},
	},
	[TC_DIAG_LAST_ACK] = {
		.name = "last_ack", .severity = TC_SEV_WARNING, .of = TC_OF_ROW,
		.match = tc_rule_last_ack, .text = tc_text_last_ack,
		.advice =
		"The peer, or a firewall, NAT or load balancer on the way, drops the "
		"last ACK or has forgotten the connection: check their state "
		"timeouts and drops. Each such socket retransmits its FIN until "
		"net.ipv4.tcp_orphan_retries (or tcp_retries2) runs out.",
		.fields = {
			TC_FIELD("last_ack", TC_F_U64, last_ack),
		},
	},
	[TC_DIAG_CLOSE_WAIT_UNKNOWN_AGE] = {
		.name = "close_wait_unknown_age", .severity = TC_SEV_WARNING, .of = TC_OF_ROW,
		.match = tc_rule_cw_unknown_age, .text = tc_text_cw_unknown_age,
		.advice =
		"If they are still there on the next run, the application has not "
		"called close(): look for the leak as for CLOSE_WAIT accumulating "
		"(ss -tnp state close-wait names the process).",
		.fields = {
			TC_FIELD("close_wait_untracked", TC_F_U64, untracked),
			TC_FIELD_OR_NULL("counting_s", TC_F_SECS, age_s, has_age),
		},
	},
	[TC_DIAG_PARTLY_BLIND] = {
		.name = "partly_blind", .severity = TC_SEV_WARNING, .of = TC_OF_NETNS,
		.match = tc_rule_partly_blind, .text = tc_text_partly_blind,
		.advice =
		"Ports without a row: the table held max_ports entries; raise the "
		"max_ports module parameter (it bounds the memory per namespace). "
		"Dropped events and untracked sockets: memory was short, or a burst "
		"of new ports emptied the module's pool; dmesg may say more. "
		"echo reset >/proc/tcpclose starts counting afresh.",
		.fields = {
			TC_FIELD_OR_NULL("dropped", TC_F_U64, dropped, has_dropped),
			TC_FIELD_OR_NULL("untracked", TC_F_U64, untracked_socks,
				   has_untracked_socks),
			TC_FIELD("other_closes", TC_F_U64, other_closes),
			TC_FIELD("other_sockets", TC_F_U64, other_sockets),
		},
	},
	[TC_DIAG_DEST_PORTS] = {
		.name = "destination_ports", .severity = TC_SEV_WARNING,
		.of = TC_OF_DEST,
		.match_dest = tc_rule_dest_ports, .text = tc_text_dest_ports,
		.advice =
		"In this order: reuse connections (keep-alive, a connection pool); "
		"where the protocol allows, let the server close first, so that "
		"TIME_WAIT stays on its side; set net.ipv4.tcp_tw_reuse=1, so that "
		"connect() may take over a TIME_WAIT port (outgoing connections only); "
		"use more source addresses, each with a range of its own (clients that "
		"bind() to one: set IP_BIND_ADDRESS_NO_PORT before bind()); widen "
		"net.ipv4.ip_local_port_range.",
		.fields = {
			TC_FIELD_OR_NULL("local", TC_F_STR, local, family),
			TC_FIELD_OR_NULL("remote", TC_F_STR, remote, family),
			TC_FIELD("in_use", TC_F_U64, in_use),
			TC_FIELD_OR_NULL("capacity", TC_F_U64, capacity, has_capacity),
			TC_FIELD("time_wait", TC_F_U64, time_wait),
			TC_FIELD("established", TC_F_U64, established),
			TC_FIELD("connect_failures", TC_F_U64, connect_failures),
			TC_FIELD_OR_NULL("new_connections_per_s", TC_F_DBL, conn_rate, has_rate),
			TC_FIELD_NAME_OR_NULL("rate_from", tc_rate_from_names, rate_from, has_rate),
			TC_FIELD_OR_NULL("exhausted_in_s", TC_F_DBL, eta_s, has_eta),
		},
	},
	[TC_DIAG_LOCAL_PORTS] = {
		.name = "local_ports", .severity = TC_SEV_WARNING,
		.of = TC_OF_DEST_NETNS,
		.match_dest = tc_rule_local_ports, .text = tc_text_local_ports,
		.advice =
		"Clients that bind() to a source address before connect(): set "
		"IP_BIND_ADDRESS_NO_PORT before bind(), so that connect() picks the "
		"port per destination and may share it. Then, as for a destination: "
		"reuse connections, let the server close first, "
		"net.ipv4.tcp_tw_reuse=1, widen net.ipv4.ip_local_port_range.",
		.fields = {
			TC_FIELD("local_ports_in_use", TC_F_U64, local_ports_in_use),
			TC_FIELD_OR_NULL("capacity", TC_F_U64, capacity, has_capacity),
			TC_FIELD("bind_failures", TC_F_U64, bind_failures),
		},
	},
};

size_t tc_diag_room(const struct tc_table *t)
{
	return (t->nrows + 1) * TC_NDIAG_KINDS;
}

/*
 * Worst first; then the namespace's, then by port, role and rule; then
 * as found (destinations of one port by their ports in use, the file's
 * order).
 */
static int tc_diag_cmp(const void *a, const void *b)
{
	const struct tc_diag *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->has_port != y->has_port)
		return x->has_port - y->has_port;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->role != y->role)
		return (int)x->role - (int)y->role;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void tc_diag_sort(struct tc_diag *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i].seq = i;
	if (n)
		qsort(d, n, sizeof(*d), tc_diag_cmp);
}

static void tc_diag_init(struct tc_diag *d, int k)
{
	memset(d, 0, sizeof(*d));
	d->kind = k;
	d->severity = tc_rules[k].severity;
	d->has_port = tc_rules[k].of == TC_OF_ROW || tc_rules[k].of == TC_OF_DEST;
}

size_t tc_apply_dest(const struct tc_dest_ctx *c, const struct tc_thresholds *th,
		     const struct tc_dest_row *r, struct tc_diag *out)
{
	enum tc_rule_of of = r ? TC_OF_DEST : TC_OF_DEST_NETNS;
	size_t n = 0;
	int k;

	for (k = 0; k < TC_NDIAG_KINDS; k++) {
		struct tc_diag *d = &out[n];

		if (tc_rules[k].of != of)
			continue;
		tc_diag_init(d, k);
		d->role = TC_CLIENT;
		if (r)
			d->port = r->port;
		n += tc_rules[k].match_dest(c, th, r, d);
	}
	return n;
}

static size_t tc_apply(const struct tc_diag_ctx *c, const struct tc_row *r,
		       struct tc_diag *out)
{
	enum tc_rule_of of = r ? TC_OF_ROW : TC_OF_NETNS;
	size_t n = 0;
	int k;

	for (k = 0; k < TC_NDIAG_KINDS; k++) {
		struct tc_diag *d = &out[n];

		if (tc_rules[k].of != of)
			continue;
		tc_diag_init(d, k);
		if (r) {
			d->port = r->port;
			d->role = r->role;
		}
		n += tc_rules[k].match(c, r, d);
	}
	return n;
}

size_t tc_diagnose(const struct tc_table *t, const struct tc_select *sel,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr, const struct tc_window *w,
		   struct tc_diag *out)
{
	static const struct tc_window none = TC_WINDOW_NONE;
	struct tc_diag_ctx c = { t, th, pr, w ? w : &none };
	size_t i, n;

	n = tc_apply(&c, NULL, out);
	for (i = 0; i < t->nrows; i++) {
		const struct tc_row *r = &t->rows[i];

		/* "other" (port 0) sums many ports: no finding can name one. */
		if (!tc_select_match(sel, r) || r->port == 0)
			continue;
		n += tc_apply(&c, r, out + n);
	}
	tc_diag_sort(out, n);
	return n;
}

enum tc_severity tc_diag_worst(const struct tc_diag *d, size_t n)
{
	enum tc_severity s = TC_SEV_NONE;
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].severity > s)
			s = d[i].severity;
	return s;
}
