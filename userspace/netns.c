// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the network namespaces (netns.h). /proc/PID/net/ shows the
 * files of PID's namespace to any reader, so no setns() is needed, and a
 * namespace is reachable as long as one of its processes lives: each is
 * tried in turn, and only when all have gone is the namespace skipped.
 * A PID reused by a process of another namespace cannot pass for it: the
 * file's netns= must be the namespace's inode.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netns.h"

/* One process, while scanning. */
struct tc_proc {
	unsigned long long ino, start;
	pid_t pid;
};

/* readlink PROCFS/PID/ns/net: "net:[INODE]". 0, or an errno value. */
static int tc_ns_inode(const char *procfs, pid_t pid, unsigned long long *ino)
{
	char path[4200], link[64], end;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/ns/net", procfs, (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return errno;
	link[n] = '\0';
	if (sscanf(link, "net:[%llu%c", ino, &end) != 2 || end != ']')
		return EINVAL;
	return 0;
}

/* Field 22 of PROCFS/PID/stat, the start time; 0, or an errno value. */
static int tc_start_time(const char *procfs, pid_t pid, unsigned long long *start)
{
	char path[4200], *buf = NULL, *p;
	size_t n;
	int e, i;

	snprintf(path, sizeof(path), "%s/%d/stat", procfs, (int)pid);
	e = tc_read_all(path, &buf, &n);
	if (e)
		return e;
	/* The command name may hold anything but ends at the last ')'. */
	e = EINVAL;
	for (p = buf + n; p > buf && p[-1] != ')'; p--)
		;
	if (p > buf) {
		char *end = buf + n;

		/* Fields 3.. follow; 22 is the 20th after the ')'. */
		for (i = 0; i < 20 && p < end; i++) {
			while (p < end && *p == ' ')
				p++;
			if (i < 19)
				while (p < end && *p != ' ')
					p++;
		}
		if (i == 20 && p < end && *p >= '0' && *p <= '9') {
			unsigned long long v = 0;

			while (p < end && *p >= '0' && *p <= '9')
				v = v * 10 + (unsigned long long)(*p++ - '0');
			*start = v;
			e = 0;
		}
	}
	free(buf);
	return e;
}

