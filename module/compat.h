/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences live here and nowhere else.
 *
 * Supported: 6.1 and later. 6.1 is the first kernel where every netns
 * reaches its established hash through net->ipv4.tcp_death_row.hashinfo
 * (a per-netns ehash is possible since then) and where tcp_hashinfo is no
 * longer needed; 6.12 no longer exports tcp_hashinfo at all.
 */
#ifndef TCPCLOSE_COMPAT_H
#define TCPCLOSE_COMPAT_H

#include <linux/version.h>
#include <net/net_namespace.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <linux/seqlock.h>
#include <linux/ptrace.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "tcpclose needs Linux 6.1 or later"
#endif

/* The TCP hash tables (established + timewait, and listeners) of a netns. */
static inline struct inet_hashinfo *tcpclose_hashinfo(const struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

/* What /proc/net/sockstat prints as "tw" for this netns (v4 and v6). */
static inline int tcpclose_sockstat_tw(const struct net *net)
{
	return refcount_read(&net->ipv4.tcp_death_row.tw_refcount) - 1;
}

/*
 * The local port range of @net, safe in probe context on every kernel.
 * Since 6.8 it is one u32 read with READ_ONCE(). Before, it is two ints
 * under a seqlock_t, whose reader on PREEMPT_RT takes the writer's
 * spinlock, a sleeping lock, when it meets a write in progress: so read
 * the bare sequence counter instead, without waiting, a few times. A
 * sysctl write that outlasts the retries yields the old or the new value
 * of each end, at worst classifying a connection by a mix of the two.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
static inline void tcpclose_local_port_range(const struct net *net, int *lo, int *hi)
{
	inet_get_local_port_range(net, lo, hi);
}
#else
static inline void tcpclose_local_port_range(const struct net *net, int *lo, int *hi)
{
	const struct local_ports *lp = &net->ipv4.ip_local_ports;
	const seqcount_t *s = &lp->lock.seqcount.seqcount;
	unsigned int seq, tries = 4;

	do {
		seq = raw_read_seqcount(s);
		*lo = READ_ONCE(lp->range[0]);
		*hi = READ_ONCE(lp->range[1]);
	} while (--tries && ((seq & 1) || read_seqcount_retry(s, seq)));
}
#endif

/*
 * The return address of a function, read at its entry by a kprobe: on
 * x86_64 it is the word on top of the stack. Elsewhere unknown (0), and
 * tw_killed is counted without its reason.
 */
static inline unsigned long tcpclose_entry_return_address(struct pt_regs *regs)
{
#ifdef CONFIG_X86_64
	return regs_get_kernel_stack_nth(regs, 0);
#else
	return 0;
#endif
}

/*
 * Kernels on which every TIME_WAIT kprobe (twprobe.c) was verified: the
 * probed functions exist out of line with the arguments the handlers
 * read, and the callers tcpclose_kill_reason() names call them. CI runs
 * the end-to-end suite on these (Debian 6.1, 6.12 and 6.12-rt). Elsewhere
 * the probes attach only with tw_probes=force. [from, to) ranges.
 */
#define TCPCLOSE_TW_VERIFIED_TEXT "6.1.x and 6.12.x on x86_64"

static inline bool tcpclose_tw_verified_on(unsigned int version_code, bool x86_64)
{
	static const unsigned int ranges[][2] = {
		{ KERNEL_VERSION(6, 1, 0), KERNEL_VERSION(6, 2, 0) },
		{ KERNEL_VERSION(6, 12, 0), KERNEL_VERSION(6, 13, 0) },
	};
	unsigned int i;

	for (i = 0; x86_64 && i < ARRAY_SIZE(ranges); i++)
		if (version_code >= ranges[i][0] && version_code < ranges[i][1])
			return true;
	return false;
}

static inline bool tcpclose_tw_verified(void)
{
	return tcpclose_tw_verified_on(LINUX_VERSION_CODE, IS_ENABLED(CONFIG_X86_64));
}

/*
 * Where a timewait socket is created: renamed in 6.10 when it started
 * arming the timer itself. First argument (the tw) unchanged.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define TCPCLOSE_TW_CREATE_FN "inet_twsk_hashdance_schedule"
#else
#define TCPCLOSE_TW_CREATE_FN "inet_twsk_hashdance"
#endif

/* ip_local_reserved_ports of @net, a bit per port (NULL without sysctl). */
static inline const unsigned long *tcpclose_reserved_ports(const struct net *net)
{
#ifdef CONFIG_SYSCTL
	return net->ipv4.sysctl_local_reserved_ports;
#else
	return NULL;
#endif
}

#endif
