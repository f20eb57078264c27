// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns counters of closes per (port, role).
 *
 * The probe side (tcpclose_table_count) is lockless: an RCU lookup in a
 * two-level array and a per-CPU increment. Only the first event on a port
 * takes the table spinlock to create its entry. Reset never writes other
 * CPUs' counters: it records the current sums as a baseline that output
 * subtracts, so no increment racing with a reset is lost or torn.
 */
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/math64.h>
#include "table.h"

struct tcpclose_table *tcpclose_table_alloc(unsigned int max_ports)
{
	struct tcpclose_table *tbl;

	tbl = kvzalloc(sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return NULL;
	spin_lock_init(&tbl->lock);
	mutex_init(&tbl->mutex);
	atomic64_set(&tbl->dropped, 0);
	atomic64_set(&tbl->untracked_closes, 0);
	tbl->max_ports = max_ports;
	return tbl;
}

/* The caller guarantees that no probe or reader can still see @tbl. */
void tcpclose_table_free(struct tcpclose_table *tbl)
{
	unsigned int d, i;

	if (!tbl)
		return;
	for (d = 0; d < TCPCLOSE_DIR_SIZE; d++) {
		struct tcpclose_block *blk = rcu_dereference_protected(tbl->dir[d], 1);

		if (!blk)
			continue;
		for (i = 0; i < TCPCLOSE_BLOCK_SIZE; i++) {
			struct tcpclose_port *p = rcu_dereference_protected(blk->port[i], 1);

			if (p) {
				kfree(rcu_dereference_protected(p->hists[0], 1));
				kfree(rcu_dereference_protected(p->hists[1], 1));
				free_percpu(p->pcpu);
				kfree(p);
			}
		}
		kfree(blk);
	}
	mutex_destroy(&tbl->mutex);
	kvfree(tbl);
}

/*
 * Under rcu_read_lock(), with preemption off (the probe: an RCU-sched
 * reader is an RCU reader) or under tbl->mutex (entries are never removed).
 */
static struct tcpclose_port *tcpclose_port_find(struct tcpclose_table *tbl, u16 port)
{
	struct tcpclose_block *blk;

	blk = rcu_dereference_check(tbl->dir[port >> TCPCLOSE_BLOCK_SHIFT],
				    lockdep_is_held(&tbl->mutex) || rcu_read_lock_sched_held());
	if (!blk)
		return NULL;
	return rcu_dereference_check(blk->port[port & (TCPCLOSE_BLOCK_SIZE - 1)],
				     lockdep_is_held(&tbl->mutex) || rcu_read_lock_sched_held());
}

/*
 * Create the entry of @port (or find it, created meanwhile). Allocation
 * happens before taking the lock (the probe may run in softirq context, so
 * @gfp is GFP_ATOMIC there); a loser of a creation race frees its copy.
 * NULL when max_ports entries exist or memory is short. Out of line: the
 * probe comes here once per port.
 */
static noinline struct tcpclose_port *tcpclose_port_create(struct tcpclose_table *tbl,
							   u16 port, gfp_t gfp)
{
	struct tcpclose_block *blk, *newblk = NULL;
	struct tcpclose_port *p, *newp;
	unsigned int d = port >> TCPCLOSE_BLOCK_SHIFT;
	unsigned int i = port & (TCPCLOSE_BLOCK_SIZE - 1);
	unsigned long flags;

	if (READ_ONCE(tbl->nports) >= tbl->max_ports)
		return NULL;

	newp = kzalloc(sizeof(*newp), gfp);
	if (!newp)
		return NULL;
	newp->pcpu = alloc_percpu_gfp(struct tcpclose_pcpu, gfp);
	if (!newp->pcpu)
		goto out;
	if (!rcu_access_pointer(tbl->dir[d])) {
		newblk = kzalloc(sizeof(*newblk), gfp);
		if (!newblk)
			goto out;
	}

	spin_lock_irqsave(&tbl->lock, flags);
	blk = rcu_dereference_protected(tbl->dir[d], lockdep_is_held(&tbl->lock));
	if (!blk && newblk) {
		rcu_assign_pointer(tbl->dir[d], newblk);
		blk = newblk;
		newblk = NULL;
	}
	p = blk ? rcu_dereference_protected(blk->port[i], lockdep_is_held(&tbl->lock)) : NULL;
	if (blk && !p && tbl->nports < tbl->max_ports) {
		rcu_assign_pointer(blk->port[i], newp);
		WRITE_ONCE(tbl->nports, tbl->nports + 1);
		p = newp;
		newp = NULL;
	}
	spin_unlock_irqrestore(&tbl->lock, flags);
out:
	kfree(newblk);
	if (newp) {
		free_percpu(newp->pcpu);
		kfree(newp);
	}
	return p;
}

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
	if (unlikely(!p)) {
		atomic64_inc(&tbl->dropped);
		return false;
	}
	this_cpu_inc(p->pcpu->v[key->role][counter]);
	return true;
}

