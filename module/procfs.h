/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_PROCFS_H
#define TCPCLOSE_PROCFS_H

#include <net/net_namespace.h>

int tcpclose_proc_init(void);
void tcpclose_proc_exit(void);
int tcpclose_proc_net_init(struct net *net);
void tcpclose_proc_net_exit(struct net *net);

#endif
