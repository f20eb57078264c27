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

static const struct {
	const char *name;
	const struct tpbench_hit *hits;
	unsigned int n;
} tpbench_variants[] = {
	{ "conn", tpbench_conn, ARRAY_SIZE(tpbench_conn) },
	{ "nonclose", &tpbench_conn[3], 1 },	/* SYN_RECV -> ESTABLISHED */
	{ "listener", &tpbench_conn[1], 1 },	/* LISTEN -> SYN_RECV */
	{ "active", tpbench_active, ARRAY_SIZE(tpbench_active) },
	{ "passive", tpbench_passive, ARRAY_SIZE(tpbench_passive) },
};

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
		t = tpbench_run(sk, tpbench_variants[i].hits, tpbench_variants[i].n);
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
