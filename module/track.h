/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_TRACK_H
#define TCPCLOSE_TRACK_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/timekeeping.h>
#include <linux/hash.h>
#include "tcpclose.h"

/*
 * Sockets that are closing: when each entered its current state and sent
 * or received the first FIN. One global, fixed-size, set-associative array
 * keyed by socket address, allocated at load: no allocation and no lock on
 * the probe path (a slot is claimed with cmpxchg, and a socket's own state
 * changes are serialised by the socket lock). 32 bytes per slot.
 */
struct tcpclose_track {
	const void *sk;		/* NULL: free */
	u64 t_state;		/* ns, entered @state */
	u64 t_fin;		/* ns, first FIN */
	u16 port;
	u8 role;
	u8 state;
};

#define TCPCLOSE_TRACK_WAYS 8

/*
 * The tracker's clock, CLOCK_MONOTONIC in ns. The NMI-safe reader: the
 * timewait kprobes run from int3, which lockdep rightly treats as NMI
 * context (ktime_get() there may spin on a timekeeping update it
 * interrupted), and it is cheaper on the tracepoint path too.
 */
static inline u64 tcpclose_clock(void)
{
	return ktime_get_mono_fast_ns();
}

struct tcpclose_tracker {
	unsigned int nbuckets;	/* a power of two */
	struct tcpclose_track *slots;	/* nbuckets * TCPCLOSE_TRACK_WAYS */
};

int tcpclose_tracker_init(struct tcpclose_tracker *trk, unsigned int max_tracked);
void tcpclose_tracker_clear(struct tcpclose_tracker *trk);
void tcpclose_tracker_destroy(struct tcpclose_tracker *trk);

struct tcpclose_track *tcpclose_track_start(struct tcpclose_tracker *trk, const void *sk,
					    const struct tcpclose_key *key, int state, u64 now);

static inline struct tcpclose_track *tcpclose_bucket(struct tcpclose_tracker *trk, const void *sk)
{
	/*
	 * The upper half of the multiplicative hash, masked: a constant
	 * shift (hash_ptr() with ilog2(nbuckets) computes its shift on every
	 * lookup, six to eight per connection), and one bucket needs no case.
	 */
	unsigned int b = hash_64((unsigned long)sk, 32) & (trk->nbuckets - 1);

	return &trk->slots[b * TCPCLOSE_TRACK_WAYS];
}

/* @sk's slot, or NULL. Inline: every step of a timed close looks it up. */
static inline struct tcpclose_track *tcpclose_track_find(struct tcpclose_tracker *trk,
							 const void *sk)
{
	struct tcpclose_track *t = tcpclose_bucket(trk, sk);
	unsigned int i;

	for (i = 0; i < TCPCLOSE_TRACK_WAYS; i++, t++) {
		/* Pairs with the release in tcpclose_track_start(). */
		if (smp_load_acquire(&t->sk) == sk)
			return t;
	}
	return NULL;
}

struct tcpclose_track *tcpclose_track_claim(struct tcpclose_tracker *trk, const void *sk);
bool tcpclose_track_move(struct tcpclose_tracker *trk, struct tcpclose_track *from,
			 const void *to);

/* Frees @t. Inline: one store, at the end of every timed close. */
static inline void tcpclose_track_end(struct tcpclose_track *t)
{
	/* Our last reads of the slot happen before anyone may claim it. */
	smp_store_release(&t->sk, NULL);
}

bool tcpclose_track_since(struct tcpclose_tracker *trk, const void *sk, int state,
			  u64 *since);

#endif
