/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCLOSE_VERSION_H
#define TCPCLOSE_VERSION_H

/* The one place the version lives: the Makefile, DKMS and modinfo read it. */
#define TCPCLOSE_VERSION "0.1.0"

/* Bumped only when /proc/tcpclose changes incompatibly. */
#define TCPCLOSE_FORMAT_VERSION 1

#endif
