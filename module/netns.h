/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_NETNS_H
#define TCPCLOSE_NETNS_H

#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "table.h"

extern unsigned int tcpclose_max_ports;
extern unsigned int tcpclose_max_ports_netns_total;
/* Entries and blocks of every table but init_net's (table.h). */
extern struct tcpclose_quota tcpclose_netns_quota;

struct tcpclose_net {
	struct tcpclose_table __rcu *tbl;
	struct tcpclose_table *dying;	/* between unpublish and free */
};

extern unsigned int tcpclose_net_id;

/*
 * The table of @net, under rcu_read_lock() (probes, and readers holding a
 * reference on @net) or under net_rwsem: a netns still on
 * net_namespace_list has not run its exit methods, even when its last
 * reference is already gone. NULL before our init of a new netns has run
 * (its kernel sockets change state before that). Inline: every close
 * event and every step of a timed close looks it up.
 */
static inline struct tcpclose_table *tcpclose_net_table(const struct net *net)
{
	struct tcpclose_net *tn;

	tn = rcu_dereference_check(net->gen, lockdep_is_held(&net_rwsem))->ptr[tcpclose_net_id];
	if (unlikely(!tn))
		return NULL;
	return rcu_dereference_check(tn->tbl, lockdep_is_held(&net_rwsem));
}

int tcpclose_netns_register(void);
void tcpclose_netns_unregister(void);
void tcpclose_netns_seed_listeners(void);
void tcpclose_netns_untrack_all(void);

#endif
