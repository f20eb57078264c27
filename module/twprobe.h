/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_TWPROBE_H
#define TCPCLOSE_TWPROBE_H

#include <linux/types.h>

int tcpclose_twprobe_attach(void);
void tcpclose_twprobe_detach(void);
const char *tcpclose_twprobe_status(void);

struct sock;
bool tcpclose_twprobe_handoff(const struct sock *sk);

#endif