/*
 * The fast path, from the probe (preemption off) or under rcu_read_lock().
 * False if dropped.
 */
bool tcpclose_table_count(struct tcpclose_table *tbl, const struct tcpclose_key *key,
			  enum tcpclose_counter counter)
{
	return tcpclose_port_inc(tbl, tcpclose_port_get(tbl, key->port, GFP_ATOMIC), key,
				 counter);
}

/*
 * The same for kprobe handlers, which run in NMI context (int3): no
 * allocation and no lock, so an event counts only on a port that already
 * has an entry (its close was counted, or a snapshot saw its sockets), and
 * is dropped otherwise. Under rcu_read_lock().
 */
bool tcpclose_table_count_nmi(struct tcpclose_table *tbl, const struct tcpclose_key *key,
			      enum tcpclose_counter counter)
{
	return tcpclose_port_inc(tbl, tcpclose_port_find(tbl, key->port), key, counter);
}

/*
 * The close-phase histograms of (@port, @role), indexed by phase, or NULL.
 * For closes whose port has an entry (their first FIN was counted), from
 * the probe (preemption off) or under rcu_read_lock(). The first duration
 * of a port allocates them; a racing loser frees its copy; without memory
 * the duration is counted as untracked.
 */
struct tcpclose_hist *tcpclose_table_hists(struct tcpclose_table *tbl, u16 port, u8 role)
{
	struct tcpclose_port *p = tcpclose_port_find(tbl, port);
	struct tcpclose_hists *h, *newh;

	if (unlikely(!p))
		return NULL;
	h = rcu_dereference_check(p->hists[role], rcu_read_lock_sched_held());
	if (unlikely(!h)) {
		newh = kzalloc(sizeof(*newh), GFP_ATOMIC);
		if (!newh) {
			atomic64_inc(&tbl->untracked_closes);
			return NULL;
		}
		h = cmpxchg((struct tcpclose_hists __force **)&p->hists[role], NULL, newh);
		if (h)
			kfree(newh);
		else
			h = newh;
	}
	return h->h;
}

static void tcpclose_port_sum(const struct tcpclose_port *p,
			      u64 sum[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS])
{
	unsigned int cpu, r, c;

	memset(sum, 0, sizeof(u64) * TCPCLOSE_NR_ROLES * TCPCLOSE_NR_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct tcpclose_pcpu *pc = per_cpu_ptr(p->pcpu, cpu);

		for (r = 0; r < TCPCLOSE_NR_ROLES; r++)
			for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
				sum[r][c] += READ_ONCE(pc->v[r][c]);
	}
}

/*
 * The first entry at or after *@port, with *@port set to its number, or
 * NULL. Under rcu_read_lock().
 */
static struct tcpclose_port *tcpclose_port_next(struct tcpclose_table *tbl,
						unsigned int *port)
{
	struct tcpclose_block *blk;
	struct tcpclose_port *p;
	unsigned int n = *port;

	while (n < TCPCLOSE_PORTS) {
		blk = rcu_dereference(tbl->dir[n >> TCPCLOSE_BLOCK_SHIFT]);
		if (!blk) {
			n = round_down(n, TCPCLOSE_BLOCK_SIZE) + TCPCLOSE_BLOCK_SIZE;
			continue;
		}
		p = rcu_dereference(blk->port[n & (TCPCLOSE_BLOCK_SIZE - 1)]);
		if (p) {
			*port = n;
			return p;
		}
		n++;
	}
	return NULL;
}

void tcpclose_table_reset(struct tcpclose_table *tbl)
{
	struct tcpclose_port *p;
	unsigned int port;

	mutex_lock(&tbl->mutex);
	rcu_read_lock();
	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		struct tcpclose_hists *h;
		unsigned int r, ph;

		tcpclose_port_sum(p, p->base);
		for (r = 0; r < TCPCLOSE_NR_ROLES; r++) {
			h = rcu_dereference(p->hists[r]);
			for (ph = 0; h && ph < TCPCLOSE_NR_PHASES; ph++)
				tcpclose_hist_zero(&h->h[ph]);
		}
	}
	rcu_read_unlock();
	tbl->dropped_base = atomic64_read(&tbl->dropped);
	tbl->untracked_base = atomic64_read(&tbl->untracked_closes);
	mutex_unlock(&tbl->mutex);
}

