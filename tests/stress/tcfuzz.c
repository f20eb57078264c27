// SPDX-License-Identifier: GPL-2.0
/*
 * tcfuzz - hostile input for tcpclose's control file, and a reader that
 * checks what it reads back.
 *
 *   tcfuzz write [-n N] [-t STOPFILE] [-s SEED] [-e ERRNO] [-c] FILE
 *	N writes (or until STOPFILE exists) that are never a valid command:
 *	random bytes, mutations of "reset", huge sizes, writes at random
 *	offsets, "reset" split over several iovecs (each one is a write of
 *	its own), buffers that run into an unmapped page. Every write must
 *	fail, with EINVAL (EFAULT for a bad buffer within the size limit), or
 *	with ERRNO for all of them when -e is given (EPERM: no capability).
 *	-c (chaos): the module may be unloaded meanwhile, so ENOENT or EINVAL
 *	at open (the entry, or the /proc/tcpclose symlink, going away), and
 *	EIO or EINVAL from a descriptor rmmod revoked are tolerated and counted.
 *
 *   tcfuzz read [-n N] [-t STOPFILE] [-s SEED] [-c] FILE
 *	N opens (or until STOPFILE exists); each one is read to the end in
 *	random tiny chunks, then again from offset 0 with one big read, then
 *	at random offsets with pread and after lseek: every read of one
 *	descriptor must return the same bytes (one snapshot per open), and
 *	the text must be well-formed (comment line, header, rows with as many
 *	fields as the header, sorted by port then role).
 *
 * Both print one line "tcfuzz: MODE ops=N ok=N gone=N bad=N" and exit 1
 * if anything was bad (the first few are described on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/uio.h>

static struct {
	long n;
	const char *stop;
	unsigned long seed;
	int want;	/* expected errno for every write, 0: EINVAL/EFAULT */
	int chaos;
	const char *file;
} o = { .n = 1000 };

static unsigned long ops, oks, gone, bad;

static unsigned long rnd(void)
{
	/* xorshift64*: reproducible from -s, good enough for fuzzing. */
	o.seed ^= o.seed >> 12;
	o.seed ^= o.seed << 25;
	o.seed ^= o.seed >> 27;
	return (o.seed * 2685821657736338717ULL) >> 11;
}

static unsigned long upto(unsigned long n)
{
	return n ? rnd() % n : 0;
}

static int more(void)
{
	if (o.stop && !access(o.stop, F_OK))
		return 0;
	return o.n < 0 || (long)ops < o.n;
}

