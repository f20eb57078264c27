// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns counters of closes per (port, role).
 *
 * The probe side (tcpclose_table_count) is lockless and never allocates:
 * an RCU lookup in a two-level array and a per-CPU increment. The first
 * event of a port installs an entry taken from a preallocated pool
 * (pool.h) with cmpxchg; it counts in shared atomics until a work item
 * gives it per-CPU counters, so nothing in probe context takes a lock
 * that sleeps on PREEMPT_RT, and no event waits or is lost. Reset never
 * writes other CPUs' counters: it records the current sums as a baseline
 * that output subtracts, so no increment racing with a reset is lost.
 */
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/overflow.h>
#include <linux/math64.h>
#include "table.h"
#include "pool.h"

static void tcpclose_table_kick_fn(struct irq_work *iw)
{
	struct tcpclose_table *tbl = container_of(iw, struct tcpclose_table, kick);

	queue_work(system_unbound_wq, &tbl->grow);
}

static void tcpclose_table_evict(struct tcpclose_table *tbl);

static void tcpclose_table_grow_fn(struct work_struct *work)
{
	struct tcpclose_table *tbl = container_of(work, struct tcpclose_table, grow);

	tcpclose_table_grow(tbl);
	if (test_bit(0, &tbl->evict))
		tcpclose_table_evict(tbl);
}

/*
 * @quota: shared with other tables (NULL: only max_ports bounds this one).
 * "other" and its block are outside it, as they are outside max_ports.
 */
struct tcpclose_table *tcpclose_table_alloc(unsigned int max_ports, struct tcpclose_quota *quota)
{
	struct tcpclose_table *tbl;
	struct tcpclose_port *p;