static int tc_proc_cmp(const void *a, const void *b)
{
	const struct tc_proc *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int tc_is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

enum tc_exit tc_netns_scan(const char *procfs, struct tc_netns **out,
			   size_t *n, char *msg, size_t len)
{
	struct tc_proc *procs = NULL;
	size_t np = 0, cap = 0, i, k;
	struct tc_netns *ns = NULL;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(procfs);
	if (!d) {
		snprintf(msg, len, "cannot read %s: %s", procfs, strerror(errno));
		return TC_EXIT_UNREADABLE;
	}
	while ((de = readdir(d))) {
		struct tc_proc p;
		long v;
		int e;

		if (!tc_is_pid(de->d_name) || strlen(de->d_name) > 9)
			continue;
		v = strtol(de->d_name, NULL, 10);
		p.pid = (pid_t)v;
		e = tc_ns_inode(procfs, p.pid, &p.ino);
		if (e == EACCES || e == EPERM) {
			/* A partial view would pass for the whole host. */
			snprintf(msg, len,
				 "--all-netns: cannot inspect %s/%d/ns/net: %s (run as root)",
				 procfs, (int)p.pid, strerror(e));
			closedir(d);
			free(procs);
			return TC_EXIT_UNREADABLE;
		}
		/* Gone, a zombie (no namespaces left), or not a process. */
		if (e || tc_start_time(procfs, p.pid, &p.start))
			continue;
		if (np == cap) {
			struct tc_proc *q;

			cap = cap ? 2 * cap : 256;
			q = realloc(procs, cap * sizeof(*q));
			if (!q)
				goto nomem;
			procs = q;
		}
		procs[np++] = p;
	}
	closedir(d);
	d = NULL;
	if (np)
		qsort(procs, np, sizeof(*procs), tc_proc_cmp);
	for (i = 0; i < np; i = k) {
		struct tc_netns *m = realloc(ns, (*n + 1) * sizeof(*ns));

		if (!m)
			goto nomem;
		ns = m;
		m = &ns[(*n)++];
		memset(m, 0, sizeof(*m));
		m->ino = procs[i].ino;
		for (k = i; k < np && procs[k].ino == m->ino; k++)
			;
		m->pids = malloc((k - i) * sizeof(*m->pids));
		if (!m->pids)
			goto nomem;
		for (m->npids = 0; m->npids < k - i; m->npids++)
			m->pids[m->npids] = procs[i + m->npids].pid;
	}
	free(procs);
	*out = ns;
	return TC_EXIT_OK;
nomem:
	if (d)
		closedir(d);
	free(procs);
	tc_netns_free(ns, *n);
	free(ns);
	*out = NULL;
	*n = 0;
	snprintf(msg, len, "out of memory");
	return TC_EXIT_FAILURE;
}

/* A namespace's process that went away: open() says one of these. */
static int tc_gone(int e)
{
	return e == ENOENT || e == ESRCH || e == EINVAL;
}

/* Does PID still belong to the namespace INO? */
static int tc_still_in(const char *procfs, pid_t pid, unsigned long long ino)
{
	unsigned long long now;

	return !tc_ns_inode(procfs, pid, &now) && now == ino;
}

static int tc_netns_matches(const char *v, unsigned long long ino)
{
	char want[32];

	snprintf(want, sizeof(want), "%llu", ino);
	return v && !strcmp(v, want);
}

enum tc_dest_fit tc_netns_dest(const char *buf, size_t len,
			       unsigned long long ino, struct tc_dest *d,
			       char *err, size_t errlen)
{
	enum tc_parse_err pe = tc_dest_parse(d, buf, len, err, errlen);
	const char *v;

	if (pe)
		return pe == TC_PARSE_NOMEM ? TC_DEST_NOMEM : TC_DEST_BAD;
	/* As --file with --dest-file: a file without netns= is taken. */
	v = tc_dest_meta(d, "netns");
	if (v && !tc_netns_matches(v, ino)) {
		snprintf(err, errlen, "destinations of netns %.24s, but the namespace is %llu",
			 v, ino);
		tc_dest_free(d);
		return TC_DEST_BAD;
	}
	return TC_DEST_OK;
}

enum { TC_READ_OK, TC_READ_GONE, TC_READ_ERROR };

/* Reads NS's files through PID; TC_READ_GONE: try another process. */
static int tc_netns_read_via(const char *procfs, struct tc_netns *ns, pid_t pid,
			     int hist, enum tc_exit *st, char *msg, size_t len)
{
	char path[4200], err[256], *buf = NULL;
	enum tc_parse_err pe;
	size_t n;
	int e;

	snprintf(path, sizeof(path), "%s/%d/net/tcpclose", procfs, (int)pid);
	e = tc_read_all(path, &buf, &n);
	if (e && tc_gone(e))
		return TC_READ_GONE;
	if (e) {
		*st = e == ENOMEM ? TC_EXIT_FAILURE : TC_EXIT_UNREADABLE;
		snprintf(msg, len, "cannot read %s: %s", path, strerror(e));
		return TC_READ_ERROR;
	}
	pe = tc_table_parse(&ns->t, buf, n, err, sizeof(err));
	free(buf);
	if (pe) {
		*st = pe == TC_PARSE_NOMEM ? TC_EXIT_FAILURE : TC_EXIT_FORMAT;
		snprintf(msg, len, "%s: %s", path, err);
		return TC_READ_ERROR;
	}
	/* The PID was reused by a process of another namespace. */
	if (!tc_netns_matches(tc_table_meta(&ns->t, "netns"), ns->ino))
		goto gone;
	if (hist) {
		snprintf(path, sizeof(path), "%s/%d/net/tcpclose_hist", procfs, (int)pid);
		e = tc_read_all(path, &buf, &n);
		if (e && tc_gone(e)) {
			/* A module older than the histograms, or PID has gone. */
			if (!tc_still_in(procfs, pid, ns->ino))
				goto gone;
		} else if (e) {
			*st = e == ENOMEM ? TC_EXIT_FAILURE : TC_EXIT_UNREADABLE;
			snprintf(msg, len, "cannot read %s: %s", path, strerror(e));
			goto error;
		} else {
			pe = tc_hist_parse(&ns->h, buf, n, err, sizeof(err));
			free(buf);
			if (pe) {
				*st = pe == TC_PARSE_NOMEM ? TC_EXIT_FAILURE : TC_EXIT_FORMAT;
				snprintf(msg, len, "%s: %s", path, err);
				goto error;
			}
			ns->has_hist = 1;
			if (!tc_netns_matches(tc_hist_meta(&ns->h, "netns"), ns->ino))
				goto gone;
		}
	}
	snprintf(path, sizeof(path), "%s/%d/net/tcpclose_dest", procfs, (int)pid);
	e = tc_read_all(path, &buf, &n);
	if (e && tc_gone(e)) {
		/* Absent: a module older than destinations, or PID has gone. */
		if (!tc_still_in(procfs, pid, ns->ino))
			goto gone;
	} else if (e) {
		*st = e == ENOMEM ? TC_EXIT_FAILURE : TC_EXIT_UNREADABLE;
		snprintf(msg, len, "cannot read %s: %s", path, strerror(e));
		goto error;
	} else {
		enum tc_dest_fit fit = tc_netns_dest(buf, n, ns->ino, &ns->d,
						     err, sizeof(err));

		free(buf);
		if (fit == TC_DEST_NOMEM) {
			*st = TC_EXIT_FAILURE;
			snprintf(msg, len, "out of memory");
			goto error;
		}
		ns->has_dest = fit == TC_DEST_OK;
		/*
		 * A file that does not say it is this namespace's may have
		 * been read through a PID reused meanwhile: only if PID is
		 * still in it is the file this namespace's own.
		 */
		if ((!ns->has_dest || !tc_dest_meta(&ns->d, "netns")) &&
		    !tc_still_in(procfs, pid, ns->ino))
			goto gone;
		/* Its fault costs the destinations only, as the live file's. */
		if (!ns->has_dest) {
			size_t l = strlen(path) + strlen(err) + 3;

			ns->dest_err = malloc(l);
			if (!ns->dest_err) {
				*st = TC_EXIT_FAILURE;
				snprintf(msg, len, "out of memory");
				goto error;
			}
			snprintf(ns->dest_err, l, "%s: %s", path, err);
		}
	}
	ns->pid = pid;
	return TC_READ_OK;
gone:
	e = TC_READ_GONE;
	goto out;
error:
	e = TC_READ_ERROR;
out:
	tc_table_free(&ns->t);
	if (ns->has_hist)
		tc_hist_free(&ns->h);
	ns->has_hist = 0;
	if (ns->has_dest)
		tc_dest_free(&ns->d);
	ns->has_dest = 0;
	free(ns->dest_err);
	ns->dest_err = NULL;
	return e;
}

static int tc_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* 8-4-4-4-12 hex digits, with SEP ('-', or '_' in systemd's slice names). */
static int tc_is_uid(const char *s, char sep)
{
	int i;

	for (i = 0; i < TC_POD_UID_LEN; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != sep : !tc_is_hex(s + i, 1))
			return 0;
	}
	return 1;
}

/*
 * One path component: a container ID as the runtimes name their cgroups
 * ("cri-containerd-ID.scope", "crio-ID.scope", "docker-ID.scope",
 * "libpod-ID.scope", or a bare ID with the cgroupfs drivers), and a pod
 * ("pod<UID>" with cgroupfs, "kubepods-...-pod<UID with _>.slice" with
 * systemd).
 */
static void tc_cgroup_part(const char *c, size_t n, char *id, char *pod)
{
	static const char *const pre[] = {
		"cri-containerd-", "crio-", "docker-", "libpod-", "",
	};
	size_t i, l;

	if (n > 6 && !memcmp(c + n - 6, ".scope", 6))
		l = n - 6;
	else
		l = n;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t p = strlen(pre[i]);

		if (l == p + TC_CONTAINER_ID_LEN && !memcmp(c, pre[i], p) &&
		    tc_is_hex(c + p, TC_CONTAINER_ID_LEN)) {
			memcpy(id, c + p, TC_CONTAINER_ID_LEN);
			id[TC_CONTAINER_ID_LEN] = '\0';
			return;
		}
	}
	if (n == 3 + TC_POD_UID_LEN && !memcmp(c, "pod", 3) && tc_is_uid(c + 3, '-')) {
		memcpy(pod, c + 3, TC_POD_UID_LEN);
		pod[TC_POD_UID_LEN] = '\0';
		return;
	}
	/* kubepods-pod<UID>.slice, kubepods-<qos>-pod<UID>.slice */
	if (n >= 8 + 4 + TC_POD_UID_LEN + 6 && !memcmp(c, "kubepods", 8) &&
	    !memcmp(c + n - 6, ".slice", 6) &&
	    !memcmp(c + n - 6 - TC_POD_UID_LEN - 4, "-pod", 4) &&
	    tc_is_uid(c + n - 6 - TC_POD_UID_LEN, '_')) {
		for (i = 0; i < TC_POD_UID_LEN; i++) {
			char ch = c[n - 6 - TC_POD_UID_LEN + i];

			pod[i] = ch == '_' ? '-' : ch;
		}
		pod[TC_POD_UID_LEN] = '\0';
	}
}

