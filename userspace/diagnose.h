/* SPDX-License-Identifier: GPL-2.0 */
/* The rules that turn a table into findings, with their thresholds. */
#ifndef TCPCLOSE_DIAGNOSE_H
#define TCPCLOSE_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>
#include "dest.h"
#include "rate.h"
#include "select.h"
#include "table.h"

enum tc_diag_kind {
	TC_DIAG_SERVER_CLOSES_FIRST,
	TC_DIAG_CLOSE_WAIT,
	TC_DIAG_PORT_RANGE,
	TC_DIAG_TW_OVERFLOW,
	TC_DIAG_FIN_WAIT2_TIMEOUTS,
	/* From /proc/tcpclose_dest (diagdest.c), not from a table row. */
	TC_DIAG_DEST_PORTS,
	TC_DIAG_LOCAL_PORTS,
	TC_NDIAG_KINDS
};

extern const char *const tc_diag_names[TC_NDIAG_KINDS];

/* Defaults are documented in --help, tcpclose(8) and README.md. */
struct tc_thresholds {
	uint64_t min_time_wait;		/* server TIME_WAIT to speak of */
	double active_share;		/* active / (active + passive) above */
	uint64_t min_close_wait;	/* CLOSE_WAIT sockets on one row */
	uint64_t close_wait_age;	/* s, when close_wait_oldest_s exists */
	double port_range_ratio;	/* client TIME_WAIT / local ports */
	double exhaustion_ratio;	/* local ports in use / capacity */
};

#define TC_THRESHOLDS_DEFAULT { \
	.min_time_wait = 1, .active_share = 0.5, .min_close_wait = 10, \
	.close_wait_age = 60, .port_range_ratio = 0.25, \
	.exhaustion_ratio = 0.8 }

/* net.ipv4.ip_local_port_range; known == 0 skips the port range rule. */
struct tc_port_range {
	int known;
	unsigned int lo, hi;
	int superseded;	/* destinations are read: their rules judge instead */
};

struct tc_diag {
	enum tc_diag_kind kind;
	unsigned int port;
	enum tc_role role;
	uint64_t time_wait;	/* server first, port range */
	uint64_t active, passive;	/* server first */
	double share;		/* server first: active / (active + passive) */
	uint64_t close_wait;	/* CLOSE_WAIT */
	int has_oldest;		/* CLOSE_WAIT: close_wait_oldest_s known */
	uint64_t oldest;
	int has_untracked;	/* CLOSE_WAIT: close_wait_untracked known */
	uint64_t untracked;	/* of close_wait, of unknown age */
	unsigned int lo, hi;	/* port range */
	uint64_t range;		/* ports in it */
	double ratio;		/* time_wait / range */
	uint64_t tw_overflow;	/* timewait sockets refused */
	uint64_t fin_wait2_timeouts;	/* orphans the peer never answered */
	/* destination ports (port: the remote port), local ports */
	char local[TC_ADDR_MAX], remote[TC_ADDR_MAX];
	int family;		/* 4 or 6; 0: other destinations, not listed */
	uint64_t in_use, capacity, established, connect_failures;
	uint64_t local_ports_in_use, bind_failures;
	int rate_from;		/* enum tc_rate_from */
	double conn_rate;	/* new connections per second to the port */
	double rate_window;	/* s the rate was measured over */
	int exhausted;		/* in_use >= capacity */
	int has_eta;		/* the free ports last eta_s at conn_rate */
	double eta_s;
};

enum tc_rate_from {
	TC_RATE_NONE,		/* no rate known: no estimate */
	TC_RATE_WATCH,		/* between two --watch refreshes */
	TC_RATE_SINCE_START,	/* the average since the counters started */
};

/* What the destination rules look at. */
struct tc_dest_ctx {
	const struct tc_dest *d;
	uint64_t capacity;		/* tc_dest_capacity(); 0: unknown */
	const struct tc_table *t;	/* the table of the same moment, or NULL */
	const struct tc_rate *rates;	/* --watch: t's rates, else NULL */
	double window;			/* s: the watch interval, or since the
					 * table's counters started; 0: unknown */
};

/*
 * Findings for the rows SEL matches (its sort and top are ignored: a
 * problem is reported even when its row is not shown), in port order.
 * OUT needs room for TC_NDIAG_KINDS * t->nrows entries.
 */
size_t tc_diagnose(const struct tc_table *t, const struct tc_select *sel,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr, struct tc_diag *out);

/*
 * Findings of /proc/tcpclose_dest: a destination whose local ports in use
 * reach th->exhaustion_ratio times the capacity, or with connect()
 * failures; the namespace's local ports for bind(). OUT needs room for
 * c->d->nrows + 2 entries. Destinations SEL's --port matches (their remote
 * port), none with --role server; other's failures and the namespace
 * finding only without --port.
 */
size_t tc_diagnose_dest(const struct tc_dest_ctx *c, const struct tc_select *sel,
			const struct tc_thresholds *th, struct tc_diag *out);

#endif
