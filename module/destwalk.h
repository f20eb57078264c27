/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_DESTWALK_H
#define TCPCLOSE_DESTWALK_H

#include <linux/in.h>
#include <net/sock.h>
#include <net/ipv6.h>
#include "dest.h"
#include "table.h"

extern unsigned int tcpclose_max_dests;

/* The destination of @sk (a full or a timewait socket: common fields only). */
static inline void tcpclose_dest_key_of(const struct sock *sk, struct tcpclose_dest_key *k)
{
	memset(k, 0, sizeof(*k));
	k->rport = ntohs(READ_ONCE(sk->sk_dport));
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		k->laddr = sk->sk_v6_rcv_saddr;
		k->raddr = sk->sk_v6_daddr;
		k->v6 = 1;
		return;
	}
#endif
	ipv6_addr_set_v4mapped(READ_ONCE(sk->sk_rcv_saddr), &k->laddr);
	ipv6_addr_set_v4mapped(READ_ONCE(sk->sk_daddr), &k->raddr);
}

struct tcpclose_dest *tcpclose_dest_rows(struct tcpclose_table *tbl, const struct net *net,
					 unsigned int *nrows, struct tcpclose_dest_summary *sum);

#endif
