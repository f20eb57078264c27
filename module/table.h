/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_TABLE_H
#define TCPCLOSE_TABLE_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/lockdep.h>
#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <linux/llist.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include "tcpclose.h"
#include "hist.h"
#include "dest.h"

#define TCPCLOSE_PORTS		65536
#define TCPCLOSE_BLOCK_SHIFT	8
#define TCPCLOSE_BLOCK_SIZE	BIT(TCPCLOSE_BLOCK_SHIFT)
#define TCPCLOSE_DIR_SIZE	(TCPCLOSE_PORTS >> TCPCLOSE_BLOCK_SHIFT)
/* The entry of port 0, which no connection has: events of ports without room. */
#define TCPCLOSE_OTHER		0

/* Written only by the CPU that owns it: the fast path never shares a line. */
struct tcpclose_pcpu {
	u64 v[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
};

/*
 * A port entry. Created in probe context from the pool (pool.h), it is
 * "young": it counts in @early, shared atomics, until process context
 * gives it per-CPU counters. Both are summed on output forever, so no
 * count moves and none is lost.
 */
struct tcpclose_port {
	struct tcpclose_pcpu __percpu *pcpu;	/* NULL while young */
	atomic_t early[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
	struct llist_node young;	/* on tbl->young until @pcpu is set */
	/* Sums at the last reset, subtracted on output (under table->mutex). */
	u64 base[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
	/* The snapshot being built (under table->mutex). */
	u32 gauge[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_GAUGES];
	u64 cw_since[TCPCLOSE_NR_ROLES];	/* oldest CLOSE_WAIT entry time, ns */
	u32 cw_untracked[TCPCLOSE_NR_ROLES];
	/* Close-phase durations, allocated on the first measured close. */
	struct tcpclose_hists __rcu *hists[TCPCLOSE_NR_ROLES];
	/* Recent activity, aged at each eviction scan (under table->mutex). */
	u64 score;
	u64 seen;	/* the sum of its counters at the last scan */
};

struct tcpclose_block {
	struct tcpclose_port __rcu *port[TCPCLOSE_BLOCK_SIZE];
};

/*
 * Entries and blocks shared by several tables, at most @max: the pools and
 * per-CPU counters they come from are charged to no cgroup, and a user can
 * make as many namespaces (and tables) as their own memory allows. A block
 * counts as one: it outlives the entries that made it, until its table goes.
 */
struct tcpclose_quota {
	atomic_t used;
	unsigned int max;
};

/* One unit of @q, or false (nothing taken): atomics only, for probe context. */
static inline bool tcpclose_quota_take(struct tcpclose_quota *q)
{
	/* Never above @max, even for a moment: the header shows @used. */
	return !q || atomic_add_unless(&q->used, 1, q->max);
}

static inline void tcpclose_quota_give(struct tcpclose_quota *q, int n)
{
	if (q)
		atomic_sub(n, &q->used);
}

/* No room in @q for a new port: an entry, and maybe its block. */
static inline bool tcpclose_quota_full(struct tcpclose_quota *q)
{
	return q && (unsigned int)atomic_read(&q->used) + 2 > q->max;
}

/*
 * Entries an eviction frees: down to 7/8 of @max_ports when the table is
 * full; when @shared_full, an eighth of its own (at least one), so that a
 * namespace at the shared cap makes room from its own idle entries, never
 * from another's. Pure, for KUnit.
 */
static inline int tcpclose_evict_need(int nports, unsigned int max_ports, bool shared_full)
{
	int need = nports - (int)(max_ports - max(max_ports / 8, 1U));

	if (shared_full && nports > 0)
		need = max(need, max(nports / 8, 1));
	return need;
}

/*
 * One per network namespace. Ports are a two-level array indexed by port
 * number: a lookup is two dependent loads with no hashing and no lock,
 * output comes out sorted, and memory grows by one block per 256 ports in
 * use. Blocks and ports are installed with cmpxchg, by the probe (from the
 * pools) or by a snapshot that sees their sockets. Blocks live until the
 * table is freed; a port's entry until then, or until the table is full
 * and it is evicted (tcpclose_table_evict(), under @mutex, a grace period
 * after it was unpublished), its counts folded into the entry of port 0,
 * "other", which every event of a port without room goes to.
 */
struct tcpclose_table {
	struct tcpclose_block __rcu *dir[TCPCLOSE_DIR_SIZE];
	/*
	 * Ports with a listener (see tcpclose_key_of()): set by an accept and
	 * by the listening hash, seen at load and at every snapshot; cleared
	 * when a listener of the port closes. Another listener on the same
	 * port (SO_REUSEPORT, IPv4 and IPv6) sets it again at its next accept
	 * or the next snapshot.
	 */
	unsigned long listen[BITS_TO_LONGS(TCPCLOSE_PORTS)];
	/*
	 * Ports that accepted a connection in the current or the previous
	 * TIME_WAIT period (60 s, by jiffies): a server's TIME_WAIT sockets
	 * outlive its listener by that long, and stay on its port. Two
	 * bitmaps, each valid for the period it was started in and the next.
	 */
	unsigned long accepted[2][BITS_TO_LONGS(TCPCLOSE_PORTS)];
	unsigned long accepted_period[2];
	struct mutex mutex;	/* snapshots, resets, eviction */
	struct llist_head young;	/* ports without per-CPU counters yet */
	struct irq_work kick;	/* from probe context: queue @grow */
	struct work_struct grow;	/* gives young ports their per-CPU counters */
	atomic_t nports;	/* entries, at most max_ports */
	unsigned int max_ports;
	/* Shared with other namespaces' tables: NULL for init_net's. */
	struct tcpclose_quota *quota;
	atomic64_t dropped;	/* events lost: max_ports reached or no memory */
	u64 dropped_base;	/* under mutex */
	atomic64_t untracked_closes;	/* closes not timed: tracker full */
	atomic_t tracked;	/* tracker slots this namespace holds */
	unsigned long evict;	/* bit 0: the table is full, evict (grow work) */
	unsigned long aged_at;	/* jiffies: scores were last halved (under mutex) */
	/* Counts of evicted ports, output on "other" (under mutex). */
	u64 folded[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
	u64 untracked_base;	/* under mutex */
	u64 since;		/* counting started: load or reset (boottime, ns) */
	/* connect() without a free local port, bind(port 0) that found none */
	atomic64_t connect_failures;
	atomic64_t bind_failures;
	u64 connect_failures_base;	/* under mutex */
	u64 bind_failures_base;		/* under mutex */
	struct tcpclose_fails fails;	/* connect() failures by destination */
};

struct tcpclose_table *tcpclose_table_alloc(unsigned int max_ports, struct tcpclose_quota *quota);
void tcpclose_table_free(struct tcpclose_table *tbl);

#define TCPCLOSE_TW_PERIOD (60 * HZ)	/* TCP_TIMEWAIT_LEN */

static inline unsigned long tcpclose_tw_period(void)
{
	/* + 2: no period is 0 or 1, which a zeroed table would take for valid. */
	return jiffies / TCPCLOSE_TW_PERIOD + 2;
}

/*
 * An accept on @port, now. The first of a new period starts its bitmap
 * afresh (8 KiB, once a minute at most); two CPUs doing that at once can
 * only lose each other's bits, that is a port's grace, never a count.
 */
static inline void tcpclose_table_accepted(struct tcpclose_table *tbl, u16 port)
{
	unsigned long period = tcpclose_tw_period();
	unsigned int i = period & 1;

	if (READ_ONCE(tbl->accepted_period[i]) != period) {
		bitmap_zero(tbl->accepted[i], TCPCLOSE_PORTS);
		WRITE_ONCE(tbl->accepted_period[i], period);
	}
	if (!test_bit(port, tbl->accepted[i]))
		set_bit(port, tbl->accepted[i]);
}

static inline void tcpclose_table_set_listener(struct tcpclose_table *tbl, u16 port,
					       bool listens)
{
	/* Test first: accepts are frequent, new listening ports are not. */
	if (test_bit(port, tbl->listen) == listens)
		return;
	if (listens)
		set_bit(port, tbl->listen);
	else
		clear_bit(port, tbl->listen);
}

/* @port has a listener, or had one that accepted within a TIME_WAIT period. */
static inline bool tcpclose_table_listens(const struct tcpclose_table *tbl, u16 port)
{
	unsigned long period;
	unsigned int i;

	if (test_bit(port, tbl->listen))
		return true;
	period = tcpclose_tw_period();
	for (i = 0; i < 2; i++)
		if (READ_ONCE(tbl->accepted_period[i]) + 1 >= period &&
		    test_bit(port, tbl->accepted[i]))
			return true;
	return false;
}

void tcpclose_table_reset(struct tcpclose_table *tbl);
void tcpclose_table_grow(struct tcpclose_table *tbl);

/* Snapshot building, all under tbl->mutex. */
void tcpclose_table_clear_gauges(struct tcpclose_table *tbl);
bool tcpclose_table_add_gauge(struct tcpclose_table *tbl, const struct tcpclose_key *key,
			      enum tcpclose_gauge gauge, u64 since, gfp_t gfp);
struct tcpclose_row *tcpclose_table_rows(struct tcpclose_table *tbl, unsigned int *nrows,
					 struct tcpclose_summary *sum, u64 now);

/* Under rcu_read_lock() or tbl->mutex (entries are evicted under both). */
static inline struct tcpclose_port *tcpclose_port_find(struct tcpclose_table *tbl, u16 port)
{
	struct tcpclose_block *blk;

	blk = rcu_dereference_check(tbl->dir[port >> TCPCLOSE_BLOCK_SHIFT],
				    lockdep_is_held(&tbl->mutex));
	if (!blk)
		return NULL;
	return rcu_dereference_check(blk->port[port & (TCPCLOSE_BLOCK_SIZE - 1)],
				     lockdep_is_held(&tbl->mutex));
}

/* The entry of @port, or "other" when it has none (no room, or evicted). */
static inline struct tcpclose_port *tcpclose_port_or_other(struct tcpclose_table *tbl,
							   u16 port)
{
	return tcpclose_port_find(tbl, port) ?: tcpclose_port_find(tbl, TCPCLOSE_OTHER);
}

/* Close-phase durations. */
struct tcpclose_hist *tcpclose_table_hists_new(struct tcpclose_table *tbl,
					       struct tcpclose_port *p, u8 role);

/*
 * The close-phase histograms of (@port, @role), indexed by phase, or NULL.
 * For closes whose first FIN was counted, under rcu_read_lock(): those of
 * "other" when the port has no entry (there was no room, or it was
 * evicted since). Inline: each step of a timed close but the first looks
 * them up.
 */
static inline struct tcpclose_hist *tcpclose_table_hists(struct tcpclose_table *tbl,
							 u16 port, u8 role)
{
	struct tcpclose_port *p = tcpclose_port_or_other(tbl, port);
	struct tcpclose_hists *h;

	if (unlikely(!p))
		return NULL;
	h = rcu_dereference(p->hists[role]);
	return likely(h) ? h->h : tcpclose_table_hists_new(tbl, p, role);
}

/* Out of line (table.c): once per port. */
struct tcpclose_port *tcpclose_port_create(struct tcpclose_table *tbl, u16 port, gfp_t gfp);

/* Find or create the entry of @port. */
static inline struct tcpclose_port *tcpclose_port_get(struct tcpclose_table *tbl, u16 port,
						      gfp_t gfp)
{
	struct tcpclose_port *p = tcpclose_port_find(tbl, port);

	return likely(p) ? p : tcpclose_port_create(tbl, port, gfp);
}

static inline bool tcpclose_port_inc(struct tcpclose_table *tbl, struct tcpclose_port *p,
				     const struct tcpclose_key *key, enum tcpclose_counter counter)
{
	struct tcpclose_pcpu __percpu *pc;

	if (unlikely(!p)) {
		atomic64_inc(&tbl->dropped);
		return false;
	}
	/* Pairs with the release in tcpclose_table_grow(): zeroed counters. */
	pc = smp_load_acquire(&p->pcpu);
	if (likely(pc))
		this_cpu_inc(pc->v[key->role][counter]);
	else
		atomic_inc(&p->early[key->role][counter]);
	return true;
}

/*
 * The fast path, in any context (NMI included), under rcu_read_lock().
 * False if dropped: max_ports reached, or a burst of new ports emptied
 * the pool before it was refilled. Inline: the probe counts up to four
 * times per connection, and the call was a tenth of the count's cost.
 */
static inline bool tcpclose_table_count(struct tcpclose_table *tbl,
					const struct tcpclose_key *key,
					enum tcpclose_counter counter)
{
	return tcpclose_port_inc(tbl, tcpclose_port_get(tbl, key->port, 0), key, counter);
}

/*
 * The same for the TIME_WAIT kprobes, which never create an entry (their
 * handlers run from int3: NMI context): an event of a port without one
 * (timewait sockets from before the module loaded, a port evicted or
 * without room) counts on "other", and makes no row. Under rcu_read_lock().
 */
static inline bool tcpclose_table_count_known(struct tcpclose_table *tbl,
					      const struct tcpclose_key *key,
					      enum tcpclose_counter counter)
{
	return tcpclose_port_inc(tbl, tcpclose_port_or_other(tbl, key->port), key, counter);
}

struct tcpclose_hist_row *tcpclose_table_hist_rows(struct tcpclose_table *tbl,
						   unsigned int *nrows,
						   struct tcpclose_summary *sum);

#endif
