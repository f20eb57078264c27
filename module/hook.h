/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_HOOK_H
#define TCPCLOSE_HOOK_H

int tcpclose_hook_attach(void);
void tcpclose_hook_detach(void);

#endif
