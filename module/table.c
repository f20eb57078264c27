// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns counters of closes per (port, role).
 *
 * The probe side (tcpclose_table_count) is lockless and never allocates:
 * an RCU lookup in a two-level array and a per-CPU increment. The first
 * events of a port go to a staging slot (stage.h) and an irq_work queues
 * tcpclose_table_settle(), which creates the entry in process context and
 * folds the staged counts in, so no event is lost and nothing in probe
 * context takes a lock that sleeps on PREEMPT_RT. Reset never writes other
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

static void tcpclose_table_kick_fn(struct irq_work *iw)
{
	struct tcpclose_table *tbl = container_of(iw, struct tcpclose_table, kick);

	queue_work(system_unbound_wq, &tbl->settle_work);
}

static void tcpclose_table_settle_fn(struct work_struct *work)
{
	tcpclose_table_settle(container_of(work, struct tcpclose_table, settle_work));
}

/* From probe context: settle soon. Safe in any context, NMI included. */
static void tcpclose_table_kick(struct tcpclose_table *tbl)
{
	irq_work_queue(&tbl->kick);
}

struct tcpclose_table *tcpclose_table_alloc(unsigned int max_ports)
{
	struct tcpclose_table *tbl;

	tbl = kvzalloc(sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return NULL;
	mutex_init(&tbl->mutex);
	mutex_init(&tbl->settle);
	init_irq_work(&tbl->kick, tcpclose_table_kick_fn);
	INIT_WORK(&tbl->settle_work, tcpclose_table_settle_fn);
	atomic64_set(&tbl->dropped, 0);
	atomic64_set(&tbl->untracked_closes, 0);
	tbl->max_ports = max_ports;
	if (tcpclose_hists_refill(&tbl->stages, GFP_KERNEL)) {
		tcpclose_table_free(tbl);
		return NULL;
	}
	return tbl;
}

/*
 * The caller guarantees that no probe or reader can still see @tbl: it
 * was unpublished a grace period ago, so nothing can kick it any more.
 */
void tcpclose_table_free(struct tcpclose_table *tbl)
{
	unsigned int d, i;

	if (!tbl)
		return;
	irq_work_sync(&tbl->kick);
	cancel_work_sync(&tbl->settle_work);
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
	tcpclose_stages_free(&tbl->stages);
	mutex_destroy(&tbl->settle);
	mutex_destroy(&tbl->mutex);
	kvfree(tbl);
}

/* Under rcu_read_lock() or tbl->mutex (entries are never removed). */
static struct tcpclose_port *tcpclose_port_find(struct tcpclose_table *tbl, u16 port)
{
	struct tcpclose_block *blk;

	blk = rcu_dereference_check(tbl->dir[port >> TCPCLOSE_BLOCK_SHIFT],
				    lockdep_is_held(&tbl->mutex));
	if (!blk)
		return NULL;
	return rcu_dereference_check(blk->port[port & (TCPCLOSE_BLOCK_SIZE - 1)],
				     lockdep_is_held(&tbl->mutex));
}

/*
 * Find or create the entry of @port, under tbl->mutex: process context
 * only. @gfp is GFP_ATOMIC inside an RCU read-side section (legal on RT
 * too: such a section may take a sleeping spinlock there, it is
 * preemptible). NULL when max_ports entries exist or memory is short.
 */
static struct tcpclose_port *tcpclose_port_get(struct tcpclose_table *tbl, u16 port, gfp_t gfp)
{
	unsigned int d = port >> TCPCLOSE_BLOCK_SHIFT;
	unsigned int i = port & (TCPCLOSE_BLOCK_SIZE - 1);
	struct tcpclose_block *blk;
	struct tcpclose_port *p;

