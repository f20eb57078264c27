// SPDX-License-Identifier: GPL-2.0
/*
 * --all-netns: the outputs over every network namespace (netns.c finds
 * and reads them). The rows of all namespaces are sorted and cut by --top
 * together, as one table whose rows know their namespace, so that "the
 * ten rows with the most TIME_WAIT" means on the whole host; each
 * namespace is then diagnosed, and printed in JSON and Prometheus, with
 * its own rows among those. Findings too are ranked over the host: worst
 * first over every namespace, --top keeping the N worst of them all, and
 * --check's status from the worst finding of any namespace.
 *
 * Each namespace's destinations (tcpclose_dest) are judged as --file with
 * --dest-file judges them: their findings join the namespace's, and
 * replace its port range rule.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netns.h"
#include "output.h"
#include "since.h"
#include "tcpclose.h"

/* The namespace this reader runs in: its port range is /proc/sys's. */
static unsigned long long tc_own_netns(void)
{
	char link[64];
	unsigned long long ino = 0;
	ssize_t n = readlink("/proc/self/ns/net", link, sizeof(link) - 1);

	if (n > 0) {
		link[n] = '\0';
		if (sscanf(link, "net:[%llu]", &ino) != 1)
			ino = 0;
	}
	return ino;
}

/* "pid P, container C (12 digits), pod U": who a namespace is. */
static void tc_who(char *buf, size_t len, const struct tc_netns *ns)
{
	int n = snprintf(buf, len, "pid %d", (int)ns->pid);

	if (ns->container_id[0] && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", container %.12s", ns->container_id);
	if (ns->pod_uid[0] && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", pod %s", ns->pod_uid);
}

/* netns="I",container_id="C",pod_uid="U": every series of the namespace. */
static void tc_labels(char *buf, size_t len, const struct tc_netns *ns)
{
	int n = snprintf(buf, len, "netns=\"%llu\"", ns->ino);

	/* Hex digits and dashes only (netns.c checked): nothing to escape. */
	if (ns->container_id[0] && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ",container_id=\"%s\"", ns->container_id);
	if (ns->pod_uid[0] && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ",pod_uid=\"%s\"", ns->pod_uid);
}

static void tc_json_or_null(FILE *f, const char *s)
{
	if (s && *s)
		tc_json_str(f, s);
	else
		fputs("null", f);
}

struct tc_allns {
	struct tc_netns *ns;
	size_t n, skipped;
	struct tc_table all;		/* every namespace's rows; parts: theirs */
	const struct tc_table **parts;
	const struct tc_row **rows;	/* all's rows shown, in order */
	size_t nrows;
	const struct tc_row ***nsrows;	/* per namespace, its rows of those */
	size_t *nnsrows;
	struct tc_port_range *pr;	/* per namespace */
	struct tc_dest_view *dv;	/* per namespace; d NULL: none */
	const struct tc_dest_row ***drows;	/* per namespace, dv's rows */
	struct tc_diag **d;		/* per namespace, its findings */
	size_t *nd;			/* how many */
	size_t *shown;			/* of those, how many --top keeps */
	size_t ndiags;			/* all namespaces' findings */
	enum tc_severity worst;		/* of them all */
};

static void tc_allns_free(struct tc_allns *a)
{
	size_t j;

	for (j = 0; a->nsrows && j < a->n; j++)
		free(a->nsrows[j]);
	for (j = 0; a->d && j < a->n; j++)
		free(a->d[j]);
	for (j = 0; a->drows && j < a->n; j++)
		free(a->drows[j]);
	free(a->drows);
	free(a->dv);
	free(a->d);
	free(a->nd);
	free(a->shown);
	free(a->nsrows);
	free(a->nnsrows);
	free(a->rows);
	free(a->parts);
	free(a->pr);
	free(a->all.rows);
	tc_netns_free(a->ns, a->n);
	free(a->ns);
}

