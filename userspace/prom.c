// SPDX-License-Identifier: GPL-2.0
/*
 * --prometheus: the text exposition format, for node_exporter's textfile
 * collector. One family per column, labelled by port and role (never a
 * metric name per port), HELP and TYPE once per family, counters named
 * _total. No timestamps: the textfile collector refuses them.
 *
 * Every series of a namespace carries its netns label (and, with
 * --all-netns, container_id and pod_uid where known): textfiles of two
 * namespaces in one directory, or all of them in one file, never give
 * the same series twice. With several namespaces the samples of a family
 * stay together, as the format requires: family by family, then
 * namespace by namespace.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

void tc_prom_family(FILE *f, const char *name, const char *type,
		    const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void tc_prom_escape(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s && n + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			buf[n++] = '\\';
			buf[n++] = *s;
		} else if (*s == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
}

void tc_prom_label(FILE *f, const char *s)
{
	char buf[256];

	tc_prom_escape(buf, sizeof(buf), s);
	fputs(buf, f);
}

void tc_prom_name(FILE *f, const char *name, const char *a, const char *b)
{
	fputs(name, f);
	if (*a || *b)
		fprintf(f, "{%s%s%s}", a, *a && *b ? "," : "", b);
}

/* The namespace-wide keys of the "# tcpclose" line that are numbers. */
static const struct {
	const char *key, *metric, *type, *help;
} tc_prom_meta[] = {
	{ "ports", "tcpclose_ports", "gauge",
	  "Ports with a table entry in this network namespace." },
	{ "max_ports", "tcpclose_max_ports", "gauge",
	  "The max_ports module parameter." },
	{ "dropped", "tcpclose_dropped_total", "counter",
	  "Close events not counted: memory short, or the pool of new entries emptied by a burst (a full table counts on port 0)." },
	{ "untracked", "tcpclose_untracked_sockets", "gauge",
	  "Live sockets of the snapshot not shown for the same reason." },
	{ "sockstat_tw", "tcpclose_sockstat_tw_sockets", "gauge",
	  "The tw figure of /proc/net/sockstat (TIME_WAIT plus FIN_WAIT2 orphans)." },
	{ "tw_fin_wait2", "tcpclose_tw_fin_wait2_sockets", "gauge",
	  "Orphaned sockets in the FIN_WAIT2 substate, counted by sockstat as tw." },
	{ "netns_total", "tcpclose_netns_shared_entries", "gauge",
	  "Entries (and 256-port blocks) of all network namespaces but the initial one, machine-wide." },
	{ "max_ports_netns_total", "tcpclose_netns_shared_entries_max", "gauge",
	  "The max_ports_netns_total module parameter: at it, new ports of namespaces but the initial one count on port 0." },
};

#define TC_PROM_UP_HELP "1 if the tcpclose module is loaded and its tables were read, 0 if it is not loaded."

static void tc_prom_up(FILE *f, const char *labels, int up)
{
	tc_prom_family(f, "tcpclose_up", "gauge", TC_PROM_UP_HELP);
	tc_prom_name(f, "tcpclose_up", labels, "");
	fprintf(f, " %d\n", up);
}

void tc_print_prom_down(FILE *f, const char *labels, const char *why)
{
	fprintf(f, "# tcpclose: %s: no other tcpclose metric until it is loaded.\n",
		why);
	tc_prom_up(f, labels, 0);
}

void tc_print_prom_ns(FILE *f, const struct tc_prom_ns *ns, size_t nns,
		      const struct tc_select *sel, const char *up_labels)
{
	char ver[128];
	const char *v;
	size_t i, j, k;
	uint64_t x;
	int c, any;

	tc_prom_up(f, up_labels, 1);
	tc_prom_family(f, "tcpclose_info", "gauge",
		       "Version of the tcpclose module and the network namespace read.");
	for (j = 0; j < nns; j++) {
		char esc[96];

		v = tc_table_meta(ns[j].t, "version");
		tc_prom_escape(esc, sizeof(esc), v ? v : "");
		snprintf(ver, sizeof(ver), "version=\"%s\"", esc);
		tc_prom_name(f, "tcpclose_info", ns[j].labels, ver);
		fputs(" 1\n", f);
	}
	for (k = 0; k < sizeof(tc_prom_meta) / sizeof(tc_prom_meta[0]); k++) {
		for (j = 0, any = 0; j < nns; j++) {
			if (!tc_table_meta_u64(ns[j].t, tc_prom_meta[k].key, &x))
				continue;
			if (!any++)
				tc_prom_family(f, tc_prom_meta[k].metric,
					       tc_prom_meta[k].type,
					       tc_prom_meta[k].help);
			tc_prom_name(f, tc_prom_meta[k].metric, ns[j].labels, "");
			fprintf(f, " %" PRIu64 "\n", x);
		}
	}
	for (j = 0, any = 0; j < nns; j++) {
		if (ns[j].t->start_unix < 0)
			continue;
		if (!any++)
			tc_prom_family(f, "tcpclose_counting_since_timestamp_seconds", "gauge",
				       "Unix time, to the second, at which counting started in this network namespace: the module's load or its last reset.");
		tc_prom_name(f, "tcpclose_counting_since_timestamp_seconds",
			     ns[j].labels, "");
		fprintf(f, " %.0f\n", ns[j].t->start_unix);
	}
	for (c = 0; c < TC_NCOLS; c++) {
		for (j = 0, any = 0; j < nns; j++) {
			char key[64];

			if (!ns[j].t->have[c])
				continue;
			if (!any++)
				tc_prom_family(f, tc_cols[c].metric,
					       tc_cols[c].counter ? "counter" : "gauge",
					       tc_cols[c].help);
			for (i = 0; i < ns[j].n; i++) {
				const struct tc_row *r = ns[j].rows[i];

				snprintf(key, sizeof(key), "port=\"%u\",role=\"%s\"",
					 r->port, tc_role_names[r->role]);
				tc_prom_name(f, tc_cols[c].metric, ns[j].labels, key);
				fprintf(f, " %" PRIu64 "\n", r->v[c]);
			}
		}
	}
	tc_print_prom_hist_ns(f, ns, nns, sel);
}

void tc_print_prom(FILE *f, const struct tc_table *t,
		   const struct tc_row *const *rows, size_t n,
		   const struct tc_hist *h, const struct tc_select *sel,
		   const struct tc_dest_view *dv)
{
	struct tc_prom_ns ns = { .t = t, .rows = rows, .n = n, .h = h };
	char labels[128] = "", esc[64];
	const char *netns = tc_table_meta(t, "netns");

	if (netns) {
		tc_prom_escape(esc, sizeof(esc), netns);
		snprintf(labels, sizeof(labels), "netns=\"%s\"", esc);
	}
	ns.labels = labels;
	tc_print_prom_ns(f, &ns, 1, sel, labels);
	if (dv)
		tc_print_prom_dest(f, dv, labels);
}
