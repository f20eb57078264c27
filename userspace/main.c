// SPDX-License-Identifier: GPL-2.0
/*
 * tcpclose: read /proc/tcpclose and say what it means. Options and the
 * one-shot outputs; --watch is in watch.c, the logic in the other files.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../module/version.h"
#include "output.h"
#include "since.h"
#include "tcpclose.h"

static const char tc_usage[] =
"usage: tcpclose [OPTION]...\n"
"Show the per-port TCP close table of /proc/tcpclose, and what it means.\n"
"\n"
"Output (the default is the table, sorted by TIME_WAIT, and a short diagnosis):\n"
"  -d, --diagnose          each finding in plain words, its numbers and advice\n"
"  -j, --json              one JSON document: meta, rows, diagnoses, histograms,\n"
"                          destinations\n"
"      --prometheus        Prometheus text format (node_exporter textfile collector)\n"
"      --check             exit status 10 if the worst finding is a warning, 11 if\n"
"                          critical; alone, print only the findings (or nothing)\n"
"      --dest              the destinations of client sockets: local ports in use\n"
"                          against the capacity, connect() failures\n"
"  -w, --watch [SECONDS]   refresh the table (or --dest) every SECONDS (default\n"
"                          1), with the counters as per-second rates\n"
"  -c, --count N           with --watch: stop after N refreshes\n"
"\n"
"Input and rows:\n"
"  -a, --all-netns         every network namespace that has a process (root),\n"
"                          labelled with its container and pod where known\n"
"      --procfs DIR        with --all-netns: the host's proc filesystem at DIR\n"
"                          (e.g. /host/proc in a container) [/proc]\n"
"  -f, --file PATH         read PATH (a saved copy, - for stdin), not /proc/tcpclose\n"
"      --hist-file PATH    with --json or --prometheus: the histograms from PATH,\n"
"                          not /proc/tcpclose_hist (none with --file without it)\n"
"      --dest-file PATH    the destinations from PATH, not /proc/tcpclose_dest\n"
"                          (none with --file without it)\n"
"      --uptime S          with saved files: /proc/uptime when they were saved,\n"
"                          for rates since the counters started\n"
"  -p, --port N            only the rows of port N\n"
"  -r, --role ROLE         only server or only client rows\n"
"  -s, --sort COLUMN       sort by COLUMN, largest first (port: in port order);\n"
"                          a /proc/tcpclose column name or a table heading\n"
"                          [time_wait]\n"
"  -t, --top N             only the first N rows, and the N worst findings (the\n"
"                          diagnosis still sees all rows)\n"
"\n"
"Diagnosis thresholds [default] (reasons in tcpclose(8)):\n"
"      --min-time-wait N   the server closes first: it holds at least N\n"
"                          TIME_WAIT sockets [500] and more than R of its closes\n"
"      --active-share R    were active [0.5]\n"
"      --min-close-wait N  CLOSE_WAIT is accumulating: at least N sockets [10],\n"
"      --close-wait-age S  or one older than S seconds, if the module says [60]\n"
"      --exhaustion-ratio R  a destination uses up the local ports: at least R\n"
"                          times the capacity in use, or connect() failed [0.8]\n"
"      --port-range-ratio R  without destinations (an older module): client\n"
"                          TIME_WAIT towards one port is at least R times the\n"
"                          local port range [0.25]\n"
"      --port-range LO-HI  the local port range, when the files do not say\n"
"                          [" TC_PORT_RANGE_PATH "]\n"
"      --min-resets N      resets pile up: at least N on a row [100],\n"
"      --reset-rate R      and R per second, when the span is known [1]\n"
"      --min-last-ack N    LAST_ACK piles up: at least N sockets on a row [100]\n"
"\n"
"  -h, --help              this text\n"
"  -V, --version           the version\n"
"\n"
"Exit status: 0 ok, 1 out of memory or write error, 2 bad option,\n"
"3 module not loaded, 4 file unreadable, 5 not a tcpclose table or an\n"
"unknown format version; with --check, 10 warning, 11 critical findings.\n"
"See tcpclose(8).\n";

enum {
	TC_OPT_PROM = 256,
	TC_OPT_MIN_TW,
	TC_OPT_ACTIVE_SHARE,
	TC_OPT_MIN_CW,
	TC_OPT_CW_AGE,
	TC_OPT_RANGE_RATIO,
	TC_OPT_RANGE,
	TC_OPT_HIST_FILE,
	TC_OPT_PROCFS,
	TC_OPT_DEST,
	TC_OPT_DEST_FILE,
	TC_OPT_EXH_RATIO,
	TC_OPT_UPTIME,
	TC_OPT_CHECK,
	TC_OPT_MIN_RESETS,
	TC_OPT_RESET_RATE,
	TC_OPT_MIN_LAST_ACK,
};

static const struct option tc_longopts[] = {
	{ "diagnose", no_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ "prometheus", no_argument, NULL, TC_OPT_PROM },
	{ "check", no_argument, NULL, TC_OPT_CHECK },
	{ "min-resets", required_argument, NULL, TC_OPT_MIN_RESETS },
	{ "reset-rate", required_argument, NULL, TC_OPT_RESET_RATE },
	{ "min-last-ack", required_argument, NULL, TC_OPT_MIN_LAST_ACK },
	{ "watch", optional_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "all-netns", no_argument, NULL, 'a' },
	{ "procfs", required_argument, NULL, TC_OPT_PROCFS },
	{ "file", required_argument, NULL, 'f' },
	{ "hist-file", required_argument, NULL, TC_OPT_HIST_FILE },
	{ "dest", no_argument, NULL, TC_OPT_DEST },
	{ "dest-file", required_argument, NULL, TC_OPT_DEST_FILE },
	{ "uptime", required_argument, NULL, TC_OPT_UPTIME },
	{ "exhaustion-ratio", required_argument, NULL, TC_OPT_EXH_RATIO },
	{ "port", required_argument, NULL, 'p' },
	{ "role", required_argument, NULL, 'r' },
	{ "sort", required_argument, NULL, 's' },
	{ "top", required_argument, NULL, 't' },
	{ "min-time-wait", required_argument, NULL, TC_OPT_MIN_TW },
	{ "active-share", required_argument, NULL, TC_OPT_ACTIVE_SHARE },
	{ "min-close-wait", required_argument, NULL, TC_OPT_MIN_CW },
	{ "close-wait-age", required_argument, NULL, TC_OPT_CW_AGE },
	{ "port-range-ratio", required_argument, NULL, TC_OPT_RANGE_RATIO },
	{ "port-range", required_argument, NULL, TC_OPT_RANGE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Every error is one line on stderr, then a distinct exit status. */