	lockdep_assert_held(&tbl->mutex);
	blk = rcu_dereference_protected(tbl->dir[d], lockdep_is_held(&tbl->mutex));
	if (!blk) {
		blk = kzalloc(sizeof(*blk), gfp);
		if (!blk)
			return NULL;
		rcu_assign_pointer(tbl->dir[d], blk);
	}
	p = rcu_dereference_protected(blk->port[i], lockdep_is_held(&tbl->mutex));
	if (p || tbl->nports >= tbl->max_ports)
		return p;
	p = kzalloc(sizeof(*p), gfp);
	if (!p)
		return NULL;
	p->pcpu = alloc_percpu_gfp(struct tcpclose_pcpu, gfp);
	if (!p->pcpu) {
		kfree(p);
		return NULL;
	}
	rcu_assign_pointer(blk->port[i], p);
	WRITE_ONCE(tbl->nports, tbl->nports + 1);
	return p;
}

/* A port without an entry: stage the event for process context. */
static noinline bool tcpclose_table_stage(struct tcpclose_table *tbl,
					  const struct tcpclose_key *key,
					  enum tcpclose_counter counter)
{
	struct tcpclose_stage *s = NULL;

	if (READ_ONCE(tbl->nports) < tbl->max_ports)
		s = tcpclose_stage_claim(&tbl->stages, key);
	if (unlikely(!s)) {
		atomic64_inc(&tbl->dropped);
		return false;
	}
	atomic_inc(&s->n[counter]);
	tcpclose_table_kick(tbl);
	return true;
}

/*
 * The fast path, in any context but NMI, under rcu_read_lock(). False if
 * dropped (max_ports reached, or every staging slot of the key taken).
 */
bool tcpclose_table_count(struct tcpclose_table *tbl, const struct tcpclose_key *key,
			  enum tcpclose_counter counter)
{
	struct tcpclose_port *p = tcpclose_port_find(tbl, key->port);

	if (unlikely(!p))
		return tcpclose_table_stage(tbl, key, counter);
	this_cpu_inc(p->pcpu->v[key->role][counter]);
	return true;
}

/*
 * The same for the TIME_WAIT kprobes: an event counts only on a port that
 * already has an entry or a staging slot (its close was counted, or a
 * snapshot saw its sockets), and is dropped otherwise, so that timewait
 * sockets from before the module loaded make no rows. Under
 * rcu_read_lock(), in any context (int3 handlers run as NMIs).
 */
bool tcpclose_table_count_known(struct tcpclose_table *tbl, const struct tcpclose_key *key,
				enum tcpclose_counter counter)
{
	struct tcpclose_port *p = tcpclose_port_find(tbl, key->port);
	struct tcpclose_stage *s;

	if (likely(p)) {
		this_cpu_inc(p->pcpu->v[key->role][counter]);
		return true;
	}
	s = tcpclose_stage_find(&tbl->stages, key);
	if (s) {
		atomic_inc(&s->n[counter]);
		return true;
	}
	atomic64_inc(&tbl->dropped);
	return false;
}

/*
 * The close-phase histograms of (@port, @role), indexed by phase, or NULL.
 * For closes whose first FIN was counted (the port has an entry or a
 * staging slot), under rcu_read_lock(). The first duration of a (port,
 * role) takes a set from the pool; with the pool empty the duration is
 * counted as untracked.
 */
struct tcpclose_hist *tcpclose_table_hists(struct tcpclose_table *tbl, u16 port, u8 role)
{
	struct tcpclose_port *p = tcpclose_port_find(tbl, port);
	struct tcpclose_key key = { .port = port, .role = role };
	struct tcpclose_hists *h, *old;
	struct tcpclose_stage *s;
	bool took;

