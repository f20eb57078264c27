// SPDX-License-Identifier: GPL-2.0
/*
 * Destinations, the pure part: grouping, the failure table, the top rows
 * and their format. No sockets and no locks (callers hold what they
 * need), so KUnit checks every rule directly.
 */
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include "dest.h"
#include "tcpclose.h"
#include "version.h"

/* The key's bytes that name a destination: everything before @used. */
#define TCPCLOSE_DEST_KEY_LEN offsetof(struct tcpclose_dest_key, used)

static bool tcpclose_dest_key_eq(const struct tcpclose_dest_key *a,
				 const struct tcpclose_dest_key *b)
{
	return !memcmp(a, b, TCPCLOSE_DEST_KEY_LEN);
}

/*
 * Random per load: a local user chooses the keys (addresses, ports), and
 * with a known seed could make them collide, so that every read of
 * /proc/tcpclose_dest probes quadratically long, under the table's mutex.
 */
static u32 tcpclose_dest_seed __read_mostly;

void tcpclose_dest_seed_init(void)
{
	tcpclose_dest_seed = get_random_u32();
}

u32 tcpclose_dest_hash(const struct tcpclose_dest_key *k)
{
	return jhash(k, TCPCLOSE_DEST_KEY_LEN, READ_ONCE(tcpclose_dest_seed));
}

/*
 * The group of @k, created if absent; NULL when the grouping is three
 * quarters full, where linear probing stays short (and a probe always
 * ends). The walker grows it first whenever it is half full, so that only
 * a chain longer than the headroom it leaves, or a grouping at its size
 * bound, can fill it.
 */
struct tcpclose_dest *tcpclose_dest_find(struct tcpclose_dest_group *g,
					 const struct tcpclose_dest_key *k)
{
	unsigned int mask = g->size - 1, i = tcpclose_dest_hash(k) & mask;
	struct tcpclose_dest *d;

	for (;; i = (i + 1) & mask) {
		d = &g->slot[i];
		if (!d->key.used)
			break;
		if (tcpclose_dest_key_eq(&d->key, k))
			return d;
	}
	if ((g->n + 1) * 4 > g->size * 3)
		return NULL;
	d->key = *k;
	d->key.used = 1;
	g->n++;
	return d;
}

/* Moves every group of @g into @slot (@size zeroed slots, a power of two). */
void tcpclose_dest_rehash(struct tcpclose_dest_group *g, struct tcpclose_dest *slot,
			  unsigned int size)
{
	struct tcpclose_dest_group to = { .slot = slot, .size = size };
	unsigned int i;

	for (i = 0; i < g->size; i++) {
		const struct tcpclose_dest *d = &g->slot[i];
		struct tcpclose_dest *n;

		if (!d->key.used)
			continue;
		n = tcpclose_dest_find(&to, &d->key);
		if (n)
			*n = *d;
	}
	*g = to;
}

/*
 * One more connect() failure towards @k. A key lives in one of
 * TCPCLOSE_FAIL_PROBES slots from its hash; with all of them taken by
 * others, the least recently failing one is forgotten (its count stays in
 * the namespace's total, and so in the "other" row).
 */
void tcpclose_fails_add(struct tcpclose_fails *f, const struct tcpclose_dest_key *k, u32 now)
{
	unsigned int h = tcpclose_dest_hash(k), i;
	struct tcpclose_fail *s, *free = NULL, *old = NULL;

	for (i = 0; i < TCPCLOSE_FAIL_PROBES; i++) {
		s = &f->slot[(h + i) % TCPCLOSE_FAIL_SLOTS];
		if (!s->count) {
			free = free ?: s;
			continue;
		}
		if (tcpclose_dest_key_eq(&s->key, k)) {
			s->count++;
			s->last = now;
			return;
		}
		if (!old || (s32)(s->last - old->last) < 0)
			old = s;
	}
	s = free ?: old;
	s->key = *k;
	s->key.used = 0;
	s->count = 1;
	s->last = now;
}

unsigned int tcpclose_fails_used(const struct tcpclose_fails *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < TCPCLOSE_FAIL_SLOTS; i++)
		n += !!f->slot[i].count;
	return n;
}

