// SPDX-License-Identifier: GPL-2.0
/*
 * --dest: the destinations of /proc/tcpclose_dest for people. Each row's
 * local ports in use are shown against the capacity, since that share, not
 * the count, says how close connect() is to failing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "output.h"

#define TC_CELL 64

/* Whole percent, rounded down: 199 of 200 is 99%, not 100%. */
static unsigned int tc_dest_pct(uint64_t n, uint64_t of)
{
	return (unsigned int)((double)n / (double)of * 100.0);
}

void tc_print_dest_meta(FILE *f, const struct tc_dest *d, uint64_t capacity,
			int has_uptime, double uptime)
{
	const char *v;
	uint64_t u;

	if ((v = tc_dest_meta(d, "version")))
		fprintf(f, "module %s, ", v);
	if ((v = tc_dest_meta(d, "netns")))
		fprintf(f, "netns %s, ", v);
	if (d->has_range)
		fprintf(f, "port range %u-%u", d->lo, d->hi);
	else
		fputs("port range unknown", f);
	if (d->have[TC_DK_RESERVED_PORTS])
		fprintf(f, " (%" PRIu64 " reserved)", d->k[TC_DK_RESERVED_PORTS]);
	if (capacity)
		fprintf(f, ": %" PRIu64 " local ports per destination%s", capacity,
			d->have[TC_DK_CAPACITY] || d->has_range ? "" :
			" (--port-range)");
	else
		fputs(": capacity unknown (see --port-range)", f);
	if (d->have[TC_DK_LOCAL_PORTS_IN_USE]) {
		u = d->k[TC_DK_LOCAL_PORTS_IN_USE];
		fprintf(f, ", %" PRIu64 " in use", u);
		if (capacity)
			fprintf(f, " (%u%%)", tc_dest_pct(u, capacity));
	}
	fputc('\n', f);
	if (d->have[TC_DK_DESTS]) {
		fprintf(f, "%" PRIu64 " destinations", d->k[TC_DK_DESTS]);
		if (d->have[TC_DK_MAX_DESTS])
			fprintf(f, " (at most %" PRIu64 " listed)", d->k[TC_DK_MAX_DESTS]);
		if (d->have[TC_DK_UNGROUPED] && d->k[TC_DK_UNGROUPED])
			fprintf(f, ", %" PRIu64 " sockets ungrouped (in other)",
				d->k[TC_DK_UNGROUPED]);
		fputs("; ", f);
	}
	fputs("connect() failures ", f);
	if (d->have[TC_DK_CONNECT_FAILURES])
		fprintf(f, "%" PRIu64, d->k[TC_DK_CONNECT_FAILURES]);
	else
		fputc('-', f);
	fputs(", bind() failures ", f);
	if (d->have[TC_DK_BIND_FAILURES])
		fprintf(f, "%" PRIu64, d->k[TC_DK_BIND_FAILURES]);
	else
		fputc('-', f);
	if (d->have[TC_DK_SINCE_BOOT_S]) {
		u = d->k[TC_DK_SINCE_BOOT_S];
		if (has_uptime && uptime >= (double)u)
			fprintf(f, " in the last %.0f s", uptime - (double)u);
		else
			fprintf(f, " since %" PRIu64 " s after boot", u);
	}
	if ((v = tc_dest_meta(d, "failure_probes")))
		fprintf(f, " (probes: %s)", v);
	fputc('\n', f);
}

static void tc_dest_cells(char cells[][TC_CELL], const struct tc_dest_row *r,
			  uint64_t capacity, const struct tc_dest_rate *rt,
			  int rates)
{
	if (!r->family) {
		snprintf(cells[0], TC_CELL, "other");
		snprintf(cells[1], TC_CELL, "*");
	} else {
		snprintf(cells[0], TC_CELL, "%s", r->local);
		tc_dest_remote_str(cells[1], TC_CELL, r);
	}
	snprintf(cells[2], TC_CELL, "%" PRIu64, r->v[TC_DC_IN_USE]);
	/* other sums many destinations, each with its own capacity. */
	if (capacity && r->family)
		snprintf(cells[3], TC_CELL, "%u%%",
			 tc_dest_pct(r->v[TC_DC_IN_USE], capacity));
	else
		snprintf(cells[3], TC_CELL, "-");
	snprintf(cells[4], TC_CELL, "%" PRIu64, r->v[TC_DC_TIME_WAIT]);
	snprintf(cells[5], TC_CELL, "%" PRIu64, r->v[TC_DC_ESTABLISHED]);
	if (!rates)
		snprintf(cells[6], TC_CELL, "%" PRIu64,
			 r->v[TC_DC_CONNECT_FAILURES]);
	else if (rt && rt->known)
		snprintf(cells[6], TC_CELL, "%.1f", rt->connect_failures);
	else
		snprintf(cells[6], TC_CELL, "-");
}

#define TC_DEST_NCOLS 7

void tc_print_dest_table(FILE *f, const struct tc_dest *d,
			 const struct tc_dest_row *const *rows, size_t n,
			 uint64_t capacity, const struct tc_dest_rate *rates)
{
	static const char *const heads[TC_DEST_NCOLS] = {
		"LOCAL", "REMOTE", "IN_USE", "USE", "TIME_WAIT", "ESTAB",
		"CONNECT_FAIL",
	};
	char cells[TC_DEST_NCOLS][TC_CELL];
	size_t w[TC_DEST_NCOLS], i, k, nr;
	const struct tc_dest_row *r;
	int other;

	/* other: only when it holds anything, as the table's port 0. */
	other = d->other.v[TC_DC_IN_USE] || d->other.v[TC_DC_CONNECT_FAILURES];
	nr = n + (other ? 1 : 0);
	for (k = 0; k < TC_DEST_NCOLS; k++)
		w[k] = strlen(heads[k]) + (k == 6 && rates ? 2 : 0);
	for (i = 0; i < nr; i++) {
		r = i < n ? rows[i] : &d->other;
		tc_dest_cells(cells, r, capacity,
			      rates ? &rates[i < n ? (size_t)(rows[i] - d->rows) : d->nrows] : NULL,
			      rates != NULL);
		for (k = 0; k < TC_DEST_NCOLS; k++)
			if (strlen(cells[k]) > w[k])
				w[k] = strlen(cells[k]);
	}
	fprintf(f, " %-*s %-*s", (int)w[0], heads[0], (int)w[1], heads[1]);
	for (k = 2; k < TC_DEST_NCOLS; k++)
		fprintf(f, " %*s%s", (int)(w[k] - (k == 6 && rates ? 2 : 0)),
			heads[k], k == 6 && rates ? "/s" : "");
	fputc('\n', f);
	for (i = 0; i < nr; i++) {
		r = i < n ? rows[i] : &d->other;
		tc_dest_cells(cells, r, capacity,
			      rates ? &rates[i < n ? (size_t)(rows[i] - d->rows) : d->nrows] : NULL,
			      rates != NULL);
		fprintf(f, " %-*s %-*s", (int)w[0], cells[0], (int)w[1], cells[1]);
		for (k = 2; k < TC_DEST_NCOLS; k++)
			fprintf(f, " %*s", (int)w[k], cells[k]);
		fputc('\n', f);
	}
}