static int tc_die(enum tc_exit status, const char *fmt, ...)
{
	va_list ap;

	fputs("tcpclose: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static uint64_t tc_arg_u64(const char *opt, const char *s, uint64_t min,
			   uint64_t max)
{
	uint64_t v;

	if (!tc_parse_u64(s, strlen(s), &v) || v < min || v > max) {
		if (max == UINT64_MAX)
			tc_die(TC_EXIT_USAGE, "%s: '%s' is not a whole number of at least %llu",
			       opt, s, (unsigned long long)min);
		tc_die(TC_EXIT_USAGE, "%s: '%s' is not a whole number from %llu to %llu",
		       opt, s, (unsigned long long)min,
		       (unsigned long long)max);
	}
	return v;
}

static double tc_arg_double(const char *opt, const char *s, double min,
			    double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		tc_die(TC_EXIT_USAGE, "%s: '%s' is not a number from %g to %g",
		       opt, s, min, max);
	return v;
}

static int tc_is_number(const char *s)
{
	char *end;

	if (!s || !*s || *s == '-')
		return 0;
	strtod(s, &end);
	return !*end;
}

/* The option getopt stopped at: "-x" inside "-jx", else the argument. */
static const char *tc_bad_opt(char **argv, char *buf)
{
	const char *a = argv[optind - 1];

	if (strncmp(a, "--", 2) && optopt > 0 && optopt < 128) {
		snprintf(buf, 3, "-%c", optopt);
		return buf;
	}
	return a;
}

static void tc_parse_args(int argc, char **argv, struct tc_opts *o)
{
	int c, sort, modes = 0, file = 0, procfs = 0;
	char opt[3];

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, "+:adjw::c:f:p:r:s:t:hV",
				tc_longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->mode = TC_MODE_DIAGNOSE; modes++; break;
		case 'j': o->mode = TC_MODE_JSON; modes++; break;
		case TC_OPT_PROM: o->mode = TC_MODE_PROM; modes++; break;
		case TC_OPT_DEST: o->mode = TC_MODE_DEST; modes++; break;
		case 'w':
			o->watch = 1;
			/* "--watch 2" as well as "--watch=2". */
			if (!optarg && optind < argc && tc_is_number(argv[optind]))
				optarg = argv[optind++];
			if (optarg)
				o->interval = tc_arg_double("--watch", optarg,
							    0.001, 86400);
			break;
		case 'c':
			o->count = tc_arg_u64("--count", optarg, 1, 1000000000);
			break;
		case 'a': o->all_netns = 1; break;
		case TC_OPT_PROCFS: o->procfs = optarg; procfs = 1; break;
		case 'f': o->path = optarg; file = 1; break;
		case TC_OPT_HIST_FILE: o->hist_path = optarg; break;
		case TC_OPT_DEST_FILE: o->dest_path = optarg; break;
		case TC_OPT_UPTIME:
			o->uptime = tc_arg_double("--uptime", optarg, 0, 1e12);
			o->has_uptime = 1;
			break;
		case TC_OPT_EXH_RATIO:
			o->th.exhaustion_ratio = tc_arg_double("--exhaustion-ratio",
							       optarg, 0, 1);
			break;
		case 'p': o->sel.port = tc_arg_u64("--port", optarg, 0, 65535); break;
		case 'r':
			o->sel.role = tc_role_lookup(optarg);
			if (o->sel.role < 0)
				tc_die(TC_EXIT_USAGE,
				       "--role: '%s' is not server or client",
				       optarg);
			break;
		case 's':
			sort = tc_col_lookup(optarg);
			if (!strcmp(optarg, "port"))
				sort = TC_SORT_PORT;
			else if (sort < 0)
				tc_die(TC_EXIT_USAGE,
				       "--sort: unknown column '%s' (port, time_wait, close_wait, active_closes, ...)",
				       optarg);
			o->sel.sort = sort;
			break;
		case 't': o->sel.top = tc_arg_u64("--top", optarg, 1, UINT64_MAX); break;
		case TC_OPT_MIN_TW:
			o->th.min_time_wait = tc_arg_u64("--min-time-wait",
							 optarg, 1, UINT64_MAX);
			break;
		case TC_OPT_ACTIVE_SHARE:
			o->th.active_share = tc_arg_double("--active-share",
							   optarg, 0, 1);
			break;
		case TC_OPT_MIN_CW:
			o->th.min_close_wait = tc_arg_u64("--min-close-wait",
							  optarg, 1, UINT64_MAX);
			break;
		case TC_OPT_CW_AGE:
			o->th.close_wait_age = tc_arg_u64("--close-wait-age",
							  optarg, 0, UINT64_MAX);
			break;
		case TC_OPT_RANGE_RATIO:
			o->th.port_range_ratio = tc_arg_double("--port-range-ratio",
							       optarg, 0, 1e9);
			break;
		case TC_OPT_CHECK: o->check = 1; break;
		case TC_OPT_MIN_RESETS:
			o->th.min_resets = tc_arg_u64("--min-resets", optarg, 1,
						      UINT64_MAX);
			break;
		case TC_OPT_RESET_RATE:
			o->th.reset_rate = tc_arg_double("--reset-rate", optarg,
							 0, 1e12);
			break;
		case TC_OPT_MIN_LAST_ACK:
			o->th.min_last_ack = tc_arg_u64("--min-last-ack", optarg,
							1, UINT64_MAX);
			break;
		case TC_OPT_RANGE:
			if (!tc_port_range_parse(optarg, &o->pr))
				tc_die(TC_EXIT_USAGE,
				       "--port-range: '%s' is not LO-HI with 0 <= LO <= HI <= 65535",
				       optarg);
			break;
		case 'h':
			fputs(tc_usage, stdout);
			exit(fflush(stdout) ? TC_EXIT_FAILURE : TC_EXIT_OK);
		case 'V':
			printf("tcpclose %s (reads format %d)\n",
			       TCPCLOSE_VERSION, TC_FORMAT);
			exit(fflush(stdout) ? TC_EXIT_FAILURE : TC_EXIT_OK);
		case ':':
			tc_die(TC_EXIT_USAGE, "%s needs an argument (see tcpclose --help)",
			       tc_bad_opt(argv, opt));
			break;
		default:
			tc_die(TC_EXIT_USAGE, "unknown option '%s' (see tcpclose --help)",
			       tc_bad_opt(argv, opt));
		}
	}
	if (optind < argc)
		tc_die(TC_EXIT_USAGE, "unexpected argument '%s' (see tcpclose --help)",
		       argv[optind]);
	if (modes > 1)
		tc_die(TC_EXIT_USAGE,
		       "--diagnose, --json, --prometheus and --dest exclude each other");
	if (o->all_netns && (file || o->hist_path || o->dest_path))
		tc_die(TC_EXIT_USAGE, "--all-netns reads every namespace's files; not with --file, --hist-file or --dest-file");
	if (o->all_netns && (o->watch || o->mode == TC_MODE_DEST))
		tc_die(TC_EXIT_USAGE, "--all-netns: not with --watch or --dest");
	if (o->all_netns && o->has_uptime)
		tc_die(TC_EXIT_USAGE, "--uptime is for saved copies; --all-netns reads its procfs's uptime");
	if (procfs && !o->all_netns)
		tc_die(TC_EXIT_USAGE, "--procfs: only with --all-netns");
	if (procfs && o->procfs[0] != '/')
		tc_die(TC_EXIT_USAGE, "--procfs: '%s' is not an absolute path", o->procfs);
	if (o->watch && modes && o->mode != TC_MODE_DEST)
		tc_die(TC_EXIT_USAGE, "--watch shows the table or --dest; not with --diagnose, --json or --prometheus");
	if (o->watch && o->check)
		tc_die(TC_EXIT_USAGE, "--check gives one exit status; not with --watch");
	if (o->watch && (!strcmp(o->path, "-") ||
			 (o->dest_path && !strcmp(o->dest_path, "-"))))
		tc_die(TC_EXIT_USAGE, "--watch rereads its files; not with --file - or --dest-file -");
	/* People read the table by TIME_WAIT; programs want port order. */
	if (o->sel.sort == TC_SORT_DEFAULT)
		o->sel.sort = o->mode == TC_MODE_JSON || o->mode == TC_MODE_PROM ?
			      TC_SORT_PORT : TC_TIME_WAIT;
	if (o->count && !o->watch)
		tc_die(TC_EXIT_USAGE, "--count needs --watch");
	if (o->hist_path && o->mode != TC_MODE_JSON && o->mode != TC_MODE_PROM)
		tc_die(TC_EXIT_USAGE, "--hist-file: only --json and --prometheus show histograms");
	if (o->hist_path && !strcmp(o->hist_path, "-") && !strcmp(o->path, "-"))
		tc_die(TC_EXIT_USAGE, "--file - and --hist-file - cannot both read stdin");
	if (o->dest_path && !strcmp(o->dest_path, "-") &&
	    (!strcmp(o->path, "-") || (o->hist_path && !strcmp(o->hist_path, "-"))))
		tc_die(TC_EXIT_USAGE, "--dest-file - and --file - or --hist-file - cannot both read stdin");
	/*
	 * As the histograms: a saved table comes without destinations unless
	 * they are named too, and --dest, which shows nothing else, needs
	 * them. A saved destinations file alone is read alone: the live table
	 * of this machine would not be of the same moment.
	 */
	if (o->mode == TC_MODE_DEST && file && !o->dest_path)
		tc_die(TC_EXIT_USAGE, "--dest with --file: name the saved tcpclose_dest file with --dest-file");
	if (!o->dest_path && !file) {
		o->dest_path = TC_PROC_DEST_PATH;
		o->dest_optional = o->mode != TC_MODE_DEST;
	} else if (o->mode == TC_MODE_DEST && o->dest_path && !file) {
		o->path = NULL;
	}
	/*
	 * The module's two files go together; a saved table has no histograms
	 * unless they are named too. Only the outputs that show them read them,
	 * so a bad or missing histogram file never costs the table.
	 */
	if (!o->hist_path && !file && !o->all_netns &&
	    (o->mode == TC_MODE_JSON || o->mode == TC_MODE_PROM)) {
		o->hist_path = TC_PROC_HIST_PATH;
		o->hist_optional = 1;	/* a module older than histograms */
	}
}

