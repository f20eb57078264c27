// SPDX-License-Identifier: GPL-2.0
/*
 * churn - short loopback TCP connections as fast as possible, for a fixed
 * time, on every CPU: the load under which tcpclose's probe runs most.
 *
 *   churn [-d SECONDS] [-j WORKERS] [-m server-first|client-first|mixed]
 *         [-p BASEPORT] [-a ADDRS] [-n CONNS [-c CLIENTPORT]]
 *
 * Each worker is a process with its own listener (BASEPORT + i) that
 * connects, accepts and closes one connection at a time: in server-first
 * the accepted side closes first (TIME_WAIT on the server), in client-first
 * the connecting side does, mixed alternates. No data is exchanged, so the
 * state changes are as large a share of the work as they can be. Workers
 * start together and stop at the same deadline; -n N instead makes each
 * worker do exactly N connections (for counting events per connection,
 * or for building up TIME_WAIT sockets). With -c, a worker's K-th client
 * binds port CLIENTPORT + K instead of an ephemeral one: the kernel picks
 * ephemeral ports with a random increment and may repeat one, and a SYN
 * on the 4-tuple of a TIME_WAIT socket recycles it. With -a N the
 * listeners bind every address and the K-th connection goes to
 * 127.0.0.(1 + K % N): N times the 4-tuples, so that a worker's
 * connections of the last 60 s (TIME_WAIT's length) never repeat one and
 * every TIME_WAIT socket lives to its expiry.
 * Prints one line:
 *   churn mode=M workers=W conns=N secs=S rate=R
 * with R in connections per second, all workers together.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

enum { SERVER_FIRST, CLIENT_FIRST, MIXED };
static const char *const mode_names[] = { "server-first", "client-first", "mixed" };

static void die(const char *what)
{
	fprintf(stderr, "churn: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fputs("usage: churn [-d SECONDS] [-j WORKERS] [-m server-first|client-first|mixed]"
	      " [-p BASEPORT] [-a ADDRS] [-n CONNS [-c CLIENTPORT]]\n", stderr);
	exit(64);
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage();
	return v;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static struct sockaddr_in addr(int port, unsigned int host)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK + host);
	return a;
}

static int listener(int port, int any)
{
	struct sockaddr_in a = addr(port, 0);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (any)
		a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind");
	if (listen(fd, SOMAXCONN))
		die("listen");
	return fd;
}

/* One connection; the side that closes first waits for nothing. */
static void one(int l, int port, unsigned int host, int server_first, int cport)
{
	struct sockaddr_in a = addr(port, host), ca = addr(cport, 0);
	int c, s, first, second, one = 1;
	char b;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		die("socket");
	/* Workers share the client ports, each with its own server port. */
	if (cport && (setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		      bind(c, (struct sockaddr *)&ca, sizeof(ca))))
		die("bind client port");
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		die("accept");
	first = server_first ? s : c;
	second = server_first ? c : s;
	close(first);
	/* The FIN is in once read() sees EOF: the close order is exact. */
	if (read(second, &b, 1) != 0)
		die("read eof");
	close(second);
}

static long worker(int i, int mode, double secs, long n, int port, int cport, int naddr,
		   int go)
{
	int l = listener(port, naddr > 1);
	double deadline;
	long done = 0;
	char b;

	if (read(go, &b, 1) != 1)	/* the start signal */
		die("start");
	deadline = now() + secs;
	for (;;) {
		if (n ? done >= n : ((done & 15) == 0 && now() >= deadline))
			break;
		one(l, port, done % naddr, mode == MIXED ? (done + i) & 1 : mode == SERVER_FIRST,
		    cport ? cport + done : 0);
		done++;
	}
	close(l);
	return done;
}

int main(int argc, char **argv)
{
	long workers = sysconf(_SC_NPROCESSORS_ONLN), n = 0, total = 0, got;
	int c, i, mode = MIXED, port = 20000, cport = 0, naddr = 1, go[2], res[2];
	double secs = 5, t0, t1;

	while ((c = getopt(argc, argv, "d:j:m:p:n:c:a:")) != -1) {
		switch (c) {
		case 'd': secs = num(optarg, 1, 3600); break;
		case 'j': workers = num(optarg, 1, 256); break;
		case 'p': port = num(optarg, 1, 65535 - 256); break;
		case 'n': n = num(optarg, 1, 100000000); break;
		case 'c': cport = num(optarg, 1, 65535); break;
		case 'a': naddr = num(optarg, 1, 254); break;
		case 'm':
			for (mode = 0; mode < 3; mode++)
				if (!strcmp(optarg, mode_names[mode]))
					break;
			if (mode == 3)
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc || workers < 1 || (cport && (!n || cport + n > 65536)))
		usage();
	if (pipe(go) || pipe(res))
		die("pipe");
	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(go[1]);
			got = worker(i, mode, secs, n, port + i, cport, naddr, go[0]);
			if (write(res[1], &got, sizeof(got)) != sizeof(got))
				die("result");
			_exit(0);
		}
	}
	close(go[0]);
	close(res[1]);
	usleep(200 * 1000);	/* every listener is up */
	t0 = now();
	for (i = 0; i < workers; i++)
		if (write(go[1], "g", 1) != 1)
			die("go");
	for (i = 0; i < workers; i++) {
		if (read(res[0], &got, sizeof(got)) != sizeof(got))
			die("worker failed");
		total += got;
	}
	t1 = now();
	while (wait(NULL) > 0)
		;
	printf("churn mode=%s workers=%ld conns=%ld secs=%.3f rate=%.1f\n",
	       mode_names[mode], workers, total, t1 - t0, total / (t1 - t0));
	return 0;
}
