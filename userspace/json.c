// SPDX-License-Identifier: GPL-2.0
/*
 * --json: one document with stable keys. Every key is always present
 * (null when the file does not have it), counts are integers (exact up to
 * 2^64 for jq's arbitrary-precision literals and for most parsers that read
 * integers as such), and one row per line keeps it readable in a terminal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

void tc_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * Every key has one JSON type, whatever its text (tcpclose(5) lists them):
 * a program must not see "version" turn from a string into a number when a
 * module prints "1". A value that is not of its key's type is null, as an
 * absent one is.
 */
enum tc_json_type { TC_JSON_STR, TC_JSON_UINT, TC_JSON_INT };

static void tc_json_typed(FILE *f, const char *s, enum tc_json_type type)
{
	uint64_t v;

	if (!s)
		fputs("null", f);
	else if (type == TC_JSON_STR)
		tc_json_str(f, s);
	else if (tc_parse_u64(s, strlen(s), &v))
		fprintf(f, "%" PRIu64, v);
	else if (type == TC_JSON_INT && s[0] == '-' &&
		 tc_parse_u64(s + 1, strlen(s + 1), &v) && v <= (uint64_t)INT64_MAX + 1)
		fprintf(f, "-%" PRIu64, v);
	else
		fputs("null", f);
}

struct tc_json_key {
	const char *key;
	enum tc_json_type type;
};

static void tc_json_meta(FILE *f, const struct tc_table *t, const char *key,
			 enum tc_json_type type)
{
	tc_json_typed(f, tc_table_meta(t, key), type);
}

static void tc_json_row(FILE *f, const struct tc_table *t,
			const struct tc_row *r)
{
	int c;

	fprintf(f, "{\"port\":%u,\"role\":\"%s\"", r->port,
		tc_role_names[r->role]);
	for (c = 0; c < TC_NCOLS; c++) {
		fprintf(f, ",\"%s\":", tc_cols[c].name);
		if (t->have[c])
			fprintf(f, "%" PRIu64, r->v[c]);
		else
			fputs("null", f);
	}
	fputc('}', f);
}

/* A finding: its rule's name and severity, then the rule's fields. */
static void tc_json_diag(FILE *f, const struct tc_diag *d)
{
	const struct tc_rule *rule = &tc_rules[d->kind];
	const char *base = (const char *)d;
	char buf[512];
	size_t i;

	fprintf(f, "{\"kind\":\"%s\",", rule->name);
	if (d->has_port)
		fprintf(f, "\"port\":%u,\"role\":\"%s\"", d->port,
			tc_role_names[d->role]);
	else
		fputs("\"port\":null,\"role\":null", f);
	for (i = 0; i < TC_MAX_FIELDS && rule->fields[i].key; i++) {
		const struct tc_field *fl = &rule->fields[i];
		const void *v = base + fl->off;

		fprintf(f, ",\"%s\":", fl->key);
		if (fl->has != TC_F_ALWAYS && !*(const int *)(base + fl->has))
			fputs("null", f);
		else if (fl->type == TC_F_U64)
			fprintf(f, "%" PRIu64, *(const uint64_t *)v);
		else if (fl->type == TC_F_DBL)
			fprintf(f, "%.6g", *(const double *)v);
		else if (fl->type == TC_F_SECS)	/* as the document's counting_s */
			fprintf(f, "%llu", (unsigned long long)*(const double *)v);
		else if (fl->type == TC_F_STR)
			tc_json_str(f, (const char *)v);
		else if (fl->type == TC_F_NAME && fl->names[*(const int *)v])
			tc_json_str(f, fl->names[*(const int *)v]);
		else if (fl->type == TC_F_NAME)
			fputs("null", f);
		else
			fprintf(f, "[%u,%u]", ((const unsigned int *)v)[0],
				((const unsigned int *)v)[1]);
	}
	fprintf(f, ",\"severity\":\"%s\"", tc_severity_names[d->severity]);
	tc_diag_short(buf, sizeof(buf), d);
	fputs(",\"summary\":", f);
	tc_json_str(f, buf);
	tc_diag_finding(buf, sizeof(buf), d);
	fputs(",\"finding\":", f);
	tc_json_str(f, buf);
	fputs(",\"advice\":", f);
	tc_json_str(f, tc_diag_advice(d));
	fputc('}', f);
}

