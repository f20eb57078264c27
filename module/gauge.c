// SPDX-License-Identifier: GPL-2.0
/*
 * Live socket counts, read from the kernel's own TCP hash tables.
 *
 * Gauges are not derived from transitions: a walk of the established hash
 * (which also holds timewait sockets) sees sockets that existed before the
 * module loaded and forgets expired ones, exactly like /proc/net/tcp but
 * without formatting a line per socket. The walk is lockless under RCU,
 * like inet_twsk_purge(), so it never blocks the TCP fast path.
 */
#include <linux/sched.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "classify.h"
#include "gauge.h"
#include "hook.h"

/*
 * Listeners that exist now: at load, when a table is created, and before
 * each snapshot's walk (a listener that closed while another remains on
 * its port cleared the mark); between snapshots, new ones announce
 * themselves to the probe through their first accepted child. A lockless
 * RCU walk, as listener lookups do (the bucket locks are taken without
 * BH by the kernel, and with BH disabled first they invert its order on
 * PREEMPT_RT); a listener that moves while we walk is marked at its first
 * accept instead.
 */
void tcpclose_gauge_seed_listeners(struct tcpclose_table *tbl, const struct net *net)
{
	struct inet_hashinfo *h = tcpclose_hashinfo(net);
	struct hlist_nulls_node *node;
	struct sock *sk;
	unsigned int i;

	for (i = 0; i <= h->lhash2_mask; i++) {
		struct inet_listen_hashbucket *ilb = &h->lhash2[i];

		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		rcu_read_lock();
		sk_nulls_for_each_rcu(sk, node, &ilb->nulls_head)
			if (net_eq(sock_net(sk), net) && READ_ONCE(sk->sk_state) == TCP_LISTEN)
				tcpclose_table_set_listener(tbl, READ_ONCE(sk->sk_num), true);
		rcu_read_unlock();
		cond_resched();
	}
}

struct tcpclose_hit {
	struct tcpclose_key key;
	u8 gauge;
	bool tw;		/* a timewait socket */
	u64 since;		/* CLOSE_WAIT: entered at (ns), 0 if unknown */
};

/* Enough for any sane chain; a longer one is committed without restart. */
#define TCPCLOSE_WALK_BATCH 32

static bool tcpclose_sock_hit(const struct tcpclose_table *tbl, const struct sock *sk,
			      const struct tcpclose_range *eph, struct tcpclose_hit *hit)
{
	int state = READ_ONCE(sk->sk_state);
	int sub = 0, g;
	u16 lport, rport;

	if (state == TCP_NEW_SYN_RECV)
		return false;	/* a request socket, not a connection yet */
	if (state == TCP_TIME_WAIT) {
		const struct inet_timewait_sock *tw = inet_twsk(sk);

		sub = READ_ONCE(tw->tw_substate);
		lport = ntohs(tw->tw_sport);
		rport = ntohs(tw->tw_dport);
	} else {
		lport = ntohs(inet_sk(sk)->inet_sport);
		rport = ntohs(inet_sk(sk)->inet_dport);
	}
	g = tcpclose_gauge_of(state, sub);
	if (g < 0)
		return false;
	if (!tcpclose_key_of(lport, rport, tcpclose_table_listens(tbl, lport),
			     tcpclose_table_listens(tbl, rport), eph, &hit->key))
		return false;
	hit->gauge = g;
	hit->tw = state == TCP_TIME_WAIT;
	hit->since = 0;
	if (g == TCPCLOSE_G_CLOSE_WAIT)
		tcpclose_track_since(&tcpclose_closing, sk, TCP_CLOSE_WAIT, &hit->since);
	return true;
}