static void __attribute__((format(printf, 1, 2))) report(const char *fmt, ...)
{
	va_list ap;

	bad++;
	if (bad > 5)
		return;
	va_start(ap, fmt);
	fputs("tcfuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- write ---- */

static const char reset[] = "reset";

static int is_command(const char *b, size_t len)
{
	return (len == 5 && !memcmp(b, reset, 5)) ||
	       (len == 6 && !memcmp(b, "reset\n", 6));
}

static void random_bytes(char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (char)rnd();
}

/* "reset" or "reset\n" with one or two random edits. */
static size_t mutate(char *b)
{
	size_t len = 5 + upto(2), i;
	int edits = 1 + upto(2);

	memcpy(b, "reset\n", 6);
	while (edits--) {
		i = upto(len);
		switch (upto(4)) {
		case 0: b[i] = (char)rnd(); break;			/* change */
		case 1: if (len > 1) len = i ? i : 1; break;		/* truncate */
		case 2: b[len++] = "\n\0 x\r"[upto(5)]; break;		/* append */
		default: memmove(b + 1, b, len++); b[0] = (char)rnd();	/* prepend */
		}
		if (len > 12)
			len = 12;
	}
	if (is_command(b, len))
		b[len++] = 'x';	/* "resetx" or "reset\nx", never valid */
	return len;
}

static const size_t huge[] = { 17, 64, 4095, 4096, 4097, 65536, 1 << 20, 8 << 20 };

static char *big;		/* 8 MiB of noise */
static char *edge;		/* a page followed by an unmapped one */
static long page;

static int check_write(ssize_t r, int expect, const char *what, size_t len)
{
	ops++;
	if (r >= 0) {
		report("%s: accepted %zd bytes (len %zu)", what, r, len);
		return 0;
	}
	if (o.chaos && (errno == EIO || errno == ENOENT || errno == ENODEV)) {
		gone++;
		return 0;
	}
	if (errno != expect) {
		report("%s: errno %d, expected %d (len %zu)", what, errno, expect, len);
		return 0;
	}
	oks++;
	return 1;
}

static int open_w(void)
{
	int fd = open(o.file, (upto(4) ? O_WRONLY : O_RDWR) | O_CLOEXEC);

	/* Unloading: gone (ENOENT), or the symlink being removed (EINVAL). */
	if (fd < 0) {
		if (o.chaos && (errno == ENOENT || errno == EINVAL)) {
			gone++;
			usleep(1000);
		} else if (o.want && errno == o.want) {
			ops++;	/* refused at open: as good as at write */
			oks++;
		} else {
			report("open for writing: errno %d", errno);
			ops++;
		}
	}
	return fd;
}

static void one_write(int fd)
{
	char b[64];
	size_t len, cut1, cut2;
	int expect = o.want ? o.want : EINVAL;
	ssize_t r;

	switch (upto(7)) {
	case 0:	/* random bytes, around the 16-byte limit */
		len = upto(24);
		random_bytes(b, len);
		if (is_command(b, len))
			b[0] = 'R';
		r = write(fd, b, len);
		check_write(r, expect, "random", len);
		break;
	case 1:	/* nearly "reset" */
	case 2:
		len = mutate(b);
		r = write(fd, b, len);
		check_write(r, expect, "mutated", len);
		break;
	case 3:	/* huge */
		len = huge[upto(sizeof(huge) / sizeof(huge[0]))];
		r = write(fd, big, len);
		check_write(r, expect, "huge", len);
		break;
	case 4:	/* at an offset: after lseek, or pwrite (a seq_file has none) */
		len = mutate(b);
		if (upto(2)) {
			off_t off = upto(4) ? (off_t)upto(1 << 20) : (off_t)(LLONG_MAX - upto(16));

			r = pwrite(fd, b, len, off);
			check_write(r, ESPIPE, "pwrite", len);
		} else {
			lseek(fd, upto(4096), SEEK_SET);
			r = write(fd, b, len);
			check_write(r, expect, "offset", len);
		}
		break;
	case 5: {	/* "reset\n" split over iovecs: each one is a write */
		struct iovec iov[3];

		memcpy(b, "reset\n", 6);
		cut1 = 1 + upto(4);		/* inside "reset" */
		cut2 = cut1 + 1 + upto(6 - cut1);
		iov[0] = (struct iovec){ b, cut1 };
		iov[1] = (struct iovec){ b + cut1, cut2 - cut1 };
		iov[2] = (struct iovec){ b + cut2, 6 - cut2 };
		r = writev(fd, iov, cut2 < 6 ? 3 : 2);
		check_write(r, expect, "split", 6);
		break;
	}
	default: {	/* a buffer running into an unmapped page */
		size_t in = 1 + upto(5);

		len = in + 1 + upto(20);	/* always crosses into it */
		memcpy(edge + page - in, "reset", in);
		r = write(fd, edge + page - in, len);
		check_write(r, o.want ? o.want : len > 16 ? EINVAL : EFAULT, "fault", len);
		break;
	}
	}
}

static int run_write(void)
{
	int fd = -1;

	page = sysconf(_SC_PAGESIZE);
	big = malloc(8 << 20);
	edge = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!big || edge == MAP_FAILED || mprotect(edge + page, page, PROT_NONE)) {
		perror("tcfuzz: memory");
		return 2;
	}
	random_bytes(big, 8 << 20);
	memcpy(big, "reset", 5);	/* a valid prefix: the size alone is wrong */
	while (more()) {
		/* Reuse a descriptor for a while, then open a fresh one. */
		if (fd < 0 || !upto(8)) {
			if (fd >= 0)
				close(fd);
			fd = open_w();
			if (fd < 0)
				continue;
		}
		one_write(fd);
	}
	if (fd >= 0)
		close(fd);
	printf("tcfuzz: write ops=%lu ok=%lu gone=%lu bad=%lu\n", ops, oks, gone, bad);
	return bad ? 1 : 0;
}

/* ---- read ---- */

#define SNAP_MAX (16 << 20)

static char *snap_a, *snap_b, *snap_c;

/* Reads to EOF in chunks of 1..max bytes; -1 on error. */
static ssize_t read_all(int fd, char *buf, size_t max)
{
	size_t n = 0, chunk;
	ssize_t r;

	for (;;) {
		chunk = max > 1 ? 1 + upto(max) : 1;
		if (n + chunk > SNAP_MAX)
			return -1;
		r = read(fd, buf + n, chunk);
		if (r < 0)
			return -1;
		if (r == 0)
			return n;
		n += r;
	}
}

/* Field count of a line, and its first two fields. */
static int fields(const char *l, const char *end, long *port, char *role)
{
	int n = 0;

	while (l < end) {
		while (l < end && *l == ' ')
			l++;
		if (l == end)
			break;
		if (n == 0)
			*port = strtol(l, NULL, 10);
		if (n == 1) {
			role[0] = *l;
			role[1] = 0;
		}
		n++;
		while (l < end && *l != ' ')
			l++;
	}
	return n;
}

/*
 * /proc/tcpclose_dest: a column header starting "local remote port", rows
 * of as many fields, the last one "* * 0" (the sum of the rest).
 */
static const char *dest_well_formed(const char *s, size_t len)
{
	const char *l = s, *end = s + len, *nl, *last = NULL;
	int ncols = 0, nf;
	char role[2];
	long port;

	for (; l < end; l = nl + 1) {
		nl = memchr(l, '\n', end - l);
		if (*l == '#')
			continue;
		while (*l == ' ')
			l++;
		nf = fields(l, nl, &port, role);
		if (!ncols) {
			if (memcmp(l, "local ", 6) || nf != 7)
				return "bad dest header";
			ncols = nf;
			continue;
		}
		if (nf != ncols)
			return "dest row with a wrong number of fields";
		last = l;
	}
	if (!last || memcmp(last, "* ", 2))
		return "no '* * 0' last dest row";
	return NULL;
}

/*
 * The format contract of the README; returns a reason or NULL. A table
 * whose last column is "buckets" (the histogram) has a variable number of
 * trailing fields and several rows per (port, role).
 */
static const char *well_formed(const char *s, size_t len)
{
	const char *l = s, *end = s + len, *nl;
	int ncols = 0, nf, multi = 0;
	long port, last_port = -1;
	char role[2] = "", last_role = 0;

	if (len == 0 || s[len - 1] != '\n')
		return "not newline-terminated";
	if (len >= 18 && !memcmp(s, "# tcpclose_dest 1 ", 18))
		return dest_well_formed(s, len);
	if ((len < 13 || memcmp(s, "# tcpclose 1 ", 13)) &&
	    (len < 18 || memcmp(s, "# tcpclose_hist 1 ", 18)))
		return "no '# tcpclose 1' first line";
	for (; l < end; l = nl + 1) {
		nl = memchr(l, '\n', end - l);
		if (*l == '#')
			continue;
		if (!ncols) {
			if (memcmp(l, " port role ", 11))
				return "bad header";
			ncols = fields(l, nl, &port, role);
			multi = nl - l >= 8 && !memcmp(nl - 8, " buckets", 8);
			continue;
		}
		nf = fields(l, nl, &port, role);
		if (multi ? nf < ncols - 1 : nf != ncols)
			return "row with a wrong number of fields";
		if (port < 0 || port > 65535 || (role[0] != 'c' && role[0] != 's'))
			return "bad port or role";
		if (port < last_port ||
		    (port == last_port && (multi ? role[0] < last_role : role[0] <= last_role)))
			return "rows not sorted";
		last_port = port;
		last_role = role[0];
	}
	return ncols ? NULL : "no header";
}

static void one_read(void)
{
	ssize_t a, b, r, want;
	const char *why;
	off_t off;
	size_t len;
	int fd, i;

	/* Sometimes read+write (root's descriptor takes a snapshot too). */
	fd = upto(8) ? -1 : open(o.file, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fd = open(o.file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (o.chaos && (errno == ENOENT || errno == EINVAL)) {
			gone++;
			usleep(1000);
			return;
		}
		ops++;
		report("open for reading: errno %d", errno);
		return;
	}
	ops++;
	a = read_all(fd, snap_a, upto(4) ? 1 + upto(16) : 1);
	if (a >= 0 && lseek(fd, 0, SEEK_SET) == 0)
		b = read_all(fd, snap_b, 1 << 16);
	else
		b = -1;
	/* Revoked by rmmod: reads fail with EIO, lseek with EINVAL. */
	if (a < 0 || b < 0) {
		if (o.chaos && (errno == EIO || errno == EINVAL))
			gone++;
		else
			report("read: errno %d", errno);
		close(fd);
		return;
	}
	if (a != b || memcmp(snap_a, snap_b, a)) {
		report("tiny reads gave %zd bytes, one read %zd, or other bytes", a, b);
		close(fd);
		return;
	}
	why = well_formed(snap_a, a);
	if (why) {
		report("%s (%zd bytes):", why, a);
		fwrite(snap_a, 1, a, stderr);
		close(fd);
		return;
	}
	/* Random pread and lseek+read windows, some past the end. */
	for (i = 0; i < 8; i++) {
		off = upto(a + 64);
		len = 1 + upto(300);
		if (upto(2)) {
			r = pread(fd, snap_c, len, off);
		} else {
			r = lseek(fd, off, SEEK_SET);
			if (r == off)
				r = read(fd, snap_c, len);
			else if (r >= 0)
				errno = ESPIPE;	/* landed elsewhere */
		}
		if (r < 0 && o.chaos && (errno == EIO || errno == EINVAL)) {
			gone++;
			break;
		}
		want = off >= a ? 0 : a - off < (ssize_t)len ? a - off : (ssize_t)len;
		if (r != want ||
		    (r > 0 && memcmp(snap_c, snap_a + off, r))) {
			report("window of %zu at %lld: got %zd (errno %d), not the snapshot's", len,
			       (long long)off, r, r < 0 ? errno : 0);
			break;
		}
	}
	if (i == 8)
		oks++;
	close(fd);
}

static int run_read(void)
{
	snap_a = malloc(SNAP_MAX);
	snap_b = malloc(SNAP_MAX);
	snap_c = malloc(4096);
	if (!snap_a || !snap_b || !snap_c) {
		perror("tcfuzz: malloc");
		return 2;
	}
	while (more())
		one_read();
	printf("tcfuzz: read ops=%lu ok=%lu gone=%lu bad=%lu\n", ops, oks, gone, bad);
	return bad ? 1 : 0;
}

static void usage(void)
{
	fputs("usage: tcfuzz write|read [-n N] [-t STOPFILE] [-s SEED] [-e ERRNO] [-c] FILE\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int c, w;

	if (argc < 2)
		usage();
	w = !strcmp(argv[1], "write");
	if (!w && strcmp(argv[1], "read"))
		usage();
	o.seed = getpid() * 0x9E3779B97F4A7C15ULL;
	optind = 2;
	while ((c = getopt(argc, argv, "n:t:s:e:c")) != -1) {
		switch (c) {
		case 'n': o.n = strtol(optarg, NULL, 10); break;
		case 't': o.stop = optarg; break;
		case 's': o.seed = strtoul(optarg, NULL, 0) | 1; break;
		case 'e': o.want = strcmp(optarg, "EPERM") ? EACCES : EPERM; break;
		case 'c': o.chaos = 1; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	o.file = argv[optind];
	if (o.stop)
		o.n = -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return w ? run_write() : run_read();
}
