/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contents of /proc/tcpclose_dest (format 1) as data, with no I/O:
 * client sockets grouped by destination (local address, remote address,
 * remote port), the unit in which the kernel runs out of local ports, the
 * namespace's local port capacity, and connect()/bind() failures for lack
 * of a local port (doc/tcpclose.5).
 */
#ifndef TCPCLOSE_DEST_H
#define TCPCLOSE_DEST_H

#include <stddef.h>
#include <stdint.h>
#include "table.h"

#define TC_DEST_FORMAT 1	/* the only major format version understood */
#define TC_ADDR_MAX 46		/* INET6_ADDRSTRLEN */

/* The numeric columns this reader knows; all are in every format-1 file. */
enum tc_dest_col {
	TC_DC_IN_USE,		/* client sockets, any state: local ports held */
	TC_DC_TIME_WAIT,	/* of which in TIME_WAIT */
	TC_DC_ESTABLISHED,	/* of which ESTABLISHED */
	TC_DC_CONNECT_FAILURES,	/* connect() EADDRNOTAVAIL, a counter */
	TC_DC_N
};

extern const char *const tc_dest_col_names[TC_DC_N];

struct tc_dest_row {
	char local[TC_ADDR_MAX];	/* canonical text (inet_ntop), or "*" */
	char remote[TC_ADDR_MAX];
	unsigned int port;		/* the remote port; 0 for other */
	int family;			/* 4 or 6; 0 for other */
	unsigned char lbin[16], rbin[16];	/* for ordering */
	uint64_t v[TC_DC_N];
};

/* The numeric keys of the first line this reader knows (all optional). */
enum tc_dest_key {
	TC_DK_SINCE_BOOT_S,
	TC_DK_RESERVED_PORTS,
	TC_DK_CAPACITY,
	TC_DK_LOCAL_PORTS_IN_USE,
	TC_DK_DESTS,
	TC_DK_MAX_DESTS,
	TC_DK_UNGROUPED,
	TC_DK_CONNECT_FAILURES,
	TC_DK_BIND_FAILURES,
	TC_DK_FAILURE_DESTS,
	TC_DK_N
};

extern const char *const tc_dest_key_names[TC_DK_N];

struct tc_dest {
	unsigned int format;	/* major version from "# tcpclose_dest N" */
	struct tc_kv *meta;	/* key=value pairs of the first line, in order */
	size_t nmeta;
	int have[TC_DK_N];	/* key present (and a number: checked) */
	uint64_t k[TC_DK_N];
	int has_range;		/* port_range=LO-HI present */
	unsigned int lo, hi;
	struct tc_dest_row *rows;	/* in_use descending, then failures, address */
	size_t nrows;
	struct tc_dest_row other;	/* the "* * 0" row: the rest, summed */
};

/*
 * Parse LEN bytes into D. On failure D is empty and ERR holds a one-line
 * reason, e.g. "line 3: remote: bad address '10.0.0.300'".
 */
enum tc_parse_err tc_dest_parse(struct tc_dest *d, const char *buf,
				size_t len, char *err, size_t errlen);
void tc_dest_free(struct tc_dest *d);

/* The value of a key of the first line, or NULL. */
const char *tc_dest_meta(const struct tc_dest *d, const char *key);

/*
 * Local ports a connect() may choose per destination: the header's
 * capacity, else its port range less its reserved ports, else FALLBACK
 * (--port-range; known == 0: none). 0 if unknown.
 */
uint64_t tc_dest_capacity(const struct tc_dest *d, uint64_t fallback);

/* The row of (local, remote, port) as printed by the module, or NULL. */
const struct tc_dest_row *tc_dest_find(const struct tc_dest *d,
				       const struct tc_dest_row *key);

/* "127.0.0.2:8000", "[fd00::2]:8000"; "*" for other. */
void tc_dest_remote_str(char *buf, size_t len, const struct tc_dest_row *r);

#endif
