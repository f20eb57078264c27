/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_PROCFS_H
#define TCPCLOSE_PROCFS_H

int tcpclose_proc_init(void);
void tcpclose_proc_exit(void);

#endif
