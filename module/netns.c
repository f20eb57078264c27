// SPDX-License-Identifier: GPL-2.0
/*
 * One table per network namespace, created with the namespace (or at load
 * for existing ones) and freed with it.
 */
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <net/netns/generic.h>
#include <net/net_namespace.h>
#include <linux/rtnetlink.h>
#include "gauge.h"
#include "procfs.h"
#include "netns.h"

unsigned int tcpclose_net_id __read_mostly;
struct tcpclose_quota tcpclose_netns_quota;

static int __net_init tcpclose_net_init(struct net *net)
{
	struct tcpclose_net *tn = net_generic(net, tcpclose_net_id);
	struct tcpclose_table *tbl;
	int err;

	/* init_net's is outside the shared quota: containers cannot blind the host. */
	tbl = tcpclose_table_alloc(tcpclose_max_ports,
				   net_eq(net, &init_net) ? NULL : &tcpclose_netns_quota);
	if (!tbl)
		return -ENOMEM;
	rcu_assign_pointer(tn->tbl, tbl);
	err = tcpclose_proc_net_init(net);
	if (err) {
		RCU_INIT_POINTER(tn->tbl, NULL);
		synchronize_rcu();
		tcpclose_table_free(tbl);
	}
	return err;
}

/*
 * Kernel sockets of a dying netns may still change state after we are
 * called, so the table is unpublished first and freed only after a grace
 * period; one grace period serves the whole batch.
 */
static void __net_exit tcpclose_net_exit_batch(struct list_head *net_list)
{
	struct tcpclose_net *tn;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		/* Waits for readers and releases descriptors still open. */
		tcpclose_proc_net_exit(net);
		tn = net_generic(net, tcpclose_net_id);
		tn->dying = rcu_dereference_protected(tn->tbl, 1);
		RCU_INIT_POINTER(tn->tbl, NULL);
	}
	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		tn = net_generic(net, tcpclose_net_id);
		tcpclose_table_free(tn->dying);
		tn->dying = NULL;
	}
}

static struct pernet_operations tcpclose_net_ops = {
	.init = tcpclose_net_init,
	.exit_batch = tcpclose_net_exit_batch,
	.id = &tcpclose_net_id,
	.size = sizeof(struct tcpclose_net),
};

/*
 * Tables exist (pernet registered): read without a lock by
 * tcpclose_netns_untrack_all(), whose callers (the timing parameter, under
 * the module's parameter lock) may run before and after.
 */
static bool tcpclose_netns_up;

int tcpclose_netns_register(void)
{
	int err;

	atomic_set(&tcpclose_netns_quota.used, 0);
	tcpclose_netns_quota.max = tcpclose_max_ports_netns_total;
	err = register_pernet_subsys(&tcpclose_net_ops);

	WRITE_ONCE(tcpclose_netns_up, !err);
	return err;
}

void tcpclose_netns_unregister(void)
{
	WRITE_ONCE(tcpclose_netns_up, false);
	unregister_pernet_subsys(&tcpclose_net_ops);
	/* Every table is gone: a unit left is one a path forgot to give back. */
	WARN_ON_ONCE(atomic_read(&tcpclose_netns_quota.used));
}

/*
 * Record the listeners of every existing netns. Called once the probe is
 * attached, so a listener created meanwhile is seen by one or the other.
 */
void tcpclose_netns_seed_listeners(void)
{
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net) {
		struct tcpclose_table *tbl = tcpclose_net_table(net);

		if (tbl)
			tcpclose_gauge_seed_listeners(tbl, net);
	}
	up_read(&net_rwsem);
}

/* The tracker was emptied: no namespace holds a slot any more. */
void tcpclose_netns_untrack_all(void)
{
	struct net *net;

	if (!READ_ONCE(tcpclose_netns_up))
		return;
	down_read(&net_rwsem);
	for_each_net(net) {
		struct tcpclose_table *tbl = tcpclose_net_table(net);

		if (tbl)
			atomic_set(&tbl->tracked, 0);
	}
	up_read(&net_rwsem);
}
