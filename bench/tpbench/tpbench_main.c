// SPDX-License-Identifier: GPL-2.0
/*
 * tpbench - the cost of one hit of the inet_sock_set_state tracepoint with
 * whatever probes are attached right now (none, an empty one, tcpclose,
 * bpftrace), measured in the kernel. A benchmark helper, not part of
 * tcpclose.
 *
 * At load it creates two TCP sockets in the loader's network namespace,
 * gives them the ports of a loopback connection (client 40000 -> server
 * 8080), and calls the tracepoint's iterator (what the tracepoint runs when
 * it has probes; with none it returns at once) in a loop with the
 * transitions of one connection, or with one transition repeated. The
 * sockets never send anything. Results go to the kernel log as
 *   tpbench: LABEL VARIANT NS_PER_HIT
 * (the best of several repeats, to a tenth of a ns); load with empty=1 to
 * attach an empty probe of its own first. The module stays loaded until
 * rmmod; it does nothing after init.
 *
 * parts=1 instead times, one by one, pieces of what tcpclose's probe does
 * per closing step, with tcpclose's own code (hist.h inline, track.c
 * linked in): a histogram add, the tracker's start, find (hit and miss),
 * claim and end, and an ftrace-based kprobe with an empty handler on a
 * function of this module. Results: "tpbench: part NAME NS_PER_OP", above
 * the same loop doing nothing. Alternatives a change would bring are timed
 * beside them (a per-CPU histogram add, a bucket of packed tags, a bare
 * ftrace_ops callback instead of a kprobe).
 */
#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/sched/clock.h>
#include <linux/jiffies.h>
#include <linux/nsproxy.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/preempt.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>
#include <net/net_namespace.h>
#include <linux/kprobes.h>
#include <linux/ftrace.h>
#include <linux/percpu.h>
#include <linux/math64.h>
#include "hist.h"
#include "track.h"

static char *label = "run";
module_param(label, charp, 0444);
static bool empty;
module_param(empty, bool, 0444);
static unsigned int loops = 20000;
module_param(loops, uint, 0444);
static unsigned int repeats = 7;
module_param(repeats, uint, 0444);
static bool clocks;
module_param(clocks, bool, 0444);
static bool parts;
module_param(parts, bool, 0444);

typedef int (*tpbench_iter_t)(void *data, const struct sock *sk, int oldstate, int newstate);

static struct tracepoint *tpbench_tp;

static void tpbench_find(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "inet_sock_set_state"))
		tpbench_tp = tp;
}

static void tpbench_empty_probe(void *data, const struct sock *sk, const int oldstate,
				const int newstate)
{
}

struct tpbench_hit {
	int side;	/* 0 client, 1 server */
	int oldstate, newstate;
};

/* The transitions of one loopback connection closed by the server. */
static const struct tpbench_hit tpbench_conn[] = {
	{ 0, TCP_CLOSE, TCP_SYN_SENT },
	{ 1, TCP_LISTEN, TCP_SYN_RECV },
	{ 0, TCP_SYN_SENT, TCP_ESTABLISHED },
	{ 1, TCP_SYN_RECV, TCP_ESTABLISHED },
	{ 1, TCP_ESTABLISHED, TCP_FIN_WAIT1 },
	{ 0, TCP_ESTABLISHED, TCP_CLOSE_WAIT },
	{ 1, TCP_FIN_WAIT1, TCP_FIN_WAIT2 },
	{ 0, TCP_CLOSE_WAIT, TCP_LAST_ACK },
	{ 1, TCP_FIN_WAIT2, TCP_CLOSE },
	{ 0, TCP_LAST_ACK, TCP_CLOSE },
};

/*
 * conn: all of them, in order; nonclose: the commonest hit, which a probe
 * should leave at once; listener: an accept; active and passive: the three
 * steps of one side's close, first FIN to CLOSE.
 */
static const struct tpbench_hit tpbench_active[] = {
	{ 1, TCP_ESTABLISHED, TCP_FIN_WAIT1 },
	{ 1, TCP_FIN_WAIT1, TCP_FIN_WAIT2 },
	{ 1, TCP_FIN_WAIT2, TCP_CLOSE },
};

static const struct tpbench_hit tpbench_passive[] = {
	{ 0, TCP_ESTABLISHED, TCP_CLOSE_WAIT },
	{ 0, TCP_CLOSE_WAIT, TCP_LAST_ACK },
	{ 0, TCP_LAST_ACK, TCP_CLOSE },
};

