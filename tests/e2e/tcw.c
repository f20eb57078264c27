// SPDX-License-Identifier: GPL-2.0
/*
 * tcw - deterministic TCP close-workload generator for the tcpclose e2e tests.
 *
 * Listener modes run server and client in one process, one connection at a
 * time, so the order of the calls below alone decides which side closes
 * first. Loopback delivers segments synchronously in practice; a final look
 * at /proc/net/tcp{,6} waits out any segment still in flight before "done"
 * is printed, so the states a test counts afterwards are final.
 * "tcw write" is a one-write() helper for testing the module's control files.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <net/if.h>
#include <linux/capability.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#ifndef TCP_REPAIR_OFF_NO_WP
#define TCP_REPAIR_OFF_NO_WP -1
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum mode {
	M_SERVER_FIRST, M_CLIENT_FIRST, M_LEAK, M_ABORT, M_CHURN, M_HALF_CLOSE,
	M_TW_RST, M_TW_KILL, M_ORPHAN_CLOSE, M_FW2_ABORT, M_FW2_UNREAD, M_FW2_RST,
	M_LAST_ACK_RST, M_SIMULTANEOUS, M_LAST_ACK_PILE
};

/* State numbers as printed in /proc/net/tcp (include/net/tcp_states.h). */
#define ST(s) (1u << (s))
#define FIN_WAIT2 ST(5)
#define TIME_WAIT ST(6)
#define CLOSE_WAIT ST(8)
#define LAST_ACK ST(9)
#define SETTLED (ST(7) | ST(10))	/* CLOSE, LISTEN */

/* final: states allowed to remain on PORT once done; all else is transit. */
static const struct {
	const char *name;
	unsigned int final;
} modes[] = {
	[M_SERVER_FIRST] = { "server-first", TIME_WAIT },
	[M_CLIENT_FIRST] = { "client-first", TIME_WAIT },
	[M_LEAK] = { "leak", FIN_WAIT2 | CLOSE_WAIT },
	[M_ABORT] = { "abort", 0 },
	[M_CHURN] = { "churn", TIME_WAIT },
	[M_HALF_CLOSE] = { "half-close", TIME_WAIT },
	[M_TW_RST] = { "tw-rst", TIME_WAIT },
	[M_TW_KILL] = { "tw-kill", TIME_WAIT },
	[M_ORPHAN_CLOSE] = { "orphan-close", TIME_WAIT },
	[M_FW2_ABORT] = { "fw2-abort", 0 },
	[M_FW2_UNREAD] = { "fw2-unread", 0 },
	[M_FW2_RST] = { "fw2-rst", 0 },
	[M_LAST_ACK_RST] = { "last-ack-rst", 0 },
	[M_SIMULTANEOUS] = { "simultaneous", TIME_WAIT },
	[M_LAST_ACK_PILE] = { "last-ack-pile", FIN_WAIT2 | LAST_ACK },
};

static struct {
	enum mode mode;
	int v6;
	long n, port, hold, dur, wait_ms, bind_base, bound;
	int acked;	/* leak -a: close() once our FIN is acknowledged */
	const char *ready;
} o = { .n = 10, .port = 5000, .dur = 5 };

static sigset_t stopsigs;

static void die(const char *what)
{
	fprintf(stderr, "tcw: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fputs("usage: tcw server-first|client-first|leak|abort|tw-kill [-6] [-n N] "
	      "[-p PORT] [-b CLIENTPORT] [-r READYFILE] [-h SECONDS]\n"
	      "       tcw leak -a ...: each client closes once its FIN is acknowledged\n"
	      "       tcw fw2-abort|fw2-unread|fw2-rst|last-ack-rst [-6] [-n N] [-p PORT]\n"
	      "       tcw tw-rst [-n N] [-p PORT] [-r READYFILE] [-h SECONDS]\n"
	      "       tcw half-close|orphan-close -w MS [-6] [-n N] [-p PORT] [-r READYFILE] "
	      "[-h SECONDS]\n"
	      "       tcw simultaneous [-6] [-n N] [-p PORT] (needs sch_netem)\n"
	      "       tcw last-ack-pile [-6] [-n N] [-p PORT] [-r READYFILE] [-h SECONDS] "
	      "(needs sch_netem)\n"
	      "       tcw churn [-6] [-d SECONDS] [-p PORT] [-r READYFILE] "
	      "[-h SECONDS]\n"
	      "       tcw listen0 [-6]\n"
	      "       tcw pass [-u UID] [-k] FILE STRING\n"
	      "       tcw spread [-6] -n N -p BASEPORT\n"
	      "       tcw dest [-6] -s ADDR [-p PORT] [-B BINDADDR] [-n N] [-f FAILS] "
	      "[-c client|server|orphan|hold] [-r READYFILE] [-h SECONDS]\n"
	      "       tcw open [-u UID] [-n N] [-r READYFILE] [-h SECONDS] FILE\n"
	      "       tcw write [-u UID] [-k] [-T] FILE STRING\n"
	      "       tcw write [-u UID] [-k] -s SIZE FILE\n"
	      "       tcw as [-u UID] [-k] COMMAND [ARG...]\n"
	      "       tcw pause-open PATH READYFILE COMMAND [ARG...]\n", stderr);
	exit(EX_USAGE);
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

static socklen_t loopback(struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (o.v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(o.port);
		a6->sin6_addr = in6addr_loopback;
		return sizeof(*a6);
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons(o.port);
	a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*a4);
}

/* A lost segment must fail the test, not hang it: bound every wait. */
static int new_socket(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(o.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
			0);

	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		die("setsockopt timeout");
	return fd;
}

static int listener(void)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(&ss);
	int one = 1, fd = new_socket();

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("setsockopt SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("bind");
	if (listen(fd, SOMAXCONN))
		die("listen");
	return fd;
}

/* With -b, client i binds port CLIENTPORT + i: the test knows every port. */
static int dial(void)
{
	struct sockaddr_storage ss, me;
	socklen_t len = loopback(&ss);
	int fd = new_socket();

	if (o.bind_base) {
		long port = o.bind_base + o.bound++;

		if (port > 65535) {
			errno = ERANGE;
			die("client port");
		}
		loopback(&me);
		if (o.v6)
			((struct sockaddr_in6 *)&me)->sin6_port = htons(port);
		else
			((struct sockaddr_in *)&me)->sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&me, len))
			die("bind client");
	}
	if (connect(fd, (struct sockaddr *)&ss, len))
		die("connect");
	return fd;
}

