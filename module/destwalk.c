// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpclose_dest at read time: client sockets of a namespace grouped
 * by destination, from the same lockless walk of the established hash as
 * the gauges (gauge.c), merged with the namespace's connect() failures.
 *
 * Memory is the reader's, charged to its cgroup and freed before the
 * read returns but for the rows: the grouping (at most
 * TCPCLOSE_DEST_SLOTS_MAX slots of 56 bytes, 1.75 MiB, three quarters of
 * them used at most) and a bitmap of local ports (8 KiB). Sockets of destinations
 * past that bound are summed in the "other" row and counted as ungrouped.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "classify.h"
#include "compat.h"
#include "destwalk.h"
#include "gauge.h"

#define TCPCLOSE_DEST_SLOTS_MIN 256
#define TCPCLOSE_DEST_SLOTS_MAX 32768
#define TCPCLOSE_DEST_BATCH 32

unsigned int tcpclose_max_dests = 64;

struct tcpclose_dest_hit {
	struct tcpclose_dest_key key;
	u16 lport;
	u8 state;
};

struct tcpclose_dest_walk {
	struct tcpclose_walker w;
	const struct tcpclose_table *tbl;
	struct tcpclose_range eph;
	struct tcpclose_dest_group g;
	unsigned long *ports;		/* local ports of client sockets */
	struct tcpclose_dest rest;	/* sockets that found no group */
	u32 ungrouped;
	struct tcpclose_dest_hit hit[TCPCLOSE_DEST_BATCH];
	struct tcpclose_fail fails[TCPCLOSE_FAIL_SLOTS];
};

/* Room for @more groups at most half full; on failure the grouping stays as it is. */
static void tcpclose_dest_reserve(struct tcpclose_dest_walk *w, unsigned int more)
{
	unsigned int size = w->g.size;
	struct tcpclose_dest *slot, *old = w->g.slot;

	while ((w->g.n + more) * 2 > size && size < TCPCLOSE_DEST_SLOTS_MAX)
		size *= 2;
	if (size == w->g.size)
		return;
	slot = kvcalloc(size, sizeof(*slot), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!slot)
		return;
	tcpclose_dest_rehash(&w->g, slot, size);
	kvfree(old);
}

/* A client socket of @net, in any state that holds its local port. */
static bool tcpclose_dest_sock(const struct tcpclose_table *tbl, const struct sock *sk,
			       const struct tcpclose_range *eph, struct tcpclose_dest_hit *h)
{
	int state = READ_ONCE(sk->sk_state);
	u16 lport = READ_ONCE(sk->sk_num);
	struct tcpclose_key key;

	if (state == TCP_NEW_SYN_RECV || state == TCP_LISTEN || state == TCP_CLOSE)
		return false;
	/* An orphan's FIN_WAIT2 goes on in a timewait socket: its substate counts. */
	if (state == TCP_TIME_WAIT)
		state = READ_ONCE(inet_twsk(sk)->tw_substate);
	tcpclose_dest_key_of(sk, &h->key);
	if (!tcpclose_key_of(lport, h->key.rport, tcpclose_table_listens(tbl, lport),
			     tcpclose_table_listens(tbl, h->key.rport), eph, &key) ||
	    key.role != TCPCLOSE_CLIENT)
		return false;
	h->lport = lport;
	h->state = state;
	return true;
}

static bool tcpclose_dest_hit(struct tcpclose_walker *ww, const struct sock *sk, unsigned int i)
{
	struct tcpclose_dest_walk *w = container_of(ww, struct tcpclose_dest_walk, w);

	return tcpclose_dest_sock(w->tbl, sk, &w->eph, &w->hit[i]);
}

static void tcpclose_dest_commit(struct tcpclose_walker *ww, unsigned int n, gfp_t gfp)
{
	struct tcpclose_dest_walk *w = container_of(ww, struct tcpclose_dest_walk, w);
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct tcpclose_dest_hit *h = &w->hit[i];
		struct tcpclose_dest *d = tcpclose_dest_find(&w->g, &h->key);

		__set_bit(h->lport, w->ports);
		if (!d) {
			d = &w->rest;
			w->ungrouped++;
		}
		d->in_use++;
		d->time_wait += h->state == TCP_TIME_WAIT;
		d->established += h->state == TCP_ESTABLISHED;
	}
}

/* Before each bucket: room for a batch of new destinations. */
static void tcpclose_dest_bucket(struct tcpclose_walker *ww)
{
	tcpclose_dest_reserve(container_of(ww, struct tcpclose_dest_walk, w), TCPCLOSE_DEST_BATCH);
}

