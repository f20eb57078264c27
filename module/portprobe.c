// SPDX-License-Identifier: GPL-2.0
/*
 * Local port selection that fails, which the kernel does not count:
 *
 *   connect   tcp_v[46]_connect() set SYN_SENT, then __inet_hash_connect()
 *             finds no free port (-EADDRNOTAVAIL) and the socket goes
 *             back to CLOSE without one. The state tracepoint already
 *             sees that (tcpclose_hit_rcu()): no probe on connect() at
 *             all, so the cost of every connect() is unchanged.
 *   bind      inet_csk_get_port(sk, 0) fails: bind(port 0), or listen()
 *             on an unbound socket, found no port (-EADDRINUSE). A
 *             kretprobe whose entry handler declines every other call,
 *             so only those pay for the return trampoline.
 *
 * A connect() of a socket bound by bind() keeps its port when its 4-tuple
 * is taken: that -EADDRNOTAVAIL is not counted (the bind's port is the
 * application's choice, not exhaustion).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/cpumask.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <net/sock.h>
#include "destwalk.h"
#include "netns.h"
#include "portprobe.h"

/* Under rcu_read_lock(), from the tracepoint probe. */
void tcpclose_portprobe_noport(const struct sock *sk)
{
	struct tcpclose_table *tbl = tcpclose_net_table(sock_net(sk));
	struct tcpclose_dest_key k;
	unsigned long flags;

	if (!tbl)
		return;
	tcpclose_dest_key_of(sk, &k);
	raw_spin_lock_irqsave(&tbl->fails.lock, flags);
	atomic64_inc(&tbl->connect_failures);
	tcpclose_fails_add(&tbl->fails, &k, (u32)jiffies);
	raw_spin_unlock_irqrestore(&tbl->fails.lock, flags);
}

struct tcpclose_bind_call {
	const struct sock *sk;
};

/* inet_csk_get_port(sk, snum): only autobinds of TCP sockets go on. */
static int tcpclose_bind_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	struct tcpclose_bind_call *call = (void *)ri->data;

	if ((u16)regs_get_kernel_argument(regs, 1) || sk->sk_protocol != IPPROTO_TCP)
		return 1;
	call->sk = sk;
	return 0;
}

static int tcpclose_bind_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct tcpclose_bind_call *call = (void *)ri->data;
	struct tcpclose_table *tbl;

	if (!regs_return_value(regs))
		return 0;
	rcu_read_lock();
	tbl = tcpclose_net_table(sock_net(call->sk));
	if (tbl)
		atomic64_inc(&tbl->bind_failures);
	rcu_read_unlock();
	return 0;
}

static struct kretprobe tcpclose_bind_probe = {
	.kp.symbol_name = "inet_csk_get_port",
	.entry_handler = tcpclose_bind_entry,
	.handler = tcpclose_bind_return,
	.data_size = sizeof(struct tcpclose_bind_call),
};

static bool tcpclose_bind_attached;

/*
 * Never fails the load: without the probe, bind_failures stays 0 and the
 * header says so. Instances for calls in flight: inet_csk_get_port() can
 * sleep on PREEMPT_RT (its spinlocks), so more than one per CPU; a call
 * without one is counted as missed in the header.
 */
void tcpclose_portprobe_attach(void)
{
	int err;

	tcpclose_bind_probe.maxactive = max_t(int, 16, 4 * num_possible_cpus());
	err = register_kretprobe(&tcpclose_bind_probe);
	if (err)
		pr_warn("no kretprobe on %s (%d): bind_failures stays 0\n",
			tcpclose_bind_probe.kp.symbol_name, err);
	else
		tcpclose_bind_attached = true;
}

void tcpclose_portprobe_detach(void)
{
	if (tcpclose_bind_attached)
		unregister_kretprobe(&tcpclose_bind_probe);
	tcpclose_bind_attached = false;
}

void tcpclose_portprobe_status(char *buf, size_t len)
{
	strscpy(buf, tcpclose_bind_attached ? "connect,bind" : "connect", len);
}

unsigned long tcpclose_portprobe_missed(void)
{
	return tcpclose_bind_attached ?
	       tcpclose_bind_probe.nmissed + tcpclose_bind_probe.kp.nmissed : 0;
}
