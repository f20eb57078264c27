/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_TWPROBE_H
#define TCPCLOSE_TWPROBE_H

int tcpclose_twprobe_attach(void);
void tcpclose_twprobe_detach(void);
const char *tcpclose_twprobe_status(void);

#endif
