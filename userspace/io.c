// SPDX-License-Identifier: GPL-2.0
/*
 * Reading /proc/tcpclose and /proc/tcpclose_hist. The module takes its
 * snapshot at open(), so each whole file is read with one loop on one
 * descriptor: a table that is consistent, whatever read sizes the kernel
 * hands back.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tcpclose.h"

/* Far above the largest table (2 x 65536 rows of ~130 bytes). */
#define TC_MAX_FILE (64u << 20)

int tc_read_all(const char *path, char **bufp, size_t *lenp)
{
	int own = strcmp(path, "-") != 0;
	int fd = own ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int err = 0;

	if (fd < 0)
		return errno;
	for (;;) {
		ssize_t r;

		if (len == cap) {
			char *nb;

			if (cap >= TC_MAX_FILE) {
				err = EFBIG;
				break;
			}
			cap = cap ? 2 * cap : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			break;
		}
		if (r == 0)
			break;
		len += r;
	}
	if (own)
		close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* A missing file under /proc is a module that is not loaded. */
static int tc_is_proc(const char *path)
{
	return !strncmp(path, "/proc/", 6);
}

/* The status and message of tc_read_all's error E on PATH, a WHAT. */
static enum tc_exit tc_read_error(const char *path, int e, const char *what,
				  char *msg, size_t len)
{
	if (e == ENOMEM) {
		snprintf(msg, len, "out of memory reading %s", path);
		return TC_EXIT_FAILURE;
	}
	snprintf(msg, len, "cannot read %s: %s%s",
		 strcmp(path, "-") ? path : "standard input",
		 e == EFBIG ? "too large for a " : strerror(e),
		 e == EFBIG ? what : "");
	return TC_EXIT_UNREADABLE;
}

/* A parse error of PATH as an exit status and message. */
static enum tc_exit tc_parse_error(const char *path, enum tc_parse_err pe,
				   const char *err, char *msg, size_t len)
{
	if (pe == TC_PARSE_NOMEM) {
		snprintf(msg, len, "out of memory");
		return TC_EXIT_FAILURE;
	}
	snprintf(msg, len, "%s: %s", strcmp(path, "-") ? path : "stdin", err);
	return TC_EXIT_FORMAT;
}

/*
 * One note on stderr per kind of file and process (a --watch would
 * otherwise repeat it every frame): rows a later module added were left
 * out, the rest is read as usual.
 */
static void tc_note_skips(const char *path, const struct tc_skips *sk,
			  const char *what, int *noted)
{
	if (!sk->rows || *noted)
		return;
	*noted = 1;
	fprintf(stderr, "tcpclose: note: %s: skipped %lu row%s of a %s this tcpclose does not know ('%s'): a newer tcpclose reads %s\n",
		strcmp(path, "-") ? path : "stdin", sk->rows,
		sk->rows == 1 ? "" : "s", what, sk->first,
		sk->rows == 1 ? "it" : "them");
}

enum tc_exit tc_load(const char *path, struct tc_table *t, char *msg,
		     size_t len)
{
	static int noted;
	char err[256], *buf = NULL;
	enum tc_parse_err pe;
	size_t n = 0;
	int e;

	memset(t, 0, sizeof(*t));
	e = tc_read_all(path, &buf, &n);
	if (e == ENOENT && tc_is_proc(path)) {
		snprintf(msg, len,
			 "%s not found: the tcpclose module is not loaded "
			 "(sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)",
			 path);
		return TC_EXIT_NOT_LOADED;
	}
	if (e)
		return tc_read_error(path, e, "tcpclose table", msg, len);
	pe = tc_table_parse(t, buf, n, err, sizeof(err));
	/* The files look alike: say which option reads this one. */
	if (pe == TC_PARSE_FORMAT && n > 16 && !memcmp(buf, "# tcpclose_dest ", 16))
		snprintf(err + strlen(err), sizeof(err) - strlen(err),
			 ": a tcpclose_dest file, for --dest-file");
	free(buf);
	if (pe)
		return tc_parse_error(path, pe, err, msg, len);
	tc_note_skips(path, &t->skips, "role", &noted);
	return TC_EXIT_OK;
}

enum tc_exit tc_hist_load(const char *path, int optional, struct tc_hist *h,
			  int *found, char *msg, size_t len)
{
	static int noted;
	char err[256], *buf = NULL;
	enum tc_parse_err pe;
	size_t n = 0;
	int e;

	memset(h, 0, sizeof(*h));
	*found = 0;
	e = tc_read_all(path, &buf, &n);
	if (e == ENOENT && optional)
		return TC_EXIT_OK;
	if (e)
		return tc_read_error(path, e, "tcpclose_hist file", msg, len);
	pe = tc_hist_parse(h, buf, n, err, sizeof(err));
	free(buf);
	if (pe)
		return tc_parse_error(path, pe, err, msg, len);
	tc_note_skips(path, &h->skips, "role or phase", &noted);
	*found = 1;
	return TC_EXIT_OK;
}

enum tc_exit tc_dest_load(const char *path, int optional, struct tc_dest *d,
			  int *found, char *msg, size_t len)
{
	static int warned;
	char err[256], *buf = NULL;
	enum tc_parse_err pe;
	size_t n = 0;
	int e;

	memset(d, 0, sizeof(*d));
	*found = 0;
	e = tc_read_all(path, &buf, &n);
	if (e == ENOENT && optional)
		return TC_EXIT_OK;
	if (e == ENOENT && tc_is_proc(path) && access(TC_PROC_PATH, F_OK)) {
		snprintf(msg, len,
			 "%s not found: the tcpclose module is not loaded "
			 "(sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)",
			 path);
		return TC_EXIT_NOT_LOADED;
	}
	/* The module is loaded, but older than this file. */
	if (e == ENOENT && tc_is_proc(path)) {
		snprintf(msg, len,
			 "%s not found: the loaded tcpclose module predates "
			 "destinations (load a newer module)", path);
		return TC_EXIT_UNREADABLE;
	}
	if (e)
		return tc_read_error(path, e, "tcpclose_dest file", msg, len);
	pe = tc_dest_parse(d, buf, n, err, sizeof(err));
	free(buf);
	/*
	 * The live file, read only because it may be there, costs only the
	 * destinations when it is of no use, as each namespace's does with
	 * --all-netns: the table is still shown (once per process: --watch).
	 */
	if (pe == TC_PARSE_FORMAT && optional) {
		if (!warned++)
			fprintf(stderr, "tcpclose: warning: %s: %s: destinations left out\n",
				path, err);
		return TC_EXIT_OK;
	}
	if (pe)
		return tc_parse_error(path, pe, err, msg, len);
	*found = 1;
	return TC_EXIT_OK;
}

int tc_port_range_parse(const char *s, struct tc_port_range *pr)
{
	unsigned long v[2];
	char *end;
	int i;

	for (i = 0; i < 2; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		errno = 0;
		v[i] = strtoul(s, &end, 10);
		if (errno || v[i] > 65535)
			return 0;
		s = end;
		if (i == 0 && *s == '-')
			s++;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s || v[0] > v[1])
		return 0;
	pr->known = 1;
	pr->lo = v[0];
	pr->hi = v[1];
	return 1;
}

void tc_port_range_get(const struct tc_opts *o, struct tc_port_range *pr)
{
	char *buf = NULL, *s;
	size_t n;

	*pr = o->pr;
	if (pr->known || tc_read_all(TC_PORT_RANGE_PATH, &buf, &n))
		return;
	s = realloc(buf, n + 1);	/* room for the NUL */
	if (s) {
		s[n] = '\0';
		tc_port_range_parse(s, pr);
		buf = s;
	}
	free(buf);
}

/* --port-range, given by hand: the capacity when a file has none. */
uint64_t tc_capacity_fallback(const struct tc_opts *o)
{
	return o->pr.known ? (uint64_t)o->pr.hi - o->pr.lo + 1 : 0;
}
