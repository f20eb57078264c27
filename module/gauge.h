/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_GAUGE_H
#define TCPCLOSE_GAUGE_H

#include <net/net_namespace.h>
#include "table.h"

void tcpclose_gauge_seed_listeners(struct tcpclose_table *tbl, const struct net *net);
void tcpclose_gauge_walk(struct tcpclose_table *tbl, const struct net *net,
			 struct tcpclose_summary *sum);
void tcpclose_port_range(const struct net *net, struct tcpclose_range *eph);
bool tcpclose_key(const struct tcpclose_table *tbl, const struct net *net, u16 lport,
		  u16 rport, struct tcpclose_key *key);

#endif
