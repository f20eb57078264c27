/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_NETNS_H
#define TCPCLOSE_NETNS_H

#include <net/net_namespace.h>
#include "table.h"

extern unsigned int tcpclose_max_ports;

struct tcpclose_table *tcpclose_net_table(const struct net *net);
int tcpclose_netns_register(void);
void tcpclose_netns_unregister(void);
void tcpclose_netns_seed_listeners(void);
void tcpclose_netns_untrack_all(void);

#endif
