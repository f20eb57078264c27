// SPDX-License-Identifier: GPL-2.0
/*
 * The destinations of /proc/tcpclose_dest as Prometheus families. Labels
 * local, remote and port: at most max_dests destinations (the module's
 * top K) plus other (local="*", remote="*", port="0"), always present so
 * that every family sums to the namespace's total; the namespace's labels
 * (netns) first, as on every series.
 */
#include <inttypes.h>
#include <stdio.h>
#include "output.h"

static const struct {
	int col;
	const char *metric, *type, *help;
} tc_prom_dest_cols[] = {
	{ TC_DC_IN_USE, "tcpclose_dest_ports_in_use", "gauge",
	  "Local ports held by client sockets towards this destination (local address, remote address, remote port), in any state." },
	{ TC_DC_TIME_WAIT, "tcpclose_dest_time_wait_sockets", "gauge",
	  "Of those, sockets in TIME_WAIT." },
	{ TC_DC_ESTABLISHED, "tcpclose_dest_established_sockets", "gauge",
	  "Of those, sockets in ESTABLISHED." },
	{ TC_DC_CONNECT_FAILURES, "tcpclose_dest_connect_failures_total", "counter",
	  "connect() calls towards this destination that failed for lack of a local port (EADDRNOTAVAIL)." },
};

static const struct {
	enum tc_dest_key key;
	const char *metric, *type, *help;
} tc_prom_dest_keys[] = {
	{ TC_DK_CONNECT_FAILURES, "tcpclose_connect_failures_total", "counter",
	  "connect() calls in this network namespace that failed for lack of a local port (EADDRNOTAVAIL)." },
	{ TC_DK_BIND_FAILURES, "tcpclose_bind_failures_total", "counter",
	  "bind() to port 0 and autobinds that failed for lack of a local port (EADDRINUSE)." },
	{ TC_DK_LOCAL_PORTS_IN_USE, "tcpclose_local_ports_in_use", "gauge",
	  "Distinct local ports of the ip_local_port_range held by client sockets, any destination." },
	{ TC_DK_DESTS, "tcpclose_destinations", "gauge",
	  "Destinations of client sockets (before the top max_dests cut)." },
	{ TC_DK_UNGROUPED, "tcpclose_dest_ungrouped_sockets", "gauge",
	  "Client sockets not grouped by destination (memory bound reached), counted in other." },
};

static void tc_prom_dest_sample(FILE *f, const char *metric, const char *labels,
				const struct tc_dest_row *r, uint64_t v)
{
	fprintf(f, "%s{%s%slocal=\"", metric, labels, *labels ? "," : "");
	tc_prom_label(f, r->local);
	fputs("\",remote=\"", f);
	tc_prom_label(f, r->remote);
	fprintf(f, "\",port=\"%u\"} %" PRIu64 "\n", r->port, v);
}

/*
 * Family by family, then namespace by namespace, as prom.c does: with
 * --all-netns the samples of a family must stay together, under one HELP
 * and TYPE.
 */
void tc_print_prom_dest_ns(FILE *f, const struct tc_prom_ns *ns, size_t nns)
{
	size_t i, j, k;
	int any;

	for (k = 0; k < sizeof(tc_prom_dest_cols) / sizeof(tc_prom_dest_cols[0]); k++) {
		int c = tc_prom_dest_cols[k].col;
		const char *m = tc_prom_dest_cols[k].metric;

		for (j = 0, any = 0; j < nns; j++) {
			const struct tc_dest_view *dv = ns[j].dv;

			if (!dv)
				continue;
			if (!any++)
				tc_prom_family(f, m, tc_prom_dest_cols[k].type,
					       tc_prom_dest_cols[k].help);
			for (i = 0; i < dv->n; i++)
				tc_prom_dest_sample(f, m, ns[j].labels, dv->rows[i],
						    dv->rows[i]->v[c]);
			tc_prom_dest_sample(f, m, ns[j].labels, &dv->d->other,
					    dv->d->other.v[c]);
		}
	}
	for (k = 0; k < sizeof(tc_prom_dest_keys) / sizeof(tc_prom_dest_keys[0]); k++) {
		enum tc_dest_key key = tc_prom_dest_keys[k].key;
		const char *m = tc_prom_dest_keys[k].metric;

		for (j = 0, any = 0; j < nns; j++) {
			if (!ns[j].dv || !ns[j].dv->d->have[key])
				continue;
			if (!any++)
				tc_prom_family(f, m, tc_prom_dest_keys[k].type,
					       tc_prom_dest_keys[k].help);
			tc_prom_name(f, m, ns[j].labels, "");
			fprintf(f, " %" PRIu64 "\n", ns[j].dv->d->k[key]);
		}
	}
	/* The capacity the diagnosis used: the header's, else --port-range. */
	for (j = 0, any = 0; j < nns; j++) {
		if (!ns[j].dv || !ns[j].dv->capacity)
			continue;
		if (!any++)
			tc_prom_family(f, "tcpclose_local_port_capacity", "gauge",
				       "Local ports a connect() may choose per destination: ip_local_port_range less ip_local_reserved_ports.");
		tc_prom_name(f, "tcpclose_local_port_capacity", ns[j].labels, "");
		fprintf(f, " %" PRIu64 "\n", ns[j].dv->capacity);
	}
}

void tc_print_prom_dest(FILE *f, const struct tc_dest_view *dv,
			const char *labels)
{
	struct tc_prom_ns ns = { .labels = labels, .dv = dv };

	tc_print_prom_dest_ns(f, &ns, 1);
}