/*
 * middle: one step inside a close, FIN_WAIT1 -> FIN_WAIT2 over and over, of
 * a socket whose close started (@pre, untimed) and ends after (@post).
 */
static const struct {
	const char *name;
	const struct tpbench_hit *hits;
	unsigned int n;
	const struct tpbench_hit *pre, *post;
} tpbench_variants[] = {
	{ "conn", tpbench_conn, ARRAY_SIZE(tpbench_conn) },
	{ "nonclose", &tpbench_conn[3], 1 },	/* SYN_RECV -> ESTABLISHED */
	{ "listener", &tpbench_conn[1], 1 },	/* LISTEN -> SYN_RECV */
	{ "active", tpbench_active, ARRAY_SIZE(tpbench_active) },
	{ "passive", tpbench_passive, ARRAY_SIZE(tpbench_passive) },
	{ "middle", &tpbench_active[1], 1, &tpbench_active[0], &tpbench_active[2] },
};

static void tpbench_hit_once(struct sock *sk[2], const struct tpbench_hit *hit)
{
	tpbench_iter_t iter = tpbench_tp->iterator;

	if (!hit)
		return;
	preempt_disable_notrace();
	iter(NULL, sk[hit->side], hit->oldstate, hit->newstate);
	preempt_enable_notrace();
}

/* Best time of @repeats runs of @loops passes over @hits, in ns per hit. */
static u64 tpbench_run(struct sock *sk[2], const struct tpbench_hit *hits, unsigned int n)
{
	tpbench_iter_t iter = tpbench_tp->iterator;
	u64 best = U64_MAX, t;
	unsigned int r, i, j;

	for (r = 0; r < repeats; r++) {
		t = ktime_get_ns();
		for (i = 0; i < loops; i++) {
			/* As the tracepoint does: probes run with preemption off. */
			preempt_disable_notrace();
			for (j = 0; j < n; j++)
				iter(NULL, sk[hits[j].side], hits[j].oldstate, hits[j].newstate);
			preempt_enable_notrace();
		}
		t = ktime_get_ns() - t;
		best = min(best, t);
		cond_resched();
	}
	/* Tenths of ns per hit. */
	return div_u64(best * 10, (u64)loops * n);
}

/*
 * What one read of each kernel clock costs here: the close timing reads
 * one per closing step, so its choice shows directly in the probe cost.
 */
static u64 tpbench_clock_loop(unsigned int which)
{
	u64 best = U64_MAX, t, sink = 0;
	unsigned int r, i;

	for (r = 0; r < repeats; r++) {
		t = ktime_get_ns();
		for (i = 0; i < loops; i++) {
			switch (which) {
			case 0:
				sink += ktime_get_ns();
				break;
			case 1:
				sink += ktime_get_mono_fast_ns();
				break;
			case 2:
				sink += local_clock();
				break;
			default:
				sink += jiffies;
				break;
			}
			barrier();
		}
		t = ktime_get_ns() - t;
		best = min(best, t);
	}
	/* Keep the reads. */
	if (sink == 42)
		pr_info("tpbench: sink\n");
	return div_u64(best * 10, loops);
}

static void tpbench_clocks(void)
{
	static const char *const names[] = {
		"ktime_get_ns", "ktime_get_mono_fast_ns", "local_clock", "jiffies"
	};
	unsigned int i;
	u64 t;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		t = tpbench_clock_loop(i);
		pr_info("tpbench: clock %s %llu.%llu\n", names[i], div_u64(t, 10), t % 10);
	}
}

/*
 * ---- parts=1 ----
 * TPBENCH_TIME(name, stmt): the best of @repeats runs of @loops executions
 * of @stmt (which may use i), less the same loop with an empty statement,
 * in tenths of ns per execution; printed as "part NAME".
 */
static u64 tpbench_base;

#define TPBENCH_LOOP(stmt) ({						\
	u64 __best = U64_MAX, __t;					\
	unsigned int __r, i;						\
									\
	for (__r = 0; __r < repeats; __r++) {				\
		__t = ktime_get_ns();					\
		for (i = 0; i < loops; i++) {				\
			stmt;						\
			barrier();					\
		}							\
		__t = ktime_get_ns() - __t;				\
		__best = min(__best, __t);				\
		cond_resched();						\
	}								\
	div_u64(__best * 10, loops);					\
})