/* Accepted sockets inherit the listener's timeouts. */
static int take(int l)
{
	int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		die("accept");
	return fd;
}

static void put_byte(int fd)
{
	if (send(fd, "x", 1, MSG_NOSIGNAL) != 1)
		die("send");
}

/* Read 1 byte (want 1) or EOF (want 0); errno is EPROTO for a wrong count. */
static void expect(int fd, ssize_t want)
{
	char b;
	ssize_t r = read(fd, &b, 1);

	if (r == want)
		return;
	if (r >= 0)
		errno = EPROTO;
	die(want ? "read byte" : "read eof");
}

static void xclose(int fd)
{
	if (close(fd))
		die("close");
}

static void server_first(int l)
{
	int c = dial(), s = take(l);

	put_byte(s);
	xclose(s);
	expect(c, 1);
	expect(c, 0);	/* the server's FIN is in: we are in CLOSE_WAIT */
	xclose(c);
}

static void client_first(int l)
{
	int c = dial(), s = take(l);

	put_byte(s);
	expect(c, 1);
	xclose(c);
	expect(s, 0);	/* the client's FIN is in: server in CLOSE_WAIT */
	xclose(s);
}

/*
 * half-close: the client half-closes (shutdown, not close: its socket is
 * not orphaned, so it waits in a real FIN_WAIT2); orphan-close: the client
 * closes (what most applications do: the kernel hands the orphan's
 * FIN_WAIT2 to a timewait socket). Either way the server answers with its
 * own FIN only -w milliseconds after seeing the client's.
 */
static void half_close(int l)
{
	struct timespec ts = { o.wait_ms / 1000, o.wait_ms % 1000 * 1000000 };
	int c = dial(), s = take(l);

	if (o.mode == M_ORPHAN_CLOSE)
		xclose(c);
	else if (shutdown(c, SHUT_WR))
		die("shutdown");
	expect(s, 0);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	xclose(s);
	if (o.mode == M_ORPHAN_CLOSE)
		return;
	expect(c, 0);
	xclose(c);
}

/*
 * simultaneous: both ends shut down their sending side at once, so that
 * the two FINs cross: each end, in FIN_WAIT1, receives the other's FIN
 * before the ACK of its own (FIN_WAIT1 -> CLOSING -> TIME_WAIT on both
 * sides). Loopback delivers a segment within the sending call, so the
 * second FIN would find the first already processed: a netem qdisc on lo
 * (set up by run_listener) holds every segment NETEM_MS, and the two
 * shutdown() calls are made back to back. The first FIN arrives NETEM_MS
 * after it left, never earlier (no jitter), so the FINs cross whenever the
 * calls are less than that apart; tcw allows three quarters of it, and
 * fails rather than make some other close beyond that.
 */
/*
 * 200 ms: the 150 ms allowed between the two calls is more than a guest
 * slowed down by a loaded host takes (100 ms, with 50 ms allowed, could be
 * missed when the host held the emulator's thread off its CPU).
 */
#define NETEM_MS 200
#define NETEM_GAP_MS (NETEM_MS * 3 / 4)

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void simultaneous(int l)
{
	int c = dial(), s = take(l);
	long long t0, gap;

	t0 = mono_us();
	if (shutdown(c, SHUT_WR) || shutdown(s, SHUT_WR))
		die("shutdown");
	gap = mono_us() - t0;
	if (gap >= NETEM_GAP_MS * 1000) {
		fprintf(stderr, "tcw: the two FINs left %lld us apart, not within %d ms\n",
			gap, NETEM_GAP_MS);
		exit(2);
	}
	expect(c, 0);
	expect(s, 0);
	xclose(c);
	xclose(s);
}