	if (likely(p)) {
		h = rcu_dereference(p->hists[role]);
		if (likely(h))
			return h->h;
		h = tcpclose_hists_take(&tbl->stages);
		if (!h)
			goto untracked;
		tcpclose_table_kick(tbl);
		old = cmpxchg((struct tcpclose_hists __force **)&p->hists[role], NULL, h);
		if (old) {
			tcpclose_hists_give(&tbl->stages, h);
			h = old;
		}
		return h->h;
	}
	s = tcpclose_stage_find(&tbl->stages, &key);
	if (!s)
		return NULL;
	h = tcpclose_stage_hists(&tbl->stages, s, &took);
	if (took)
		tcpclose_table_kick(tbl);
	if (h)
		return h->h;
untracked:
	atomic64_inc(&tbl->untracked_closes);
	tcpclose_table_kick(tbl);
	return NULL;
}

/*
 * A closed staging slot whose last counting probe has finished: its
 * counts go to this CPU's counters of the entry (or to dropped if there
 * is none), its histograms become the entry's or are added to them.
 * Under tbl->mutex.
 */
static void tcpclose_stage_fold(struct tcpclose_table *tbl, struct tcpclose_stage *s,
				struct tcpclose_port *p, u8 role)
{
	struct tcpclose_hists *h = READ_ONCE(s->hists), *old;
	u64 lost = 0;
	unsigned int c, ph;

	for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++) {
		unsigned int n = atomic_xchg(&s->n[c], 0);

		if (p)
			this_cpu_add(p->pcpu->v[role][c], n);
		else
			lost += n;
	}
	if (lost)
		atomic64_add(lost, &tbl->dropped);
	WRITE_ONCE(s->hists, NULL);
	if (h && p) {
		old = cmpxchg((struct tcpclose_hists __force **)&p->hists[role], NULL, h);
		if (!old)
			h = NULL;
		else
			for (ph = 0; ph < TCPCLOSE_NR_PHASES; ph++)
				tcpclose_hist_merge(&old->h[ph], &h->h[ph]);
	}
	if (h)
		tcpclose_hists_give(&tbl->stages, h);
	tcpclose_stage_release(s);
}

/*
 * Process context: create the entries of staged ports, fold their staged
 * counts in and refill the histogram pool. Run by the work the probe
 * kicks, and before every snapshot and reset so that they see every event
 * that happened before them.
 */
void tcpclose_table_settle(struct tcpclose_table *tbl)
{
	struct tcpclose_stages *st = &tbl->stages;
	struct tcpclose_port *port[TCPCLOSE_STAGES];
	struct tcpclose_key key[TCPCLOSE_STAGES];
	u8 slot[TCPCLOSE_STAGES];
	u32 order[TCPCLOSE_STAGES];
	unsigned int i, j, n = 0;

	mutex_lock(&tbl->settle);
	/* The open slots, in the order they were claimed (wrapping). */
	for (i = 0; i < TCPCLOSE_STAGES; i++) {
		struct tcpclose_key k;
		u32 o;

		if (!tcpclose_stage_open_key(&st->slot[i], &k, &o))
			continue;
		for (j = n++; j > 0 && (s32)(order[j - 1] - o) > 0; j--) {
			slot[j] = slot[j - 1];
			order[j] = order[j - 1];
			key[j] = key[j - 1];
		}
		slot[j] = i;
		order[j] = o;
		key[j] = k;
	}
	if (n) {
		mutex_lock(&tbl->mutex);
		for (i = 0; i < n; i++) {
			/* Published first: from now on the key's events go to the entry. */
			port[i] = tcpclose_port_get(tbl, key[i].port, GFP_KERNEL);
			tcpclose_stage_close(&st->slot[slot[i]]);
		}
		mutex_unlock(&tbl->mutex);
		/* Every probe that found a slot open has finished with it. */
		synchronize_rcu();
		mutex_lock(&tbl->mutex);
		for (i = 0; i < n; i++)
			tcpclose_stage_fold(tbl, &st->slot[slot[i]], port[i], key[i].role);
		mutex_unlock(&tbl->mutex);
	}
	/* Without memory, the pool stays short and durations go untracked. */
	tcpclose_hists_refill(st, GFP_KERNEL);
	mutex_unlock(&tbl->settle);
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

	tcpclose_table_settle(tbl);
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
