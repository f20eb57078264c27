// SPDX-License-Identifier: GPL-2.0
/*
 * The preallocated pools of probe context (see pool.h).
 *
 * Each pool is an array of places holding a zeroed object or NULL. Takers
 * (probes, any CPU, any context) empty a place with cmpxchg; only the
 * refill work fills places, so a place it sees empty stays empty until it
 * fills it. Objects given back are linked through their own first bytes
 * (they are free memory then) and zeroed again when they return to a place.
 *
 * Sizes: a burst of more new ports, in all namespaces together, than a
 * pool holds before the refill work runs (microseconds) is counted as
 * dropped, like a full table.
 */
#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "pool.h"
#include "table.h"

/*
 * Places per pool: 128 ports (512 B each), 16 blocks and 64 histogram sets
 * (2 KiB each), 224 KiB in all: room for bursts of new ports, each with
 * timed closes in both roles, between two runs of the refill work.
 */
#define TCPCLOSE_NR_POOL_PORTS 128	/* the largest */
#define TCPCLOSE_NR_POOL_BLOCKS 16
#define TCPCLOSE_NR_POOL_HISTS 64

struct tcpclose_pool {
	size_t size;
	unsigned int nr;
	void *place[TCPCLOSE_NR_POOL_PORTS];
	struct llist_head spare;
};

static struct tcpclose_pool tcpclose_pools[TCPCLOSE_NR_POOLS] = {
	[TCPCLOSE_POOL_PORT] = { .size = sizeof(struct tcpclose_port),
				 .nr = TCPCLOSE_NR_POOL_PORTS },
	[TCPCLOSE_POOL_BLOCK] = { .size = sizeof(struct tcpclose_block),
				  .nr = TCPCLOSE_NR_POOL_BLOCKS },
	[TCPCLOSE_POOL_HISTS] = { .size = sizeof(struct tcpclose_hists),
				  .nr = TCPCLOSE_NR_POOL_HISTS },
};

static void tcpclose_pool_refill_fn(struct work_struct *work)
{
	tcpclose_pool_refill();
}

static DECLARE_WORK(tcpclose_pool_work, tcpclose_pool_refill_fn);

static void tcpclose_pool_kick_fn(struct irq_work *iw)
{
	queue_work(system_unbound_wq, &tcpclose_pool_work);
}

static struct irq_work tcpclose_pool_kick = IRQ_WORK_INIT(tcpclose_pool_kick_fn);

/* A zeroed object, or NULL when the pool is empty. Any context. */
void *tcpclose_pool_take(enum tcpclose_pool_id id)
{
	struct tcpclose_pool *pool = &tcpclose_pools[id];
	void *obj = NULL, *o;
	unsigned int i;

	for (i = 0; i < pool->nr && !obj; i++) {
		o = READ_ONCE(pool->place[i]);
		if (o && cmpxchg(&pool->place[i], o, NULL) == o)
			obj = o;
	}
	/* Refill the place just emptied, or the empty pool. */
	irq_work_queue(&tcpclose_pool_kick);
	return obj;
}

/* An object taken and never published: kept for the next refill. Any context. */
void tcpclose_pool_give(enum tcpclose_pool_id id, void *obj)
{
	llist_add(obj, &tcpclose_pools[id].spare);
}

/* Fill every empty place, spares first. Process context; serialised by the work. */
static DEFINE_MUTEX(tcpclose_pool_mutex);

int tcpclose_pool_refill(void)
{
	unsigned int id, i;
	int err = 0;

	mutex_lock(&tcpclose_pool_mutex);
	for (id = 0; id < TCPCLOSE_NR_POOLS; id++) {
		struct tcpclose_pool *pool = &tcpclose_pools[id];
		struct llist_node *spare = llist_del_all(&pool->spare), *next;
		void *obj;

		for (i = 0; i < pool->nr; i++) {
			if (READ_ONCE(pool->place[i]))
				continue;
			if (spare) {
				obj = spare;
				spare = spare->next;
				memset(obj, 0, pool->size);
			} else {
				obj = kzalloc(pool->size, GFP_KERNEL);
				if (!obj) {
					err = -ENOMEM;
					break;
				}
			}
			/* Zeroed before it can be taken: pairs with the taker's cmpxchg. */
			smp_store_release(&pool->place[i], obj);
		}
		for (; spare; spare = next) {
			next = spare->next;
			kfree(spare);
		}
	}
	mutex_unlock(&tcpclose_pool_mutex);
	return err;
}

/* Objects ready in a pool now (for the KUnit suite). */
unsigned int tcpclose_pool_count(enum tcpclose_pool_id id)
{
	struct tcpclose_pool *pool = &tcpclose_pools[id];
	unsigned int i, n = 0;

	for (i = 0; i < pool->nr; i++)
		n += !!READ_ONCE(pool->place[i]);
	return n;
}

int tcpclose_pool_init(void)
{
	if (tcpclose_pool_refill()) {
		tcpclose_pool_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Once no probe can take from the pools any more. */
void tcpclose_pool_exit(void)
{
	unsigned int id, i;

	irq_work_sync(&tcpclose_pool_kick);
	cancel_work_sync(&tcpclose_pool_work);
	for (id = 0; id < TCPCLOSE_NR_POOLS; id++) {
		struct tcpclose_pool *pool = &tcpclose_pools[id];
		struct llist_node *spare = llist_del_all(&pool->spare), *next;

		for (i = 0; i < pool->nr; i++) {
			kfree(pool->place[i]);
			pool->place[i] = NULL;
		}
		for (; spare; spare = next) {
			next = spare->next;
			kfree(spare);
		}
	}
}
