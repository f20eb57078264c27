// SPDX-License-Identifier: GPL-2.0
/*
 * The closing-socket tracker (see track.h).
 *
 * Only the tracked socket's own state changes write its slot, and those
 * are serialised by the socket lock; other sockets only ever claim free
 * slots, with cmpxchg. A timewait socket has no lock: its events (the
 * peer's FIN, its timer, a kill) may race, so each takes its slot with
 * cmpxchg before ending it (tcpclose_track_claim()). The gauge walk reads
 * slots without a lock and accepts a torn view of a slot that is being
 * reused (it only feeds an age gauge).
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include "track.h"

/* A claimed slot whose fields are not written yet. */
#define TCPCLOSE_TRACK_BUSY ((const void *)1UL)

int tcpclose_tracker_init(struct tcpclose_tracker *trk, unsigned int max_tracked)
{
	unsigned int n = roundup_pow_of_two(max(max_tracked / TCPCLOSE_TRACK_WAYS, 1U));

	trk->slots = kvcalloc((size_t)n * TCPCLOSE_TRACK_WAYS, sizeof(*trk->slots), GFP_KERNEL);
	if (!trk->slots)
		return -ENOMEM;
	trk->nbuckets = n;
	return 0;
}

/*
 * Free every slot: only once no probe can be using the tracker. Snapshots
 * may be reading it (tcpclose_track_since()), so only the owners go, one
 * store each; a slot's other fields are rewritten when it is claimed.
 */
void tcpclose_tracker_clear(struct tcpclose_tracker *trk)
{
	size_t i, n = (size_t)trk->nbuckets * TCPCLOSE_TRACK_WAYS;

	for (i = 0; trk->slots && i < n; i++) {
		WRITE_ONCE(trk->slots[i].sk, NULL);
		if (!(i & 4095))
			cond_resched();
	}
}

void tcpclose_tracker_destroy(struct tcpclose_tracker *trk)
{
	kvfree(trk->slots);
	trk->slots = NULL;
}

/* A free slot of @sk's bucket, claimed (owner TCPCLOSE_TRACK_BUSY), or NULL. */
static struct tcpclose_track *tcpclose_track_claim_free(struct tcpclose_tracker *trk,
							const void *sk)
{
	struct tcpclose_track *t = tcpclose_bucket(trk, sk);
	unsigned int i;

	for (i = 0; i < TCPCLOSE_TRACK_WAYS; i++, t++)
		if (!READ_ONCE(t->sk) && !cmpxchg(&t->sk, NULL, TCPCLOSE_TRACK_BUSY))
			return t;
	return NULL;
}

/*
 * NULL when the socket's bucket is full: the caller counts it. Called at a
 * socket's first FIN, which it has only once; its previous slot, if any,
 * was freed when it last reached CLOSE, so there is nothing to look up.
 */
struct tcpclose_track *tcpclose_track_start(struct tcpclose_tracker *trk, const void *sk,
					    const struct tcpclose_key *key, int state, u64 now)
{
	struct tcpclose_track *t = tcpclose_track_claim_free(trk, sk);

	if (!t)
		return NULL;
	/* Before the release below, nobody else reads them. */
	WRITE_ONCE(t->t_state, now);
	t->t_fin = now;
	t->port = key->port;
	t->role = key->role;
	WRITE_ONCE(t->state, state);
	/* Publish the fields with the owner: pairs with tcpclose_track_find(). */
	smp_store_release(&t->sk, sk);
	return t;
}

/*
 * @from's close goes on in another socket, @to (an orphan's timewait
 * socket, before it is hashed: nothing can look @to up yet). @from's slot
 * is freed either way; false when @to's bucket is full.
 */
bool tcpclose_track_move(struct tcpclose_tracker *trk, struct tcpclose_track *from,
			 const void *to)
{
	struct tcpclose_track *t = tcpclose_track_claim_free(trk, to);

	if (t) {
		WRITE_ONCE(t->t_state, from->t_state);
		t->t_fin = from->t_fin;
		t->port = from->port;
		t->role = from->role;
		WRITE_ONCE(t->state, from->state);
		/* Publish the fields with the owner: pairs with tcpclose_track_find(). */
		smp_store_release(&t->sk, to);
	}
	tcpclose_track_end(from);
	return t;
}

/*
 * @sk's slot, taken from concurrent claimers (its owner becomes
 * TCPCLOSE_TRACK_BUSY: end it with tcpclose_track_end()), or NULL.
 */
struct tcpclose_track *tcpclose_track_claim(struct tcpclose_tracker *trk, const void *sk)
{
	struct tcpclose_track *t = tcpclose_bucket(trk, sk);
	unsigned int i;

	for (i = 0; i < TCPCLOSE_TRACK_WAYS; i++, t++)
		/* A successful cmpxchg is fully ordered: the fields are ours. */
		if (READ_ONCE(t->sk) == sk && cmpxchg(&t->sk, sk, TCPCLOSE_TRACK_BUSY) == sk)
			return t;
	return NULL;
}

/* When @sk entered @state, if it was tracked into it. */
bool tcpclose_track_since(struct tcpclose_tracker *trk, const void *sk, int state, u64 *since)
{
	struct tcpclose_track *t = tcpclose_track_find(trk, sk);

	if (!t || READ_ONCE(t->state) != state)
		return false;
	*since = READ_ONCE(t->t_state);
	return true;
}
