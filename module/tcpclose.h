/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpclose: per-port accounting of TCP closes.
 *
 * The pure logic (classify.h, format.c) uses only the types declared here
 * so that KUnit can test it without tracepoints, procfs or sockets.
 */
#ifndef TCPCLOSE_H
#define TCPCLOSE_H

#include <linux/types.h>

/* Roles, in output order (rows are sorted by port, then role name). */
enum tcpclose_role {
	TCPCLOSE_CLIENT,
	TCPCLOSE_SERVER,
	TCPCLOSE_NR_ROLES
};

/* Cumulative counters, in column order. */
enum tcpclose_counter {
	TCPCLOSE_ACTIVE,	/* this side sent FIN first */
	TCPCLOSE_PASSIVE,	/* the peer sent FIN first */
	TCPCLOSE_SIMULTANEOUS,	/* both FINs crossed */
	TCPCLOSE_RESET,		/* ended by an RST received or the kernel giving up */
	/* TIME_WAIT lifecycle, from kprobes (twprobe.c), not the tracepoint */
	TCPCLOSE_TW_CREATED,	/* timewait sockets created (either substate) */
	TCPCLOSE_TW_EXPIRED,	/* ended by their timer in TIME_WAIT */
	TCPCLOSE_TW_KILLED,	/* ended early: RST, reuse, ss -K */
	TCPCLOSE_TW_OVERFLOW,	/* not created: tcp_max_tw_buckets reached */
	TCPCLOSE_FIN_WAIT2_TIMEOUTS,	/* orphans whose peer never sent FIN */
	/* Of TCPCLOSE_TW_KILLED, by what ended them (tcpclose_kill_reason()) */
	TCPCLOSE_TW_KILLED_RST,		/* a reset, received or sent to the peer */
	TCPCLOSE_TW_KILLED_REUSE,	/* a new connection took the 4-tuple */
	TCPCLOSE_TW_KILLED_ABORT,	/* SOCK_DESTROY (ss -K) or BPF */
	TCPCLOSE_LOCAL_ABORTS,	/* ended by this side's application: linger 0, unread data */
	TCPCLOSE_NR_COUNTERS
};

/* Live gauges, in column order after the counters. */
enum tcpclose_gauge {
	TCPCLOSE_G_TIME_WAIT,
	TCPCLOSE_G_CLOSE_WAIT,
	TCPCLOSE_G_FIN_WAIT1,
	TCPCLOSE_G_FIN_WAIT2,	/* full sockets and orphaned (timewait) ones */
	TCPCLOSE_G_LAST_ACK,
	TCPCLOSE_G_CLOSING,
	TCPCLOSE_G_ESTABLISHED,
	TCPCLOSE_NR_GAUGES
};

/* What one inet_sock_set_state transition means to us. */
enum tcpclose_event {
	TCPCLOSE_EV_NONE,
	TCPCLOSE_EV_COUNT,	/* bump the counter returned alongside */
	TCPCLOSE_EV_END,	/* a close or connection ends: see tcpclose_end_of() */
	TCPCLOSE_EV_LISTEN,	/* the local port is a listener's: it accepted */
	TCPCLOSE_EV_UNLISTEN,	/* a listener of the local port closed */
	TCPCLOSE_EV_UNCONNECT,	/* a connect() ends before ESTABLISHED */
};

struct tcpclose_key {
	u16 port;
	u8 role;
};

/* The local port range of a netns, [lo, hi]. */
struct tcpclose_range {
	int lo;
	int hi;
};

/* One output row: a snapshot of a (port, role). */
struct tcpclose_row {
	u16 port;
	u8 role;
	u64 counter[TCPCLOSE_NR_COUNTERS];
	u32 gauge[TCPCLOSE_NR_GAUGES];
	u32 close_wait_oldest_s;	/* age of the oldest tracked CLOSE_WAIT */
	u32 close_wait_untracked;	/* CLOSE_WAIT sockets of unknown age */
};

/* Per-snapshot facts printed as comments above the table. */
struct tcpclose_summary {
	u64 netns;		/* inode number of the netns, as in /proc/PID/ns/net */
	u32 ports;		/* ports with a table entry */
	u32 max_ports;		/* the max_ports parameter */
	u32 netns_total;	/* entries and blocks of all namespaces but init_net */
	u32 max_ports_netns_total;	/* the parameter: the bound of netns_total */
	u64 dropped;		/* close events lost because max_ports was reached */
	u32 untracked;		/* live sockets not shown for the same reason */
	int sockstat_tw;	/* /proc/net/sockstat "tw" for this netns */
	u32 tw_fin_wait2;	/* of those, still in the FIN_WAIT2 substate */
	u32 max_tracked;	/* the max_tracked parameter */
	u32 netns_tracked;	/* tracker slots this namespace holds now */
	u32 netns_max_tracked;	/* at most (max_tracked_share of max_tracked) */
	const char *tw_probes;	/* which lifecycle probes are attached */
	u64 untracked_closes;	/* closes not timed: the tracker was full */
	bool timing;		/* closes are being timed (the timing parameter) */
	u64 since_boot_s;	/* counting started (load or reset), s since boot */
};

/* format.c */
#define TCPCLOSE_LINE_MAX 1280	/* a histogram line with every bucket */
extern const char *const tcpclose_role_names[TCPCLOSE_NR_ROLES];
int tcpclose_format_comment(char *buf, size_t len, const struct tcpclose_summary *s);
int tcpclose_format_columns(char *buf, size_t len);
int tcpclose_format_row(char *buf, size_t len, const struct tcpclose_row *row);
bool tcpclose_row_is_zero(const struct tcpclose_row *row);

enum tcpclose_cmd {
	TCPCLOSE_CMD_RESET,
};

#define TCPCLOSE_WRITE_MAX 16
int tcpclose_parse_write(const char *buf, size_t len, enum tcpclose_cmd *cmd);

#endif