#define TPBENCH_TIME(name, stmt) do {					\
	u64 __v = TPBENCH_LOOP(stmt);					\
									\
	__v = __v > tpbench_base ? __v - tpbench_base : 0;		\
	pr_info("tpbench: part %s %llu.%llu\n", name, div_u64(__v, 10), __v % 10); \
} while (0)

/* The kprobe's target: out of line, with an ftrace call site. */
static unsigned int tpbench_kp_sink;

static noinline void tpbench_kp_target(unsigned int i)
{
	WRITE_ONCE(tpbench_kp_sink, i);
}

static int tpbench_kp_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe tpbench_kp = {
	.pre_handler = tpbench_kp_pre,
};

/* The same hook as a bare ftrace_ops callback, what a kprobe is built on. */
static void tpbench_ftrace_cb(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops tpbench_fops = {
	.func = tpbench_ftrace_cb,
};

/*
 * What packing the tags would look like: a bucket's 8 owners in one cache
 * line (64 buckets here), the bucket chosen as tcpclose_bucket() does;
 * inline, as tcpclose_track_find() is.
 */
#define TPBENCH_TAG_BUCKETS 64

struct tpbench_tags {
	const void *sk[TCPCLOSE_TRACK_WAYS];
} ____cacheline_aligned;

static struct tpbench_tags tpbench_tags[TPBENCH_TAG_BUCKETS];

static inline struct tcpclose_track *tpbench_tags_find(struct tcpclose_track *slots,
						       const void *sk)
{
	unsigned int b = hash_64((unsigned long)sk, 32) & (TPBENCH_TAG_BUCKETS - 1);
	struct tpbench_tags *tags = &tpbench_tags[b];
	unsigned int i;

	for (i = 0; i < TCPCLOSE_TRACK_WAYS; i++)
		/* As tcpclose_track_find(): pairs with a publishing release. */
		if (smp_load_acquire(&tags->sk[i]) == sk)
			return &slots[b * TCPCLOSE_TRACK_WAYS + i];
	return NULL;
}

static void tpbench_parts(void)
{
	static struct tcpclose_tracker trk;
	static struct tcpclose_hist hist[TCPCLOSE_NR_PHASES];
	struct tcpclose_hists __percpu *pch;
	struct tcpclose_key key = { .port = 8080, .role = TCPCLOSE_SERVER };
	struct tcpclose_track *t = NULL, *slots;
	u64 sink = 0;
	int err;
	/* Two socket addresses of different buckets: any kernel pointers. */
	const void *sk = &trk, *other = &hist;

	tpbench_base = 0;
	tpbench_base = TPBENCH_LOOP(sink += i);
	if (tcpclose_tracker_init(&trk, 32768))
		return;
	pch = alloc_percpu(struct tcpclose_hists);
	if (!pch)
		goto out;
	TPBENCH_TIME("clock", sink += tcpclose_clock());
	/* The explicit read-side section every close event and timed step opens. */
	TPBENCH_TIME("rcu_lock_unlock", ({ rcu_read_lock(); rcu_read_unlock(); }));
	/* As tcpclose_track_step() does: a duration in ns, to us, to its bucket. */
	TPBENCH_TIME("hist_add", tcpclose_hist_add(&hist[i & 3],
						   div_u64((u64)i * 7919, NSEC_PER_USEC)));
	/* The same without atomics, on this CPU's copy (preemption is off here). */
	preempt_disable();
	TPBENCH_TIME("hist_add_percpu", ({
		u64 __us = div_u64((u64)i * 7919, NSEC_PER_USEC);

		this_cpu_inc(pch->h[i & 3].bucket[tcpclose_hist_bucket(__us)].counter);
		this_cpu_add(pch->h[i & 3].sum_us.counter, __us);
	}));
	preempt_enable();
	TPBENCH_TIME("track_start_end", ({
		t = tcpclose_track_start(&trk, sk, &key, TCP_FIN_WAIT1, i);
		if (t)
			tcpclose_track_end(t);
	}));
	t = tcpclose_track_start(&trk, sk, &key, TCP_FIN_WAIT1, 0);
	TPBENCH_TIME("track_find_hit", sink += (unsigned long)tcpclose_track_find(&trk, sk));
	TPBENCH_TIME("track_find_miss", sink += (unsigned long)tcpclose_track_find(&trk, other));
	TPBENCH_TIME("track_claim_miss", sink += (unsigned long)tcpclose_track_claim(&trk, other));
	if (t)
		tcpclose_track_end(t);
	TPBENCH_TIME("track_start_claim_end", ({
		t = tcpclose_track_start(&trk, sk, &key, TCP_FIN_WAIT2, i);
		t = tcpclose_track_claim(&trk, sk);
		if (t)
			tcpclose_track_end(t);
	}));
	slots = trk.slots;
	tpbench_tags[hash_64((unsigned long)sk, 32) & (TPBENCH_TAG_BUCKETS - 1)].sk[0] = sk;
	TPBENCH_TIME("tags_find_hit", sink += (unsigned long)tpbench_tags_find(slots, sk));
	TPBENCH_TIME("tags_find_miss", sink += (unsigned long)tpbench_tags_find(slots, other));
	TPBENCH_TIME("call", tpbench_kp_target(i));
	/* By address: the compiler may have renamed it (.constprop). */
	tpbench_kp.addr = (kprobe_opcode_t *)tpbench_kp_target;
	err = register_kprobe(&tpbench_kp);
	if (!err) {
		TPBENCH_TIME("call_kprobed", tpbench_kp_target(i));
		pr_info("tpbench: kprobe %s\n",
			kprobe_ftrace(&tpbench_kp) ? "ftrace" : "int3");
		unregister_kprobe(&tpbench_kp);
	} else {
		pr_info("tpbench: kprobe failed %d\n", err);
	}
	err = ftrace_set_filter_ip(&tpbench_fops, (unsigned long)tpbench_kp_target, 0, 0);
	if (!err)
		err = register_ftrace_function(&tpbench_fops);
	if (!err) {
		TPBENCH_TIME("call_ftrace_ops", tpbench_kp_target(i));
		unregister_ftrace_function(&tpbench_fops);
	} else {
		pr_info("tpbench: ftrace_ops failed %d\n", err);
	}
	ftrace_free_filter(&tpbench_fops);
	free_percpu(pch);
out:
	tcpclose_tracker_destroy(&trk);
	if (sink == 42)
		pr_info("tpbench: sink\n");
}

static int __init tpbench_init(void)
{
	struct net *net = current->nsproxy->net_ns;
	struct socket *sock[2] = { NULL, NULL };
	struct sock *sk[2];
	unsigned int i;
	u64 t;
	int err;

	if (clocks) {
		tpbench_clocks();
		return 0;
	}
	if (parts) {
		tpbench_parts();
		return 0;
	}
	for_each_kernel_tracepoint(tpbench_find, NULL);
	if (!tpbench_tp)
		return -ENOENT;
	for (i = 0; i < 2; i++) {
		err = sock_create_kern(net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock[i]);
		if (err)
			goto out;
		sk[i] = sock[i]->sk;
	}
	inet_sk(sk[0])->inet_sport = htons(40000);
	inet_sk(sk[0])->inet_dport = htons(8080);
	inet_sk(sk[1])->inet_sport = htons(8080);
	inet_sk(sk[1])->inet_dport = htons(40000);
	/*
	 * The server closes first and gets the client's FIN in FIN_WAIT2
	 * (tcp_fin(): receive side shut, SOCK_DONE) before FIN_WAIT2 -> CLOSE:
	 * without it that step would look like an orphan's FIN_WAIT2 timeout.
	 */
	sk[1]->sk_shutdown = RCV_SHUTDOWN;
	sock_set_flag(sk[1], SOCK_DONE);
	if (empty) {
		err = tracepoint_probe_register(tpbench_tp, tpbench_empty_probe, NULL);
		if (err)
			goto out;
	}
	for (i = 0; i < ARRAY_SIZE(tpbench_variants); i++) {
		tpbench_hit_once(sk, tpbench_variants[i].pre);
		t = tpbench_run(sk, tpbench_variants[i].hits, tpbench_variants[i].n);
		tpbench_hit_once(sk, tpbench_variants[i].post);
		pr_info("tpbench: %s %s %llu.%llu\n", label, tpbench_variants[i].name,
			div_u64(t, 10), t % 10);
	}
	if (empty) {
		tracepoint_probe_unregister(tpbench_tp, tpbench_empty_probe, NULL);
		tracepoint_synchronize_unregister();
	}
	err = 0;
out:
	for (i = 0; i < 2; i++) {
		if (!sock[i])
			continue;
		inet_sk(sock[i]->sk)->inet_sport = 0;
		inet_sk(sock[i]->sk)->inet_dport = 0;
		sock_release(sock[i]);
	}
	return err;
}

static void __exit tpbench_exit(void)
{
}

module_init(tpbench_init);
module_exit(tpbench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cost per hit of the inet_sock_set_state tracepoint's probes");
