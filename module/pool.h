/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory that probe context may take instead of allocating: small global
 * pools of zeroed objects (port entries, directory blocks, histogram sets)
 * that process context refills.
 *
 * A tracepoint probe runs with preemption disabled and a kprobe handler in
 * NMI context: on PREEMPT_RT the slab and per-CPU allocators take sleeping
 * locks, so neither may allocate. A probe takes an object with one
 * cmpxchg, which queues (through an irq_work) the refill; an object taken
 * but not published (a lost race) goes back on a lock-free list. Every
 * operation here but the refill is safe in any context, NMI included.
 */
#ifndef TCPCLOSE_POOL_H
#define TCPCLOSE_POOL_H

#include <linux/types.h>

enum tcpclose_pool_id {
	TCPCLOSE_POOL_PORT,	/* struct tcpclose_port */
	TCPCLOSE_POOL_BLOCK,	/* struct tcpclose_block */
	TCPCLOSE_POOL_HISTS,	/* struct tcpclose_hists */
	TCPCLOSE_NR_POOLS
};

int tcpclose_pool_init(void);
void tcpclose_pool_exit(void);
void *tcpclose_pool_take(enum tcpclose_pool_id id);
void tcpclose_pool_give(enum tcpclose_pool_id id, void *obj);
int tcpclose_pool_refill(void);
unsigned int tcpclose_pool_count(enum tcpclose_pool_id id);

#endif