void tc_cgroup_ids(const char *text, size_t len, char *path, size_t pathlen,
		   char id[TC_CONTAINER_ID_LEN + 1], char pod[TC_POD_UID_LEN + 1])
{
	const char *p = text, *end = text + len, *best = NULL, *best_end = NULL;

	id[0] = pod[0] = '\0';
	if (pathlen)
		path[0] = '\0';
	/* "0::PATH" is cgroup v2; with v1 only, the first line's path. */
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *le = nl ? nl : end;
		const char *c1 = memchr(p, ':', le - p);
		const char *c2 = c1 ? memchr(c1 + 1, ':', le - c1 - 1) : NULL;

		if (c2 && (!best || (c1 - p == 1 && *p == '0' && c2 == c1 + 1))) {
			best = c2 + 1;
			best_end = le;
		}
		p = nl ? nl + 1 : end;
	}
	if (!best)
		return;
	if (pathlen)
		snprintf(path, pathlen, "%.*s", (int)(best_end - best), best);
	/* The innermost names win: a container in a container (kind). */
	for (p = best; p < best_end;) {
		const char *s = memchr(p, '/', best_end - p), *ce = s ? s : best_end;

		if (ce > p)
			tc_cgroup_part(p, ce - p, id, pod);
		p = s ? s + 1 : best_end;
	}
}