void tcpclose_table_clear_gauges(struct tcpclose_table *tbl)
{
	struct tcpclose_port *p;
	unsigned int port;

	lockdep_assert_held(&tbl->mutex);
	rcu_read_lock();
	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		memset(p->gauge, 0, sizeof(p->gauge));
		memset(p->cw_since, 0, sizeof(p->cw_since));
		memset(p->cw_untracked, 0, sizeof(p->cw_untracked));
	}
	rcu_read_unlock();
}

/*
 * @since: for CLOSE_WAIT, when the socket entered it (ns), or 0 when that
 * is unknown (it did so before tcpclose was loaded, or was not tracked).
 */
bool tcpclose_table_add_gauge(struct tcpclose_table *tbl, const struct tcpclose_key *key,
			      enum tcpclose_gauge gauge, u64 since, gfp_t gfp)
{
	struct tcpclose_port *p;
	u8 r = key->role;

	lockdep_assert_held(&tbl->mutex);
	p = tcpclose_port_get(tbl, key->port, gfp);
	if (!p)
		return false;
	p->gauge[r][gauge]++;
	if (gauge == TCPCLOSE_G_CLOSE_WAIT) {
		if (!since)
			p->cw_untracked[r]++;
		else if (!p->cw_since[r] || since < p->cw_since[r])
			p->cw_since[r] = since;
	}
	return true;
}

/*
 * The non-zero rows, sorted by port then role, in a kvmalloc()ed array
 * the caller frees with kvfree(). Fills the table part of @sum.
 */
struct tcpclose_row *tcpclose_table_rows(struct tcpclose_table *tbl, unsigned int *nrows,
					 struct tcpclose_summary *sum, u64 now)
{
	u64 cnt[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
	unsigned int max, n = 0, port, r, c;
	struct tcpclose_row *rows, *row;
	struct tcpclose_port *p;

	lockdep_assert_held(&tbl->mutex);
	max = READ_ONCE(tbl->nports) * TCPCLOSE_NR_ROLES;
	rows = kvmalloc_array(max ?: 1, sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return NULL;

	rcu_read_lock();
	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		tcpclose_port_sum(p, cnt);
		for (r = 0; r < TCPCLOSE_NR_ROLES && n < max; r++) {
			row = &rows[n];
			row->port = port;
			row->role = r;
			for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
				row->counter[c] = cnt[r][c] - p->base[r][c];
			memcpy(row->gauge, p->gauge[r], sizeof(row->gauge));
			row->close_wait_oldest_s = p->cw_since[r] && now > p->cw_since[r] ?
				div_u64(now - p->cw_since[r], NSEC_PER_SEC) : 0;
			row->close_wait_untracked = p->cw_untracked[r];
			if (!tcpclose_row_is_zero(row))
				n++;
		}
	}
	rcu_read_unlock();

	sum->ports = READ_ONCE(tbl->nports);
	sum->max_ports = tbl->max_ports;
	sum->dropped = atomic64_read(&tbl->dropped) - tbl->dropped_base;
	*nrows = n;
	return rows;
}

/* Non-empty histograms, sorted by port, role, phase; kvfree() them. */
struct tcpclose_hist_row *tcpclose_table_hist_rows(struct tcpclose_table *tbl,
						   unsigned int *nrows,
						   struct tcpclose_summary *sum)
{
	unsigned int max, n = 0, port, r, ph;
	struct tcpclose_hist_row *rows;
	struct tcpclose_hists *h;
	struct tcpclose_port *p;

	lockdep_assert_held(&tbl->mutex);
	max = READ_ONCE(tbl->nports) * TCPCLOSE_NR_ROLES * TCPCLOSE_NR_PHASES;
	rows = kvmalloc_array(max ?: 1, sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return NULL;

	rcu_read_lock();
	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		for (r = 0; r < TCPCLOSE_NR_ROLES; r++) {
			h = rcu_dereference(p->hists[r]);
			for (ph = 0; h && ph < TCPCLOSE_NR_PHASES && n < max; ph++) {
				tcpclose_hist_read(&h->h[ph], &rows[n]);
				rows[n].port = port;
				rows[n].role = r;
				rows[n].phase = ph;
				if (rows[n].count)
					n++;
			}
		}
	}
	rcu_read_unlock();
	sum->untracked_closes = atomic64_read(&tbl->untracked_closes) - tbl->untracked_base;
	*nrows = n;
	return rows;
}
