/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules that turn a table into findings, with their thresholds: one
 * table (tc_rules[], diagnose.c), a row per finding with its condition,
 * severity, sentences, advice and JSON name and fields.
 */
#ifndef TCPCLOSE_DIAGNOSE_H
#define TCPCLOSE_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>
#include "dest.h"
#include "rate.h"
#include "select.h"
#include "table.h"

/* The rows of tc_rules[], in its order (ties between findings keep it). */
enum tc_diag_kind {
	TC_DIAG_CLOSE_WAIT,
	TC_DIAG_TW_OVERFLOW,
	TC_DIAG_SERVER_CLOSES_FIRST,
	TC_DIAG_PORT_RANGE,
	TC_DIAG_FIN_WAIT2_TIMEOUTS,
	TC_DIAG_RESETS,
	TC_DIAG_LAST_ACK,
	TC_DIAG_CLOSE_WAIT_UNKNOWN_AGE,
	TC_DIAG_PARTLY_BLIND,
	/* From /proc/tcpclose_dest (diagdest.c), not from a table row. */
	TC_DIAG_DEST_PORTS,
	TC_DIAG_LOCAL_PORTS,
	TC_NDIAG_KINDS
};

/* Findings are ordered by this, worst first; --check exits with it. */
enum tc_severity { TC_SEV_NONE, TC_SEV_WARNING, TC_SEV_CRITICAL };

extern const char *const tc_severity_names[];

/* Defaults are documented, with their reasons, in tcpclose(8). */
struct tc_thresholds {
	uint64_t min_time_wait;		/* server TIME_WAIT to speak of */
	double active_share;		/* active / (active + passive) above */
	uint64_t min_close_wait;	/* CLOSE_WAIT sockets on one row */
	uint64_t close_wait_age;	/* s, when close_wait_oldest_s exists */
	double port_range_ratio;	/* client TIME_WAIT / local ports */
	double exhaustion_ratio;	/* local ports in use / capacity */
	uint64_t min_resets;		/* resets on one row in the window */
	double reset_rate;		/* and per second, when the window is known */
	uint64_t min_last_ack;		/* LAST_ACK sockets on one row */
};

#define TC_THRESHOLDS_DEFAULT { \
	.min_time_wait = 500, .active_share = 0.5, .min_close_wait = 10, \
	.close_wait_age = 60, .port_range_ratio = 0.25, \
	.exhaustion_ratio = 0.8, .min_resets = 100, .reset_rate = 1, \
	.min_last_ack = 100 }

/* net.ipv4.ip_local_port_range; known == 0 skips the port range rule. */
struct tc_port_range {
	int known;
	unsigned int lo, hi;
	int superseded;	/* destinations are read: their rules judge instead */
};

/*
 * What the counters are judged over. --watch: the change since the
 * previous snapshot, over the interval; one-shot: the totals, over the
 * time since counting started (since_boot_s), if known. A rate is never
 * made up: without a known span, a rule says "since counting started".
 */
struct tc_window {
	const struct tc_table *prev;	/* NULL: totals */
	int reset;			/* counters went down since PREV */
	double seconds;			/* the span; < 0 unknown */
	double age;			/* since counting started; < 0 unknown */
};

#define TC_WINDOW_NONE { NULL, 0, -1, -1 }

struct tc_diag {
	enum tc_diag_kind kind;
	enum tc_severity severity;	/* its rule's, or worse (see tc_rule) */
	size_t seq;		/* the order found, for equal findings */
	int has_port;		/* 0: about the whole namespace */
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
	unsigned int lohi[2];	/* port range */
	uint64_t range;		/* ports in it */
	double ratio;		/* time_wait / range */
	uint64_t tw_overflow;	/* timewait sockets refused */
	uint64_t fin_wait2_timeouts;	/* orphans the peer never answered */
	uint64_t resets;	/* in the window */
	int has_window;		/* the window's span is known */
	double window_s, rate;	/* its length, resets per second */
	uint64_t last_ack;
	int has_age;		/* unknown age: counting's age known */
	double age_s;
	int has_dropped, has_untracked_socks;	/* blind: header keys */
	uint64_t dropped, untracked_socks;
	uint64_t other_closes, other_sockets;	/* blind: on "other" */
	/* destination ports (port: the remote port), local ports */
	char local[TC_ADDR_MAX], remote[TC_ADDR_MAX];
	int family;		/* 4 or 6; 0: other destinations, not listed */
	uint64_t in_use, capacity, established, connect_failures;
	int has_capacity;	/* capacity != 0 */
	uint64_t local_ports_in_use, bind_failures;
	int rate_from;		/* enum tc_rate_from */
	int has_rate;		/* rate_from != TC_RATE_NONE */
	double conn_rate;	/* new connections per second to the port */
	double rate_window;	/* s the rate was measured over */
	int exhausted;		/* in_use >= capacity */
	int has_eta;		/* the free ports last eta_s at conn_rate (0 if exhausted) */
	double eta_s;
};

