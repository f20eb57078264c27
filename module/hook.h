/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_HOOK_H
#define TCPCLOSE_HOOK_H

#include "track.h"

extern struct tcpclose_tracker tcpclose_closing;

extern unsigned int tcpclose_tracked_per_netns;

int tcpclose_hook_alloc(unsigned int max_tracked, unsigned int share_pct);
void tcpclose_hook_free(void);
int tcpclose_hook_attach(void);
void tcpclose_hook_detach(void);
void tcpclose_set_timing(bool on);
bool tcpclose_timing_enabled(void);

struct sock;
struct inet_timewait_sock;
void tcpclose_hook_tw_handoff(const struct sock *sk, const struct inet_timewait_sock *tw);
void tcpclose_hook_tw_end(const struct inet_timewait_sock *tw);

#endif
