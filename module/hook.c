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
#include <linux/jump_label.h>
#include <net/tcp_states.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/tcp.h>
#include <net/inet_timewait_sock.h>
#include <trace/events/sock.h>
#include "netns.h"
#include "classify.h"
#include "gauge.h"
#include "hook.h"
#include "track.h"
#include "twprobe.h"
#include "portprobe.h"

#define TCPCLOSE_TRACEPOINT "inet_sock_set_state"

static struct tracepoint *tcpclose_tp;

/* Sockets in the middle of a close: see track.h. */
struct tcpclose_tracker tcpclose_closing;

/*
 * Slots one namespace may hold (max_tracked_share of the tracker), so that
 * one container's leaked CLOSE_WAIT sockets or half-closed flood leave
 * close timing working in the others. Set at load.
 */
unsigned int tcpclose_tracked_per_netns;

/* A close @tbl's namespace held a slot for goes untimed. */
static void tcpclose_track_drop(struct tcpclose_table *tbl)
{
	atomic_dec(&tbl->tracked);
	atomic64_inc(&tbl->untracked_closes);
}

/*
 * Starts timing @sk's close in @tbl's namespace, within its share;
 * otherwise the close is counted as untracked.
 */
static void tcpclose_track_begin(struct tcpclose_table *tbl, const struct sock *sk,
				 const struct tcpclose_key *key, int state)
{
	if (atomic_inc_return(&tbl->tracked) > tcpclose_tracked_per_netns ||
	    !tcpclose_track_start(&tcpclose_closing, sk, key, state, tcpclose_clock()))
		tcpclose_track_drop(tbl);
}

/* @t, of @tbl's namespace (NULL: going away, its count with it), ends. */
static void tcpclose_track_finish(struct tcpclose_table *tbl, struct tcpclose_track *t)
{
	tcpclose_track_end(t);
	if (tbl)
		atomic_dec(&tbl->tracked);
}

/* A socket leaving one of these states may have a tracker slot. */
#define TCPCLOSE_CLOSING_STATES (TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_CLOSE_WAIT | \
				 TCPF_LAST_ACK | TCPF_CLOSING)
/* Entering one of these may start or count a close, or reveal a listener. */
#define TCPCLOSE_EVENT_STATES (TCPF_FIN_WAIT1 | TCPF_CLOSE_WAIT | TCPF_CLOSING | \
			       TCPF_CLOSE | TCPF_SYN_RECV)

/* Close timing (the tracker and the histograms) is on: see tcpclose_set_timing(). */
static DEFINE_STATIC_KEY_TRUE(tcpclose_timing);

/*
 * A tracked socket changes state: the time spent in the state it leaves
 * goes into that phase's histogram; at CLOSE, so does the whole close, and
 * the slot is freed. Runs even without a table (netns going away) so that
 * no slot outlives its socket.
 */
static void tcpclose_track_step(struct tcpclose_table *tbl, struct tcpclose_track *t,
				int oldstate, int newstate)
{
	int phase = tcpclose_phase_of(oldstate);
	struct tcpclose_hist *h = NULL;
	u64 now = tcpclose_clock();

	if (tbl)
		h = tcpclose_table_hists(tbl, t->port, t->role);
	if (h && phase >= 0)
		tcpclose_hist_add(&h[phase], div_u64(now - t->t_state, NSEC_PER_USEC));
	if (newstate == TCP_CLOSE) {
		if (h)
			tcpclose_hist_add(&h[TCPCLOSE_PH_TOTAL],
					  div_u64(now - t->t_fin, NSEC_PER_USEC));
		tcpclose_track_finish(tbl, t);
		return;
	}
	/* Read by snapshots (tcpclose_track_since()) without the socket lock. */
	WRITE_ONCE(t->t_state, now);
	WRITE_ONCE(t->state, newstate);
}

/*
 * The TCPCLOSE_END_* facts of @sk reaching CLOSE from @oldstate. The
 * handoff slot is looked at (and consumed) only when nothing else already
 * explains a FIN_WAIT2 without the peer's FIN.
 */