/* Add (delay_ms > 0, or loss: drop every segment) or delete a root netem qdisc on lo. */
static void lo_netem_loss(int delay_ms, int loss)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
		char attrs[128];
	} req;
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
		char more[256];
	} ack;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct tc_netem_qopt qopt = {
		/* psched ticks of 64 ns (PSCHED_SHIFT 6) */
		.latency = (unsigned int)((long long)delay_ms * 1000000 >> 6),
		.limit = 1000,
		.loss = loss ? UINT32_MAX : 0,
	};
	struct rtattr *rta;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n;

	if (fd < 0)
		die("netlink socket");
	memset(&req, 0, sizeof(req));
	if (loss)
		delay_ms = 1;	/* "add" below; the latency does not matter */
	req.nh.nlmsg_type = delay_ms ? RTM_NEWQDISC : RTM_DELQDISC;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			     (delay_ms ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.tc));
	req.tc.tcm_family = AF_UNSPEC;
	req.tc.tcm_ifindex = if_nametoindex("lo");
	req.tc.tcm_parent = TC_H_ROOT;
	if (!req.tc.tcm_ifindex)
		die("if_nametoindex lo");
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = TCA_KIND;
	rta->rta_len = RTA_LENGTH(sizeof("netem"));
	memcpy(RTA_DATA(rta), "netem", sizeof("netem"));
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	if (delay_ms) {
		rta = (struct rtattr *)((char *)&req + req.nh.nlmsg_len);
		rta->rta_type = TCA_OPTIONS;
		rta->rta_len = RTA_LENGTH(sizeof(qopt));
		memcpy(RTA_DATA(rta), &qopt, sizeof(qopt));
		req.nh.nlmsg_len += RTA_ALIGN(rta->rta_len);
	}
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		die("netlink send");
	n = recv(fd, &ack, sizeof(ack), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(ack.err)) || ack.nh.nlmsg_type != NLMSG_ERROR)
		die("netlink reply");
	if (ack.err.error) {
		errno = -ack.err.error;
		die(delay_ms ? "netem qdisc on lo (insmod sch_netem?)" : "delete netem qdisc");
	}
	close(fd);
}

static void lo_netem(int delay_ms)
{
	lo_netem_loss(delay_ms, 0);
}

/* Wait until @fd's TCP state is @state: loopback ACKs are not instant. */
static void wait_state(int fd, unsigned int state)
{
	struct timespec ts = { .tv_nsec = 1000 * 1000 };
	struct tcp_info ti;
	socklen_t len;
	int i;

	for (i = 0; i < 10000; i++) {
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("TCP_INFO");
		if (ti.tcpi_state == state)
			return;
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	die("wait for state");
}

static void linger0(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		die("setsockopt SO_LINGER");
}

/* read() fails with ECONNRESET: the peer's RST is in (or, if allowed, EOF). */
static void expect_reset(int fd, int eof_ok)
{
	ssize_t r;
	char b;

	r = read(fd, &b, 1);
	if (r == 0 && eof_ok)
		return;
	if (r >= 0)
		errno = EPROTO;
	if (r >= 0 || errno != ECONNRESET)
		die("read reset");
}

/*
 * The client half-closes and sits in FIN_WAIT2; then it ends abnormally:
 *   fw2-abort   the client closes with SO_LINGER {1, 0}: an RST
 *   fw2-unread  the server sends a byte the client closes without reading:
 *               the kernel answers unread data with an RST
 *   fw2-rst     the server closes with SO_LINGER {1, 0}: the client's
 *               FIN_WAIT2 receives the RST
 */
static void fw2_end(int l)
{
	int c = dial(), s = take(l);
	char b;

	if (shutdown(c, SHUT_WR))
		die("shutdown");
	expect(s, 0);
	wait_state(c, 5);	/* TCP_FIN_WAIT2 */
	if (o.mode == M_FW2_RST) {
		linger0(s);
		xclose(s);
		expect_reset(c, 0);
		xclose(c);
		return;
	}
	if (o.mode == M_FW2_UNREAD) {
		put_byte(s);
		if (recv(c, &b, 1, MSG_PEEK) != 1)
			die("peek");
	} else {
		linger0(c);
	}
	xclose(c);
	/* read() says EOF (the FIN came first): the state says the RST is in. */
	wait_state(s, 7);	/* TCP_CLOSE */
	xclose(s);
}

/*
 * The accepted fd is never read nor closed until the hold ends. With -a,
 * the client closes only once the server has acknowledged its FIN
 * (shutdown(), FIN_WAIT2, close()): close() then hands the socket to
 * tcp_time_wait() itself. A plain close() leaves an orphan in FIN_WAIT1
 * whose ACK, if it comes while close() still owns the socket (a busy
 * host), arms a FIN_WAIT2 timer instead of a timewait socket: kernel
 * behaviour, but not one a test of tcp_max_tw_buckets can count on.
 */
static int leak(int l)
{
	int c = dial(), s = take(l);

	if (o.acked) {
		if (shutdown(c, SHUT_WR))
			die("shutdown");
		wait_state(c, 5);	/* TCP_FIN_WAIT2 */
	}
	xclose(c);
	return s;
}

static void abort_one(int l)
{
	int c = dial(), s = take(l);

	linger0(c);
	xclose(c);	/* zero linger: RST instead of FIN */
	expect_reset(s, 1);
	xclose(s);
}

/* A pending SIGTERM ends churn early: an unload test need not wait. */
static long churn(int l)
{
	struct timespec t0, t;
	sigset_t p;
	long n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 0;; n++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		sigpending(&p);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 >= o.dur * 1000 ||
		    sigismember(&p, SIGTERM) || sigismember(&p, SIGINT))
			return n;
		server_first(l);
	}
}

/*
 * tw-rst and tw-kill: server-first closes leave N TIME_WAIT sockets on the
 * server side, which are then ended early, by an in-window RST from the
 * client's address and port (what a reset from the peer looks like), or by
 * SOCK_DESTROY (what `ss -K` sends).
 */
struct tw_conn {
	unsigned short cport;	/* the client's port, host order */
	uint32_t rst_seq;	/* the server's rcv_nxt: the client's FIN + 1 */
};

