/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a TCP state transition or a live socket means to tcpclose.
 *
 * Pure functions of their arguments: no sockets, no locks, so KUnit checks
 * every (oldstate, newstate) pair directly. Inline because the probe runs
 * them on every state change that may be part of a close.
 */
#ifndef TCPCLOSE_CLASSIFY_H
#define TCPCLOSE_CLASSIFY_H

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/tcp_states.h>
#include "tcpclose.h"

/*
 * Counted transitions (the full table is in the README):
 *   ESTABLISHED or SYN_RECV -> FIN_WAIT1   active: we sent FIN first
 *   ESTABLISHED or SYN_RECV -> CLOSE_WAIT  passive: the peer sent FIN first
 *   FIN_WAIT1 -> CLOSING                   simultaneous: the FINs crossed
 *   ESTABLISHED, CLOSE_WAIT, FIN_WAIT1, FIN_WAIT2, CLOSING or LAST_ACK
 *   -> CLOSE                               the end: normal, or an abnormal
 *                                          one named by tcpclose_end_of()
 * A listener's transitions tell us its port: an accepted child is born
 * LISTEN -> SYN_RECV (its state is copied from the listener), and a
 * listener ends LISTEN -> CLOSE (CLOSE -> LISTEN is not traced).
 * SYN_SENT -> CLOSE is a connect() that failed; one that found no local
 * port is told apart by the socket (portprobe.c).
 */
#define TCPCLOSE_ENDING_STATES (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 | \
				TCPF_FIN_WAIT2 | TCPF_CLOSING | TCPF_LAST_ACK)

static inline enum tcpclose_event tcpclose_classify(int oldstate, int newstate,
						    enum tcpclose_counter *counter)
{
	switch (newstate) {
	case TCP_FIN_WAIT1:
		if (oldstate != TCP_ESTABLISHED && oldstate != TCP_SYN_RECV)
			return TCPCLOSE_EV_NONE;
		*counter = TCPCLOSE_ACTIVE;
		return TCPCLOSE_EV_COUNT;
	case TCP_CLOSE_WAIT:
		if (oldstate != TCP_ESTABLISHED && oldstate != TCP_SYN_RECV)
			return TCPCLOSE_EV_NONE;
		*counter = TCPCLOSE_PASSIVE;
		return TCPCLOSE_EV_COUNT;
	case TCP_CLOSING:
		if (oldstate != TCP_FIN_WAIT1)
			return TCPCLOSE_EV_NONE;
		*counter = TCPCLOSE_SIMULTANEOUS;
		return TCPCLOSE_EV_COUNT;
	case TCP_CLOSE:
		if (oldstate == TCP_LISTEN)
			return TCPCLOSE_EV_UNLISTEN;
		if (oldstate == TCP_SYN_SENT)
			return TCPCLOSE_EV_UNCONNECT;
		return (1 << oldstate) & TCPCLOSE_ENDING_STATES ? TCPCLOSE_EV_END :
								  TCPCLOSE_EV_NONE;
	case TCP_SYN_RECV:
		return oldstate == TCP_LISTEN ? TCPCLOSE_EV_LISTEN : TCPCLOSE_EV_NONE;
	default:
		return TCPCLOSE_EV_NONE;
	}
}

/*
 * What the kernel has recorded when a socket reaches CLOSE (the tracepoint
 * fires inside tcp_set_state(), before tcp_done() or tcp_disconnect() go on):
 *   ERR       sk_err: an RST received, or the kernel gave up (retransmission
 *             or keepalive timeout, ss -K)
 *   PEER_FIN  SOCK_DONE: the peer's FIN arrived
 *   TW        a timewait socket took over (or tcp_max_tw_buckets refused
 *             one: tw_overflow counts it)
 *   TASK      process context: a system call of the application (close,
 *             connect(AF_UNSPEC)), not a timer or a received segment
 *   LINGER2   TCP_LINGER2 < 0: abort FIN_WAIT2
 */