/* Set bits of @map in [lo, hi]. */
static u32 tcpclose_bits_in(const unsigned long *map, int lo, int hi)
{
	unsigned long b;
	u32 n = 0;

	if (!map || lo > hi)
		return 0;
	for (b = find_next_bit(map, hi + 1, lo); b <= hi; b = find_next_bit(map, hi + 1, b + 1))
		n++;
	return n;
}

/* The namespace's failures by destination, and its total read after them. */
static void tcpclose_dest_failures(struct tcpclose_dest_walk *w, struct tcpclose_table *tbl,
				   struct tcpclose_dest_summary *sum)
{
	unsigned long flags;
	unsigned int i;

	/* The total and the table change together, under the lock. */
	raw_spin_lock_irqsave(&tbl->fails.lock, flags);
	memcpy(w->fails, tbl->fails.slot, sizeof(w->fails));
	sum->connect_failures = atomic64_read(&tbl->connect_failures) - tbl->connect_failures_base;
	raw_spin_unlock_irqrestore(&tbl->fails.lock, flags);
	sum->bind_failures = atomic64_read(&tbl->bind_failures) - tbl->bind_failures_base;

	tcpclose_dest_reserve(w, TCPCLOSE_FAIL_SLOTS);
	for (i = 0; i < TCPCLOSE_FAIL_SLOTS; i++) {
		struct tcpclose_dest *d;

		if (!w->fails[i].count)
			continue;
		sum->failure_dests++;
		d = tcpclose_dest_find(&w->g, &w->fails[i].key);
		if (d)
			d->connect_failures += w->fails[i].count;
	}
}

/*
 * The rows of /proc/tcpclose_dest for @net: at most max_dests, then
 * "other" (always). Under @tbl's mutex, which also bounds the memory of
 * concurrent readers to one grouping per namespace. kvfree() them.
 */
struct tcpclose_dest *tcpclose_dest_rows(struct tcpclose_table *tbl, const struct net *net,
					 unsigned int *nrows, struct tcpclose_dest_summary *sum)
{
	struct tcpclose_dest *rows = NULL, *other;
	struct tcpclose_dest_walk *w;
	unsigned int k = READ_ONCE(tcpclose_max_dests), m;

	lockdep_assert_held(&tbl->mutex);
	w = kvzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return NULL;
	w->ports = bitmap_zalloc(TCPCLOSE_PORTS, GFP_KERNEL_ACCOUNT);
	w->g.slot = kvcalloc(TCPCLOSE_DEST_SLOTS_MIN, sizeof(*w->g.slot), GFP_KERNEL_ACCOUNT);
	w->g.size = TCPCLOSE_DEST_SLOTS_MIN;
	if (!w->ports || !w->g.slot)
		goto out;

	w->w.batch = TCPCLOSE_DEST_BATCH;
	w->w.hit = tcpclose_dest_hit;
	w->w.commit = tcpclose_dest_commit;
	w->w.bucket = tcpclose_dest_bucket;
	w->tbl = tbl;
	tcpclose_port_range(net, &w->eph);
	tcpclose_gauge_seed_listeners(tbl, net);
	tcpclose_ehash_walk(net, &w->w);
	tcpclose_dest_failures(w, tbl, sum);

	sum->netns = net->ns.inum;
	sum->since_boot_s = div_u64(tbl->since, NSEC_PER_SEC);
	sum->port_lo = w->eph.lo;
	sum->port_hi = w->eph.hi;
	sum->reserved = tcpclose_bits_in(tcpclose_reserved_ports(net), w->eph.lo, w->eph.hi);
	sum->ports_in_use = tcpclose_bits_in(w->ports, w->eph.lo, w->eph.hi);
	sum->dests = w->g.n;
	sum->max_dests = k;
	sum->ungrouped = w->ungrouped;

	rows = kvmalloc_array(min(w->g.n, k) + 1, sizeof(*rows), GFP_KERNEL_ACCOUNT);
	if (!rows)
		goto out;
	m = tcpclose_dest_top(&w->g, k, sum->connect_failures, rows);
	other = &rows[m];
	other->in_use += w->rest.in_use;
	other->time_wait += w->rest.time_wait;
	other->established += w->rest.established;
	*nrows = m + 1;
out:
	kvfree(w->g.slot);
	bitmap_free(w->ports);
	kvfree(w);
	return rows;
}