/* A row as in the file: buckets not cumulative, le_us null for inf. */
static void tc_json_hist_row(FILE *f, const struct tc_hist_row *r)
{
	size_t i;

	fprintf(f, "{\"port\":%u,\"role\":\"%s\",\"phase\":\"%s\",\"count\":%" PRIu64
		",\"sum_us\":%" PRIu64 ",\"buckets\":[", r->port,
		tc_role_names[r->role], r->phase, r->count, r->sum_us);
	for (i = 0; i < r->nb; i++) {
		fputs(i ? ",{\"le_us\":" : "{\"le_us\":", f);
		if (r->b[i].le_us == TC_HIST_INF)
			fputs("null", f);
		else
			fprintf(f, "%" PRIu64, r->b[i].le_us);
		fprintf(f, ",\"count\":%" PRIu64 "}", r->b[i].count);
	}
	fputs("]}", f);
}

/*
 * null without the file (an older module, or --file without --hist-file).
 * With --top, only the histograms of the table rows shown.
 */
static void tc_json_hist(FILE *f, const struct tc_hist *h,
			 const struct tc_select *sel,
			 const struct tc_row *const *rows, size_t nrows)
{
	static const struct tc_json_key keys[] = {
		{ "max_tracked", TC_JSON_UINT }, { "timing", TC_JSON_STR },
		{ "untracked_closes", TC_JSON_UINT },
	};
	unsigned char *shown;
	size_t i, n = 0;

	if (!h) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(f, "\"%s\":", keys[i].key);
		tc_json_typed(f, tc_hist_meta(h, keys[i].key), keys[i].type);
		fputc(',', f);
	}
	fputs("\"rows\":[", f);
	shown = tc_select_keys(sel, rows, nrows);
	for (i = 0; i < h->nrows; i++) {
		if (!tc_select_hist_shown(sel, shown, &h->rows[i]))
			continue;
		fputs(n++ ? ",\n " : "\n ", f);
		tc_json_hist_row(f, &h->rows[i]);
	}
	free(shown);
	fputs(n ? "\n]}" : "]}", f);
}

void tc_print_json(FILE *f, const struct tc_table *t,
		   const struct tc_row *const *rows, size_t n,
		   const struct tc_diag *d, size_t nd,
		   const struct tc_thresholds *th,
		   const struct tc_port_range *pr,
		   const struct tc_hist *h, const struct tc_select *sel,
		   const struct tc_dest_view *dv)
{
	tc_print_json_doc(f, "", t, rows, n, d, nd,
			  tc_diag_shown(nd, sel ? sel->top : 0), th, pr, h, sel, dv);
	fputc('\n', f);
}

void tc_print_json_doc(FILE *f, const char *extra, const struct tc_table *t,
		       const struct tc_row *const *rows, size_t n,
		       const struct tc_diag *d, size_t nd, size_t shown,
		       const struct tc_thresholds *th,
		       const struct tc_port_range *pr,
		       const struct tc_hist *h, const struct tc_select *sel,
		       const struct tc_dest_view *dv)
{
	static const struct tc_json_key keys[] = {
		{ "ports", TC_JSON_UINT }, { "max_ports", TC_JSON_UINT },
		{ "dropped", TC_JSON_UINT }, { "untracked", TC_JSON_UINT },
		{ "sockstat_tw", TC_JSON_INT }, { "tw_fin_wait2", TC_JSON_UINT },
		{ "tw_probes", TC_JSON_STR }, { "since_boot_s", TC_JSON_UINT },
		{ "netns_total", TC_JSON_UINT },
		{ "max_ports_netns_total", TC_JSON_UINT },
	};
	size_t i;

	fprintf(f, "{\n%s\"format\":%u,\n\"version\":", extra, t->format);
	tc_json_meta(f, t, "version", TC_JSON_STR);
	fputs(",\n\"netns\":", f);
	tc_json_meta(f, t, "netns", TC_JSON_UINT);
	fputs(",\n\"meta\":{", f);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", keys[i].key);
		tc_json_meta(f, t, keys[i].key, keys[i].type);
	}
	/* Whole seconds: since_boot_s is. null for a saved copy. */
	fputs("},\n\"counting_s\":", f);
	if (t->age_s >= 0)
		fprintf(f, "%llu", (unsigned long long)t->age_s);
	else
		fputs("null", f);
	fputs(",\n\"port_range\":", f);
	if (pr->known)
		fprintf(f, "[%u,%u]", pr->lo, pr->hi);
	else
		fputs("null", f);
	fprintf(f, ",\n\"thresholds\":{\"min_time_wait\":%" PRIu64
		",\"active_share\":%g,\"min_close_wait\":%" PRIu64
		",\"close_wait_age\":%" PRIu64 ",\"port_range_ratio\":%g"
		",\"exhaustion_ratio\":%g,\"min_resets\":%" PRIu64 ",\"reset_rate\":%g"
		",\"min_last_ack\":%" PRIu64 "},\n",
		th->min_time_wait, th->active_share, th->min_close_wait,
		th->close_wait_age, th->port_range_ratio, th->exhaustion_ratio,
		th->min_resets, th->reset_rate, th->min_last_ack);
	fputs("\"rows\":[", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n " : "\n ", f);
		tc_json_row(f, t, rows[i]);
	}
	fputs(n ? "\n],\n" : "],\n", f);
	/* Worst first; --top keeps the first SHOWN, the total says how many. */
	fprintf(f, "\"diagnoses_total\":%zu,\n\"diagnoses\":[", nd);
	nd = shown < nd ? shown : nd;
	for (i = 0; i < nd; i++) {
		fputs(i ? ",\n " : "\n ", f);
		tc_json_diag(f, &d[i]);
	}
	fputs(nd ? "\n],\n" : "],\n", f);
	fputs("\"histograms\":", f);
	tc_json_hist(f, h, sel, rows, n);
	fputs(",\n\"destinations\":", f);
	tc_print_dest_json(f, dv);
	fputs("\n}", f);
}

