/* SPDX-License-Identifier: GPL-2.0 */
/* The rules that turn a table into findings, with their thresholds. */
#ifndef TCPCLOSE_DIAGNOSE_H
#define TCPCLOSE_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>
#include "select.h"
#include "table.h"

enum tc_diag_kind {
	TC_DIAG_SERVER_CLOSES_FIRST,
	TC_DIAG_CLOSE_WAIT,
	TC_DIAG_PORT_RANGE,
	TC_DIAG_TW_OVERFLOW,
	TC_DIAG_FIN_WAIT2_TIMEOUTS,
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
};

#define TC_THRESHOLDS_DEFAULT { \
	.min_time_wait = 1, .active_share = 0.5, .min_close_wait = 10, \
	.close_wait_age = 60, .port_range_ratio = 0.25 }

/* net.ipv4.ip_local_port_range; known == 0 skips the port range rule. */
struct tc_port_range {
	int known;
	unsigned int lo, hi;
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
};

/*
 * Findings for the rows SEL matches (its sort and top are ignored: a
 * problem is reported even when its row is not shown), in port order.
 * OUT needs room for TC_NDIAG_KINDS * t->nrows entries.
 */
size_t tc_diagnose(const struct tc_table *t, const struct tc_select *sel,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr, struct tc_diag *out);

#endif