/* write_seq, the sequence number the next segment (our FIN) will carry. */
static uint32_t send_seq(int fd)
{
	int on = 1, q = TCP_SEND_QUEUE, off = TCP_REPAIR_OFF_NO_WP;
	socklen_t len = sizeof(uint32_t);
	uint32_t seq;

	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	    getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, &len) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off)))
		die("TCP_REPAIR");
	return seq;
}

static void tw_conn(int l, struct tw_conn *tc)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int c = dial(), s = take(l);

	if (getsockname(c, (struct sockaddr *)&ss, &len))
		die("getsockname");
	tc->cport = ntohs(o.v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
			  ((struct sockaddr_in *)&ss)->sin_port);
	put_byte(s);
	xclose(s);
	expect(c, 1);
	expect(c, 0);
	tc->rst_seq = send_seq(c) + 1;
	xclose(c);
}

static uint16_t csum_add(uint32_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (; n > 1; n -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (n)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* A bare RST, client -> server, over a raw socket (IPv4 loopback). */
static void send_rst(const struct tw_conn *tc)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct {
		uint32_t src, dst;
		uint8_t zero, proto;
		uint16_t len;
	} __attribute__((packed)) ph = { htonl(INADDR_LOOPBACK), htonl(INADDR_LOOPBACK), 0,
					 IPPROTO_TCP, htons(sizeof(struct tcphdr)) };
	struct tcphdr th = { 0 };
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	uint32_t sum;

	if (fd < 0)
		die("raw socket");
	th.source = htons(tc->cport);
	th.dest = htons(o.port);
	th.seq = htonl(tc->rst_seq);
	th.doff = sizeof(th) / 4;
	th.rst = 1;
	sum = csum_add(0, &ph, sizeof(ph));
	th.check = htons(~csum_add(sum, &th, sizeof(th)));
	if (sendto(fd, &th, sizeof(th), 0, (struct sockaddr *)&dst, sizeof(dst)) != sizeof(th))
		die("send rst");
	close(fd);
}

/* SOCK_DESTROY of the socket with these ports: 0, or the kernel's errno. */
static int destroy(unsigned short sport, unsigned short dport)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DESTROY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		.r = { .sdiag_family = o.v6 ? AF_INET6 : AF_INET, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = ~0u },
	};
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		die("netlink socket");
	req.r.id.idiag_sport = htons(sport);
	req.r.id.idiag_dport = htons(dport);
	if (o.v6) {
		memcpy(req.r.id.idiag_src, &in6addr_loopback, 16);
		memcpy(req.r.id.idiag_dst, &in6addr_loopback, 16);
	} else {
		req.r.id.idiag_src[0] = htonl(INADDR_LOOPBACK);
		req.r.id.idiag_dst[0] = htonl(INADDR_LOOPBACK);
	}
	req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (send(fd, &req, sizeof(req), 0) != sizeof(req))
		die("send SOCK_DESTROY");
	if (recv(fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack) ||
	    ack.nh.nlmsg_type != NLMSG_ERROR)
		die("SOCK_DESTROY ack");
	close(fd);
	return -ack.err.error;
}

/*
 * Prints what the kernel said: "killed K" for SOCK_DESTROY with the first
 * error (EOPNOTSUPP: this kernel cannot destroy timewait sockets); an RST
 * gets no answer, the caller looks at the sockets.
 */
static void tw_end(struct tw_conn *tcs, long n)
{
	long i, killed = 0;
	int err, first = 0;

	for (i = 0; i < n; i++) {
		if (o.mode == M_TW_RST) {
			send_rst(&tcs[i]);
			continue;
		}
		err = destroy(o.port, tcs[i].cport);
		if (!err)
			killed++;
		else if (!first)
			first = err;
	}
	if (o.mode == M_TW_KILL)
		printf("tcw: destroyed %ld of %ld%s%s\n", killed, n, first ? ", first error " : "",
		       first ? strerror(first) : "");
}

/* Whether /proc/net/tcp{,6} has a socket LPORT -> RPORT in state ST. */
static int has_socket(unsigned int lport, unsigned int rport, unsigned int st)
{
	unsigned int l, r, s;
	char line[512];
	int found = 0;
	FILE *f = fopen(o.v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "re");

	if (!f)
		die("open /proc/net/tcp");
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x", &l, &r, &s) == 3 &&
			l == lport && r == rport && s == st;
	fclose(f);
	return found;
}

/*
 * The client closes (an orphan, handed to a timewait socket in FIN_WAIT2
 * once the server ACKs its FIN), that timewait socket is destroyed as
 * ss -K would, and then the server closes: its FIN finds no socket, the
 * kernel answers with an RST, and the server's LAST_ACK ends with it.
 */
static void last_ack_rst(int l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct timespec ts = { .tv_nsec = 1000 * 1000 };
	int c = dial(), s = take(l), i, err;
	unsigned short cport;

	if (getsockname(c, (struct sockaddr *)&ss, &len))
		die("getsockname");
	cport = ntohs(o.v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
		      ((struct sockaddr_in *)&ss)->sin_port);
	/*
	 * close() once our FIN is acknowledged, so that it makes the
	 * timewait socket itself: an orphan's ACK that came while close()
	 * still owned it (a loaded host) left a full FIN_WAIT2 socket on a
	 * timer instead, which SOCK_DESTROY below did not find (6.1).
	 */
	if (shutdown(c, SHUT_WR))
		die("shutdown");
	wait_state(c, 5);	/* TCP_FIN_WAIT2 */
	xclose(c);
	expect(s, 0);
	for (i = 0; i < 10000 && !has_socket(cport, o.port, 5); i++)
		nanosleep(&ts, NULL);
	err = destroy(cport, o.port);
	if (err) {
		errno = err;
		die("SOCK_DESTROY of the client's timewait socket");
	}
	xclose(s);
}