/* The destination file's keys are counts, but for its version (a string). */
static void tc_json_dest_meta(FILE *f, const struct tc_dest *d, const char *key,
			      enum tc_json_type type)
{
	tc_json_typed(f, tc_dest_meta(d, key), type);
}

static void tc_json_dest_row(FILE *f, const struct tc_dest_row *r,
			     uint64_t capacity)
{
	int c;

	if (r->family) {
		fputs("{\"local\":", f);
		tc_json_str(f, r->local);
		fputs(",\"remote\":", f);
		tc_json_str(f, r->remote);
		fprintf(f, ",\"port\":%u,", r->port);
	} else {
		fputc('{', f);
	}
	for (c = 0; c < TC_DC_N; c++)
		fprintf(f, "%s\"%s\":%" PRIu64, c ? "," : "",
			tc_dest_col_names[c], r->v[c]);
	/* other sums destinations of their own capacity each: no share. */
	if (r->family) {
		fputs(",\"capacity_share\":", f);
		if (capacity)
			fprintf(f, "%.6g", (double)r->v[TC_DC_IN_USE] /
					   (double)capacity);
		else
			fputs("null", f);
	}
	fputc('}', f);
}

void tc_print_dest_json(FILE *f, const struct tc_dest_view *dv)
{
	static const struct tc_json_key keys[] = {
		{ "since_boot_s", TC_JSON_UINT }, { "port_range", TC_JSON_UINT },
		{ "reserved_ports", TC_JSON_UINT }, { "capacity", TC_JSON_UINT },
		{ "local_ports_in_use", TC_JSON_UINT }, { "dests", TC_JSON_UINT },
		{ "max_dests", TC_JSON_UINT }, { "ungrouped", TC_JSON_UINT },
		{ "connect_failures", TC_JSON_UINT },
		{ "bind_failures", TC_JSON_UINT },
		{ "failure_dests", TC_JSON_UINT },
		{ "failure_probes", TC_JSON_STR },
	};
	const struct tc_dest *d;
	size_t i;

	if (!dv) {
		fputs("null", f);
		return;
	}
	d = dv->d;
	fprintf(f, "{\"format\":%u,\"version\":", d->format);
	tc_json_dest_meta(f, d, "version", TC_JSON_STR);
	fputs(",\"netns\":", f);
	tc_json_dest_meta(f, d, "netns", TC_JSON_UINT);
	fputs(",\n \"meta\":{", f);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", keys[i].key);
		if (!strcmp(keys[i].key, "port_range") && d->has_range)
			fprintf(f, "[%u,%u]", d->lo, d->hi);
		else if (!strcmp(keys[i].key, "port_range"))
			fputs("null", f);
		else
			tc_json_dest_meta(f, d, keys[i].key, keys[i].type);
	}
	fputs("},\n \"capacity\":", f);
	if (dv->capacity)
		fprintf(f, "%" PRIu64, dv->capacity);
	else
		fputs("null", f);
	fputs(",\n \"rows\":[", f);
	for (i = 0; i < dv->n; i++) {
		fputs(i ? ",\n  " : "\n  ", f);
		tc_json_dest_row(f, dv->rows[i], dv->capacity);
	}
	fputs(dv->n ? "\n ],\n \"other\":" : "],\n \"other\":", f);
	tc_json_dest_row(f, &d->other, dv->capacity);
	fputc('}', f);
}