/* Most ports in use first, then most failures, then by address. */
static int tcpclose_dest_cmp(const void *a, const void *b)
{
	const struct tcpclose_dest *x = a, *y = b;

	if (x->in_use != y->in_use)
		return x->in_use > y->in_use ? -1 : 1;
	if (x->connect_failures != y->connect_failures)
		return x->connect_failures > y->connect_failures ? -1 : 1;
	return memcmp(&x->key, &y->key, TCPCLOSE_DEST_KEY_LEN);
}

/*
 * The first @k destinations of @g into @out, then one more row, "other",
 * with the sums of the rest; its connect_failures are what the shown rows
 * do not account for of @connect_failures (the namespace's total, which
 * also holds failures forgotten by the failure table). Reorders @g's
 * slots. Returns the number of rows before "other".
 */
unsigned int tcpclose_dest_top(struct tcpclose_dest_group *g, unsigned int k,
			       u64 connect_failures, struct tcpclose_dest *out)
{
	struct tcpclose_dest *other;
	unsigned int i, n = 0, m;
	u64 shown = 0;

	for (i = 0; i < g->size; i++)
		if (g->slot[i].key.used)
			g->slot[n++] = g->slot[i];
	sort(g->slot, n, sizeof(*g->slot), tcpclose_dest_cmp, NULL);
	m = min(n, k);
	for (i = 0; i < m; i++) {
		out[i] = g->slot[i];
		shown += out[i].connect_failures;
	}
	other = &out[m];
	memset(other, 0, sizeof(*other));
	for (; i < n; i++) {
		other->in_use += g->slot[i].in_use;
		other->time_wait += g->slot[i].time_wait;
		other->established += g->slot[i].established;
	}
	other->connect_failures = connect_failures > shown ? connect_failures - shown : 0;
	return m;
}

int tcpclose_format_dest_comment(char *buf, size_t len, const struct tcpclose_dest_summary *s)
{
	int size = s->port_hi >= s->port_lo ? s->port_hi - s->port_lo + 1 : 0;

	return scnprintf(buf, len,
			 "# tcpclose_dest %d version=%s netns=%llu since_boot_s=%llu port_range=%d-%d reserved_ports=%u capacity=%u local_ports_in_use=%u dests=%u max_dests=%u ungrouped=%u connect_failures=%llu bind_failures=%llu failure_dests=%u failure_probes=%s bind_probe_missed=%lu\n",
			 TCPCLOSE_FORMAT_VERSION, TCPCLOSE_VERSION, s->netns, s->since_boot_s,
			 s->port_lo, s->port_hi, s->reserved,
			 size > s->reserved ? size - s->reserved : 0, s->ports_in_use, s->dests,
			 s->max_dests, s->ungrouped, s->connect_failures, s->bind_failures,
			 s->failure_dests, s->probes ?: "none", s->probe_missed);
}

#define TCPCLOSE_DEST_ROW "%15s %15s %5s %6s %9s %11s %16s\n"

int tcpclose_format_dest_columns(char *buf, size_t len)
{
	return scnprintf(buf, len, TCPCLOSE_DEST_ROW, "local", "remote", "port", "in_use",
			 "time_wait", "established", "connect_failures");
}

static void tcpclose_format_addr(char *buf, size_t len, const struct in6_addr *a, bool v6)
{
	if (v6)
		scnprintf(buf, len, "%pI6c", a);
	else
		scnprintf(buf, len, "%pI4", &a->s6_addr32[3]);
}

/* A row; @other: the sums of the destinations not shown, as "* * 0". */
int tcpclose_format_dest_row(char *buf, size_t len, const struct tcpclose_dest *d, bool other)
{
	char l[48] = "*", r[48] = "*", port[8] = "0", n[4][24];

	if (!other) {
		tcpclose_format_addr(l, sizeof(l), &d->key.laddr, d->key.v6);
		tcpclose_format_addr(r, sizeof(r), &d->key.raddr, d->key.v6);
		scnprintf(port, sizeof(port), "%u", d->key.rport);
	}
	scnprintf(n[0], sizeof(n[0]), "%u", d->in_use);
	scnprintf(n[1], sizeof(n[1]), "%u", d->time_wait);
	scnprintf(n[2], sizeof(n[2]), "%u", d->established);
	scnprintf(n[3], sizeof(n[3]), "%llu", d->connect_failures);
	return scnprintf(buf, len, TCPCLOSE_DEST_ROW, l, r, port, n[0], n[1], n[2], n[3]);
}
