// SPDX-License-Identifier: GPL-2.0
/*
 * The TIME_WAIT lifecycle, which the state tracepoint cannot see: a
 * timewait socket is created, expires or is killed without a state change
 * of a full socket, and tcp_max_tw_buckets refusals leave no trace but a
 * machine-wide MIB counter. kprobes on the functions every path goes
 * through:
 *
 *   created   inet_twsk_hashdance[_schedule]()   (compat.h)
 *   expired   tw_timer_handler()                 the timer fired
 *   killed    inet_twsk_deschedule_put()         RST, reuse by connect or
 *                                                SYN, ss -K: by its caller
 *   overflow  inet_twsk_alloc() with a full       tcp_max_tw_buckets
 *             death row
 *   fin       __inet_twsk_schedule(rearm)        the peer's FIN reached an
 *                                                orphan in FIN_WAIT2 (and
 *                                                TIME_WAIT re-arms)
 *
 * A timer that fires in the FIN_WAIT2 substate is an orphan whose peer
 * never sent its FIN: a fin_wait2 timeout, not an expiry. These fire once
 * per connection, not per state change; each probe is optional and the
 * header of /proc/tcpclose says which are attached. With all but overflow
 * attached, an orphan's close timing follows it into its timewait socket
 * (tcpclose_hook_tw_handoff()) and ends at the peer's FIN, the timer or a
 * kill, whichever comes first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/utsname.h>
#include <linux/ptrace.h>
#include <linux/in.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "classify.h"
#include "compat.h"
#include "gauge.h"
#include "hook.h"
#include "netns.h"
#include "twprobe.h"

/* tcpclose_kprobes[], in this order. */
enum {
	TCPCLOSE_KP_CREATED,
	TCPCLOSE_KP_EXPIRED,
	TCPCLOSE_KP_KILLED,
	TCPCLOSE_KP_OVERFLOW,
	TCPCLOSE_KP_FIN,
	TCPCLOSE_NR_KP
};

/* Every event that ends a timewait socket's FIN_WAIT2 is seen. */
#define TCPCLOSE_KP_FOLLOW (BIT(TCPCLOSE_KP_CREATED) | BIT(TCPCLOSE_KP_EXPIRED) | \
			    BIT(TCPCLOSE_KP_KILLED) | BIT(TCPCLOSE_KP_FIN))

/*
 * Which are attached, a bit each: written at load and unload, read by the
 * probe (tcpclose_twprobe_handoff()) and by snapshots of any namespace.
 */
static unsigned long tcpclose_kp_attached;

/* A timewait socket of TCP (DCCP has its own death row). */
static bool tcpclose_tw_is_tcp(const struct inet_timewait_sock *tw)
{
	return tw->tw_dr == &twsk_net(tw)->ipv4.tcp_death_row;
}

/* @counter, and @also unless it is TCPCLOSE_NR_COUNTERS, on one row. */
static void tcpclose_tw_count(struct net *net, u16 lport, u16 rport,
			      enum tcpclose_counter counter, enum tcpclose_counter also)
{
	struct tcpclose_table *tbl;
	struct tcpclose_key key;

	rcu_read_lock();
	tbl = tcpclose_net_table(net);
	if (tbl && tcpclose_key(tbl, net, lport, rport, &key) &&
	    tcpclose_table_count_known(tbl, &key, counter) && also != TCPCLOSE_NR_COUNTERS)
		tcpclose_table_count_known(tbl, &key, also);
	rcu_read_unlock();
}

static void tcpclose_tw_add(struct inet_timewait_sock *tw, enum tcpclose_counter counter,
			    enum tcpclose_counter also)
{
	tcpclose_tw_count(twsk_net(tw), ntohs(tw->tw_sport), ntohs(tw->tw_dport), counter, also);
}

static bool tcpclose_tw_follows(void)
{
	return (READ_ONCE(tcpclose_kp_attached) & TCPCLOSE_KP_FOLLOW) == TCPCLOSE_KP_FOLLOW;
}

/*
 * Orphans whose FIN_WAIT2 goes on in a timewait socket, or whose timewait
 * socket tcp_max_tw_buckets refused: their full socket's FIN_WAIT2 ->
 * CLOSE follows on the same thread and is no timeout (the timewait
 * socket's timer decides; tw_overflow counts the refusal). Slots by socket
 * address cover that short window; two handoffs colliding in it can only
 * make one look like a timeout.
 */
#define TCPCLOSE_HANDOFF_BITS 10
static const void *tcpclose_handoff[1 << TCPCLOSE_HANDOFF_BITS];

static void tcpclose_handoff_mark(const struct sock *sk)
{
	WRITE_ONCE(tcpclose_handoff[hash_ptr(sk, TCPCLOSE_HANDOFF_BITS)], sk);
}

static int tcpclose_tw_created(struct kprobe *kp, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);
	const struct sock *sk = (void *)regs_get_kernel_argument(regs, 1);

	if (!tcpclose_tw_is_tcp(tw))
		return 0;
	if (READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2) {
		tcpclose_handoff_mark(sk);
		if (tcpclose_tw_follows())
			tcpclose_hook_tw_handoff(sk, tw);
	}
	tcpclose_tw_add(tw, TCPCLOSE_TW_CREATED, TCPCLOSE_NR_COUNTERS);
	return 0;
}

