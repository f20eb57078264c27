/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contents of /proc/tcpclose (format 1) as data, with no I/O, so that
 * the unit tests can feed the parser any bytes they like.
 */
#ifndef TCPCLOSE_TABLE_H
#define TCPCLOSE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define TC_FORMAT 1		/* the only major format version understood */

enum tc_role { TC_CLIENT, TC_SERVER, TC_NROLES };

/*
 * The columns this reader knows, in the module's order; a file may have
 * others (ignored). Only the first six (with port and role) are required
 * by the contract; the rest may be absent (have[] says), and are shown as
 * "-" or null rather than as a zero that was never measured.
 */
enum tc_col {
	TC_ACTIVE_CLOSES,
	TC_PASSIVE_CLOSES,
	TC_SIMULTANEOUS_CLOSES,
	TC_RESETS,
	TC_TIME_WAIT,
	TC_CLOSE_WAIT,
	TC_FIN_WAIT1,
	TC_FIN_WAIT2,
	TC_LAST_ACK,
	TC_CLOSING,
	TC_ESTABLISHED,
	/* Appended later: optional. */
	TC_CLOSE_WAIT_OLDEST_S,
	TC_CLOSE_WAIT_UNTRACKED,
	TC_TW_CREATED,
	TC_TW_EXPIRED,
	TC_TW_KILLED,
	TC_TW_OVERFLOW,
	TC_FIN_WAIT2_TIMEOUTS,
	TC_TW_KILLED_RST,
	TC_TW_KILLED_REUSE,
	TC_TW_KILLED_ABORT,
	TC_LOCAL_ABORTS,
	TC_NCOLS
};

#define TC_NREQUIRED (TC_CLOSE_WAIT + 1)
/* The text table always has these (the columns of the first module). */
#define TC_NBASE (TC_ESTABLISHED + 1)

struct tc_colinfo {
	const char *name;	/* in the file's header line and for --sort */
	const char *label;	/* heading of the text table; NULL: not shown */
	int counter;		/* cumulative since load or reset; else a gauge */
	const char *metric;	/* Prometheus metric name */
	const char *help;	/* Prometheus HELP text */
	int if_nonzero;		/* text table: only when a row shown has it */
};

extern const struct tc_colinfo tc_cols[TC_NCOLS];
extern const char *const tc_role_names[TC_NROLES];

struct tc_row {
	unsigned int port;
	enum tc_role role;
	unsigned int ns;	/* --all-netns: index in its table's parts */
	uint64_t v[TC_NCOLS];	/* 0 for a column the file does not have */
};

struct tc_kv {
	char *key;
	char *val;
};

/*
 * Rows left out because a later module added a role (or, in the histograms,
 * a phase) this reader does not know: counted, and the first name kept, so
 * that the program can say so once on stderr.
 */
struct tc_skips {
	unsigned long rows;
	char first[24];		/* the first unknown name met */
};

struct tc_table {
	unsigned int format;	/* major version from "# tcpclose N" */
	struct tc_kv *meta;	/* key=value pairs of the first line, in order */
	size_t nmeta;
	int have[TC_NCOLS];	/* column present in the file */
	struct tc_row *rows;	/* sorted by port, then role */
	size_t nrows;
	/*
	 * Not from the file: what the reader knows about it once parsed
	 * (since.c); the parser leaves them unknown (negative).
	 */
	double age_s;		/* seconds since counting started (load or reset) */
	double start_unix;	/* when that was, as Unix time */
	/*
	 * --all-netns: the rows of several namespaces' tables in one table,
	 * each row's ns indexing PARTS (its namespace's own table); NULL
	 * otherwise.
	 */
	const struct tc_table *const *parts;
	size_t nparts;
	struct tc_skips skips;	/* rows of a role this reader does not know */
};

enum tc_parse_err {
	TC_PARSE_OK,
	TC_PARSE_FORMAT,	/* not a well-formed format-1 table */
	TC_PARSE_VERSION,	/* a format version this reader does not know */
	TC_PARSE_NOMEM,
};

/*
 * Parse LEN bytes (no terminating NUL needed) into T. On failure T is
 * empty and ERR holds a one-line reason, e.g. "line 4: 12 of 13 columns".
 */
enum tc_parse_err tc_table_parse(struct tc_table *t, const char *buf,
				 size_t len, char *err, size_t errlen);
void tc_table_free(struct tc_table *t);

/* The value of a key of the first line, or NULL. */
const char *tc_table_meta(const struct tc_table *t, const char *key);
/* The same as a number; 0 if absent or not a plain unsigned number. */
int tc_table_meta_u64(const struct tc_table *t, const char *key,
		      uint64_t *out);
/* The row for (port, role), or NULL. */
const struct tc_row *tc_table_find(const struct tc_table *t,
				   unsigned int port, enum tc_role role);

int tc_col_lookup(const char *name);	/* name or label; -1 if unknown */
int tc_role_lookup(const char *name);	/* -1 if unknown */
/* A name a later module could use for a role or phase: [a-z][a-z0-9_]*. */
int tc_is_name(const char *s, size_t n, size_t max);
void tc_skips_add(struct tc_skips *s, const char *name, size_t n);

/* Strict decimal: digits only, no sign or space, no overflow. 0 if bad. */
int tc_parse_u64(const char *s, size_t n, uint64_t *out);

#endif
