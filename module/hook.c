// SPDX-License-Identifier: GPL-2.0
/*
 * Glue to the inet_sock_set_state tracepoint.
 *
 * __tracepoint_inet_sock_set_state is not exported, so the tracepoint is
 * found by name, as lttng-modules does, and attached with the exported
 * tracepoint_probe_register().
 */
#include <linux/tracepoint.h>
#include <linux/string.h>
#include <linux/in.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <net/tcp_states.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <trace/events/sock.h>
#include "netns.h"
#include "gauge.h"
#include "hook.h"
#include "track.h"

#define TCPCLOSE_TRACEPOINT "inet_sock_set_state"

static struct tracepoint *tcpclose_tp;

/* Sockets in the middle of a close: see track.h. */
struct tcpclose_tracker tcpclose_closing;

/* A socket leaving one of these states may have a tracker slot. */
#define TCPCLOSE_CLOSING_STATES (TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_CLOSE_WAIT | \
				 TCPF_LAST_ACK | TCPF_CLOSING)

/*
 * A tracked socket changes state: the time spent in the state it leaves
 * goes into that phase's histogram; at CLOSE, so does the whole close, and
 * the slot is freed. Runs even without a table (netns going away) so that
 * no slot outlives its socket.
 */
static void tcpclose_track_step(struct tcpclose_table *tbl, const struct sock *sk,
				int oldstate, int newstate)
{
	struct tcpclose_track *t = tcpclose_track_find(&tcpclose_closing, sk);
	struct tcpclose_key key;
	int phase;
	u64 now;

	if (!t)
		return;
	now = ktime_get_ns();
	key.port = t->port;
	key.role = t->role;
	phase = tcpclose_phase_of(oldstate);
	if (tbl && phase >= 0)
		tcpclose_table_time(tbl, &key, phase, div_u64(now - t->t_state, NSEC_PER_USEC));
	if (newstate == TCP_CLOSE) {
		if (tbl)
			tcpclose_table_time(tbl, &key, TCPCLOSE_PH_TOTAL,
					    div_u64(now - t->t_fin, NSEC_PER_USEC));
		tcpclose_track_end(t);
		return;
	}
	t->t_state = now;
	t->state = newstate;
}

/*
 * Runs on every TCP state change, with preemption disabled. Everything
 * that is not part of a close or a listener's child returns after a few
 * compares; a close costs an RCU lookup, a per-CPU increment and, while it
 * lasts, one tracker slot.
 */
static void tcpclose_probe(void *data, const struct sock *sk, const int oldstate,
			   const int newstate)
{
	const struct inet_sock *inet = inet_sk(sk);
	enum tcpclose_counter counter = TCPCLOSE_NR_COUNTERS;
	enum tcpclose_event ev;
	struct tcpclose_table *tbl;
	struct tcpclose_key key;
	bool keyed;
	u16 lport;

	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	ev = tcpclose_classify(oldstate, newstate, &counter);
	if (likely(ev == TCPCLOSE_EV_NONE) && !((1 << oldstate) & TCPCLOSE_CLOSING_STATES))
		return;

	/* sk_num is already 0 at ->CLOSE; inet_sport survives. */
	lport = ntohs(inet->inet_sport);
	rcu_read_lock();
	tbl = tcpclose_net_table(sock_net(sk));
	if (ev == TCPCLOSE_EV_LISTENER) {
		if (tbl)
			tcpclose_table_mark_listener(tbl, lport);
		goto out;
	}
	keyed = tbl && tcpclose_key(tbl, sock_net(sk), lport, ntohs(inet->inet_dport), &key);
	/* The first FIN, either way: the close starts. */
	if (ev == TCPCLOSE_EV_COUNT && keyed && tcpclose_table_count(tbl, &key, counter) &&
	    (counter == TCPCLOSE_ACTIVE || counter == TCPCLOSE_PASSIVE)) {
		if (!tcpclose_track_start(&tcpclose_closing, sk, &key, newstate, ktime_get_ns()))
			atomic64_inc(&tbl->untracked_closes);
		goto out;
	}
	if (keyed && tcpclose_fin_wait2_timeout(oldstate, newstate,
						READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN,
						READ_ONCE(sk->sk_err)))
		tcpclose_table_count(tbl, &key, TCPCLOSE_FIN_WAIT2_TIMEOUTS);
	if ((1 << oldstate) & TCPCLOSE_CLOSING_STATES)
		tcpclose_track_step(tbl, sk, oldstate, newstate);
out:
	rcu_read_unlock();
}

static void tcpclose_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, TCPCLOSE_TRACEPOINT))
		*(struct tracepoint **)priv = tp;
}

/*
 * The close tracker lives longer than the probe: opening /proc/net/tcpclose
 * reads it too (the CLOSE_WAIT ages), so it is allocated before the
 * per-netns files exist and freed only once they are gone (around
 * tcpclose_netns_register() and tcpclose_netns_unregister()).
 */
int tcpclose_hook_alloc(unsigned int max_tracked)
{
	return tcpclose_tracker_init(&tcpclose_closing, max_tracked);
}

void tcpclose_hook_free(void)
{
	tcpclose_tracker_destroy(&tcpclose_closing);
}

int tcpclose_hook_attach(void)
{
	int err;

	/* The same compile-time prototype check register_trace_*() does. */
	check_trace_callback_type_inet_sock_set_state(tcpclose_probe);

	for_each_kernel_tracepoint(tcpclose_find_tp, &tcpclose_tp);
	if (!tcpclose_tp) {
		pr_err("tracepoint %s not found\n", TCPCLOSE_TRACEPOINT);
		return -ENOENT;
	}
	err = tracepoint_probe_register(tcpclose_tp, tcpclose_probe, NULL);
	if (err)
		pr_err("cannot attach to %s: %d\n", TCPCLOSE_TRACEPOINT, err);
	return err;
}

void tcpclose_hook_detach(void)
{
	tracepoint_probe_unregister(tcpclose_tp, tcpclose_probe, NULL);
	/* No probe may still be running when the tables are freed. */
	tracepoint_synchronize_unregister();
}