/*
 * The histograms that go with T, into H; 0 if there are none. Files of two
 * namespaces (two saved copies that do not match) are refused.
 */
static int tc_load_hist(const struct tc_opts *o, const struct tc_table *t,
			struct tc_hist *h)
{
	const char *a, *b;
	char msg[512];
	enum tc_exit st;
	int found;

	if (!o->hist_path)
		return 0;
	st = tc_hist_load(o->hist_path, o->hist_optional, h, &found, msg,
			  sizeof(msg));
	if (st)
		tc_die(st, "%s", msg);
	a = tc_table_meta(t, "netns");
	b = tc_hist_meta(h, "netns");
	if (found && a && b && strcmp(a, b))
		tc_die(TC_EXIT_FORMAT, "%s: histograms of netns %s, but %s is of netns %s",
		       strcmp(o->hist_path, "-") ? o->hist_path : "stdin", b,
		       strcmp(o->path, "-") ? o->path : "stdin", a);
	return found;
}

/*
 * netns="INODE" of this process's namespace, which /proc/tcpclose shows,
 * for a tcpclose_up 0 that matches the series it stands for; "" for
 * other paths, or if unknown.
 */
static const char *tc_self_netns_labels(const char *path, char *buf, size_t len)
{
	char link[64];
	unsigned long long ino;
	ssize_t n;

	buf[0] = '\0';
	if (strcmp(path, TC_PROC_PATH))
		return buf;
	n = readlink("/proc/self/ns/net", link, sizeof(link) - 1);
	if (n <= 0)
		return buf;
	link[n] = '\0';
	if (sscanf(link, "net:[%llu]", &ino) == 1)
		snprintf(buf, len, "netns=\"%llu\"", ino);
	return buf;
}