static unsigned int tcpclose_end_why(const struct sock *sk, int oldstate)
{
	unsigned int why = 0;

	if (READ_ONCE(sk->sk_err))
		why |= TCPCLOSE_END_ERR;
	if (sock_flag(sk, SOCK_DONE))
		why |= TCPCLOSE_END_PEER_FIN;
	if (in_task())
		why |= TCPCLOSE_END_TASK;
	if (oldstate != TCP_FIN_WAIT2 || (why & (TCPCLOSE_END_ERR | TCPCLOSE_END_PEER_FIN)))
		return why;
	if (READ_ONCE(tcp_sk(sk)->linger2) < 0)
		why |= TCPCLOSE_END_LINGER2;
	if (tcpclose_twprobe_handoff(sk))
		why |= TCPCLOSE_END_TW;
	return why;
}

/* Everything but the filter of tcpclose_probe(), under rcu_read_lock(). */
static inline void tcpclose_hit_rcu(const struct sock *sk, int oldstate, int newstate)
{
	const struct inet_sock *inet = inet_sk(sk);
	enum tcpclose_counter counter = TCPCLOSE_NR_COUNTERS;
	struct tcpclose_track *t = NULL;
	struct tcpclose_table *tbl;
	struct tcpclose_key key;
	enum tcpclose_event ev;

	ev = tcpclose_classify(oldstate, newstate, &counter);
	if (ev == TCPCLOSE_EV_UNCONNECT) {
		/*
		 * tcp_v[46]_connect() set SYN_SENT before choosing a port:
		 * without one (inet_sport is set only when one is chosen,
		 * or by bind()), none was free for this destination.
		 */
		if (!inet->inet_sport)
			tcpclose_portprobe_noport(sk);
		return;
	}
	if (ev == TCPCLOSE_EV_LISTEN || ev == TCPCLOSE_EV_UNLISTEN) {
		tbl = tcpclose_net_table(sock_net(sk));
		/* sk_num is already 0 at ->CLOSE; inet_sport survives. */
		if (!tbl)
			return;
		tcpclose_table_set_listener(tbl, ntohs(inet->inet_sport), ev == TCPCLOSE_EV_LISTEN);
		if (ev == TCPCLOSE_EV_LISTEN)
			tcpclose_table_accepted(tbl, ntohs(inet->inet_sport));
		return;
	}
	if (((1 << oldstate) & TCPCLOSE_CLOSING_STATES) &&
	    static_branch_likely(&tcpclose_timing))
		t = tcpclose_track_find(&tcpclose_closing, sk);
	if (ev == TCPCLOSE_EV_END) {
		counter = tcpclose_end_of(oldstate, tcpclose_end_why(sk, oldstate));
		ev = counter == TCPCLOSE_NR_COUNTERS ? TCPCLOSE_EV_NONE : TCPCLOSE_EV_COUNT;
	}
	if (!t && ev == TCPCLOSE_EV_NONE)
		return;
	tbl = tcpclose_net_table(sock_net(sk));
	if (t) {
		/* Every count of one close lands on the row of its first FIN. */
		key.port = t->port;
		key.role = t->role;
	} else if (!tbl || !tcpclose_key(tbl, sock_net(sk), ntohs(inet->inet_sport),
					 ntohs(inet->inet_dport), &key)) {
		return;
	}

	if (ev == TCPCLOSE_EV_COUNT && tbl && tcpclose_table_count(tbl, &key, counter) &&
	    (counter == TCPCLOSE_ACTIVE || counter == TCPCLOSE_PASSIVE)) {
		/* The first FIN, either way: the close starts. */
		if (static_branch_likely(&tcpclose_timing))
			tcpclose_track_begin(tbl, sk, &key, newstate);
		return;
	}
	if (t)
		tcpclose_track_step(tbl, t, oldstate, newstate);
}

/*
 * An orphan's FIN_WAIT2 goes on in timewait socket @tw, which is not
 * hashed yet: the slot of its full socket @sk follows, so that the wait is
 * timed to the peer's FIN, not to this handoff (tcpclose_hook_tw_end()).
 * Called from the creation kprobe, before @sk's own FIN_WAIT2 -> CLOSE.
 */