/* One table of every row, sorted and cut by SEL as one. */
static int tc_allns_select(struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, i, total = 0;
	unsigned long long own = tc_own_netns();

	for (j = 0; j < a->n; j++)
		total += a->ns[j].t.nrows;
	a->all.rows = malloc((total ? total : 1) * sizeof(*a->all.rows));
	a->rows = malloc((total ? total : 1) * sizeof(*a->rows));
	a->parts = malloc((a->n ? a->n : 1) * sizeof(*a->parts));
	a->nsrows = calloc(a->n ? a->n : 1, sizeof(*a->nsrows));
	a->nnsrows = calloc(a->n ? a->n : 1, sizeof(*a->nnsrows));
	a->pr = calloc(a->n ? a->n : 1, sizeof(*a->pr));
	if (!a->all.rows || !a->rows || !a->parts || !a->nsrows || !a->nnsrows || !a->pr)
		return 0;
	a->all.age_s = a->all.start_unix = -1;
	for (j = 0; j < a->n; j++) {
		const struct tc_table *t = &a->ns[j].t;

		a->parts[j] = t;
		for (i = 0; i < TC_NCOLS; i++)
			a->all.have[i] |= t->have[i];
		for (i = 0; i < t->nrows; i++) {
			a->all.rows[a->all.nrows] = t->rows[i];
			a->all.rows[a->all.nrows++].ns = j;
		}
		a->nsrows[j] = malloc((t->nrows ? t->nrows : 1) * sizeof(**a->nsrows));
		if (!a->nsrows[j])
			return 0;
		/* Another namespace's sysctls cannot be read from here. */
		a->pr[j] = o->pr;
		if (!o->pr.known && a->ns[j].ino == own)
			tc_port_range_get(o, &a->pr[j]);
		/* Destinations judge port exhaustion better (diagdest.c). */
		a->pr[j].superseded = a->ns[j].has_dest;
	}
	a->all.parts = a->parts;
	a->all.nparts = a->n;
	a->nrows = tc_select_rows(&a->all, &o->sel, NULL, a->rows);
	for (i = 0; i < a->nrows; i++) {
		j = a->rows[i]->ns;
		a->nsrows[j][a->nnsrows[j]++] = a->rows[i];
	}
	return 1;
}

/*
 * Every namespace's findings (each worst first), and which of them --top
 * keeps: the N worst over all namespaces, ties to the earlier namespace.
 * Each namespace's kept ones are then the first of its own list.
 */
static int tc_allns_diagnose_all(struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, left;
	int sev;

	a->d = calloc(a->n ? a->n : 1, sizeof(*a->d));
	a->nd = calloc(a->n ? a->n : 1, sizeof(*a->nd));
	a->shown = calloc(a->n ? a->n : 1, sizeof(*a->shown));
	a->dv = calloc(a->n ? a->n : 1, sizeof(*a->dv));
	a->drows = calloc(a->n ? a->n : 1, sizeof(*a->drows));
	if (!a->d || !a->nd || !a->shown || !a->dv || !a->drows)
		return 0;
	a->worst = TC_SEV_NONE;
	for (j = 0; j < a->n; j++) {
		const struct tc_netns *ns = &a->ns[j];
		const struct tc_table *t = &ns->t;
		/* One-shot: the totals over the time since counting started. */
		struct tc_window w = TC_WINDOW_NONE;
		struct tc_dest_ctx dc = { 0 };
		enum tc_severity s;

		w.age = w.seconds = t->age_s;
		a->d[j] = malloc((tc_diag_room(t) + (ns->has_dest ? ns->d.nrows + 2 : 0)) *
				 sizeof(**a->d));
		if (!a->d[j])
			return 0;
		a->nd[j] = tc_diagnose(t, &o->sel, &o->th, &a->pr[j], &w, a->d[j]);
		if (ns->has_dest) {
			const struct tc_dest_row **drows =
				malloc((ns->d.nrows ? ns->d.nrows : 1) * sizeof(*drows));

			if (!drows)
				return 0;
			a->drows[j] = drows;
			/* The capacity as tc_once finds it: the file's, else --port-range. */
			a->dv[j].d = dc.d = &ns->d;
			a->dv[j].capacity = dc.capacity =
				tc_dest_capacity(&ns->d, tc_capacity_fallback(o));
			a->dv[j].rows = drows;
			a->dv[j].n = tc_select_dests(&ns->d, &o->sel, drows);
			dc.t = t;
			dc.window = t->age_s > 0 ? t->age_s : 0;
			a->nd[j] += tc_diagnose_dest(&dc, &o->sel, &o->th, a->d[j] + a->nd[j]);
			tc_diag_sort(a->d[j], a->nd[j]);
		}
		a->ndiags += a->nd[j];
		s = tc_diag_worst(a->d[j], a->nd[j]);
		if (s > a->worst)
			a->worst = s;
	}
	left = o->sel.top && a->ndiags > o->sel.top ? (size_t)o->sel.top : a->ndiags;
	for (sev = TC_SEV_CRITICAL; sev > TC_SEV_NONE && left; sev--)
		for (j = 0; j < a->n && left; j++)
			while (left && a->shown[j] < a->nd[j] &&
			       (int)a->d[j][a->shown[j]].severity == sev) {
				a->shown[j]++;
				left--;
			}
	return 1;
}