enum {
	TCPCLOSE_END_ERR = BIT(0),
	TCPCLOSE_END_PEER_FIN = BIT(1),
	TCPCLOSE_END_TW = BIT(2),
	TCPCLOSE_END_TASK = BIT(3),
	TCPCLOSE_END_LINGER2 = BIT(4),
};

/*
 * The one counter that names how a connection ended, given the state it
 * left for CLOSE and TCPCLOSE_END_* bits, or TCPCLOSE_NR_COUNTERS for a
 * normal end (the peer's FIN, or the ACK of ours, completed the close):
 *   sk_err set, any state             resets: an RST received, or the
 *                                     kernel gave up on the peer
 *   FIN_WAIT2, peer's FIN, or a        normal (TIME_WAIT, or the orphan
 *   timewait socket took over          waits on in that socket)
 *   FIN_WAIT2, by the application or   local_aborts (SO_LINGER {1,0}, close()
 *   TCP_LINGER2 < 0                    with unread data, connect(AF_UNSPEC))
 *   FIN_WAIT2, otherwise               fin_wait2_timeouts (tcp_fin_timeout,
 *                                     by the keepalive timer)
 *   ESTABLISHED, CLOSE_WAIT,           local_aborts from a system call;
 *   FIN_WAIT1                          resets otherwise (too many orphans,
 *                                     out of memory)
 *   CLOSING, LAST_ACK                  normal
 */
static inline enum tcpclose_counter tcpclose_end_of(int oldstate, unsigned int why)
{
	if (why & TCPCLOSE_END_ERR)
		return TCPCLOSE_RESET;
	switch (oldstate) {
	case TCP_FIN_WAIT2:
		if (why & (TCPCLOSE_END_PEER_FIN | TCPCLOSE_END_TW))
			return TCPCLOSE_NR_COUNTERS;
		if (why & (TCPCLOSE_END_TASK | TCPCLOSE_END_LINGER2))
			return TCPCLOSE_LOCAL_ABORTS;
		return TCPCLOSE_FIN_WAIT2_TIMEOUTS;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT1:
		return why & TCPCLOSE_END_TASK ? TCPCLOSE_LOCAL_ABORTS : TCPCLOSE_RESET;
	default:
		return TCPCLOSE_NR_COUNTERS;
	}
}

/*
 * Why a timewait socket was ended early, from the function that called
 * inet_twsk_deschedule_put() and the socket's substate, or
 * TCPCLOSE_NR_COUNTERS when that caller is not one of these:
 *   tcp_timewait_state_process()       an RST received (either substate)
 *   tcp_v4_rcv(), tcp_v6_rcv()         TIME_WAIT: a SYN opening a new
 *                                      connection on the 4-tuple;
 *                                      FIN_WAIT2: new data or a SYN for an
 *                                      orphan, answered with an RST
 *   __inet_check_established(),        a connect() reusing the 4-tuple
 *   __inet6_check_established(),       (tcp_tw_reuse)
 *   __inet_hash_connect()
 *   tcp_abort()                        SOCK_DESTROY (ss -K), or BPF
 * @fn is the caller's symbol name; a compiler suffix (".cold",
 * ".isra.0") is ignored.
 */