/*
 * last-ack-pile: N clients half-close (shutdown: they wait in FIN_WAIT2,
 * not orphaned), their servers see EOF; then lo drops every segment and
 * the servers close: each FIN is lost, so each server socket waits in
 * LAST_ACK, retransmitting, as behind a peer or middlebox that forgot the
 * connection. FDS gets the clients' descriptors, closed after the hold.
 */
static void last_ack_pile(int l, int *fds)
{
	int *s = calloc(o.n + 1, sizeof(*s));
	long i;

	if (!s)
		die("calloc");
	for (i = 0; i < o.n; i++) {
		fds[i] = dial();
		s[i] = take(l);
		if (shutdown(fds[i], SHUT_WR))
			die("shutdown");
		expect(s[i], 0);
		wait_state(fds[i], 5);	/* TCP_FIN_WAIT2: our FIN was ACKed */
	}
	lo_netem_loss(0, 1);
	for (i = 0; i < o.n; i++)
		xclose(s[i]);
	free(s);
}

/* Count sockets on PORT in a state the mode does not end in. */
static int unsettled(void)
{
	unsigned int ok = modes[o.mode].final | SETTLED;
	unsigned int lport, rport, st;
	char line[512];
	int bad = 0;
	FILE *f = fopen(o.v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "re");

	if (!f)
		return 0;	/* no procfs: trust loopback ordering */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x",
			   &lport, &rport, &st) != 3)
			continue;
		if (lport != o.port && rport != o.port)
			continue;
		if (st >= 32 || !(ok & ST(st)))
			bad++;
	}
	fclose(f);
	return bad;
}

static void settle(void)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	int i, bad = 0;

	for (i = 0; i < 300; i++) {
		bad = unsettled();
		if (!bad)
			return;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "tcw: warning: %d sockets on port %ld not settled\n",
		bad, o.port);
}

/* Written aside and renamed so a poller never sees a half-made file. */
static void mark_ready(const char *path)
{
	char tmp[PATH_MAX];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "ready\n", 6) != 6 || close(fd) ||
	    rename(tmp, path))
		die("ready file");
}

/* SIGTERM/SIGINT are blocked since start, so none can slip by unseen. */
static void hold(void)
{
	struct timespec ts = { .tv_sec = o.hold };

	if (o.hold <= 0)
		return;
	while (sigtimedwait(&stopsigs, NULL, &ts) < 0 && errno == EINTR)
		;
}

static int run_listener(void)
{
	int l = listener(), *fds = NULL;
	struct tw_conn *tcs = NULL;
	long i, done = o.n;

	if ((o.mode == M_LEAK || o.mode == M_LAST_ACK_PILE) &&
	    !(fds = calloc(o.n + 1, sizeof(*fds))))
		die("calloc");
	if ((o.mode == M_TW_RST || o.mode == M_TW_KILL) && !(tcs = calloc(o.n + 1, sizeof(*tcs))))
		die("calloc");
	if (o.mode == M_CHURN)
		done = churn(l);
	if (o.mode == M_SIMULTANEOUS)
		lo_netem(NETEM_MS);
	if (o.mode == M_LAST_ACK_PILE)
		last_ack_pile(l, fds);
	for (i = 0; o.mode != M_CHURN && o.mode != M_LAST_ACK_PILE && i < o.n; i++) {
		if (o.mode == M_SERVER_FIRST)
			server_first(l);
		else if (o.mode == M_CLIENT_FIRST)
			client_first(l);
		else if (o.mode == M_LEAK)
			fds[i] = leak(l);
		else if (o.mode == M_HALF_CLOSE || o.mode == M_ORPHAN_CLOSE)
			half_close(l);
		else if (o.mode == M_FW2_ABORT || o.mode == M_FW2_UNREAD || o.mode == M_FW2_RST)
			fw2_end(l);
		else if (o.mode == M_LAST_ACK_RST)
			last_ack_rst(l);
		else if (o.mode == M_SIMULTANEOUS)
			simultaneous(l);
		else if (tcs)
			tw_conn(l, &tcs[i]);
		else
			abort_one(l);
	}
	if (tcs) {
		settle();
		tw_end(tcs, o.n);
		free(tcs);
	}
	settle();
	if (o.mode == M_SIMULTANEOUS)
		lo_netem(0);
	printf("tcw: %s done %ld\n", modes[o.mode].name, done);
	fflush(stdout);
	if (o.ready)
		mark_ready(o.ready);
	hold();
	for (i = 0; fds && i < o.n; i++)
		close(fds[i]);
	close(l);
	return 0;
}