/*
 * __inet_twsk_schedule(tw, timeo, rearm): with rearm, a segment re-armed
 * the timer of a timewait socket in TIME_WAIT. For an orphan that was in
 * FIN_WAIT2 that is the peer's FIN (tcp_timewait_state_process() sets the
 * substate, then re-arms), the end of its wait; in TIME_WAIT (a
 * retransmitted FIN, an ACK) it carries no slot. Without rearm: a timer
 * armed at creation, nothing to do.
 */
static int tcpclose_tw_fin(struct kprobe *kp, struct pt_regs *regs)
{
	if ((u8)regs_get_kernel_argument(regs, 2))
		tcpclose_hook_tw_end((void *)regs_get_kernel_argument(regs, 0));
	return 0;
}

/*
 * Whether @sk, closing from FIN_WAIT2 without the peer's FIN, was just
 * handed to a timewait socket. Without the creation probe that cannot be
 * known, and no timeout is claimed.
 */
bool tcpclose_twprobe_handoff(const struct sock *sk)
{
	const void **slot = &tcpclose_handoff[hash_ptr(sk, TCPCLOSE_HANDOFF_BITS)];

	if (!(READ_ONCE(tcpclose_kp_attached) & BIT(TCPCLOSE_KP_CREATED)))
		return true;
	return READ_ONCE(*slot) == sk && cmpxchg(slot, sk, NULL) == sk;
}

static int tcpclose_tw_timer(struct kprobe *kp, struct pt_regs *regs)
{
	struct timer_list *t = (void *)regs_get_kernel_argument(regs, 0);
	struct inet_timewait_sock *tw = container_of(t, struct inet_timewait_sock, tw_timer);

	if (!tcpclose_tw_is_tcp(tw))
		return 0;
	/* Timed before counted: a reader that sees the count sees the time. */
	if (tcpclose_tw_follows())
		tcpclose_hook_tw_end(tw);
	tcpclose_tw_add(tw, READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
			TCPCLOSE_FIN_WAIT2_TIMEOUTS : TCPCLOSE_TW_EXPIRED, TCPCLOSE_NR_COUNTERS);
	return 0;
}

/*
 * What an early end means comes from who called inet_twsk_deschedule_put()
 * (tcpclose_kill_reason()): the return address at entry (x86_64 only, see
 * tcpclose_entry_return_address()), named once per call site with
 * sprint_symbol_no_offset() and then cached. A slot holds
 * the low 32 bits of the site (kernel text: the high ones are all set) and
 * its two reasons, so that a racing fill can never pair a site with
 * another's reasons.
 */
#define TCPCLOSE_KILLSITE_BITS 4
static u64 tcpclose_killsite[1 << TCPCLOSE_KILLSITE_BITS];

/* A cache miss: out of line, so that its name buffer is not on every kill's stack. */
static noinline u64 tcpclose_kill_site_name(unsigned long ret, u64 *slot)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned int tw, fw2;
	u64 v;

	sprint_symbol_no_offset(name, ret);
	tw = tcpclose_kill_reason(name, false);
	fw2 = tcpclose_kill_reason(name, true);
	v = (u64)(tw + 1) << 32 | (u64)(fw2 + 1) << 40 | (u32)ret;
	if ((ret >> 32) == 0xffffffffUL)
		WRITE_ONCE(*slot, v);
	return v;
}

static enum tcpclose_counter tcpclose_kill_site(unsigned long ret, bool fin_wait2)
{
	u64 *slot = &tcpclose_killsite[hash_32((u32)ret, TCPCLOSE_KILLSITE_BITS)];
	u64 v = READ_ONCE(*slot);

	if (!ret)
		return TCPCLOSE_NR_COUNTERS;

	if (!v || (u32)v != (u32)ret)
		v = tcpclose_kill_site_name(ret, slot);
	return (fin_wait2 ? (v >> 40) & 0xff : (v >> 32) & 0xff) - 1;
}

static int tcpclose_tw_killed(struct kprobe *kp, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);
	enum tcpclose_counter why;

	if (!tcpclose_tw_is_tcp(tw))
		return 0;
	why = tcpclose_kill_site(tcpclose_entry_return_address(regs),
				 READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2);
	if (tcpclose_tw_follows())
		tcpclose_hook_tw_end(tw);
	tcpclose_tw_add(tw, TCPCLOSE_TW_KILLED, why);
	return 0;
}

/*
 * inet_twsk_alloc(sk, dr, state) refuses when the death row is full: the
 * same test here, at entry, instead of a kretprobe, whose return
 * trampoline would cost every timewait creation. Misses only a failed slab
 * allocation, which the kernel counts as an overflow too. An orphan in
 * FIN_WAIT2 refused goes straight to CLOSE: tw_overflow is its one name.
 */