/* The labels of NS, from its first process's cgroup. */
static void tc_netns_label(const char *procfs, struct tc_netns *ns)
{
	char path[4200], cg[4096], *buf = NULL;
	size_t n;

	snprintf(path, sizeof(path), "%s/%d/cgroup", procfs, (int)ns->pids[0]);
	if (tc_read_all(path, &buf, &n))
		return;
	tc_cgroup_ids(buf, n, cg, sizeof(cg), ns->container_id, ns->pod_uid);
	free(buf);
	if (cg[0])
		ns->cgroup = strdup(cg);
}

enum tc_exit tc_netns_read(const char *procfs, struct tc_netns *ns, size_t *n,
			   size_t *skipped, int hist, char *msg, size_t len)
{
	enum tc_exit st = TC_EXIT_OK;
	size_t i, k, kept = 0;

	*skipped = 0;
	for (i = 0; i < *n; i++) {
		int r = TC_READ_GONE;

		for (k = 0; k < ns[i].npids && r == TC_READ_GONE; k++)
			r = tc_netns_read_via(procfs, &ns[i], ns[i].pids[k], hist,
					      &st, msg, len);
		if (r == TC_READ_ERROR) {
			/* What was kept and what is left, freed alike. */
			tc_netns_free(ns + i, *n - i);
			*n = kept;
			return st;
		}
		if (r == TC_READ_GONE) {
			(*skipped)++;
			tc_netns_free(ns + i, 1);
			continue;
		}
		tc_netns_label(procfs, &ns[i]);
		if (kept != i)
			ns[kept] = ns[i];
		kept++;
	}
	*n = kept;
	return TC_EXIT_OK;
}

/* The elements only: the array is the caller's. */
void tc_netns_free(struct tc_netns *ns, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ns[i].pids);
		free(ns[i].cgroup);
		free(ns[i].dest_err);
		if (ns[i].has_dest)
			tc_dest_free(&ns[i].d);
		tc_table_free(&ns[i].t);
		if (ns[i].has_hist)
			tc_hist_free(&ns[i].h);
		memset(&ns[i], 0, sizeof(ns[i]));
	}
}