static void parse_listener(int argc, char **argv)
{
	int c;

	optind = 2;
	while ((c = getopt(argc, argv, "+6an:p:r:h:d:w:b:")) != -1) {
		switch (c) {
		case '6': o.v6 = 1; break;
		case 'a': o.acked = 1; break;
		case 'n': o.n = num(optarg, 0, 1000000); break;
		case 'p': o.port = num(optarg, 1, 65535); break;
		case 'r': o.ready = optarg; break;
		case 'h': o.hold = num(optarg, 0, INT_MAX); break;
		case 'd': o.dur = num(optarg, 0, INT_MAX / 1000); break;
		case 'w': o.wait_ms = num(optarg, 0, 600000); break;
		case 'b': o.bind_base = num(optarg, 1, 65535); break;
		default: usage();
		}
	}
	if (optind != argc || (o.mode == M_TW_RST && o.v6) || (o.acked && o.mode != M_LEAK))
		usage();
}

/* ---- write mode ---- */

#define E(x) { x, #x }
static const struct {
	int no;
	const char *name;
} errnames[] = {
	E(EINVAL), E(EPERM), E(EACCES), E(ENOENT), E(EFAULT), E(ENOSPC),
	E(EIO), E(EBADF), E(EBUSY), E(EEXIST), E(E2BIG), E(ERANGE),
	E(EMSGSIZE), E(ENODEV), E(ENXIO), E(EAGAIN), E(EROFS), E(EISDIR),
	E(ENOMEM), E(EOPNOTSUPP), E(EMFILE), E(ENFILE),
};

static const char *errname(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].no == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

static int report_err(int err)
{
	printf("err %s\n", errname(err));
	return 1;
}

/* Decode \n \t \0 \\ \xHH; any other escaped char stands for itself. */
static size_t unescape(const char *s, char *out)
{
	char hex[3] = "";
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s++;
			continue;
		}
		s++;
		if (*s == 'x' && isxdigit((unsigned char)s[1])) {
			hex[0] = s[1];
			hex[1] = isxdigit((unsigned char)s[2]) ? s[2] : 0;
			out[n++] = (char)strtol(hex, NULL, 16);
			s += 1 + strlen(hex);
			continue;
		}
		out[n++] = *s == 'n' ? '\n' : *s == 't' ? '\t' :
			   *s == '0' ? '\0' : *s;
		s++;
	}
	return n;
}

/* Root stays root but loses CAP_NET_ADMIN everywhere (ambient follows). */
static void drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	unsigned int i = CAP_TO_INDEX(CAP_NET_ADMIN);
	unsigned int bit = CAP_TO_MASK(CAP_NET_ADMIN);

	if (prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0))
		die("prctl PR_CAPBSET_DROP");
	if (syscall(SYS_capget, &hdr, d))
		die("capget");
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, d))
		die("capset");
}

/* Without PR_SET_KEEPCAPS, leaving uid 0 clears every capability set. */
static void drop_to(long uid)
{
	if (setgroups(0, NULL))
		die("setgroups");
	if (setgid(uid))
		die("setgid");
	if (setuid(uid))
		die("setuid");
}

static int run_write(int argc, char **argv)
{
	long uid = -1, size = -1;
	int c, fd, keep = 0, timed = 0;
	struct timespec t0, t1;
	size_t len;
	ssize_t r;
	char *buf;

	optind = 2;
	while ((c = getopt(argc, argv, "+u:s:kT")) != -1) {
		switch (c) {
		case 'T': timed = 1; break;
		case 'u': uid = num(optarg, 0, 4294967294L); break;
		case 's': size = num(optarg, 0, 64L << 20); break;
		case 'k': keep = 1; break;
		default: usage();
		}
	}
	if (argc - optind != (size < 0 ? 2 : 1))
		usage();
	len = size < 0 ? strlen(argv[optind + 1]) : (size_t)size;
	buf = malloc(len + 1);
	if (!buf)
		die("malloc");
	if (size < 0)
		len = unescape(argv[optind + 1], buf);
	else
		memset(buf, 'x', len);
	if (keep)
		drop_net_admin();	/* first: needs CAP_SETPCAP */
	if (uid >= 0)
		drop_to(uid);
	fd = open(argv[optind], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return report_err(errno);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = write(fd, buf, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r < 0)
		return report_err(errno);
	close(fd);
	if (timed)
		printf("ok %zd in %ld us\n", r, (long)((t1.tv_sec - t0.tv_sec) * 1000000 +
							(t1.tv_nsec - t0.tv_nsec) / 1000));
	else
		printf("ok %zd\n", r);
	return 0;
}

/* [-u UID] [-k], the privilege drops of "as" and "pass": sets optind. */
static void parse_drops(int argc, char **argv, long *uid, int *keep)
{
	int c;

	optind = 2;
	while ((c = getopt(argc, argv, "+u:k")) != -1) {
		switch (c) {
		case 'u': *uid = num(optarg, 0, 4294967294L); break;
		case 'k': *keep = 1; break;
		default: usage();
		}
	}
}

/* Run a command with the same privilege drops as write (for reads). */
static int run_as(int argc, char **argv)
{
	long uid = -1;
	int keep = 0;

	parse_drops(argc, argv, &uid, &keep);
	if (optind >= argc)
		usage();
	if (keep)
		drop_net_admin();
	if (uid >= 0)
		drop_to(uid);
	execvp(argv[optind], argv + optind);
	die(argv[optind]);
	return 2;
}

/*
 * tcw pass [-u UID] [-k] FILE STRING: a child, as UID or (-k) root without
 * CAP_NET_ADMIN, opens FILE for writing and hands the descriptor over a
 * UNIX socket to this process, root with every capability, which writes
 * STRING with it: the opener's privilege must count, not only the
 * writer's. Prints "ok N" or "err E" for the write, "open err E" when the
 * child could not open.
 */
static int run_pass(int argc, char **argv)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	int keep = 0, sv[2], fd, err = 0, status;
	long uid = -1;
	ssize_t r;
	pid_t pid;

	parse_drops(argc, argv, &uid, &keep);
	if (argc - optind != 2)
		usage();
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	iov.iov_base = &err;
	iov.iov_len = sizeof(err);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (keep)
			drop_net_admin();
		if (uid >= 0)
			drop_to(uid);
		fd = open(argv[optind], O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
		} else {
			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof(cbuf);
			cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
		_exit(sendmsg(sv[1], &msg, 0) == sizeof(err) ? 0 : 1);
	}
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	r = recvmsg(sv[0], &msg, 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    r != sizeof(err))
		die("the opening child");
	if (err) {
		printf("open ");
		return report_err(err);
	}
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		die("no descriptor passed");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	r = write(fd, argv[optind + 1], strlen(argv[optind + 1]));
	if (r < 0)
		return report_err(errno);
	printf("ok %zd\n", r);
	return 0;
}

