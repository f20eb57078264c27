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

#include <linux/kernel.h>
#include <linux/string.h>
#include <net/tcp_states.h>
#include "tcpclose.h"

/*
 * Counted transitions (the full table is in the README):
 *   ESTABLISHED or SYN_RECV -> FIN_WAIT1   active: we sent FIN first
 *   ESTABLISHED or SYN_RECV -> CLOSE_WAIT  passive: the peer sent FIN first
 *   FIN_WAIT1 -> CLOSING                   simultaneous: the FINs crossed
 *   ESTABLISHED, CLOSE_WAIT or FIN_WAIT1 -> CLOSE
 *                                          reset: aborted (RST sent or received,
 *                                          SO_LINGER 0, retransmit timeout)
 * CLOSE from FIN_WAIT2, CLOSING or LAST_ACK is the normal end of a close
 * and is not counted again. A listener's transitions tell us its port:
 * an accepted child is born LISTEN -> SYN_RECV (its state is copied from
 * the listener), and a listener ends LISTEN -> CLOSE.
 */
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
			return TCPCLOSE_EV_LISTENER;
		if (oldstate != TCP_ESTABLISHED && oldstate != TCP_CLOSE_WAIT &&
		    oldstate != TCP_FIN_WAIT1)
			return TCPCLOSE_EV_NONE;
		*counter = TCPCLOSE_RESET;
		return TCPCLOSE_EV_COUNT;
	case TCP_SYN_RECV:
		return oldstate == TCP_LISTEN ? TCPCLOSE_EV_LISTENER : TCPCLOSE_EV_NONE;
	default:
		return TCPCLOSE_EV_NONE;
	}
}

/*
 * A full socket's FIN_WAIT2 that ended without the peer's FIN: the
 * keepalive timer gave up on an orphan after tcp_fin_timeout
 * (tcp_keepalive_timer() resets and closes it) or TCP_LINGER2 was
 * negative. The peer's FIN sets SOCK_DONE (tcp_fin()) before the socket
 * closes into TIME_WAIT; a received RST or an abort sets sk_err. An orphan
 * handed to a timewait socket in the FIN_WAIT2 substate looks the same
 * here: the caller tells the two apart (tcpclose_twprobe_handoff()), and
 * that timewait socket's own timeout is counted when its timer fires.
 */
static inline bool tcpclose_fin_wait2_timeout(int oldstate, int newstate, bool peer_fin,
					      int err)
{
	return oldstate == TCP_FIN_WAIT2 && newstate == TCP_CLOSE && !peer_fin && !err;
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
 *  2. else the remote port is outside the local port range: client,
 *     remote port (the service we connected to);
 *  3. else the local port is outside the range: server, local port (a
 *     server whose listener we never saw: closed before we loaded);
 *  4. else client, remote port (a service on a high port).
 * Rule 3 keeps a peer's ephemeral port from becoming a row. Port 0 (not
 * bound or not connected) never makes a row.
 */
static inline bool tcpclose_key_of(u16 lport, u16 rport, bool lport_listens,
				   const struct tcpclose_range *eph, struct tcpclose_key *key)
{
	if (lport_listens ||
	    (tcpclose_in_range(rport, eph) && !tcpclose_in_range(lport, eph))) {
		key->role = TCPCLOSE_SERVER;
		key->port = lport;
	} else {
		key->role = TCPCLOSE_CLIENT;
		key->port = rport;
	}
	return key->port != 0;
}

#endif
