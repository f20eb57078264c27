/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --all-netns: every network namespace that has a process, found under
 * /proc/[pid]/ns/net, its files read through /proc/[pid]/net/ without
 * entering it, and named after the container and pod its cgroup path
 * shows (tcpclose(8), ALL NAMESPACES).
 */
#ifndef TCPCLOSE_NETNS_H
#define TCPCLOSE_NETNS_H

#include <stddef.h>
#include <sys/types.h>
#include "hist.h"
#include "table.h"
#include "tcpclose.h"

#define TC_CONTAINER_ID_LEN 64	/* hex digits, as runtimes name them */
#define TC_POD_UID_LEN 36	/* 8-4-4-4-12 */

struct tc_netns {
	unsigned long long ino;	/* the namespace's inode, as its files' netns= */
	pid_t *pids;		/* its processes, the earliest started first */
	size_t npids;
	pid_t pid;		/* the one whose /proc/PID/net was read */
	/* Of pids[0], the namespace's first process: "" when not named. */
	char container_id[TC_CONTAINER_ID_LEN + 1];
	char pod_uid[TC_POD_UID_LEN + 1];
	char *cgroup;		/* its cgroup path, NULL if unreadable */
	struct tc_table t;
	struct tc_hist h;
	int has_hist;		/* tcpclose_hist was read (an older module has none) */
	/*
	 * /proc/PID/net/tcpclose_dest as read, NULL when the module has none:
	 * read with the others, so that a namespace is all there or skipped.
	 * Its parser and outputs belong to --dest (issue 15).
	 */
	char *dest;
	size_t dest_len;
};

/*
 * The namespaces of PROCFS ("/proc"), sorted by inode, with their
 * processes; nothing read yet. Returns an exit status; MSG says why.
 */
enum tc_exit tc_netns_scan(const char *procfs, struct tc_netns **out,
			   size_t *n, char *msg, size_t len);

/*
 * Reads each namespace's files (the histograms too with HIST) and labels.
 * A namespace none of whose processes is left to read it through (it
 * ended meanwhile) is removed from NS and counted in *SKIPPED; anything
 * else that goes wrong is an error (exit status and MSG).
 */
enum tc_exit tc_netns_read(const char *procfs, struct tc_netns *ns, size_t *n,
			   size_t *skipped, int hist, char *msg, size_t len);

void tc_netns_free(struct tc_netns *ns, size_t n);

/*
 * The container ID and Kubernetes pod UID a /proc/PID/cgroup text names
 * (LEN bytes), "" for those it does not; the path of its cgroup v2 line
 * (else its first line) into PATH.
 */
void tc_cgroup_ids(const char *text, size_t len, char *path, size_t pathlen,
		   char id[TC_CONTAINER_ID_LEN + 1],
		   char pod[TC_POD_UID_LEN + 1]);

#endif