/*
 * tcw listen0 [-6]: bind(port 0) + listen() + close(), the way a program
 * asks the kernel for a listening port; prints "tcw: listened on PORT".
 */
static int run_listen0(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (argc > 3 || (argc == 3 && strcmp(argv[2], "-6")))
		usage();
	o.v6 = argc == 3;
	o.port = 0;
	len = loopback(&ss);
	fd = new_socket();
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 1))
		die("bind 0 + listen");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	printf("tcw: listened on %u\n", ntohs(o.v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
					      ((struct sockaddr_in *)&ss)->sin_port));
	xclose(fd);
	return 0;
}

/*
 * tcw open [-u UID] [-n N] [-r READYFILE] [-h SECONDS] FILE: open FILE N
 * times for reading and keep every descriptor (each open of a tcpclose
 * file is a snapshot) until SIGTERM or the hold ends; prints "opened K of
 * N" and the first error, if any. After an error the descriptors are
 * closed before anything else: in a memory cgroup at its limit, the next
 * allocation of this process (the output's page cache) would wake the
 * OOM killer, which is not the open's doing.
 */
static int run_open(int argc, char **argv)
{
	long uid = -1, i, n = 1;
	int c, err = 0, first, last = -1;

	optind = 2;
	while ((c = getopt(argc, argv, "+u:n:r:h:")) != -1) {
		switch (c) {
		case 'u': uid = num(optarg, 0, 4294967294L); break;
		case 'n': n = num(optarg, 1, 1000000); break;
		case 'r': o.ready = optarg; break;
		case 'h': o.hold = num(optarg, 0, INT_MAX); break;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stopsigs, NULL))
		die("sigprocmask");
	if (uid >= 0)
		drop_to(uid);
	/* Descriptors are allocated lowest first: ours are (first, last]. */
	first = dup(0);
	if (first < 0)
		die("dup");
	close(first);
	first--;
	for (i = 0; i < n; i++) {
		int fd = open(argv[optind], O_RDONLY);

		if (fd < 0) {
			err = errno;
			break;
		}
		last = fd;
	}
	for (; err && last > first; last--)
		close(last);
	printf("tcw: opened %ld of %ld%s%s\n", i, n, err ? ", first error " : "",
	       err ? errname(err) : "");
	fflush(stdout);
	if (o.ready)
		mark_ready(o.ready);
	hold();
	return 0;
}

/* tcw spread -n N -p BASE: one server-first close on each of N ports. */
static int run_spread(int argc, char **argv)
{
	long base, i;
	int l;

	parse_listener(argc, argv);
	base = o.port;
	if (base + o.n - 1 > 65535)
		usage();
	for (i = 0; i < o.n; i++) {
		o.port = base + i;
		l = listener();
		server_first(l);
		xclose(l);
	}
	printf("tcw: spread done %ld\n", o.n);
	return 0;
}

/*
 * tcw dest -s ADDR -p PORT: connections to a listener of its own on
 * ADDR:PORT until N are made or FAILS connect()s found no local port
 * (EADDRNOTAVAIL; with -B, bind(BINDADDR, 0) before each connect(), whose
 * EADDRINUSE counts too). -c says what each connection leaves: client
 * (the client closes first: TIME_WAIT on the client), server (the server
 * closes first and the client keeps its socket: CLOSE_WAIT), orphan (the
 * client closes first, the server keeps its socket: the client's orphan
 * waits in FIN_WAIT2, in a timewait socket), hold (both open: ESTABLISHED). Prints what it counted, then holds its sockets.
 */
