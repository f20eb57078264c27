// SPDX-License-Identifier: GPL-2.0
/*
 * Staging slots and the histogram pool (see stage.h).
 *
 * A key lives in one of TCPCLOSE_STAGE_PROBE slots starting at its hash;
 * two CPUs seeing the same new key at once may claim two slots, and both
 * are folded. Process context closes a slot (clears OPEN, so that no new
 * event finds it), waits for a grace period so that every probe that
 * found it open has finished its increment, then reads and frees it.
 */
#include <linux/hash.h>
#include <linux/slab.h>
#include "stage.h"

static unsigned int tcpclose_stage_first(u32 k)
{
	return hash_32(k, ilog2(TCPCLOSE_STAGES));
}

struct tcpclose_stage *tcpclose_stage_find(struct tcpclose_stages *st,
					   const struct tcpclose_key *key)
{
	u32 k = tcpclose_stage_key(key);
	unsigned int i, b = tcpclose_stage_first(k);

	for (i = 0; i < TCPCLOSE_STAGE_PROBE; i++) {
		struct tcpclose_stage *s = &st->slot[(b + i) % TCPCLOSE_STAGES];

		if ((u32)READ_ONCE(s->key) == k)
			return s;
	}
	return NULL;
}

/* The open slot of @key, claiming a free one if there is none; NULL if full. */
struct tcpclose_stage *tcpclose_stage_claim(struct tcpclose_stages *st,
					    const struct tcpclose_key *key)
{
	u32 k = tcpclose_stage_key(key);
	unsigned int i, b = tcpclose_stage_first(k);
	struct tcpclose_stage *s;
	u64 old, claim;

	s = tcpclose_stage_find(st, key);
	if (s)
		return s;
	claim = (u64)(u32)atomic_inc_return(&st->claims) << 32 | k;
	for (i = 0; i < TCPCLOSE_STAGE_PROBE; i++) {
		s = &st->slot[(b + i) % TCPCLOSE_STAGES];
		old = READ_ONCE(s->key);
		if (!old)
			old = cmpxchg(&s->key, 0, claim);
		if (!old || (u32)old == k)
			return s;
	}
	return NULL;
}

/* A histogram set from the pool, or NULL when it is empty. */
struct tcpclose_hists *tcpclose_hists_take(struct tcpclose_stages *st)
{
	unsigned int i;

	for (i = 0; i < TCPCLOSE_HIST_POOL; i++) {
		struct tcpclose_hists *h = READ_ONCE(st->pool[i]);

		if (h && cmpxchg(&st->pool[i], h, NULL) == h)
			return h;
	}
	return NULL;
}

/* Back to the pool (it was taken but not installed): kept, never freed here. */
void tcpclose_hists_give(struct tcpclose_stages *st, struct tcpclose_hists *h)
{
	llist_add(&h->spare, &st->spare);
}

/*
 * The histograms of a staged (port, role), taking a set from the pool on
 * its first measured close step (*@took then says so); NULL when the pool
 * is empty.
 */
struct tcpclose_hists *tcpclose_stage_hists(struct tcpclose_stages *st, struct tcpclose_stage *s,
					    bool *took)
{
	struct tcpclose_hists *h = READ_ONCE(s->hists), *old;

	*took = false;
	if (h)
		return h;
	h = tcpclose_hists_take(st);
	if (!h)
		return NULL;
	*took = true;
	old = cmpxchg(&s->hists, NULL, h);
	if (old) {
		tcpclose_hists_give(st, h);
		return old;
	}
	return h;
}

/* Whether @s takes counts, for which key, and in which order it was claimed. */
bool tcpclose_stage_open_key(const struct tcpclose_stage *s, struct tcpclose_key *key,
			     u32 *order)
{
	u64 k = READ_ONCE(s->key);

	if (!(k & TCPCLOSE_STAGE_OPEN))
		return false;
	key->port = k & 0xffff;
	key->role = (k >> 16) & 0xff;
	*order = k >> 32;
	return true;
}

/*
 * Stop @s taking counts: probes no longer find it. Only process context
 * clears OPEN, and a claim never changes a non-zero key, so a plain store.
 */
void tcpclose_stage_close(struct tcpclose_stage *s)
{
	WRITE_ONCE(s->key, READ_ONCE(s->key) & ~TCPCLOSE_STAGE_OPEN);
}

/* Free a closed slot whose counts and histograms were taken. */
void tcpclose_stage_release(struct tcpclose_stage *s)
{
	/* The counts were read before: pairs with the cmpxchg of a claim. */
	smp_store_release(&s->key, 0);
}

/* Fill the empty places of the pool, spares first. */
int tcpclose_hists_refill(struct tcpclose_stages *st, gfp_t gfp)
{
	struct llist_node *spare = llist_del_all(&st->spare);
	struct tcpclose_hists *h, *next;
	unsigned int i;
	int err = 0;

	for (i = 0; i < TCPCLOSE_HIST_POOL; i++) {
		if (READ_ONCE(st->pool[i]))
			continue;
		if (spare) {
			h = llist_entry(spare, struct tcpclose_hists, spare);
			spare = spare->next;
		} else {
			h = kmalloc(sizeof(*h), gfp);
			if (!h) {
				err = -ENOMEM;
				break;
			}
		}
		memset(h->h, 0, sizeof(h->h));
		/* Only process context fills, so the place is still empty. */
		smp_store_release(&st->pool[i], h);
	}
	llist_for_each_entry_safe(h, next, spare, spare)
		kfree(h);
	return err;
}

/* Once nothing can use @st any more. */
void tcpclose_stages_free(struct tcpclose_stages *st)
{
	struct tcpclose_hists *h, *next;
	unsigned int i;

	for (i = 0; i < TCPCLOSE_HIST_POOL; i++)
		kfree(st->pool[i]);
	for (i = 0; i < TCPCLOSE_STAGES; i++)
		kfree(st->slot[i].hists);
	llist_for_each_entry_safe(h, next, llist_del_all(&st->spare), spare)
		kfree(h);
}