	/* Charged to whoever creates the namespace, as its other objects are. */
	tbl = kvzalloc(sizeof(*tbl), GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return NULL;
	mutex_init(&tbl->mutex);
	init_llist_head(&tbl->young);
	init_irq_work(&tbl->kick, tcpclose_table_kick_fn);
	INIT_WORK(&tbl->grow, tcpclose_table_grow_fn);
	atomic_set(&tbl->nports, 0);
	atomic64_set(&tbl->dropped, 0);
	atomic64_set(&tbl->untracked_closes, 0);
	atomic_set(&tbl->tracked, 0);
	tbl->aged_at = jiffies;
	tbl->max_ports = max_ports;
	tbl->since = ktime_get_boottime_ns();
	atomic64_set(&tbl->connect_failures, 0);
	atomic64_set(&tbl->bind_failures, 0);
	raw_spin_lock_init(&tbl->fails.lock);
	/* "other": outside max_ports, never evicted. */
	mutex_lock(&tbl->mutex);
	p = tcpclose_port_create(tbl, TCPCLOSE_OTHER, GFP_KERNEL_ACCOUNT);
	mutex_unlock(&tbl->mutex);
	if (!p) {
		tcpclose_table_free(tbl);
		return NULL;
	}
	atomic_dec(&tbl->nports);
	/* From here on, every entry and block but "other"'s takes a unit. */
	tbl->quota = quota;
	return tbl;
}

/*
 * The caller guarantees that no probe or reader can still see @tbl: it
 * was unpublished a grace period ago, so nothing can kick it any more.
 */
void tcpclose_table_free(struct tcpclose_table *tbl)
{
	unsigned int d, i;
	int units;

	if (!tbl)
		return;
	irq_work_sync(&tbl->kick);
	cancel_work_sync(&tbl->grow);
	/* What the quota gave: every entry, every block but "other"'s (dir[0]). */
	units = atomic_read(&tbl->nports);
	for (d = 0; d < TCPCLOSE_DIR_SIZE; d++) {
		struct tcpclose_block *blk = rcu_dereference_protected(tbl->dir[d], 1);

		if (!blk)
			continue;
		units += d != 0;
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
	tcpclose_quota_give(tbl->quota, units);
	mutex_destroy(&tbl->mutex);
	kvfree(tbl);
}

/*
 * Objects for a new entry: from the pools in probe context (@gfp == 0),
 * else allocated. Given back the way they came.
 */
static void *tcpclose_obj_new(enum tcpclose_pool_id id, size_t size, gfp_t gfp)
{
	return gfp ? kzalloc(size, gfp) : tcpclose_pool_take(id);
}

static void tcpclose_obj_drop(enum tcpclose_pool_id id, void *obj, gfp_t gfp)
{
	if (gfp)
		kfree(obj);
	else
		tcpclose_pool_give(id, obj);
}

/*
 * Install the entry of @port (or find it, installed meanwhile), in any
 * context: @gfp 0 takes memory from the pools (probe and kprobe context),
 * anything else allocates (process context, or GFP_ATOMIC in an RCU
 * read-side section: legal on RT too, where such a section is
 * preemptible). An entry made in probe context is young: process context
 * gives it per-CPU counters later. When max_ports entries exist, or the
 * quota shared with other namespaces has no unit left for the entry (and
 * its block), the entry of "other" (and eviction is asked for); NULL when
 * memory (or the pool) is short. Out of line: once per port.
 */
noinline struct tcpclose_port *tcpclose_port_create(struct tcpclose_table *tbl,
							   u16 port, gfp_t gfp)
{
	unsigned int d = port >> TCPCLOSE_BLOCK_SHIFT;
	unsigned int i = port & (TCPCLOSE_BLOCK_SIZE - 1);
	struct tcpclose_block *blk, *newblk;
	struct tcpclose_port *p, *newp;

	blk = rcu_dereference_check(tbl->dir[d], lockdep_is_held(&tbl->mutex));
	p = blk ? rcu_dereference_check(blk->port[i], lockdep_is_held(&tbl->mutex)) : NULL;
	if (p)
		return p;
	/*
	 * Full: before taking a block, which a flood across blocks would use
	 * up. Each unit taken here is given back on every way out but a
	 * published entry (or block), which gives it back when it goes.
	 */
	if (atomic_inc_return(&tbl->nports) > tbl->max_ports) {
		atomic_dec(&tbl->nports);
		goto no_room;
	}
	if (!tcpclose_quota_take(tbl->quota)) {
		atomic_dec(&tbl->nports);
		goto no_room;
	}
	if (!blk) {
		if (!tcpclose_quota_take(tbl->quota))
			goto no_block;
		newblk = tcpclose_obj_new(TCPCLOSE_POOL_BLOCK, sizeof(*newblk), gfp);
		if (!newblk) {
			tcpclose_quota_give(tbl->quota, 1);
			goto full;
		}
		blk = cmpxchg((struct tcpclose_block __force **)&tbl->dir[d], NULL, newblk);
		if (blk) {
			tcpclose_obj_drop(TCPCLOSE_POOL_BLOCK, newblk, gfp);
			tcpclose_quota_give(tbl->quota, 1);
		} else {
			blk = newblk;
		}
	}
	newp = tcpclose_obj_new(TCPCLOSE_POOL_PORT, sizeof(*newp), gfp);
	if (!newp)
		goto full;
	if (gfp) {
		newp->pcpu = alloc_percpu_gfp(struct tcpclose_pcpu, gfp);
		if (!newp->pcpu) {
			kfree(newp);
			goto full;
		}
	}
	/* Zeroed, and per-CPU memory too: published by the full barrier of cmpxchg. */
	p = cmpxchg((struct tcpclose_port __force **)&blk->port[i], NULL, newp);
	if (p) {
		if (gfp)
			free_percpu(newp->pcpu);
		tcpclose_obj_drop(TCPCLOSE_POOL_PORT, newp, gfp);
		atomic_dec(&tbl->nports);
		tcpclose_quota_give(tbl->quota, 1);
		return p;
	}
	if (!gfp) {
		llist_add(&newp->young, &tbl->young);
		irq_work_queue(&tbl->kick);
	}
	return newp;
full:
	atomic_dec(&tbl->nports);
	tcpclose_quota_give(tbl->quota, 1);
	return NULL;
no_block:
	atomic_dec(&tbl->nports);
	tcpclose_quota_give(tbl->quota, 1);
no_room:
	/* Test first: every event of a new port asks while it is full. */
	if (!test_bit(0, &tbl->evict) && !test_and_set_bit(0, &tbl->evict))
		irq_work_queue(&tbl->kick);
	return tcpclose_port_find(tbl, TCPCLOSE_OTHER);
}

/* Process context: per-CPU counters for the ports the probe created. */
void tcpclose_table_grow(struct tcpclose_table *tbl)
{
	struct llist_node *young = llist_del_all(&tbl->young);
	struct tcpclose_pcpu __percpu *pc;
	struct tcpclose_port *p, *next;

	llist_for_each_entry_safe(p, next, young, young) {
		/*
		 * Without memory the port stays young, exact on shared atomics,
		 * and is tried again the next time this work runs.
		 */
		pc = alloc_percpu(struct tcpclose_pcpu);
		if (!pc) {
			llist_add(&p->young, &tbl->young);
			continue;
		}
		/* Zeroed counters before the pointer: pairs with tcpclose_port_inc(). */
		smp_store_release(&p->pcpu, pc);
	}
}

/*
 * The first duration of entry @p's @role (tcpclose_table_hists()): a set
 * from the pool, or the one another CPU installed meanwhile; with the pool
 * empty the duration is counted as untracked.
 */
struct tcpclose_hist *tcpclose_table_hists_new(struct tcpclose_table *tbl,
					       struct tcpclose_port *p, u8 role)
{
	struct tcpclose_hists *h, *old;

	h = tcpclose_pool_take(TCPCLOSE_POOL_HISTS);
	if (!h) {
		atomic64_inc(&tbl->untracked_closes);
		return NULL;
	}
	old = cmpxchg((struct tcpclose_hists __force **)&p->hists[role], NULL, h);
	if (old) {
		tcpclose_pool_give(TCPCLOSE_POOL_HISTS, h);
		h = old;
	}
	return h->h;
}

/*
 * Installed by probes with cmpxchg (at any time), freed with the table or
 * by eviction (under the mutex).
 */
static struct tcpclose_hists *tcpclose_port_hists(struct tcpclose_table *tbl,
						  struct tcpclose_port *p, unsigned int role)
{
	return rcu_dereference_check(p->hists[role], lockdep_is_held(&tbl->mutex));
}

static void tcpclose_port_sum(const struct tcpclose_port *p,
			      u64 sum[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS])
{
	struct tcpclose_pcpu __percpu *pcpu;
	unsigned int cpu, r, c;

	/* Pairs with the release in tcpclose_table_grow(). */
	pcpu = smp_load_acquire(&p->pcpu);
	for (r = 0; r < TCPCLOSE_NR_ROLES; r++)
		for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
			sum[r][c] = (u32)atomic_read(&p->early[r][c]);	/* not sign-extended */
	for_each_possible_cpu(cpu) {
		const struct tcpclose_pcpu *pc;

		if (!pcpu)
			break;
		pc = per_cpu_ptr(pcpu, cpu);
		for (r = 0; r < TCPCLOSE_NR_ROLES; r++)
			for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
				sum[r][c] += READ_ONCE(pc->v[r][c]);
	}
}

/*
 * The first entry at or after *@port, with *@port set to its number, or
 * NULL. Under tbl->mutex, outside any RCU read-side section: entries and
 * their histograms live until the table is freed or they are evicted,
 * which takes the mutex too, and the walks over all ports
 * (snapshots, reset) reschedule between ports, so that 4096 ports summed
 * over every possible CPU never run as one non-preemptible stretch.
 */
static struct tcpclose_port *tcpclose_port_next(struct tcpclose_table *tbl,
						unsigned int *port)
{
	struct tcpclose_block *blk;
	struct tcpclose_port *p;
	unsigned int n = *port;

	lockdep_assert_held(&tbl->mutex);
	cond_resched();
	while (n < TCPCLOSE_PORTS) {
		blk = rcu_dereference_check(tbl->dir[n >> TCPCLOSE_BLOCK_SHIFT],
					    lockdep_is_held(&tbl->mutex));
		if (!blk) {
			n = round_down(n, TCPCLOSE_BLOCK_SIZE) + TCPCLOSE_BLOCK_SIZE;
			continue;
		}
		p = rcu_dereference_check(blk->port[n & (TCPCLOSE_BLOCK_SIZE - 1)],
					  lockdep_is_held(&tbl->mutex));
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
	unsigned long flags;
	struct tcpclose_port *p;
	unsigned int port;

	mutex_lock(&tbl->mutex);
	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		struct tcpclose_hists *h;
		unsigned int r, ph;

		tcpclose_port_sum(p, p->base);
		if (port == TCPCLOSE_OTHER)
			memset(tbl->folded, 0, sizeof(tbl->folded));
		for (r = 0; r < TCPCLOSE_NR_ROLES; r++) {
			h = tcpclose_port_hists(tbl, p, r);
			for (ph = 0; h && ph < TCPCLOSE_NR_PHASES; ph++)
				tcpclose_hist_zero(&h->h[ph]);
		}
	}
	tbl->dropped_base = atomic64_read(&tbl->dropped);
	tbl->untracked_base = atomic64_read(&tbl->untracked_closes);
	tbl->bind_failures_base = atomic64_read(&tbl->bind_failures);
	/* The total and the table of connect() failures change together. */
	raw_spin_lock_irqsave(&tbl->fails.lock, flags);
	tbl->connect_failures_base = atomic64_read(&tbl->connect_failures);
	memset(tbl->fails.slot, 0, sizeof(tbl->fails.slot));
	raw_spin_unlock_irqrestore(&tbl->fails.lock, flags);
	tbl->since = ktime_get_boottime_ns();
	mutex_unlock(&tbl->mutex);
}

void tcpclose_table_clear_gauges(struct tcpclose_table *tbl)
{
	struct tcpclose_port *p;
	unsigned int port;

	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		memset(p->gauge, 0, sizeof(p->gauge));
		memset(p->cw_since, 0, sizeof(p->cw_since));
		memset(p->cw_untracked, 0, sizeof(p->cw_untracked));
	}
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
 * A snapshot is held for as long as its reader keeps the file open, so it
 * is charged to the reader's memory cgroup, and fails (ENOMEM) rather than
 * waking the OOM killer when that cgroup is full.
 */
#define TCPCLOSE_GFP_SNAPSHOT (GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/*
 * Page-granular (vmalloc) beyond a page: kmalloc would round a 152 KiB
 * snapshot up to 256 KiB, for as long as its descriptor stays open.
 */
static void *tcpclose_snapshot_alloc(unsigned int n, size_t size)
{
	size_t bytes;

	if (check_mul_overflow((size_t)(n ?: 1), size, &bytes))
		return NULL;
	if (bytes <= PAGE_SIZE)
		return kmalloc(bytes, TCPCLOSE_GFP_SNAPSHOT);
	return __vmalloc(bytes, TCPCLOSE_GFP_SNAPSHOT);
}

/*
 * Entries a snapshot is sized for: those now, "other", and room for probes
 * to create more while it is taken (64, within max_ports): a burst beyond
 * that, during one snapshot, would leave its last rows out of it.
 */
static unsigned int tcpclose_snapshot_entries(struct tcpclose_table *tbl)
{
	return min_t(unsigned int, atomic_read(&tbl->nports) + 64, tbl->max_ports) + 1;
}

/*
 * @rows, filled with @n of the @max it was sized for (every entry, both
 * roles): moved to an array of @n when that frees a page or more, so that
 * what an open descriptor pins is what it shows. Keeps @rows when the copy
 * cannot be allocated.
 */
static void *tcpclose_snapshot_fit(void *rows, unsigned int n, unsigned int max, size_t size)
{
	void *fit;

	if ((size_t)(max - n) * size < PAGE_SIZE)
		return rows;
	fit = tcpclose_snapshot_alloc(n, size);
	if (!fit)
		return rows;
	memcpy(fit, rows, (size_t)n * size);
	kvfree(rows);
	return fit;
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
	max = tcpclose_snapshot_entries(tbl) * TCPCLOSE_NR_ROLES;
	rows = tcpclose_snapshot_alloc(max, sizeof(*rows));
	if (!rows)
		return NULL;

	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		tcpclose_port_sum(p, cnt);
		for (r = 0; r < TCPCLOSE_NR_ROLES && n < max; r++) {
			row = &rows[n];
			row->port = port;
			row->role = r;
			for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
				row->counter[c] = cnt[r][c] - p->base[r][c] +
						  (port == TCPCLOSE_OTHER ? tbl->folded[r][c] : 0);
			memcpy(row->gauge, p->gauge[r], sizeof(row->gauge));
			row->close_wait_oldest_s = p->cw_since[r] && now > p->cw_since[r] ?
				div_u64(now - p->cw_since[r], NSEC_PER_SEC) : 0;
			row->close_wait_untracked = p->cw_untracked[r];
			if (!tcpclose_row_is_zero(row))
				n++;
		}
	}

	sum->ports = atomic_read(&tbl->nports);
	sum->max_ports = tbl->max_ports;
	sum->dropped = atomic64_read(&tbl->dropped) - tbl->dropped_base;
	sum->since_boot_s = div_u64(tbl->since, NSEC_PER_SEC);
	*nrows = n;
	return tcpclose_snapshot_fit(rows, n, max, sizeof(*rows));
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
	max = tcpclose_snapshot_entries(tbl) * TCPCLOSE_NR_ROLES * TCPCLOSE_NR_PHASES;
	rows = tcpclose_snapshot_alloc(max, sizeof(*rows));
	if (!rows)
		return NULL;

	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		for (r = 0; r < TCPCLOSE_NR_ROLES; r++) {
			h = tcpclose_port_hists(tbl, p, r);
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
	sum->untracked_closes = atomic64_read(&tbl->untracked_closes) - tbl->untracked_base;
	sum->since_boot_s = div_u64(tbl->since, NSEC_PER_SEC);
	*nrows = n;
	return tcpclose_snapshot_fit(rows, n, max, sizeof(*rows));
}

/*
 * Eviction, when the table is full, or the quota it shares with other
 * namespaces is (a probe or a snapshot found no room and asked through
 * @evict). Every entry but "other", a young one (no
 * per-CPU counters yet) and one of a port with a live listener is a
 * candidate (the grace of a closed listener decides roles, not this: a
 * flood of throwaway listeners must not pin the table), ranked by its
 * activity: the events since the last scan plus its previous score, halved
 * every TCPCLOSE_AGE_PERIOD (by time, not by scan: a flood that makes
 * scans frequent must not age a service out), so a port that stays busy
 * keeps its entry against a burst of one-shot ports, and an idle one (a
 * live socket but no event, or a past flood) decays to nothing and goes
 * first. tcpclose_evict_need() entries are freed (an eighth of
 * max_ports, or of the table at the shared cap): the lowest scores.
 * Victims are unpublished, a grace period lets every probe that found
 * one finish with it, and their counts and histograms are
 * folded into "other", so every column still adds up.
 */
#define TCPCLOSE_SCORE_BUCKETS 65	/* fls64() of a score: 0..64 */
#define TCPCLOSE_AGE_PERIOD (10 * HZ)

static bool tcpclose_evictable(struct tcpclose_table *tbl, struct tcpclose_port *p,
			       unsigned int port)
{
	/* @pcpu is set by tcpclose_table_grow(), earlier in this same work item. */
	return port != TCPCLOSE_OTHER && READ_ONCE(p->pcpu) && !test_bit(port, tbl->listen);
}

static void tcpclose_fold(struct tcpclose_table *tbl, struct tcpclose_port *other,
			  struct tcpclose_port *p)
{
	u64 cnt[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
	struct tcpclose_hists *h, *oh;
	unsigned int r, c, ph;

	tcpclose_port_sum(p, cnt);
	for (r = 0; r < TCPCLOSE_NR_ROLES; r++) {
		for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
			tbl->folded[r][c] += cnt[r][c] - p->base[r][c];
		h = rcu_dereference_protected(p->hists[r], 1);
		if (!h)
			continue;
		oh = tcpclose_port_hists(tbl, other, r);
		if (!oh) {
			/* Where a probe may install one concurrently: the same cmpxchg. */
			oh = kzalloc(sizeof(*oh), GFP_KERNEL);
			if (oh && cmpxchg((struct tcpclose_hists __force **)&other->hists[r],
					  NULL, oh)) {
				kfree(oh);
				oh = tcpclose_port_hists(tbl, other, r);
			}
		}
		for (ph = 0; oh && ph < TCPCLOSE_NR_PHASES; ph++)
			tcpclose_hist_fold(&oh->h[ph], &h->h[ph]);
		kfree(h);
	}
	free_percpu(p->pcpu);
	kfree(p);
}

static void tcpclose_table_evict(struct tcpclose_table *tbl)
{
	unsigned int count[TCPCLOSE_SCORE_BUCKETS] = { 0 };
	u64 cnt[TCPCLOSE_NR_ROLES][TCPCLOSE_NR_COUNTERS];
	struct tcpclose_port *p, *other;
	struct llist_node *victims = NULL, *next;
	unsigned int port, r, c, b, below = 0, cut, at_cut, halve;
	unsigned long periods;
	int need;

	mutex_lock(&tbl->mutex);
	/* From here on, a table found full asks again. */
	clear_bit(0, &tbl->evict);
	/* The clear before the scan: a request made after what we read is seen. */
	smp_mb__after_atomic();
	periods = (jiffies - tbl->aged_at) / TCPCLOSE_AGE_PERIOD;
	tbl->aged_at += periods * TCPCLOSE_AGE_PERIOD;
	halve = min(periods, 63UL);
	for (port = 0; (p = tcpclose_port_next(tbl, &port)); port++) {
		u64 seen = 0;

		if (!tcpclose_evictable(tbl, p, port))
			continue;
		tcpclose_port_sum(p, cnt);
		for (r = 0; r < TCPCLOSE_NR_ROLES; r++)
			for (c = 0; c < TCPCLOSE_NR_COUNTERS; c++)
				seen += cnt[r][c];
		p->score = (p->score >> halve) + (seen - p->seen);
		p->seen = seen;
		count[fls64(p->score)]++;
	}
	need = tcpclose_evict_need(atomic_read(&tbl->nports), tbl->max_ports,
				   tcpclose_quota_full(tbl->quota));
	if (need <= 0)
		goto out;
	/* The @need lowest scores: every bucket below @cut, and @at_cut of it. */
	for (cut = 0; cut < TCPCLOSE_SCORE_BUCKETS - 1 && below + count[cut] < need; cut++)
		below += count[cut];
	at_cut = need - below;
	for (port = 0; need > 0 && (p = tcpclose_port_next(tbl, &port)); port++) {
		struct tcpclose_block *blk;

		if (!tcpclose_evictable(tbl, p, port))
			continue;
		b = fls64(p->score);
		if (b > cut || (b == cut && !at_cut))
			continue;
		if (b == cut)
			at_cut--;
		blk = rcu_dereference_protected(tbl->dir[port >> TCPCLOSE_BLOCK_SHIFT],
						lockdep_is_held(&tbl->mutex));
		/* Only this function removes entries, under the mutex: plain stores. */
		rcu_assign_pointer(blk->port[port & (TCPCLOSE_BLOCK_SIZE - 1)], NULL);
		atomic_dec(&tbl->nports);
		/* Its block stays, and keeps its unit, until the table goes. */
		tcpclose_quota_give(tbl->quota, 1);
		p->young.next = victims;
		victims = &p->young;
		need--;
	}
	/* No probe still holds a victim: its counts and histograms are final. */
	synchronize_rcu();
	other = tcpclose_port_find(tbl, TCPCLOSE_OTHER);
	for (; victims; victims = next) {
		next = victims->next;
		tcpclose_fold(tbl, other, llist_entry(victims, struct tcpclose_port, young));
		cond_resched();
	}
out:
	mutex_unlock(&tbl->mutex);
}