enum tc_rate_from {
	TC_RATE_NONE,		/* no rate known: no estimate */
	TC_RATE_WATCH,		/* between two --watch refreshes */
	TC_RATE_SINCE_START,	/* the average since the counters started */
};

extern const char *const tc_rate_from_names[];

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
 * A value of a finding in JSON: its key, where it is, null unless HAS.
 * TC_F_SECS: a double of seconds printed as whole seconds, an integer;
 * TC_F_RANGE: two unsigned ints as a pair; TC_F_STR: a char array;
 * TC_F_NAME: an int, printed as NAMES[it] (null if that is NULL).
 */
enum tc_field_type {
	TC_F_U64, TC_F_DBL, TC_F_SECS, TC_F_RANGE, TC_F_STR, TC_F_NAME
};

struct tc_field {
	const char *key;
	enum tc_field_type type;
	size_t off;
	size_t has;		/* offset of an int flag, or TC_F_ALWAYS */
	const char *const *names;	/* TC_F_NAME */
};

#define TC_F_ALWAYS ((size_t)-1)
#define TC_MAX_FIELDS 10

struct tc_diag_ctx;

/* What a rule looks at: a row, the table, a destination, the dest file. */
enum tc_rule_of { TC_OF_ROW, TC_OF_NETNS, TC_OF_DEST, TC_OF_DEST_NETNS };

struct tc_rule {
	const char *name;		/* JSON "kind" */
	/*
	 * The severity of every finding of the rule, but for the rules of
	 * destinations: theirs is critical, not warning, once connect() or
	 * bind() fails or the range is used up.
	 */
	enum tc_severity severity;
	enum tc_rule_of of;
	/*
	 * The condition: fills D and returns 1 when the row is a finding.
	 * MATCH for a table (its row R is NULL for TC_OF_NETNS), MATCH_DEST
	 * for the destinations (R NULL for TC_OF_DEST_NETNS).
	 */
	int (*match)(const struct tc_diag_ctx *c, const struct tc_row *r,
		     struct tc_diag *d);
	int (*match_dest)(const struct tc_dest_ctx *c,
			  const struct tc_thresholds *th,
			  const struct tc_dest_row *r, struct tc_diag *d);
	/* The sentence: the summary line, or with FULL the whole finding. */
	void (*text)(char *buf, size_t len, const struct tc_diag *d, int full);
	const char *advice;
	struct tc_field fields[TC_MAX_FIELDS];	/* in JSON, in this order */
};

extern const struct tc_rule tc_rules[TC_NDIAG_KINDS];

/*
 * Findings for the rows SEL matches (its sort and top are ignored here: a
 * problem is reported even when its row is not shown), worst first, then
 * the namespace's before the ports', then in port order. OUT needs room for
 * tc_diag_room(t) entries.
 */
size_t tc_diagnose(const struct tc_table *t, const struct tc_select *sel,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr, const struct tc_window *w,
		   struct tc_diag *out);
size_t tc_diag_room(const struct tc_table *t);

/* Whole percent of SHARE, rounded down (199 of 200 is 99%). */
unsigned int tc_percent(double share);

/* Sorts D[0..N) as tc_diagnose() does: for the table's and dest's together. */
void tc_diag_sort(struct tc_diag *d, size_t n);

/* The worst severity of D[0..N), TC_SEV_NONE if none. */
enum tc_severity tc_diag_worst(const struct tc_diag *d, size_t n);

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

/* The destinations' rules for R, or the file's with R NULL. */
size_t tc_apply_dest(const struct tc_dest_ctx *c, const struct tc_thresholds *th,
		     const struct tc_dest_row *r, struct tc_diag *out);

/* The destinations' rows of tc_rules[] (diagdest.c). */
int tc_rule_dest_ports(const struct tc_dest_ctx *c,
		       const struct tc_thresholds *th,
		       const struct tc_dest_row *r, struct tc_diag *d);
void tc_text_dest_ports(char *buf, size_t len, const struct tc_diag *d,
			int full);
int tc_rule_local_ports(const struct tc_dest_ctx *c,
			const struct tc_thresholds *th,
			const struct tc_dest_row *r, struct tc_diag *d);
void tc_text_local_ports(char *buf, size_t len, const struct tc_diag *d,
			 int full);

#endif
