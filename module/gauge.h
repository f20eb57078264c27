/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_GAUGE_H
#define TCPCLOSE_GAUGE_H

#include <net/net_namespace.h>
#include <net/sock.h>
#include "table.h"
#include "classify.h"
#include "compat.h"

/* A walk of the established hash: see tcpclose_ehash_walk(). */
struct tcpclose_walker {
	unsigned int batch;
	bool (*hit)(struct tcpclose_walker *w, const struct sock *sk, unsigned int i);
	void (*commit)(struct tcpclose_walker *w, unsigned int n, gfp_t gfp);
	void (*bucket)(struct tcpclose_walker *w);
};

void tcpclose_ehash_walk(const struct net *net, struct tcpclose_walker *w);
void tcpclose_gauge_seed_listeners(struct tcpclose_table *tbl, const struct net *net);
void tcpclose_gauge_walk(struct tcpclose_table *tbl, const struct net *net,
			 struct tcpclose_summary *sum);

static inline void tcpclose_port_range(const struct net *net, struct tcpclose_range *eph)
{
	tcpclose_local_port_range(net, &eph->lo, &eph->hi);
}

/* The row of a connection of @net, by the rule of tcpclose_key_of(). */
static inline bool tcpclose_key(const struct tcpclose_table *tbl, const struct net *net,
				u16 lport, u16 rport, struct tcpclose_key *key)
{
	struct tcpclose_range eph;

	tcpclose_port_range(net, &eph);
	return tcpclose_key_of(lport, rport, tcpclose_table_listens(tbl, lport),
			       tcpclose_table_listens(tbl, rport), &eph, key);
}

#endif