/*
 * The destinations that go with T (NULL: none read), into D; 0 if there
 * are none. Files of two namespaces are refused, as for the histograms.
 */
static int tc_load_dest(const struct tc_opts *o, const struct tc_table *t,
			struct tc_dest *d)
{
	char msg[512];
	enum tc_exit st;
	int found;

	if (!o->dest_path)
		return 0;
	st = tc_dest_load(o->dest_path, o->dest_optional, d, &found, msg,
			  sizeof(msg));
	if (st)
		tc_die(st, "%s", msg);
	if (found) {
		st = tc_dest_netns_check(o, t, d, msg, sizeof(msg));
		if (st)
			tc_die(st, "%s", msg);
	}
	return found;
}

enum tc_exit tc_dest_netns_check(const struct tc_opts *o, const struct tc_table *t,
				 const struct tc_dest *d, char *msg, size_t len)
{
	const char *a = t ? tc_table_meta(t, "netns") : NULL;
	const char *b = tc_dest_meta(d, "netns");

	if (!a || !b || !strcmp(a, b))
		return TC_EXIT_OK;
	snprintf(msg, len, "%s: destinations of netns %s, but %s is of netns %s",
		 strcmp(o->dest_path, "-") ? o->dest_path : "stdin", b,
		 strcmp(o->path, "-") ? o->path : "stdin", a);
	return TC_EXIT_FORMAT;
}

