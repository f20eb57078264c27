// SPDX-License-Identifier: GPL-2.0
/*
 * Scanning the module's text files: lines, whitespace-separated fields and
 * the "# name version key=value ..." first line. Both files are refused
 * the same way, with the line number, rather than guessed at.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan.h"

enum tc_parse_err tc_parse_run(const char *buf, size_t len, char *err, size_t errlen,
			       enum tc_parse_err (*body)(struct tc_parser *ps, void *out),
			       void *out)
{
	struct tc_parser ps = {
		.p = buf, .end = buf + len, .err = err, .errlen = errlen,
	};
	enum tc_parse_err e;

	if (errlen)
		err[0] = '\0';
	e = body(&ps, out);
	free(ps.colmap);
	if (e == TC_PARSE_NOMEM)
		snprintf(err, errlen, "out of memory");
	return e;
}

enum tc_parse_err tc_fail(struct tc_parser *ps, enum tc_parse_err e,
			  const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->lineno)
		n = snprintf(ps->err, ps->errlen, "line %lu: ", ps->lineno);
	if (n < 0 || (size_t)n >= ps->errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return e;
}

int tc_next_line(struct tc_parser *ps, int *truncated)
{
	const char *nl;

	if (ps->p >= ps->end)
		return 0;
	nl = memchr(ps->p, '\n', ps->end - ps->p);
	ps->line = ps->p;
	ps->linelen = (nl ? nl : ps->end) - ps->p;
	ps->p = nl ? nl + 1 : ps->end;
	ps->lineno++;
	*truncated = !nl;
	return 1;
}

static int tc_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int tc_field(const char **s, const char *end, const char **f, size_t *n)
{
	const char *q = *s;

	while (q < end && tc_is_space(*q))
		q++;
	if (q == end)
		return 0;
	*f = q;
	while (q < end && !tc_is_space(*q))
		q++;
	*n = q - *f;
	*s = q;
	return 1;
}

char *tc_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

int tc_is_blank(const char *s, size_t n)
{
	const char *f;
	size_t fn;

	return !tc_field(&s, s + n, &f, &fn);
}

enum tc_parse_err tc_parse_start(struct tc_parser *ps, const char *magic,
				 const char *what, unsigned int want,
				 unsigned int *format, struct tc_kv **meta,
				 size_t *nmeta)
{
	int truncated;

	if (!tc_next_line(ps, &truncated))
		return tc_fail(ps, TC_PARSE_FORMAT, "empty file");
	if (truncated)
		return tc_fail(ps, TC_PARSE_FORMAT,
			       "truncated (no newline at the end)");
	return tc_parse_first(ps, magic, what, want, format, meta, nmeta);
}

int tc_next_data(struct tc_parser *ps, enum tc_parse_err *e)
{
	int truncated;

	*e = TC_PARSE_OK;
	while (tc_next_line(ps, &truncated)) {
		if (truncated) {
			*e = tc_fail(ps, TC_PARSE_FORMAT,
				     "truncated (no newline at the end)");
			return 0;
		}
		if ((ps->linelen && ps->line[0] == '#') ||
		    tc_is_blank(ps->line, ps->linelen))
			continue;
		return 1;
	}
	return 0;
}

enum tc_parse_err tc_parse_first(struct tc_parser *ps, const char *magic,
				 const char *what, unsigned int want,
				 unsigned int *format, struct tc_kv **meta,
				 size_t *nmeta)
{
	const char *s = ps->line, *end = s + ps->linelen, *f;
	size_t n, digits, mlen = strlen(magic);
	uint64_t major;

	if (!tc_field(&s, end, &f, &n) || n != 1 || *f != '#' ||
	    !tc_field(&s, end, &f, &n) || n != mlen || memcmp(f, magic, mlen))
		return tc_fail(ps, TC_PARSE_FORMAT, "not a %s (no \"# %s\" line)",
			       what, magic);
	if (!tc_field(&s, end, &f, &n))
		return tc_fail(ps, TC_PARSE_FORMAT, "no format version");
	/* "1" or "1.N": a minor version only ever adds things. */
	for (digits = 0; digits < n && f[digits] != '.'; digits++)
		;
	if (!tc_parse_u64(f, digits, &major) ||
	    (digits < n && !tc_parse_u64(f + digits + 1, n - digits - 1,
					 &(uint64_t){ 0 })))
		return tc_fail(ps, TC_PARSE_FORMAT, "bad format version '%.*s'",
			       (int)(n > 32 ? 32 : n), f);
	if (major != want)
		return tc_fail(ps, TC_PARSE_VERSION,
			       "unknown format version %.*s (this tcpclose reads format %u)",
			       (int)(n > 32 ? 32 : n), f, want);
	*format = major;
	while (tc_field(&s, end, &f, &n)) {
		const char *eq = memchr(f, '=', n);
		struct tc_kv *m;
		size_t i;

		/*
		 * The module prints ASCII. Anything else (a damaged or forged
		 * copy) would reach a terminal, JSON and label values as is.
		 */
		for (i = 0; i < n; i++)
			if ((unsigned char)f[i] < 0x21 || (unsigned char)f[i] > 0x7e)
				return tc_fail(ps, TC_PARSE_FORMAT,
					       "byte 0x%02x in the first line: not printable ASCII",
					       (unsigned char)f[i]);
		if (!eq || eq == f)	/* not key=value: a later addition */
			continue;
		m = realloc(*meta, (*nmeta + 1) * sizeof(*m));
		if (!m)
			return TC_PARSE_NOMEM;
		*meta = m;
		m += *nmeta;
		m->key = tc_strndup(f, eq - f);
		m->val = tc_strndup(eq + 1, f + n - eq - 1);
		if (!m->key || !m->val) {
			free(m->key);
			free(m->val);
			return TC_PARSE_NOMEM;
		}
		(*nmeta)++;
	}
	return TC_PARSE_OK;
}

const char *tc_kv_get(const struct tc_kv *meta, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(meta[i].key, key))
			return meta[i].val;
	return NULL;
}

void tc_kv_free(struct tc_kv *meta, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(meta[i].key);
		free(meta[i].val);
	}
	free(meta);
}
