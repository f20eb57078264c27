/* SPDX-License-Identifier: GPL-2.0 */
/* The program around the pure parts: options, exit statuses, loading. */
#ifndef TCPCLOSE_TCPCLOSE_H
#define TCPCLOSE_TCPCLOSE_H

#include "dest.h"
#include "diagnose.h"
#include "hist.h"
#include "select.h"
#include "table.h"

/* Exit statuses: documented in --help, tcpclose(8) and README.md. */
enum tc_exit {
	TC_EXIT_OK = 0,
	TC_EXIT_FAILURE = 1,	/* out of memory, cannot write the output */
	TC_EXIT_USAGE = 2,	/* bad flag or argument */
	TC_EXIT_NOT_LOADED = 3,	/* /proc/tcpclose missing */
	TC_EXIT_UNREADABLE = 4,	/* the file cannot be opened or read */
	TC_EXIT_FORMAT = 5,	/* not a tcpclose table, or unknown version */
	/* --check: findings; apart from the errors, for cron and Nagios. */
	TC_EXIT_WARNING = 10,	/* the worst finding is a warning */
	TC_EXIT_CRITICAL = 11,	/* at least one critical finding */
};

/* --check's status for the worst finding (TC_SEV_NONE: none). */
static inline enum tc_exit tc_check_exit(enum tc_severity worst)
{
	return worst == TC_SEV_CRITICAL ? TC_EXIT_CRITICAL :
	       worst == TC_SEV_WARNING ? TC_EXIT_WARNING : TC_EXIT_OK;
}

#define TC_PROC_PATH "/proc/tcpclose"
/* Read with TC_PROC_PATH; a module older than the histograms has none. */
#define TC_PROC_HIST_PATH "/proc/tcpclose_hist"
/* Read with TC_PROC_PATH; a module older than destinations has none. */
#define TC_PROC_DEST_PATH "/proc/tcpclose_dest"
#define TC_PORT_RANGE_PATH "/proc/sys/net/ipv4/ip_local_port_range"

enum tc_mode {
	TC_MODE_TABLE, TC_MODE_DIAGNOSE, TC_MODE_JSON, TC_MODE_PROM,
	TC_MODE_DEST,	/* --dest: the destinations view */
};

struct tc_opts {
	const char *path;		/* NULL: no table (--dest --dest-file) */
	const char *hist_path;		/* NULL: no histograms */
	int hist_optional;		/* hist_path may be missing */
	const char *dest_path;		/* NULL: no destinations */
	int dest_optional;		/* dest_path may be missing */
	int has_uptime;			/* --uptime: a saved copy's */
	double uptime;			/* s since boot when it was saved */
	enum tc_mode mode;
	struct tc_select sel;
	struct tc_thresholds th;
	struct tc_port_range pr;	/* from --port-range if known */
	int check;			/* --check: findings set the exit status */
	int watch;
	double interval;		/* seconds */
	unsigned long count;		/* refreshes; 0: until interrupted */
	int all_netns;			/* every namespace, through PROCFS */
	const char *procfs;		/* "/proc", or the host's elsewhere */
};

/*
 * Read and parse PATH ("-": stdin) into T. Returns an exit status; unless
 * TC_EXIT_OK, MSG holds the one-line reason (without "tcpclose: ").
 */
enum tc_exit tc_load(const char *path, struct tc_table *t, char *msg,
		     size_t len);

/*
 * The same for the histograms of PATH into H. With OPTIONAL, a PATH that
 * does not exist (an older module) is no error and leaves *FOUND 0.
 */
enum tc_exit tc_hist_load(const char *path, int optional, struct tc_hist *h,
			  int *found, char *msg, size_t len);

/*
 * The same for the destinations of PATH into D. With OPTIONAL, a missing
 * PATH, or one that is no tcpclose_dest file (a warning on stderr), leaves
 * *FOUND 0; without, a missing /proc file is a module that predates it.
 */
enum tc_exit tc_dest_load(const char *path, int optional, struct tc_dest *d,
			  int *found, char *msg, size_t len);

/* All of a file in one read loop; 0 or an errno value. */
int tc_read_all(const char *path, char **buf, size_t *len);

/* --port-range if given, else net.ipv4.ip_local_port_range (or unknown). */
void tc_port_range_get(const struct tc_opts *o, struct tc_port_range *pr);

/* "LO-HI", "LO HI" or the sysctl's "LO\tHI\n"; 0 if malformed. */
int tc_port_range_parse(const char *s, struct tc_port_range *pr);

/* --all-netns: every network namespace, each with its labels (allns.c). */
enum tc_exit tc_all_netns(const struct tc_opts *o);

/* The capacity --port-range gives (0: not given): for files without one. */
uint64_t tc_capacity_fallback(const struct tc_opts *o);
/* A table and destinations of two namespaces: TC_EXIT_FORMAT and MSG. T may be NULL. */
enum tc_exit tc_dest_netns_check(const struct tc_opts *o, const struct tc_table *t,
				 const struct tc_dest *d, char *msg, size_t len);

/* --watch: refresh until --count or SIGINT/SIGTERM. */
enum tc_exit tc_watch(const struct tc_opts *o);

#endif