/* The findings kept, worst first over all namespaces, one line each. */
static void tc_allns_lines(const struct tc_allns *a, int check)
{
	size_t j, i, *done = calloc(a->n ? a->n : 1, sizeof(*done));
	char buf[512];
	int sev;

	if (!done)
		return;
	for (sev = TC_SEV_CRITICAL; sev > TC_SEV_NONE; sev--)
		for (j = 0; j < a->n; j++)
			for (i = done[j]; i < a->shown[j] &&
			     (int)a->d[j][i].severity == sev; i++, done[j]++) {
				tc_diag_short(buf, sizeof(buf), &a->d[j][i]);
				if (check)
					printf("%s: netns %llu: %s\n", tc_severity_names[sev],
					       a->ns[j].ino, buf);
				else
					printf("  netns %llu: %s\n", a->ns[j].ino, buf);
			}
	free(done);
}

static size_t tc_allns_nshown(const struct tc_allns *a)
{
	size_t j, n = 0;

	for (j = 0; j < a->n; j++)
		n += a->shown[j];
	return n;
}

static void tc_allns_table(const struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, shown = tc_allns_nshown(a);
	char who[256];

	if (o->check) {	/* cron mails output: none when all is well */
		tc_allns_lines(a, 1);
		if (shown < a->ndiags)
			printf("and %zu more finding%s (--top %zu)\n", a->ndiags - shown,
			       a->ndiags - shown == 1 ? "" : "s", shown);
		return;
	}
	printf("%zu network namespace%s", a->n, a->n == 1 ? "" : "s");
	if (a->skipped)
		printf(" (%zu more ended while being read: skipped)", a->skipped);
	fputc('\n', stdout);
	for (j = 0; j < a->n; j++) {
		tc_who(who, sizeof(who), &a->ns[j]);
		tc_print_meta_of(stdout, &a->ns[j].t, who);
	}
	tc_print_table(stdout, &a->all, a->rows, a->nrows, NULL);
	fputc('\n', stdout);
	/* Every finding, each named by its namespace, counted first. */
	if (!a->ndiags) {
		puts("No problems found.");
		return;
	}
	if (shown < a->ndiags)
		printf("%zu findings, the %zu worst shown (--top; tcpclose --all-netns --diagnose explains):\n",
		       a->ndiags, shown);
	else
		printf("%zu finding%s (tcpclose --all-netns --diagnose explains):\n",
		       a->ndiags, a->ndiags == 1 ? "" : "s");
	tc_allns_lines(a, 0);
}

static void tc_allns_diagnose(const struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, i, checked;
	char who[256], buf[512];

	for (j = 0; j < a->n; j++) {
		const struct tc_table *t = &a->ns[j].t;
		size_t more = a->nd[j] - a->shown[j];

		for (i = 0, checked = 0; i < t->nrows; i++)
			checked += tc_select_match(&o->sel, &t->rows[i]);
		tc_who(who, sizeof(who), &a->ns[j]);
		printf("%s== netns %llu (%s)\n", j ? "\n" : "", a->ns[j].ino, who);
		if (!more) {
			tc_print_diagnoses(stdout, a->d[j], a->nd[j], 0, checked, &a->pr[j]);
			if (a->dv[j].d && !a->dv[j].capacity)
				tc_print_dest_note(stdout);
			continue;
		}
		/* --top over all namespaces left some of these out. */
		for (i = 0; i < a->shown[j]; i++) {
			tc_diag_finding(buf, sizeof(buf), &a->d[j][i]);
			printf("%s.\n    %s\n", buf, tc_diag_advice(&a->d[j][i]));
		}
		printf("%zu more finding%s, less severe or of later ports or namespaces (--top %zu).\n",
		       more, more == 1 ? "" : "s", tc_allns_nshown(a));
		if (!a->pr[j].known && !a->pr[j].superseded)
			fputs("Note: net.ipv4.ip_local_port_range is unknown, so port "
			      "exhaustion was not checked (see --port-range).\n", stdout);
		if (a->dv[j].d && !a->dv[j].capacity)
			tc_print_dest_note(stdout);
	}
}

static void tc_allns_json(const struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, elen;
	char *extra;
	FILE *m;

	fputs("{\"namespaces\":[", stdout);
	for (j = 0; j < a->n; j++) {
		const struct tc_netns *ns = &a->ns[j];

		extra = NULL;
		m = open_memstream(&extra, &elen);
		if (!m)
			continue;
		fprintf(m, "\"pid\":%d,\n\"container_id\":", (int)ns->pid);
		tc_json_or_null(m, ns->container_id);
		fputs(",\n\"pod_uid\":", m);
		tc_json_or_null(m, ns->pod_uid);
		fputs(",\n\"cgroup\":", m);
		tc_json_or_null(m, ns->cgroup);
		fputs(",\n", m);
		fclose(m);
		fputs(j ? ",\n" : "\n", stdout);
		tc_print_json_doc(stdout, extra, &ns->t, a->nsrows[j], a->nnsrows[j],
				  a->d[j], a->nd[j], a->shown[j], &o->th, &a->pr[j],
				  ns->has_hist ? &ns->h : NULL, &o->sel,
				  a->dv[j].d ? &a->dv[j] : NULL);
		free(extra);
	}
	printf("%s],\n\"skipped\":%zu}\n", a->n ? "\n" : "", a->skipped);
}