static void tcpclose_commit(struct tcpclose_table *tbl, const struct tcpclose_hit *hits,
			    unsigned int n, gfp_t gfp, struct tcpclose_summary *sum)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (hits[i].tw && hits[i].gauge == TCPCLOSE_G_FIN_WAIT2)
			sum->tw_fin_wait2++;
		if (!tcpclose_table_add_gauge(tbl, &hits[i].key, hits[i].gauge, hits[i].since,
					      gfp))
			sum->untracked++;
	}
}

/*
 * Every socket of @net in the established hash (timewait ones included),
 * lockless under RCU: @w->hit(@w, sk, i) fills batch entry i and says
 * whether it did; @w->commit(@w, n, gfp) takes the n entries filled. Hits
 * are committed per bucket, after the nulls check: when a socket moved to
 * another chain under us (SLAB_TYPESAFE_BY_RCU reuse) the bucket is walked
 * again, and nothing is counted twice; a chain longer than a batch is
 * committed as it goes (inside the read-side section: @gfp says so) and
 * not restarted. @w->bucket, if set, runs before each non-empty bucket,
 * where it may sleep.
 */
void tcpclose_ehash_walk(const struct net *net, struct tcpclose_walker *w)
{
	struct inet_hashinfo *h = tcpclose_hashinfo(net);
	struct hlist_nulls_node *node;
	unsigned int slot, n;
	struct sock *sk;
	bool committed;

	for (slot = 0; slot <= h->ehash_mask; slot++) {
		struct inet_ehash_bucket *head = &h->ehash[slot];

		if (hlist_nulls_empty(&head->chain))
			continue;
		if (w->bucket)
			w->bucket(w);
		committed = false;
restart:
		n = 0;
		rcu_read_lock();
		sk_nulls_for_each_rcu(sk, node, &head->chain) {
			if (!net_eq(sock_net(sk), net) || !w->hit(w, sk, n))
				continue;
			if (++n == w->batch) {
				w->commit(w, n, GFP_ATOMIC | __GFP_ACCOUNT);
				committed = true;
				n = 0;
			}
		}
		if (get_nulls_value(node) != slot && !committed) {
			rcu_read_unlock();
			goto restart;
		}
		rcu_read_unlock();
		w->commit(w, n, GFP_KERNEL_ACCOUNT);
		if (!(slot & 1023))
			cond_resched();
	}
}

struct tcpclose_gauge_walker {
	struct tcpclose_walker w;
	struct tcpclose_table *tbl;
	struct tcpclose_summary *sum;
	struct tcpclose_range eph;
	struct tcpclose_hit hits[TCPCLOSE_WALK_BATCH];
};

static bool tcpclose_gauge_hit(struct tcpclose_walker *w, const struct sock *sk, unsigned int i)
{
	struct tcpclose_gauge_walker *g = container_of(w, struct tcpclose_gauge_walker, w);

	return tcpclose_sock_hit(g->tbl, sk, &g->eph, &g->hits[i]);
}

static void tcpclose_gauge_commit(struct tcpclose_walker *w, unsigned int n, gfp_t gfp)
{
	struct tcpclose_gauge_walker *g = container_of(w, struct tcpclose_gauge_walker, w);

	tcpclose_commit(g->tbl, g->hits, n, gfp, g->sum);
}

/*
 * Adds every TCP socket of @net in a gauged state to the table's snapshot
 * gauges. Entries the walk creates (ports with live sockets and no event
 * yet) are charged to the reader's memory cgroup.
 */
void tcpclose_gauge_walk(struct tcpclose_table *tbl, const struct net *net,
			 struct tcpclose_summary *sum)
{
	struct tcpclose_gauge_walker g = {
		.w = { .batch = TCPCLOSE_WALK_BATCH, .hit = tcpclose_gauge_hit,
		       .commit = tcpclose_gauge_commit },
		.tbl = tbl, .sum = sum,
	};

	lockdep_assert_held(&tbl->mutex);
	tcpclose_port_range(net, &g.eph);
	sum->sockstat_tw = tcpclose_sockstat_tw(net);
	tcpclose_ehash_walk(net, &g.w);
}
