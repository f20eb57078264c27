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
#include <net/sock.h>
#include <net/inet_sock.h>
#include <trace/events/sock.h>
#include "netns.h"
#include "gauge.h"
#include "hook.h"

#define TCPCLOSE_TRACEPOINT "inet_sock_set_state"

static struct tracepoint *tcpclose_tp;

/*
 * Runs on every TCP state change, with preemption disabled. Everything
 * that is not a close or a listener's child returns after two compares;
 * a close costs an RCU lookup and one per-CPU increment.
 */
static void tcpclose_probe(void *data, const struct sock *sk, const int oldstate,
			   const int newstate)
{
	const struct inet_sock *inet = inet_sk(sk);
	enum tcpclose_counter counter = TCPCLOSE_ACTIVE;
	enum tcpclose_event ev;
	struct tcpclose_table *tbl;
	struct tcpclose_range eph;
	struct tcpclose_key key;
	u16 lport, rport;

	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	ev = tcpclose_classify(oldstate, newstate, &counter);
	if (likely(ev == TCPCLOSE_EV_NONE))
		return;

	/* sk_num is already 0 at ->CLOSE; inet_sport survives. */
	lport = ntohs(inet->inet_sport);
	rcu_read_lock();
	tbl = tcpclose_net_table(sock_net(sk));
	if (!tbl)
		goto out;	/* the netns is being set up or torn down */
	if (ev == TCPCLOSE_EV_LISTENER) {
		tcpclose_table_mark_listener(tbl, lport);
		goto out;
	}
	rport = ntohs(inet->inet_dport);
	tcpclose_port_range(sock_net(sk), &eph);
	if (tcpclose_key_of(lport, rport, tcpclose_table_listens(tbl, lport), &eph, &key))
		tcpclose_table_count(tbl, &key, counter);
out:
	rcu_read_unlock();
}

static void tcpclose_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, TCPCLOSE_TRACEPOINT))
		*(struct tracepoint **)priv = tp;
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
