// SPDX-License-Identifier: GPL-2.0
/*
 * --all-netns: the outputs over every network namespace (netns.c finds
 * and reads them). The rows of all namespaces are sorted and cut by --top
 * together, as one table whose rows know their namespace, so that "the
 * ten rows with the most TIME_WAIT" means on the whole host; each
 * namespace is then diagnosed, and printed in JSON and Prometheus, with
 * its own rows among those.
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
};

static void tc_allns_free(struct tc_allns *a)
{
	size_t j;

	for (j = 0; a->nsrows && j < a->n; j++)
		free(a->nsrows[j]);
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

static void tc_allns_table(const struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, i, nd, total = 0;
	char who[256], buf[512];
	struct tc_diag *d;

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
	for (j = 0; j < a->n; j++) {
		d = malloc((a->ns[j].t.nrows ? a->ns[j].t.nrows : 1) *
			   TC_NDIAG_KINDS * sizeof(*d));
		if (!d)
			continue;
		total += tc_diagnose(&a->ns[j].t, &o->sel, &o->th, &a->pr[j], d);
		free(d);
	}
	if (!total) {
		puts("No problems found.");
		return;
	}
	printf("%zu finding%s (tcpclose --all-netns --diagnose explains):\n",
	       total, total == 1 ? "" : "s");
	for (j = 0; j < a->n; j++) {
		d = malloc((a->ns[j].t.nrows ? a->ns[j].t.nrows : 1) *
			   TC_NDIAG_KINDS * sizeof(*d));
		if (!d)
			continue;
		nd = tc_diagnose(&a->ns[j].t, &o->sel, &o->th, &a->pr[j], d);
		for (i = 0; i < nd; i++) {
			tc_diag_short(buf, sizeof(buf), &d[i]);
			printf("  netns %llu: %s\n", a->ns[j].ino, buf);
		}
		free(d);
	}
}

static void tc_allns_diagnose(const struct tc_allns *a, const struct tc_opts *o)
{
	size_t j, i, nd, checked;
	struct tc_diag *d;
	char who[256];

	for (j = 0; j < a->n; j++) {
		const struct tc_table *t = &a->ns[j].t;

		d = malloc((t->nrows ? t->nrows : 1) * TC_NDIAG_KINDS * sizeof(*d));
		if (!d)
			continue;
		nd = tc_diagnose(t, &o->sel, &o->th, &a->pr[j], d);
		for (i = 0, checked = 0; i < t->nrows; i++)
			checked += tc_select_match(&o->sel, &t->rows[i]);
		tc_who(who, sizeof(who), &a->ns[j]);
		printf("%s== netns %llu (%s)\n", j ? "\n" : "", a->ns[j].ino, who);
		tc_print_diagnoses(stdout, d, nd, checked, &a->pr[j]);
		free(d);
	}
}

static void tc_allns_json(const struct tc_allns *a, const struct tc_opts *o)
{
	struct tc_diag *d;
	size_t j, nd, elen;
	char *extra;
	FILE *m;

	fputs("{\"namespaces\":[", stdout);
	for (j = 0; j < a->n; j++) {
		const struct tc_netns *ns = &a->ns[j];

		extra = NULL;
		m = open_memstream(&extra, &elen);
		d = malloc((ns->t.nrows ? ns->t.nrows : 1) * TC_NDIAG_KINDS * sizeof(*d));
		if (!m || !d) {
			if (m)
				fclose(m);
			free(extra);
			free(d);
			continue;
		}
		fprintf(m, "\"pid\":%d,\n\"container_id\":", (int)ns->pid);
		tc_json_or_null(m, ns->container_id);
		fputs(",\n\"pod_uid\":", m);
		tc_json_or_null(m, ns->pod_uid);
		fputs(",\n\"cgroup\":", m);
		tc_json_or_null(m, ns->cgroup);
		fputs(",\n", m);
		fclose(m);
		nd = tc_diagnose(&ns->t, &o->sel, &o->th, &a->pr[j], d);
		fputs(j ? ",\n" : "\n", stdout);
		tc_print_json_doc(stdout, extra, &ns->t, a->nsrows[j], a->nnsrows[j],
				  d, nd, &o->th, &a->pr[j],
				  ns->has_hist ? &ns->h : NULL, &o->sel, NULL);
		free(extra);
		free(d);
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
	}
	if (a->skipped)
		printf("# tcpclose: %zu network namespace%s ended while being read (skipped).\n",
		       a->skipped, a->skipped == 1 ? "" : "s");
	tc_print_prom_ns(stdout, p, a->n, &o->sel, "");
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
	up = tc_uptime(procfs);
	now = tc_unix_now();
	for (j = 0; j < a.n; j++)
		tc_since_apply(&a.ns[j].t, up, now);
	if (!tc_allns_select(&a, o)) {
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
	tc_allns_free(&a);
	return TC_EXIT_OK;
}