void tcpclose_hook_tw_handoff(const struct sock *sk, const struct inet_timewait_sock *tw)
{
	struct tcpclose_table *tbl;
	struct tcpclose_track *t;

	if (!static_branch_likely(&tcpclose_timing))
		return;
	rcu_read_lock();
	t = tcpclose_track_find(&tcpclose_closing, sk);
	if (t && READ_ONCE(t->state) == TCP_FIN_WAIT2 &&
	    !tcpclose_track_move(&tcpclose_closing, t, tw)) {
		/* The slot is gone with @sk's, its close no longer timed. */
		tbl = tcpclose_net_table(sock_net(sk));
		if (tbl)
			tcpclose_track_drop(tbl);
	}
	rcu_read_unlock();
}

/*
 * Timewait socket @tw's FIN_WAIT2, if it carries one, ends: the peer's FIN
 * arrived, its timer fired, or it was killed. Its events are not
 * serialised by a lock: the slot is claimed before it is ended.
 */
void tcpclose_hook_tw_end(const struct inet_timewait_sock *tw)
{
	struct tcpclose_track *t;

	if (!static_branch_likely(&tcpclose_timing))
		return;
	rcu_read_lock();
	t = tcpclose_track_claim(&tcpclose_closing, tw);
	if (t)
		tcpclose_track_step(tcpclose_net_table(twsk_net(tw)), t, TCP_FIN_WAIT2,
				    TCP_CLOSE);
	rcu_read_unlock();
}

/*
 * Out of line, so that the common hit pays for no stack frame. The tables
 * and the tracker are RCU-protected: the read-side section is explicit,
 * not inferred from the preemption-disabled context tracepoint probes run
 * in today, so that it stays right if probes become preemptible.
 */
static noinline void tcpclose_hit(const struct sock *sk, int oldstate, int newstate)
{
	rcu_read_lock();
	tcpclose_hit_rcu(sk, oldstate, newstate);
	rcu_read_unlock();
}

/*
 * Runs on every TCP state change. Most are not part of a close (connects,
 * accepts completing) and leave on the first compare, before touching the
 * socket; the rest cost a table lookup, a per-CPU increment and, while a
 * close lasts, one tracker slot and a clock read per step.
 */
static void tcpclose_probe(void *data, const struct sock *sk, const int oldstate,
			   const int newstate)
{
	/* Without timing, the steps inside a close (FIN_WAIT1 -> FIN_WAIT2...) are not needed. */
	if (likely(!((1 << newstate) & TCPCLOSE_EVENT_STATES) &&
		   !(((1 << oldstate) & TCPCLOSE_CLOSING_STATES) &&
		     static_branch_likely(&tcpclose_timing))))
		return;
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	tcpclose_hit(sk, oldstate, newstate);
}

bool tcpclose_timing_enabled(void)
{
	return static_key_enabled(&tcpclose_timing);
}

/*
 * Turning timing off empties the tracker, so that no slot outlives its
 * socket while nothing ends slots; turning it on starts from an empty
 * tracker: closes already under way are not timed, and their CLOSE_WAIT
 * sockets count as close_wait_untracked. Called under the module's
 * parameter lock, while the tracker exists.
 */
void tcpclose_set_timing(bool on)
{
	if (on == static_key_enabled(&tcpclose_timing))
		return;
	if (on) {
		static_branch_enable(&tcpclose_timing);
		return;
	}
	static_branch_disable(&tcpclose_timing);
	/* Probes that saw the key on have left their RCU read-side sections. */
	synchronize_rcu();
	tcpclose_tracker_clear(&tcpclose_closing);
	tcpclose_netns_untrack_all();
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
int tcpclose_hook_alloc(unsigned int max_tracked, unsigned int share_pct)
{
	int err = tcpclose_tracker_init(&tcpclose_closing, max_tracked);
	u64 slots = (u64)tcpclose_closing.nbuckets * TCPCLOSE_TRACK_WAYS;

	if (err)
		return err;
	tcpclose_tracked_per_netns = max_t(u64, div_u64(slots * share_pct, 100), 1);
	return 0;
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
