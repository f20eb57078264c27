/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_TWPROBE_H
#define TCPCLOSE_TWPROBE_H

#include <linux/types.h>

/* The tw_probes parameter. */
enum tcpclose_tw_mode {
	TCPCLOSE_TW_OFF,	/* never */
	TCPCLOSE_TW_AUTO,	/* on the kernels they were verified on (compat.h) */
	TCPCLOSE_TW_FORCE,	/* on any kernel */
};

void tcpclose_twprobe_attach(enum tcpclose_tw_mode mode);
void tcpclose_twprobe_detach(void);
void tcpclose_twprobe_status(char *buf, size_t len);

struct sock;
bool tcpclose_twprobe_handoff(const struct sock *sk);

#endif