/* One snapshot, in the chosen output. */
static enum tc_exit tc_once(const struct tc_opts *o)
{
	const struct tc_dest_row **drows = NULL;
	const struct tc_row **rows = NULL;
	struct tc_diag *diags = NULL;
	struct tc_dest_view dv = { 0 };
	struct tc_dest_ctx dc = { 0 };
	struct tc_window w = TC_WINDOW_NONE;
	struct tc_port_range pr;
	enum tc_exit st = TC_EXIT_OK;
	struct tc_table t;
	struct tc_dest d;
	struct tc_hist h;
	int has_hist, has_dest;
	size_t n, nd, ntd, i, checked = 0;
	double now = 0;
	char msg[512];

	memset(&t, 0, sizeof(t));
	if (o->path) {
		st = tc_load(o->path, &t, msg, sizeof(msg));
		if (st == TC_EXIT_NOT_LOADED && o->mode == TC_MODE_PROM) {
			/*
			 * A textfile collector keeps the last file it was
			 * given: say "down" in it instead of failing to
			 * replace it.
			 */
			char labels[64];

			tc_print_prom_down(stdout, tc_self_netns_labels(o->path, labels,
									 sizeof(labels)),
					   "the tcpclose module is not loaded (" TC_PROC_PATH " missing)");
			return TC_EXIT_OK;
		}
		if (st)
			tc_die(st, "%s", msg);
		tc_since_get(&t, o);
	}
	has_hist = tc_load_hist(o, &t, &h);
	has_dest = tc_load_dest(o, o->path ? &t : NULL, &d);
	rows = malloc((t.nrows ? t.nrows : 1) * sizeof(*rows));
	diags = malloc((tc_diag_room(&t) + (has_dest ? d.nrows + 2 : 0)) *
		       sizeof(*diags));
	drows = malloc((has_dest && d.nrows ? d.nrows : 1) * sizeof(*drows));
	if (!rows || !diags || !drows)
		tc_die(TC_EXIT_FAILURE, "out of memory");
	tc_port_range_get(o, &pr);
	/* Destinations judge port exhaustion better than ports (diagdest.c). */
	pr.superseded = has_dest;
	n = tc_select_rows(&t, &o->sel, NULL, rows);
	/* One-shot: the totals, over the time since counting started. */
	w.age = w.seconds = t.age_s;
	nd = ntd = tc_diagnose(&t, &o->sel, &o->th, &pr, &w, diags);
	for (i = 0; i < t.nrows; i++)
		checked += tc_select_match(&o->sel, &t.rows[i]);
	if (has_dest) {
		dv.d = dc.d = &d;
		dv.capacity = dc.capacity = tc_dest_capacity(&d, tc_capacity_fallback(o));
		dv.rows = drows;
		dv.n = tc_select_dests(&d, &o->sel, drows);
		dc.t = o->path ? &t : NULL;
		dc.window = t.age_s > 0 ? t.age_s : 0;
		nd += tc_diagnose_dest(&dc, &o->sel, &o->th, diags + nd);
	}
	if (o->mode == TC_MODE_DEST) {
		/* The view's findings (and --check's) are the destinations'. */
		memmove(diags, diags + ntd, (nd - ntd) * sizeof(*diags));
		nd -= ntd;
	} else {
		tc_diag_sort(diags, nd);
	}
	switch (o->mode) {
	case TC_MODE_TABLE:
		if (o->check) {	/* cron mails output: none when all is well */
			tc_print_check(stdout, diags, nd, o->sel.top);
			break;
		}
		tc_print_meta(stdout, &t);
		tc_print_table(stdout, &t, rows, n, NULL);
		fputc('\n', stdout);
		tc_print_summary(stdout, diags, nd, o->sel.top);
		break;
	case TC_MODE_DIAGNOSE:
		tc_print_diagnoses(stdout, diags, nd, o->sel.top, checked, &pr);
		if (has_dest && !dv.capacity)
			tc_print_dest_note(stdout);
		break;
	case TC_MODE_JSON:
		tc_print_json(stdout, &t, rows, n, diags, nd, &o->th, &pr,
			      has_hist ? &h : NULL, &o->sel,
			      has_dest ? &dv : NULL);
		break;
	case TC_MODE_PROM:
		tc_print_prom(stdout, &t, rows, n, has_hist ? &h : NULL,
			      &o->sel, has_dest ? &dv : NULL);
		break;
	case TC_MODE_DEST:
		i = tc_files_uptime(o, &now);
		tc_print_dest_meta(stdout, &d, dv.capacity, (int)i, now);
		tc_print_dest_table(stdout, &d, drows, dv.n, dv.capacity, NULL);
		fputc('\n', stdout);
		tc_print_summary(stdout, diags, nd, o->sel.top);
		if (!dv.capacity)
			tc_print_dest_note(stdout);
		break;
	}
	if (o->check)
		st = tc_check_exit(tc_diag_worst(diags, nd));
	if (has_hist)
		tc_hist_free(&h);
	if (has_dest)
		tc_dest_free(&d);
	free(rows);
	free(drows);
	free(diags);
	tc_table_free(&t);
	return st;
}

int main(int argc, char **argv)
{
	struct tc_opts o = {
		.path = TC_PROC_PATH,
		.sel = { .port = -1, .role = -1, .sort = TC_SORT_DEFAULT },
		.th = TC_THRESHOLDS_DEFAULT,
		.interval = 1,
		.procfs = "/proc",
	};
	enum tc_exit st;

	tc_parse_args(argc, argv, &o);
	st = o.watch ? tc_watch(&o) : o.all_netns ? tc_all_netns(&o) : tc_once(&o);
	/* A textfile collector must not pick up a half-written file. */
	if (fflush(stdout) || ferror(stdout))
		tc_die(TC_EXIT_FAILURE, "cannot write the output: %s",
		       strerror(errno));
	return st;
}
