/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What probe context may use instead of allocating: staging slots that
 * count the events of a (port, role) whose table entry does not exist yet,
 * and a small pool of preallocated histograms.
 *
 * A tracepoint probe runs with preemption disabled and a kprobe handler in
 * NMI context: on PREEMPT_RT the slab and per-CPU allocators take sleeping
 * locks, so neither may allocate. The first event of a port is counted in
 * a staging slot, claimed with cmpxchg; process context (table.c,
 * tcpclose_table_settle()) then creates the entry, folds the staged counts
 * into it and refills the pool. Every operation here is a plain atomic:
 * safe in any context, NMI included.
 */
#ifndef TCPCLOSE_STAGE_H
#define TCPCLOSE_STAGE_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/llist.h>
#include "tcpclose.h"
#include "hist.h"

#define TCPCLOSE_STAGES		32	/* per netns, 64 bytes each */
#define TCPCLOSE_STAGE_PROBE	8	/* slots a key may occupy, from its hash */
#define TCPCLOSE_HIST_POOL	4	/* spare histograms per netns */

/*
 * A slot's key: 0 free, else port | role << 16, with OPEN while it takes
 * counts, and in the high half the order of its claim, so that entries are
 * created first come, first served (max_ports) whatever the slots' order.
 */
#define TCPCLOSE_STAGE_OPEN	BIT(24)

struct tcpclose_stage {
	u64 key;
	atomic_t n[TCPCLOSE_NR_COUNTERS];
	/* Close-phase durations measured before the entry existed. */
	struct tcpclose_hists *hists;
};

struct tcpclose_stages {
	struct tcpclose_stage slot[TCPCLOSE_STAGES];
	struct tcpclose_hists *pool[TCPCLOSE_HIST_POOL];
	/* Taken from the pool but not installed (lost a race): for the pool again. */
	struct llist_head spare;
	atomic_t claims;	/* claim order */
};

static inline u32 tcpclose_stage_key(const struct tcpclose_key *key)
{
	return key->port | (u32)key->role << 16 | TCPCLOSE_STAGE_OPEN;
}

/* Probe context (any, NMI included). */
struct tcpclose_stage *tcpclose_stage_find(struct tcpclose_stages *st,
					   const struct tcpclose_key *key);
struct tcpclose_stage *tcpclose_stage_claim(struct tcpclose_stages *st,
					    const struct tcpclose_key *key);
struct tcpclose_hists *tcpclose_hists_take(struct tcpclose_stages *st);
void tcpclose_hists_give(struct tcpclose_stages *st, struct tcpclose_hists *h);
struct tcpclose_hists *tcpclose_stage_hists(struct tcpclose_stages *st, struct tcpclose_stage *s,
					    bool *took);

/* Process context, serialised by the caller. */
bool tcpclose_stage_open_key(const struct tcpclose_stage *s, struct tcpclose_key *key,
			     u32 *order);
void tcpclose_stage_close(struct tcpclose_stage *s);
void tcpclose_stage_release(struct tcpclose_stage *s);
int tcpclose_hists_refill(struct tcpclose_stages *st, gfp_t gfp);
void tcpclose_stages_free(struct tcpclose_stages *st);

#endif
