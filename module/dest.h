/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Destinations: the kernel's unit of local port exhaustion.
 *
 * connect() without bind() may give the same local port to connections
 * towards different (local address, remote address, remote port), so a
 * client runs out of ports per destination, not per host. The pure part
 * (dest.c) groups sockets and failures by destination, keeps the bounded
 * table of connect() failures, picks the top rows and formats them; the
 * socket walk is in destwalk.c, the failure events in portprobe.c.
 */
#ifndef TCPCLOSE_DEST_H
#define TCPCLOSE_DEST_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/spinlock.h>

/* A client socket's destination; IPv4 addresses as v4-mapped IPv6. */
struct tcpclose_dest_key {
	struct in6_addr laddr;
	struct in6_addr raddr;
	u16 rport;		/* host order */
	u8 v6;			/* print as IPv6 */
	u8 used;		/* a group slot holds this key */
};

/* One destination: a group while walking, then an output row. */
struct tcpclose_dest {
	struct tcpclose_dest_key key;
	u32 in_use;		/* client sockets, any state: local ports held */
	u32 time_wait;
	u32 established;
	u64 connect_failures;
};

/*
 * The grouping of one read: open addressing, at most half full, grown by
 * the walker between hash chains (tcpclose_dest_rehash()).
 */
struct tcpclose_dest_group {
	struct tcpclose_dest *slot;
	unsigned int size;	/* a power of two */
	unsigned int n;		/* slots used */
};

/* connect() failures by destination, per namespace: a bounded LRU. */
#define TCPCLOSE_FAIL_SLOTS	64
#define TCPCLOSE_FAIL_PROBES	8	/* slots a key may live in */

struct tcpclose_fail {
	struct tcpclose_dest_key key;
	u32 last;		/* jiffies of the last failure */
	u64 count;
};

struct tcpclose_fails {
	raw_spinlock_t lock;	/* probe context, any kernel: never sleeps */
	struct tcpclose_fail slot[TCPCLOSE_FAIL_SLOTS];
};

/* The header of /proc/tcpclose_dest. */
struct tcpclose_dest_summary {
	u64 netns;
	u64 since_boot_s;
	int port_lo, port_hi;
	u32 reserved;		/* ip_local_reserved_ports inside the range */
	u32 ports_in_use;	/* distinct local ports in the range, client sockets */
	u32 dests;		/* destinations found, before the cut */
	u32 max_dests;
	u32 ungrouped;		/* client sockets past the grouping's bound */
	u64 connect_failures;
	u64 bind_failures;
	u32 failure_dests;	/* destinations in the failure table */
	const char *probes;	/* "connect,bind", ... */
	unsigned long probe_missed;	/* bind() calls the kretprobe had no room for */
};

void tcpclose_dest_seed_init(void);
u32 tcpclose_dest_hash(const struct tcpclose_dest_key *k);
struct tcpclose_dest *tcpclose_dest_find(struct tcpclose_dest_group *g,
					 const struct tcpclose_dest_key *k);
void tcpclose_dest_rehash(struct tcpclose_dest_group *g, struct tcpclose_dest *slot,
			  unsigned int size);
void tcpclose_fails_add(struct tcpclose_fails *f, const struct tcpclose_dest_key *k, u32 now);
unsigned int tcpclose_fails_used(const struct tcpclose_fails *f);
unsigned int tcpclose_dest_top(struct tcpclose_dest_group *g, unsigned int k,
			       u64 connect_failures, struct tcpclose_dest *out);

#define TCPCLOSE_DEST_LINE_MAX 256
int tcpclose_format_dest_comment(char *buf, size_t len, const struct tcpclose_dest_summary *s);
int tcpclose_format_dest_columns(char *buf, size_t len);
int tcpclose_format_dest_row(char *buf, size_t len, const struct tcpclose_dest *d, bool other);

#endif