static int tcpclose_tw_alloc(struct kprobe *kp, struct pt_regs *regs)
{
	const struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	struct inet_timewait_death_row *dr = (void *)regs_get_kernel_argument(regs, 1);

	if (sk->sk_protocol != IPPROTO_TCP ||
	    refcount_read(&dr->tw_refcount) - 1 < READ_ONCE(dr->sysctl_max_tw_buckets))
		return 0;
	if ((int)regs_get_kernel_argument(regs, 2) == TCP_FIN_WAIT2)
		tcpclose_handoff_mark(sk);
	tcpclose_tw_count(sock_net(sk), ntohs(inet_sk(sk)->inet_sport),
			  ntohs(inet_sk(sk)->inet_dport), TCPCLOSE_TW_OVERFLOW,
			  TCPCLOSE_NR_COUNTERS);
	return 0;
}

static struct kprobe tcpclose_kprobes[] = {
	[TCPCLOSE_KP_CREATED] = { .symbol_name = TCPCLOSE_TW_CREATE_FN,
				  .pre_handler = tcpclose_tw_created },
	[TCPCLOSE_KP_EXPIRED] = { .symbol_name = "tw_timer_handler",
				  .pre_handler = tcpclose_tw_timer },
	[TCPCLOSE_KP_KILLED] = { .symbol_name = "inet_twsk_deschedule_put",
				 .pre_handler = tcpclose_tw_killed },
	[TCPCLOSE_KP_OVERFLOW] = { .symbol_name = "inet_twsk_alloc",
				   .pre_handler = tcpclose_tw_alloc },
	[TCPCLOSE_KP_FIN] = { .symbol_name = "__inet_twsk_schedule",
			      .pre_handler = tcpclose_tw_fin },
};

static const char *const tcpclose_kprobe_names[] = {
	[TCPCLOSE_KP_CREATED] = "created",
	[TCPCLOSE_KP_EXPIRED] = "expired",
	[TCPCLOSE_KP_KILLED] = "killed",
	[TCPCLOSE_KP_OVERFLOW] = "overflow",
	[TCPCLOSE_KP_FIN] = "fin",
};

static_assert(ARRAY_SIZE(tcpclose_kprobes) == TCPCLOSE_NR_KP);
static_assert(ARRAY_SIZE(tcpclose_kprobe_names) == TCPCLOSE_NR_KP);

/*
 * Attach what this kernel allows: on a kernel outside the verified table
 * (compat.h) nothing unless @mode is FORCE; a probe that cannot be
 * attached (symbol inlined or renamed, kprobes off) leaves its column at
 * zero. The header of /proc/tcpclose says which are attached. Never fails
 * the load.
 */
void tcpclose_twprobe_attach(enum tcpclose_tw_mode mode)
{
	unsigned long attached = 0;
	unsigned int i;
	int err;

	if (mode == TCPCLOSE_TW_OFF)
		return;
	if (!tcpclose_tw_verified()) {
		if (mode != TCPCLOSE_TW_FORCE) {
			pr_warn("TIME_WAIT kprobes not attached: kernel %s is not one they were verified on (%s), tw_* columns stay 0; tw_probes=force attaches them anyway\n",
				init_utsname()->release, TCPCLOSE_TW_VERIFIED_TEXT);
			return;
		}
		pr_warn("tw_probes=force: attaching TIME_WAIT kprobes on kernel %s, not verified (%s): tw_* columns may be wrong\n",
			init_utsname()->release, TCPCLOSE_TW_VERIFIED_TEXT);
	}
	for (i = 0; i < TCPCLOSE_NR_KP; i++) {
		err = register_kprobe(&tcpclose_kprobes[i]);
		if (err)
			pr_warn("no kprobe on %s (%d): tw_%s stays 0\n",
				tcpclose_kprobes[i].symbol_name, err, tcpclose_kprobe_names[i]);
		else
			attached |= BIT(i);
	}
	WRITE_ONCE(tcpclose_kp_attached, attached);
}

void tcpclose_twprobe_detach(void)
{
	unsigned long attached = READ_ONCE(tcpclose_kp_attached);
	struct kprobe *kps[TCPCLOSE_NR_KP];
	unsigned int i, n = 0;

	for (i = 0; i < TCPCLOSE_NR_KP; i++)
		if (attached & BIT(i))
			kps[n++] = &tcpclose_kprobes[i];
	/* One call: one wait for running handlers, not one per probe. */
	if (n)
		unregister_kprobes(kps, n);
	WRITE_ONCE(tcpclose_kp_attached, 0);
}

/* "created,expired,killed,overflow,fin" (those attached), or "none". */
void tcpclose_twprobe_status(char *buf, size_t len)
{
	unsigned long attached = READ_ONCE(tcpclose_kp_attached);
	unsigned int i;
	size_t n = 0;

	for (i = 0; i < TCPCLOSE_NR_KP; i++)
		if (attached & BIT(i))
			n += scnprintf(buf + n, len - n, "%s%s", n ? "," : "",
				       tcpclose_kprobe_names[i]);
	if (!n)
		strscpy(buf, "none", len);
}
