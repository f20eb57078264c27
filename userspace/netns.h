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
#include "dest.h"
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
	 * /proc/PID/net/tcpclose_dest, parsed: used as --dest-file uses it.
	 * None (has_dest 0) when the module has no such file, or when the
	 * file is of no use (malformed, of another namespace): then dest_err
	 * says why, and only the destinations are left out, not the table.
	 */
	struct tc_dest d;
	int has_dest;
	char *dest_err;		/* "PATH: reason", or NULL */
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
 * What a namespace's tcpclose_dest text (LEN bytes) is worth to the
 * namespace INO: TC_DEST_OK (parsed into D), TC_DEST_BAD (malformed, or
 * of another namespace: ERR says why, D is empty) or TC_DEST_NOMEM.
 */
enum tc_dest_fit { TC_DEST_OK, TC_DEST_BAD, TC_DEST_NOMEM };
enum tc_dest_fit tc_netns_dest(const char *buf, size_t len,
			       unsigned long long ino, struct tc_dest *d,
			       char *err, size_t errlen);

/*
 * The container ID and Kubernetes pod UID a /proc/PID/cgroup text names
 * (LEN bytes), "" for those it does not; the path of its cgroup v2 line
 * (else its first line) into PATH.
 */
void tc_cgroup_ids(const char *text, size_t len, char *path, size_t pathlen,
		   char id[TC_CONTAINER_ID_LEN + 1],
		   char pod[TC_POD_UID_LEN + 1]);

#endif
