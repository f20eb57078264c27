// SPDX-License-Identifier: GPL-2.0
/*
 * rdtime - how long reading files takes, in-process, the way a monitoring
 * agent reads them (open, read to EOF in 64 KiB chunks, close).
 *
 *   rdtime [-r REPEATS] FILE...
 *
 * One pass reads every FILE once; the pass is repeated REPEATS times
 * (default 5). Prints one line:
 *   rdtime passes=R min_ns=N median_ns=N bytes=B
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long long t[101], bytes = 0;
	int c, r, i, repeats = 5;
	ssize_t n;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r' || (repeats = atoi(optarg)) < 1 || repeats > 101) {
			fputs("usage: rdtime [-r REPEATS] FILE...\n", stderr);
			return 64;
		}
	}
	if (optind >= argc) {
		fputs("usage: rdtime [-r REPEATS] FILE...\n", stderr);
		return 64;
	}
	for (r = 0; r < repeats; r++) {
		bytes = 0;
		t[r] = now_ns();
		for (i = optind; i < argc; i++) {
			int fd = open(argv[i], O_RDONLY | O_CLOEXEC);

			if (fd < 0) {
				fprintf(stderr, "rdtime: %s: %s\n", argv[i], strerror(errno));
				return 1;
			}
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				bytes += n;
			if (n < 0) {
				fprintf(stderr, "rdtime: %s: %s\n", argv[i], strerror(errno));
				return 1;
			}
			close(fd);
		}
		t[r] = now_ns() - t[r];
	}
	qsort(t, repeats, sizeof(t[0]), cmp);
	printf("rdtime passes=%d min_ns=%lld median_ns=%lld bytes=%lld\n", repeats, t[0],
	       t[repeats / 2], bytes);
	return 0;
}