static void tc_allns_prom(const struct tc_allns *a, const struct tc_opts *o)
{
	struct tc_prom_ns *p = calloc(a->n ? a->n : 1, sizeof(*p));
	char (*labels)[256] = calloc(a->n ? a->n : 1, sizeof(*labels));
	size_t j;

	if (!p || !labels) {
		free(p);
		free(labels);
		return;
	}
	for (j = 0; j < a->n; j++) {
		tc_labels(labels[j], sizeof(labels[j]), &a->ns[j]);
		p[j].t = &a->ns[j].t;
		p[j].rows = a->nsrows[j];
		p[j].n = a->nnsrows[j];
		p[j].h = a->ns[j].has_hist ? &a->ns[j].h : NULL;
		p[j].labels = labels[j];
		p[j].dv = a->dv[j].d ? &a->dv[j] : NULL;
	}
	if (a->skipped)
		printf("# tcpclose: %zu network namespace%s ended while being read (skipped).\n",
		       a->skipped, a->skipped == 1 ? "" : "s");
	/* The reason is on stderr: the file's text has no place here. */
	for (j = 0; j < a->n; j++)
		if (a->ns[j].dest_err)
			printf("# tcpclose: netns %llu: its tcpclose_dest file is unusable: no destination metrics for it.\n",
			       a->ns[j].ino);
	tc_print_prom_ns(stdout, p, a->n, &o->sel, "");
	tc_print_prom_dest_ns(stdout, p, a->n);
	free(p);
	free(labels);
}

/* Is the module loaded? Its /proc/tcpclose is in every procfs. */
static int tc_loaded(const char *procfs)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/tcpclose", procfs);
	return access(path, F_OK) == 0;
}

enum tc_exit tc_all_netns(const struct tc_opts *o)
{
	struct tc_allns a = { 0 };
	const char *procfs = o->procfs;
	enum tc_exit st;
	double up, now;
	char msg[512];
	size_t j;

	st = tc_loaded(procfs) ? TC_EXIT_OK : TC_EXIT_NOT_LOADED;
	if (!st)
		st = tc_netns_scan(procfs, &a.ns, &a.n, msg, sizeof(msg));
	if (!st)
		st = tc_netns_read(procfs, a.ns, &a.n, &a.skipped,
				   o->mode == TC_MODE_JSON || o->mode == TC_MODE_PROM,
				   msg, sizeof(msg));
	/* Unloaded meanwhile: every namespace "ended". */
	if (!st && !a.n && !tc_loaded(procfs))
		st = TC_EXIT_NOT_LOADED;
	if (st == TC_EXIT_NOT_LOADED) {
		tc_allns_free(&a);
		if (o->mode == TC_MODE_PROM) {
			tc_print_prom_down(stdout, "",
					   "the tcpclose module is not loaded (/proc/tcpclose missing)");
			return TC_EXIT_OK;
		}
		fprintf(stderr, "tcpclose: %s/tcpclose not found: the tcpclose module is not loaded "
			"(sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)\n", procfs);
		return st;
	}
	if (st) {
		tc_allns_free(&a);
		fprintf(stderr, "tcpclose: %s\n", msg);
		return st;
	}
	/* A namespace's unusable destinations file costs only them. */
	for (j = 0; j < a.n; j++)
		if (a.ns[j].dest_err)
			fprintf(stderr, "tcpclose: warning: netns %llu: %s: destinations left out\n",
				a.ns[j].ino, a.ns[j].dest_err);
	up = tc_uptime(procfs);
	now = tc_unix_now();
	for (j = 0; j < a.n; j++)
		tc_since_apply(&a.ns[j].t, up, now);
	if (!tc_allns_select(&a, o) || !tc_allns_diagnose_all(&a, o)) {
		tc_allns_free(&a);
		fputs("tcpclose: out of memory\n", stderr);
		return TC_EXIT_FAILURE;
	}
	switch (o->mode) {
	case TC_MODE_TABLE:
		tc_allns_table(&a, o);
		break;
	case TC_MODE_DIAGNOSE:
		tc_allns_diagnose(&a, o);
		break;
	case TC_MODE_DEST:	/* refused by the options */
	case TC_MODE_JSON:
		tc_allns_json(&a, o);
		break;
	case TC_MODE_PROM:
		tc_allns_prom(&a, o);
		break;
	}
	/* --check: the worst finding of any namespace. */
	st = o->check ? tc_check_exit(a.worst) : TC_EXIT_OK;
	tc_allns_free(&a);
	return st;
}