static inline enum tcpclose_counter tcpclose_kill_reason(const char *fn, bool fin_wait2)
{
	static const struct {
		const char *fn;
		enum tcpclose_counter in_tw, in_fw2;
	} callers[] = {
		{ "tcp_timewait_state_process", TCPCLOSE_TW_KILLED_RST, TCPCLOSE_TW_KILLED_RST },
		{ "tcp_v4_rcv", TCPCLOSE_TW_KILLED_REUSE, TCPCLOSE_TW_KILLED_RST },
		{ "tcp_v6_rcv", TCPCLOSE_TW_KILLED_REUSE, TCPCLOSE_TW_KILLED_RST },
		{ "__inet_check_established", TCPCLOSE_TW_KILLED_REUSE, TCPCLOSE_TW_KILLED_REUSE },
		{ "__inet6_check_established", TCPCLOSE_TW_KILLED_REUSE, TCPCLOSE_TW_KILLED_REUSE },
		{ "__inet_hash_connect", TCPCLOSE_TW_KILLED_REUSE, TCPCLOSE_TW_KILLED_REUSE },
		{ "tcp_abort", TCPCLOSE_TW_KILLED_ABORT, TCPCLOSE_TW_KILLED_ABORT },
	};
	size_t n = strcspn(fn, ". ");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(callers); i++)
		if (strlen(callers[i].fn) == n && !strncmp(fn, callers[i].fn, n))
			return fin_wait2 ? callers[i].in_fw2 : callers[i].in_tw;
	return TCPCLOSE_NR_COUNTERS;
}

/*
 * Which gauge a socket found in the established hash feeds, or -1.
 * A timewait socket (state TCP_TIME_WAIT) is TIME_WAIT only in that
 * substate; in the FIN_WAIT2 substate it is an orphan still waiting for
 * the peer's FIN, which /proc/net/tcp shows as st 05 and ss as FIN-WAIT-2.
 */
static inline int tcpclose_gauge_of(int state, int tw_substate)
{
	switch (state) {
	case TCP_TIME_WAIT:
		if (tw_substate == TCP_TIME_WAIT)
			return TCPCLOSE_G_TIME_WAIT;
		if (tw_substate == TCP_FIN_WAIT2)
			return TCPCLOSE_G_FIN_WAIT2;
		return -1;
	case TCP_CLOSE_WAIT:
		return TCPCLOSE_G_CLOSE_WAIT;
	case TCP_FIN_WAIT1:
		return TCPCLOSE_G_FIN_WAIT1;
	case TCP_FIN_WAIT2:
		return TCPCLOSE_G_FIN_WAIT2;
	case TCP_LAST_ACK:
		return TCPCLOSE_G_LAST_ACK;
	case TCP_CLOSING:
		return TCPCLOSE_G_CLOSING;
	case TCP_ESTABLISHED:
		return TCPCLOSE_G_ESTABLISHED;
	default:
		return -1;
	}
}

static inline bool tcpclose_in_range(u16 port, const struct tcpclose_range *r)
{
	return port >= r->lo && port <= r->hi;
}

/*
 * The row a connection belongs to:
 *  1. the local port is a known listening port: server, local port;
 *  2. else the remote port is one (a service of this namespace, reached
 *     over loopback): client, remote port;
 *  3. else exactly one port is inside the local port range: that end is
 *     the client (the kernel gave it its port), the other the service;
 *  4. else (both inside, or neither) the lower port is the service.
 * Rule 3 keeps a client's ephemeral port from becoming a row when its
 * server's listener is gone (closed before we loaded): the server's
 * TIME_WAITs stay on the server's port. Rule 4 is a guess: it is right for
 * a service on a low port whatever the range (a peer whose stack picks
 * ports above ours, 49152-65535 on Windows and macOS, included), wrong for
 * a remote service above the client's port when both are in the range.
 * Port 0 (not bound or not connected) never makes a row.
 */
static inline bool tcpclose_key_of(u16 lport, u16 rport, bool lport_listens, bool rport_listens,
				   const struct tcpclose_range *eph, struct tcpclose_key *key)
{
	bool l_eph = tcpclose_in_range(lport, eph), r_eph = tcpclose_in_range(rport, eph);
	bool server;

	if (lport_listens || rport_listens)
		server = lport_listens;
	else if (l_eph != r_eph)
		server = r_eph;
	else
		server = lport < rport;
	key->role = server ? TCPCLOSE_SERVER : TCPCLOSE_CLIENT;
	key->port = server ? lport : rport;
	return key->port != 0;
}

#endif
