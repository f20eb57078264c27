// SPDX-License-Identifier: GPL-2.0
/*
 * --prometheus: the text exposition format, for node_exporter's textfile
 * collector. One family per column, labelled by port and role (never a
 * metric name per port), HELP and TYPE once per family, counters named
 * _total. No timestamps: the textfile collector refuses them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "output.h"

void tc_prom_family(FILE *f, const char *name, const char *type,
		    const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values: backslash, double quote and newline are escaped. */
static void tc_prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
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
	  "Close events not counted because max_ports ports had entries." },
	{ "untracked", "tcpclose_untracked_sockets", "gauge",
	  "Live sockets not shown for the same reason." },
	{ "sockstat_tw", "tcpclose_sockstat_tw_sockets", "gauge",
	  "The tw figure of /proc/net/sockstat (TIME_WAIT plus FIN_WAIT2 orphans)." },
	{ "tw_fin_wait2", "tcpclose_tw_fin_wait2_sockets", "gauge",
	  "Orphaned sockets in the FIN_WAIT2 substate, counted by sockstat as tw." },
};

void tc_print_prom(FILE *f, const struct tc_table *t,
		   const struct tc_row *const *rows, size_t n,
		   const struct tc_hist *h, const struct tc_select *sel)
{
	const char *version = tc_table_meta(t, "version");
	const char *netns = tc_table_meta(t, "netns");
	size_t i, k;
	uint64_t v;
	int c;

	tc_prom_family(f, "tcpclose_info", "gauge",
		       "Version of the tcpclose module and the network namespace read.");
	fputs("tcpclose_info{version=\"", f);
	tc_prom_label(f, version ? version : "");
	fputs("\",netns=\"", f);
	tc_prom_label(f, netns ? netns : "");
	fputs("\"} 1\n", f);
	for (k = 0; k < sizeof(tc_prom_meta) / sizeof(tc_prom_meta[0]); k++) {
		if (!tc_table_meta_u64(t, tc_prom_meta[k].key, &v))
			continue;
		tc_prom_family(f, tc_prom_meta[k].metric, tc_prom_meta[k].type,
			       tc_prom_meta[k].help);
		fprintf(f, "%s %" PRIu64 "\n", tc_prom_meta[k].metric, v);
	}
	for (c = 0; c < TC_NCOLS; c++) {
		if (!t->have[c])
			continue;
		tc_prom_family(f, tc_cols[c].metric,
			       tc_cols[c].counter ? "counter" : "gauge",
			       tc_cols[c].help);
		for (i = 0; i < n; i++)
			fprintf(f, "%s{port=\"%u\",role=\"%s\"} %" PRIu64 "\n",
				tc_cols[c].metric, rows[i]->port,
				tc_role_names[rows[i]->role], rows[i]->v[c]);
	}
	if (h)
		tc_print_prom_hist(f, h, sel);
}
