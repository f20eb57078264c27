// SPDX-License-Identifier: GPL-2.0
/*
 * memload - hold what tcpclose's memory grows with, so that the kernel's
 * memory can be read around it.
 *
 *   memload netns N          create N network namespaces and hold them
 *   memload ports BASE N     in the current namespace: a listener on each
 *                            of ports BASE..BASE+N-1 takes one connection
 *                            and closes it first (one TIME_WAIT, one table
 *                            entry per port); the listeners are closed
 *
 * Prints "memload ready" once done, then holds everything until stdin
 * reaches EOF.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void die(const char *what)
{
	fprintf(stderr, "memload: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fputs("usage: memload netns N | memload ports BASE N\n", stderr);
	exit(64);
}

static long num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 1 || v > max)
		usage();
	return v;
}

static void netns(long n)
{
	long i;

	/* Each one stays alive through its /proc/self/ns/net descriptor. */
	for (i = 0; i < n; i++) {
		if (unshare(CLONE_NEWNET))
			die("unshare");
		if (open("/proc/self/ns/net", O_RDONLY) < 0)
			die("open ns");
	}
}

static void ports(long base, long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, l, c, s;
	long p;
	char b;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (p = base; p < base + n; p++) {
		a.sin_port = htons(p);
		l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (l < 0 || c < 0)
			die("socket");
		if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
			die("listen");
		if (connect(c, (struct sockaddr *)&a, sizeof(a)))
			die("connect");
		s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			die("accept");
		close(s);
		if (read(c, &b, 1) != 0)
			die("read eof");
		close(c);
		close(l);
	}
}

int main(int argc, char **argv)
{
	char b;

	if (argc == 3 && !strcmp(argv[1], "netns"))
		netns(num(argv[2], 100000));
	else if (argc == 4 && !strcmp(argv[1], "ports"))
		ports(num(argv[2], 65535), num(argv[3], 65535));
	else
		usage();
	puts("memload ready");
	fflush(stdout);
	while (read(0, &b, 1) > 0)
		;
	return 0;
}
