/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines and fields of the module's text files, shared by the parsers of
 * /proc/tcpclose (table.c) and /proc/tcpclose_hist (hist.c), so that both
 * split, refuse and report in the same way.
 */
#ifndef TCPCLOSE_SCAN_H
#define TCPCLOSE_SCAN_H

#include <stddef.h>
#include "table.h"

#ifdef __GNUC__
#define TC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TC_PRINTF(f, a)
#endif

/* Parsing state: the input, the current line, and where to report. */
struct tc_parser {
	const char *p, *end;	/* rest of the input */
	const char *line;	/* current line, without its newline */
	size_t linelen;
	unsigned long lineno;
	char *err;
	size_t errlen;
	int *colmap;		/* header position -> the parser's column or -1 */
	size_t ncols;		/* fields in the header */
	int portpos, rolepos;
};

/*
 * Runs BODY over [buf, buf + len) with a fresh parser on OUT, frees the
 * parser's state and words an out-of-memory error; what BODY built in OUT
 * is the caller's to free on error.
 */
enum tc_parse_err tc_parse_run(const char *buf, size_t len, char *err, size_t errlen,
			       enum tc_parse_err (*body)(struct tc_parser *ps, void *out),
			       void *out);

/* ERR = "line N: " (while on a line) and the message; returns E. */
enum tc_parse_err tc_fail(struct tc_parser *ps, enum tc_parse_err e,
			  const char *fmt, ...) TC_PRINTF(3, 4);

/* Next line; 0 at the end. A last line without '\n' was cut short. */
int tc_next_line(struct tc_parser *ps, int *truncated);

/* The next whitespace-separated field of [*s, end); 0 when none is left. */
int tc_field(const char **s, const char *end, const char **f, size_t *n);

int tc_is_blank(const char *s, size_t n);
char *tc_strndup(const char *s, size_t n);

/*
 * The first line, "# MAGIC <version> key=value ...": a format version other
 * than WANT is TC_PARSE_VERSION; WHAT names the file in the error when the
 * line is not there ("tcpclose table").
 */
enum tc_parse_err tc_parse_first(struct tc_parser *ps, const char *magic,
				 const char *what, unsigned int want,
				 unsigned int *format, struct tc_kv **meta,
				 size_t *nmeta);

/*
 * tc_parse_first() on the first line of the file, which must be there
 * whole (an empty file, or a first line without its newline, fail).
 */
enum tc_parse_err tc_parse_start(struct tc_parser *ps, const char *magic,
				 const char *what, unsigned int want,
				 unsigned int *format, struct tc_kv **meta,
				 size_t *nmeta);

/*
 * The next line that holds data (not a comment, not blank): 1, or 0 at
 * the end of the file or on a line cut short, with *E saying which
 * (TC_PARSE_OK at the end).
 */
int tc_next_data(struct tc_parser *ps, enum tc_parse_err *e);

const char *tc_kv_get(const struct tc_kv *meta, size_t n, const char *key);
void tc_kv_free(struct tc_kv *meta, size_t n);

#endif
