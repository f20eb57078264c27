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
 * Exported function on 6.1, static inline on 6.12: same signature, so a
 * plain call works on both.
 */
static inline void tcpclose_local_port_range(const struct net *net, int *lo, int *hi)
{
	inet_get_local_port_range(net, lo, hi);
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

#endif