static int dest_addr(const char *s, struct sockaddr_storage *ss, int port)
{
	struct sockaddr_in6 *a6 = (void *)ss;
	struct sockaddr_in *a4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (o.v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return inet_pton(AF_INET6, s, &a6->sin6_addr) == 1 ? 0 : -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons(port);
	return inet_pton(AF_INET, s, &a4->sin_addr) == 1 ? 0 : -1;
}

static int run_dest(int argc, char **argv)
{
	const char *server = NULL, *bindaddr = NULL, *close_by = "client";
	long fails = 0, made = 0, noaddr = 0, inuse = 0;
	struct sockaddr_storage sa, ba;
	socklen_t len;
	struct rlimit rl;
	int c, l, one = 1;
	char buf[1];

	optind = 2;
	o.n = 1000000;
	while ((c = getopt(argc, argv, "+6s:p:B:n:f:c:r:h:")) != -1) {
		switch (c) {
		case '6': o.v6 = 1; break;
		case 's': server = optarg; break;
		case 'p': o.port = num(optarg, 1, 65535); break;
		case 'B': bindaddr = optarg; break;
		case 'n': o.n = num(optarg, 0, 1000000); break;
		case 'f': fails = num(optarg, 0, 1000000); break;
		case 'c': close_by = optarg; break;
		case 'r': o.ready = optarg; break;
		case 'h': o.hold = num(optarg, 0, INT_MAX); break;
		default: usage();
		}
	}
	if (optind != argc || !server || dest_addr(server, &sa, o.port) ||
	    (bindaddr && dest_addr(bindaddr, &ba, 0)) ||
	    (strcmp(close_by, "client") && strcmp(close_by, "server") && strcmp(close_by, "hold") &&
	     strcmp(close_by, "orphan")))
		usage();
	len = o.v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stopsigs, NULL))
		die("sigprocmask");

	l = socket(sa.ss_family, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (void *)&sa, len) || listen(l, 4096))
		die("listener");
	while (made < o.n && (!fails || noaddr + inuse < fails)) {
		int s = socket(sa.ss_family, SOCK_STREAM, 0), a;

		if (s < 0)
			die("socket");
		if (bindaddr && bind(s, (void *)&ba, len)) {
			if (errno != EADDRINUSE)
				die("bind");
			inuse++;
			close(s);
			continue;
		}
		if (connect(s, (void *)&sa, len)) {
			if (errno != EADDRNOTAVAIL)
				die("connect");
			noaddr++;
			close(s);
			continue;
		}
		a = accept(l, NULL, NULL);
		if (a < 0)
			die("accept");
		made++;
		if (!strcmp(close_by, "client")) {
			close(s);
			if (read(a, buf, 1) != 0)
				die("read");
			close(a);
		} else if (!strcmp(close_by, "orphan")) {
			close(s);
		} else if (!strcmp(close_by, "server")) {
			close(a);
			if (read(s, buf, 1) != 0)
				die("read");
		}
	}
	printf("tcw: dest connected %ld eaddrnotavail %ld eaddrinuse %ld\n", made, noaddr, inuse);
	fflush(stdout);
	if (o.ready)
		mark_ready(o.ready);
	hold();
	return 0;
}

/*
 * tcw pause-open PATH READYFILE COMMAND [ARG...]: run COMMAND under ptrace
 * and stop it as it is about to open PATH (exactly that string, its first
 * open), create READYFILE and wait until it has been removed, then let the
 * command go on untraced. Exits with the command's status; 125 if it never
 * opened PATH. So a test can make something happen between two steps of a
 * program deterministically, e.g. a namespace end between the moment a
 * reader listed it and the moment it opens its file. x86_64 only.
 */
static int run_pause_open(int argc, char **argv)
{
	char got[PATH_MAX];
	int st, sig = 0, paused = 0;
	pid_t pid;
	long i;

	if (argc < 5)
		usage();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			die("PTRACE_TRACEME");
		raise(SIGSTOP);
		execvp(argv[4], argv + 4);
		die("exec");
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		die("waitpid");
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)))
		die("PTRACE_SETOPTIONS");
	for (;;) {
		struct user_regs_struct regs;
		unsigned long addr;

		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig))
			die("PTRACE_SYSCALL");
		sig = 0;
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid");
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			/* An exec event is ours; any other signal is the command's. */
			if (st >> 8 != (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
				sig = WSTOPSIG(st);
			continue;
		}
		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs))
			die("PTRACE_GETREGS");
		/* At the entry of a system call, rax holds -ENOSYS. */
		if (regs.rax != (unsigned long long)-ENOSYS ||
		    (regs.orig_rax != SYS_open && regs.orig_rax != SYS_openat))
			continue;
		addr = regs.orig_rax == SYS_open ? regs.rdi : regs.rsi;
		for (i = 0; i < (long)sizeof(got); i += sizeof(long)) {
			long w;

			errno = 0;
			w = ptrace(PTRACE_PEEKDATA, pid, (void *)(addr + i), NULL);
			if (errno)
				break;
			memcpy(got + i, &w, sizeof(w) <= sizeof(got) - i ? sizeof(w) : sizeof(got) - i);
			if (memchr(&w, '\0', sizeof(w)))
				break;
		}
		got[sizeof(got) - 1] = '\0';
		if (strcmp(got, argv[2]))
			continue;
		mark_ready(argv[3]);
		for (i = 0; access(argv[3], F_OK) == 0; i++) {
			if (i >= 60000)
				die("pause-open: READYFILE still there after 600 s");
			usleep(10000);
		}
		paused = 1;
		if (ptrace(PTRACE_DETACH, pid, NULL, NULL))
			die("PTRACE_DETACH");
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid");
		break;
	}
	if (!paused) {
		fprintf(stderr, "tcw: pause-open: %s was never opened\n", argv[2]);
		return 125;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The commands other than the close workloads (modes[]). */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "write", run_write }, { "as", run_as }, { "listen0", run_listen0 },
	{ "open", run_open }, { "pass", run_pass }, { "spread", run_spread },
	{ "dest", run_dest },
	{ "pause-open", run_pause_open },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		usage();
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc, argv);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(argv[1], modes[i].name))
			break;
	if (i == ARRAY_SIZE(modes))
		usage();
	o.mode = i;
	parse_listener(argc, argv);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stopsigs, NULL))
		die("sigprocmask");
	return run_listener();
}
