/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_PORTPROBE_H
#define TCPCLOSE_PORTPROBE_H

#include <linux/types.h>
#include <net/sock.h>

void tcpclose_portprobe_noport(const struct sock *sk);
void tcpclose_portprobe_attach(void);
void tcpclose_portprobe_detach(void);
void tcpclose_portprobe_status(char *buf, size_t len);
unsigned long tcpclose_portprobe_missed(void);

#endif
