// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "tcpclose": the module's pure logic and its counter table,
 * linked from the very objects tcpclose.ko is built from.
 *
 * Expected values are written out here independently of the code under
 * test: the transition table below is the README's, not classify.h's.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <net/tcp_states.h>
#include <net/ipv6.h>
#include "tcpclose.h"
#include "classify.h"
#include "table.h"
#include "track.h"
#include "hist.h"
#include "pool.h"
#include "compat.h"
#include "version.h"
#include "dest.h"

#define TCPCLOSE_NSTATES TCP_NEW_SYN_RECV	/* states 1..12 */

static const char *const tcpclose_state_names[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV", [TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2", [TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK", [TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING", [TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

/* ---- transitions: every (oldstate, newstate) pair ---- */

struct tcpclose_transition {
	int oldstate, newstate;
	enum tcpclose_event ev;
	enum tcpclose_counter counter;
};

/* The only pairs that mean something; all other 131 mean nothing. */
static const struct tcpclose_transition tcpclose_counted[] = {
	{ TCP_ESTABLISHED, TCP_FIN_WAIT1, TCPCLOSE_EV_COUNT, TCPCLOSE_ACTIVE },
	{ TCP_SYN_RECV, TCP_FIN_WAIT1, TCPCLOSE_EV_COUNT, TCPCLOSE_ACTIVE },
	{ TCP_ESTABLISHED, TCP_CLOSE_WAIT, TCPCLOSE_EV_COUNT, TCPCLOSE_PASSIVE },
	{ TCP_SYN_RECV, TCP_CLOSE_WAIT, TCPCLOSE_EV_COUNT, TCPCLOSE_PASSIVE },
	{ TCP_FIN_WAIT1, TCP_CLOSING, TCPCLOSE_EV_COUNT, TCPCLOSE_SIMULTANEOUS },
	{ TCP_ESTABLISHED, TCP_CLOSE, TCPCLOSE_EV_END },
	{ TCP_CLOSE_WAIT, TCP_CLOSE, TCPCLOSE_EV_END },
	{ TCP_FIN_WAIT1, TCP_CLOSE, TCPCLOSE_EV_END },
	{ TCP_FIN_WAIT2, TCP_CLOSE, TCPCLOSE_EV_END },
	{ TCP_CLOSING, TCP_CLOSE, TCPCLOSE_EV_END },
	{ TCP_LAST_ACK, TCP_CLOSE, TCPCLOSE_EV_END },
	{ TCP_LISTEN, TCP_SYN_RECV, TCPCLOSE_EV_LISTEN },
	{ TCP_LISTEN, TCP_CLOSE, TCPCLOSE_EV_UNLISTEN },
	{ TCP_SYN_SENT, TCP_CLOSE, TCPCLOSE_EV_UNCONNECT },
};

/* One byte per pair: the generator only needs distinct addresses. */
static const u8 tcpclose_pairs[TCPCLOSE_NSTATES * TCPCLOSE_NSTATES];

static void tcpclose_pair_of(const u8 *p, int *oldstate, int *newstate)
{
	unsigned int i = p - tcpclose_pairs;

	*oldstate = i / TCPCLOSE_NSTATES + 1;
	*newstate = i % TCPCLOSE_NSTATES + 1;
}

static const void *tcpclose_pair_gen(const void *prev, char *desc)
{
	const u8 *p = prev ? (const u8 *)prev + 1 : tcpclose_pairs;
	int o, n;

	if (p >= tcpclose_pairs + ARRAY_SIZE(tcpclose_pairs))
		return NULL;
	tcpclose_pair_of(p, &o, &n);
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s->%s", tcpclose_state_names[o],
		 tcpclose_state_names[n]);
	return p;
}

static void tcpclose_classify_pairs(struct kunit *test)
{
	struct tcpclose_transition want = { .ev = TCPCLOSE_EV_NONE };
	enum tcpclose_counter got_counter = TCPCLOSE_NR_COUNTERS;
	enum tcpclose_event got;
	unsigned int i;
	int o, n;

	tcpclose_pair_of(test->param_value, &o, &n);
	for (i = 0; i < ARRAY_SIZE(tcpclose_counted); i++)
		if (tcpclose_counted[i].oldstate == o && tcpclose_counted[i].newstate == n)
			want = tcpclose_counted[i];
	got = tcpclose_classify(o, n, &got_counter);
	KUNIT_EXPECT_EQ(test, got, want.ev);
	if (want.ev == TCPCLOSE_EV_COUNT)
		KUNIT_EXPECT_EQ(test, got_counter, want.counter);
}

/* ---- how a connection ended: one name per end ---- */

#define ERR TCPCLOSE_END_ERR
#define FIN TCPCLOSE_END_PEER_FIN
#define TW TCPCLOSE_END_TW
#define TASK TCPCLOSE_END_TASK
#define L2 TCPCLOSE_END_LINGER2
#define NORMAL TCPCLOSE_NR_COUNTERS

struct tcpclose_end_case {
	const char *desc;
	int oldstate;
	unsigned int why;
	enum tcpclose_counter want;
};

static const struct tcpclose_end_case tcpclose_end_cases[] = {
	/* FIN_WAIT2: normal, handed over, timed out, aborted or reset */
	{ "fw2-peer-fin-softirq", TCP_FIN_WAIT2, FIN, NORMAL },
	{ "fw2-peer-fin-backlog", TCP_FIN_WAIT2, FIN | TASK, NORMAL },
	{ "fw2-orphan-to-timewait", TCP_FIN_WAIT2, TW, NORMAL },
	{ "fw2-orphan-to-timewait-on-close", TCP_FIN_WAIT2, TW | TASK, NORMAL },
	{ "fw2-tw-overflow", TCP_FIN_WAIT2, TW, NORMAL },
	{ "fw2-keepalive-timeout", TCP_FIN_WAIT2, 0, TCPCLOSE_FIN_WAIT2_TIMEOUTS },
	{ "fw2-linger0-close", TCP_FIN_WAIT2, TASK, TCPCLOSE_LOCAL_ABORTS },
	{ "fw2-unread-close", TCP_FIN_WAIT2, TASK, TCPCLOSE_LOCAL_ABORTS },
	{ "fw2-linger2-negative-on-ack", TCP_FIN_WAIT2, L2, TCPCLOSE_LOCAL_ABORTS },
	{ "fw2-linger2-negative-timer", TCP_FIN_WAIT2, L2 | TW, NORMAL },
	{ "fw2-rst", TCP_FIN_WAIT2, ERR, TCPCLOSE_RESET },
	{ "fw2-rst-backlog", TCP_FIN_WAIT2, ERR | TASK, TCPCLOSE_RESET },
	/* before our FIN, or before the application's close() */
	{ "est-rst", TCP_ESTABLISHED, ERR, TCPCLOSE_RESET },
	{ "est-retransmit-timeout", TCP_ESTABLISHED, ERR, TCPCLOSE_RESET },
	{ "est-linger0", TCP_ESTABLISHED, TASK, TCPCLOSE_LOCAL_ABORTS },
	{ "est-unread-close", TCP_ESTABLISHED, TASK, TCPCLOSE_LOCAL_ABORTS },
	{ "cw-rst", TCP_CLOSE_WAIT, ERR, TCPCLOSE_RESET },
	{ "cw-linger0", TCP_CLOSE_WAIT, TASK, TCPCLOSE_LOCAL_ABORTS },
	{ "fw1-rst", TCP_FIN_WAIT1, ERR, TCPCLOSE_RESET },
	{ "fw1-orphan-limit", TCP_FIN_WAIT1, 0, TCPCLOSE_RESET },
	{ "fw1-linger0", TCP_FIN_WAIT1, TASK, TCPCLOSE_LOCAL_ABORTS },
	/* the last ACK of a close, or an RST instead of it */
	{ "last-ack-acked", TCP_LAST_ACK, 0, NORMAL },
	{ "last-ack-acked-backlog", TCP_LAST_ACK, TASK, NORMAL },
	{ "last-ack-rst", TCP_LAST_ACK, ERR, TCPCLOSE_RESET },
	{ "last-ack-retransmit-timeout", TCP_LAST_ACK, ERR | FIN, TCPCLOSE_RESET },
	{ "closing-acked", TCP_CLOSING, FIN, NORMAL },
	{ "closing-rst", TCP_CLOSING, ERR | FIN, TCPCLOSE_RESET },
};

#undef ERR
#undef FIN
#undef TW
#undef TASK
#undef L2
#undef NORMAL

KUNIT_ARRAY_PARAM_DESC(tcpclose_end, tcpclose_end_cases, desc);

static void tcpclose_end_names(struct kunit *test)
{
	const struct tcpclose_end_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcpclose_end_of(c->oldstate, c->why), c->want);
}

static void tcpclose_kill_reasons(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_timewait_state_process", false),
			TCPCLOSE_TW_KILLED_RST);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_timewait_state_process", true),
			TCPCLOSE_TW_KILLED_RST);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_v4_rcv", false), TCPCLOSE_TW_KILLED_REUSE);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_v6_rcv", true), TCPCLOSE_TW_KILLED_RST);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("__inet_hash_connect", false),
			TCPCLOSE_TW_KILLED_REUSE);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("__inet_check_established.isra.0", false),
			TCPCLOSE_TW_KILLED_REUSE);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_abort", true), TCPCLOSE_TW_KILLED_ABORT);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_abort [tcp_diag]", false),
			TCPCLOSE_TW_KILLED_ABORT);
	/* Not a prefix match, and anything else is no reason. */
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_aborted", false), TCPCLOSE_NR_COUNTERS);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("tcp_v4", false), TCPCLOSE_NR_COUNTERS);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("inet_twsk_purge", false), TCPCLOSE_NR_COUNTERS);
	KUNIT_EXPECT_EQ(test, tcpclose_kill_reason("", false), TCPCLOSE_NR_COUNTERS);
}

/* ---- live socket state -> gauge ---- */

struct tcpclose_gauge_case {
	const char *desc;
	int state, substate, gauge;
};

static const struct tcpclose_gauge_case tcpclose_gauge_cases[] = {
	{ "timewait/TIME_WAIT", TCP_TIME_WAIT, TCP_TIME_WAIT, TCPCLOSE_G_TIME_WAIT },
	{ "timewait/FIN_WAIT2-orphan", TCP_TIME_WAIT, TCP_FIN_WAIT2, TCPCLOSE_G_FIN_WAIT2 },
	{ "timewait/other-substate", TCP_TIME_WAIT, TCP_CLOSING, -1 },
	{ "CLOSE_WAIT", TCP_CLOSE_WAIT, 0, TCPCLOSE_G_CLOSE_WAIT },
	{ "FIN_WAIT1", TCP_FIN_WAIT1, 0, TCPCLOSE_G_FIN_WAIT1 },
	{ "FIN_WAIT2", TCP_FIN_WAIT2, 0, TCPCLOSE_G_FIN_WAIT2 },
	{ "LAST_ACK", TCP_LAST_ACK, 0, TCPCLOSE_G_LAST_ACK },
	{ "CLOSING", TCP_CLOSING, 0, TCPCLOSE_G_CLOSING },
	{ "ESTABLISHED", TCP_ESTABLISHED, 0, TCPCLOSE_G_ESTABLISHED },
	{ "SYN_SENT", TCP_SYN_SENT, 0, -1 },
	{ "SYN_RECV", TCP_SYN_RECV, 0, -1 },
	{ "CLOSE", TCP_CLOSE, 0, -1 },
	{ "LISTEN", TCP_LISTEN, 0, -1 },
	{ "NEW_SYN_RECV", TCP_NEW_SYN_RECV, 0, -1 },
};

KUNIT_ARRAY_PARAM_DESC(tcpclose_gauge, tcpclose_gauge_cases, desc);

static void tcpclose_gauge_states(struct kunit *test)
{
	const struct tcpclose_gauge_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcpclose_gauge_of(c->state, c->substate), c->gauge);
}

/* ---- roles: which row a connection belongs to ---- */

struct tcpclose_role_case {
	const char *desc;
	u16 lport, rport;
	u8 listens;		/* L: the local port, R: the remote port */
	bool row;
	u16 port;
	u8 role;
	const struct tcpclose_range *eph;	/* NULL: the Linux default */
};

#define L 1
#define R 2

/* The Linux default range, 32768..60999, and the widest one people set. */
static const struct tcpclose_range tcpclose_eph = { 32768, 60999 };
static const struct tcpclose_range tcpclose_eph_wide = { 1024, 65535 };

static const struct tcpclose_role_case tcpclose_role_cases[] = {
	{ "v4-server-accepted", 80, 40000, L, true, 80, TCPCLOSE_SERVER },
	{ "client-to-service", 40000, 80, 0, true, 80, TCPCLOSE_CLIENT },
	{ "server-high-listener", 45000, 40000, L, true, 45000, TCPCLOSE_SERVER },
	{ "listener-below-peer", 9000, 40000, L, true, 9000, TCPCLOSE_SERVER },
	{ "both-listen-local-wins", 8080, 9090, L | R, true, 8080, TCPCLOSE_SERVER },
	{ "server-unseen-listener", 8080, 50000, 0, true, 8080, TCPCLOSE_SERVER },
	/* Rule 2: a service of this namespace, whatever the ports. */
	{ "loopback-client-above-range", 62000, 9001, R, true, 9001, TCPCLOSE_CLIENT },
	{ "wide-loopback-client-below-service", 8222, 9001, R, true, 9001, TCPCLOSE_CLIENT,
	  &tcpclose_eph_wide },
	/* Rule 4, neither port in the range: the lower one is the service. */
	{ "unseen-listener-peer-above-range", 8080, 62000, 0, true, 8080, TCPCLOSE_SERVER },
	{ "client-bound-low-to-low", 1000, 5432, 0, true, 1000, TCPCLOSE_SERVER },
	{ "client-above-range-to-low", 61000, 5432, 0, true, 5432, TCPCLOSE_CLIENT },
	/* Rule 4, both in the range: right for a service below its clients... */
	{ "wide-unseen-listener", 7000, 40000, 0, true, 7000, TCPCLOSE_SERVER, &tcpclose_eph_wide },
	{ "wide-client-to-7000", 40000, 7000, 0, true, 7000, TCPCLOSE_CLIENT, &tcpclose_eph_wide },
	/* ...the documented wrong guess for a remote one above them. */
	{ "client-to-high-port", 40001, 50000, 0, true, 40001, TCPCLOSE_SERVER },
	{ "client-high-to-higher", 50001, 40000, 0, true, 40000, TCPCLOSE_CLIENT },
	{ "wide-listener-seen", 40000, 7000, L, true, 40000, TCPCLOSE_SERVER, &tcpclose_eph_wide },
	{ "range-edge-lo", 80, 32768, 0, true, 80, TCPCLOSE_SERVER },
	{ "range-edge-hi", 80, 60999, 0, true, 80, TCPCLOSE_SERVER },
	{ "below-range-remote", 40000, 32767, 0, true, 32767, TCPCLOSE_CLIENT },
	{ "above-range-remote", 40000, 61000, 0, true, 61000, TCPCLOSE_CLIENT },
	{ "equal-ports", 40000, 40000, 0, true, 40000, TCPCLOSE_CLIENT },
	{ "unconnected-port0", 40000, 0, 0, false },
	{ "listener-port0", 0, 0, L, false },
};

#undef L
#undef R

KUNIT_ARRAY_PARAM_DESC(tcpclose_role, tcpclose_role_cases, desc);

static void tcpclose_role_rules(struct kunit *test)
{
	const struct tcpclose_role_case *c = test->param_value;
	const struct tcpclose_range *eph = c->eph ?: &tcpclose_eph;
	struct tcpclose_key key = { };
	bool row = tcpclose_key_of(c->lport, c->rport, c->listens & 1, c->listens & 2, eph, &key);
	bool l_eph = c->lport >= eph->lo && c->lport <= eph->hi;
	bool r_eph = c->rport >= eph->lo && c->rport <= eph->hi;

	KUNIT_ASSERT_EQ(test, row, c->row);
	if (!row)
		return;
	KUNIT_EXPECT_EQ(test, key.port, c->port);
	KUNIT_EXPECT_EQ(test, key.role, c->role);
	/* Unless both ends are in the range, no ephemeral port is a row. */
	if (!c->listens && l_eph && !r_eph)
		KUNIT_EXPECT_NE(test, key.port, c->lport);
	if (!c->listens && r_eph && !l_eph)
		KUNIT_EXPECT_NE(test, key.port, c->rport);
}

/* ---- writes ---- */

struct tcpclose_write_case {
	const char *desc;
	const char *buf;
	size_t len;
	int err;
};

#define W(d, s, e) { d, s, sizeof(s) - 1, e }

static const struct tcpclose_write_case tcpclose_write_cases[] = {
	W("reset", "reset", 0),
	W("reset-newline", "reset\n", 0),
	W("empty", "", -EINVAL),
	W("newline-only", "\n", -EINVAL),
	W("prefix", "rese", -EINVAL),
	W("trailing-char", "resetx", -EINVAL),
	W("two-newlines", "reset\n\n", -EINVAL),
	W("crlf", "reset\r\n", -EINVAL),
	W("leading-space", " reset", -EINVAL),
	W("uppercase", "RESET", -EINVAL),
	W("trailing-word", "reset now", -EINVAL),
	W("embedded-nul", "res\0et", -EINVAL),
	W("trailing-nul", "reset\0", -EINVAL),
	W("leading-nul", "\0reset", -EINVAL),
	W("garbage", "\xff\xfe\x01", -EINVAL),
	W("overlong", "resetresetresetreset", -EINVAL),
};

KUNIT_ARRAY_PARAM_DESC(tcpclose_write, tcpclose_write_cases, desc);

static void tcpclose_parse_writes(struct kunit *test)
{
	const struct tcpclose_write_case *c = test->param_value;
	enum tcpclose_cmd cmd = -1;

	KUNIT_EXPECT_EQ(test, tcpclose_parse_write(c->buf, c->len, &cmd), c->err);
	KUNIT_EXPECT_EQ(test, (int)cmd, c->err ? -1 : (int)TCPCLOSE_CMD_RESET);
}

/* ---- output text, byte for byte ---- */

static void tcpclose_format_bytes(struct kunit *test)
{
	static const struct tcpclose_summary sum = {
		.netns = 4026531840ULL, .ports = 2, .max_ports = 4096, .dropped = 3,
		.untracked = 1, .sockstat_tw = 25, .tw_fin_wait2 = 5, .since_boot_s = 1234,
		.netns_total = 16383, .max_ports_netns_total = 16384,
	};
	static const struct tcpclose_row rows[] = {
		{ 80, TCPCLOSE_SERVER, { 40, 1, 2, 3, 5, 6, 7, 8, 9, 0, 0, 0, 11 },
		  { 20, 4, 5, 6, 7, 8, 9 }, 10, 0 },
		{ 65535, TCPCLOSE_CLIENT, { 18446744073709551615ULL },
		  { 4294967295U, 0, 0, 0, 0, 0, 0 } },
	};
	char *buf = kunit_kzalloc(test, TCPCLOSE_LINE_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tcpclose_format_comment(buf, TCPCLOSE_LINE_MAX, &sum);
	KUNIT_EXPECT_STREQ(test, buf,
			   "# tcpclose 1 version=" TCPCLOSE_VERSION
			   " netns=4026531840 ports=2 max_ports=4096 dropped=3 untracked=1 sockstat_tw=25 tw_fin_wait2=5 tw_probes=none since_boot_s=1234 netns_total=16383 max_ports_netns_total=16384\n");
	tcpclose_format_columns(buf, TCPCLOSE_LINE_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   " port role   active_closes passive_closes simultaneous_closes resets time_wait close_wait fin_wait1 fin_wait2 last_ack closing established close_wait_oldest_s close_wait_untracked tw_created tw_expired tw_killed tw_overflow fin_wait2_timeouts tw_killed_rst tw_killed_reuse tw_killed_abort local_aborts\n");
	tcpclose_format_row(buf, TCPCLOSE_LINE_MAX, &rows[0]);
	KUNIT_EXPECT_STREQ(test, buf,
			   "   80 server            40              1                   2      3        20          4         5         6        7       8           9                  10                    0          5          6         7           8                  9             0               0               0           11\n");
	/* Values wider than their column still come out whole. */
	tcpclose_format_row(buf, TCPCLOSE_LINE_MAX, &rows[1]);
	KUNIT_EXPECT_STREQ(test, buf,
			   "65535 client 18446744073709551615              0                   0      0 4294967295          0         0         0        0       0           0                   0                    0          0          0         0           0                  0             0               0               0            0\n");
}

static void tcpclose_format_zero_rows(struct kunit *test)
{
	struct tcpclose_row row = { .port = 1 };

	KUNIT_EXPECT_TRUE(test, tcpclose_row_is_zero(&row));
	row.gauge[TCPCLOSE_G_ESTABLISHED] = 1;
	KUNIT_EXPECT_FALSE(test, tcpclose_row_is_zero(&row));
	row.gauge[TCPCLOSE_G_ESTABLISHED] = 0;
	row.counter[TCPCLOSE_RESET] = 1;
	KUNIT_EXPECT_FALSE(test, tcpclose_row_is_zero(&row));
}

/* ---- the table ---- */

static struct tcpclose_table *tcpclose_test_table(struct kunit *test, unsigned int max)
{
	struct tcpclose_table *tbl = tcpclose_table_alloc(max, NULL);

	KUNIT_ASSERT_NOT_NULL(test, tbl);
	return tbl;
}

/*
 * Waits for the work a full table asked for: eviction, then its result is
 * known. The work may also run as soon as it is asked for, on another
 * CPU, while the case is still counting: the next event of a port whose
 * first found no room then takes the room freed, as it should
 * (tcpclose_table_evict_between_events). A case that needs all its
 * events counted before eviction counts them under the mutex, which
 * eviction takes and the probe path never does.
 */
static void tcpclose_settle(struct tcpclose_table *tbl)
{
	irq_work_sync(&tbl->kick);
	flush_work(&tbl->grow);
}

static bool tcpclose_port_listed(const struct tcpclose_row *rows, unsigned int n, u16 port)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (rows[i].port == port)
			return true;
	return false;
}

static void tcpclose_count(struct tcpclose_table *tbl, u16 port, u8 role,
			   enum tcpclose_counter c, unsigned int times)
{
	struct tcpclose_key key = { .port = port, .role = role };

	rcu_read_lock();
	while (times--)
		tcpclose_table_count(tbl, &key, c);
	rcu_read_unlock();
}

/* Rows of @tbl, under its mutex; the caller kvfree()s them. */
static struct tcpclose_row *tcpclose_rows_locked(struct kunit *test, struct tcpclose_table *tbl,
						 unsigned int *n, struct tcpclose_summary *sum)
{
	struct tcpclose_row *rows;

	lockdep_assert_held(&tbl->mutex);
	memset(sum, 0, sizeof(*sum));
	rows = tcpclose_table_rows(tbl, n, sum, 100 * NSEC_PER_SEC);
	KUNIT_EXPECT_NOT_NULL(test, rows);
	return rows;
}

/* Rows of @tbl; the caller kvfree()s them. */
static struct tcpclose_row *tcpclose_rows(struct kunit *test, struct tcpclose_table *tbl,
					  unsigned int *n, struct tcpclose_summary *sum)
{
	struct tcpclose_row *rows;

	mutex_lock(&tbl->mutex);
	rows = tcpclose_rows_locked(test, tbl, n, sum);
	mutex_unlock(&tbl->mutex);
	return rows;
}

/* The table has exactly one row, whose counter @c is @want. */
static void tcpclose_expect_one_row(struct kunit *test, struct tcpclose_table *tbl,
				    enum tcpclose_counter c, u64 want)
{
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n;

	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_EXPECT_EQ(test, n, 1);
	if (n == 1)
		KUNIT_EXPECT_EQ(test, rows[0].counter[c], want);
	KUNIT_EXPECT_EQ(test, sum.ports, 1);
	kvfree(rows);
}

static void tcpclose_table_sorted(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 100);
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n;

	/* Created out of order, in different blocks of the directory. */
	tcpclose_count(tbl, 65535, TCPCLOSE_CLIENT, TCPCLOSE_PASSIVE, 1);
	tcpclose_count(tbl, 443, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 3);
	tcpclose_count(tbl, 443, TCPCLOSE_CLIENT, TCPCLOSE_PASSIVE, 2);
	tcpclose_count(tbl, 22, TCPCLOSE_SERVER, TCPCLOSE_RESET, 1);
	tcpclose_count(tbl, 444, TCPCLOSE_SERVER, TCPCLOSE_SIMULTANEOUS, 1);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_ASSERT_EQ(test, n, 5);
	KUNIT_EXPECT_EQ(test, rows[0].port, 22);
	KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_RESET], 1);
	KUNIT_EXPECT_EQ(test, rows[1].port, 443);
	KUNIT_EXPECT_EQ(test, rows[1].role, TCPCLOSE_CLIENT);
	KUNIT_EXPECT_EQ(test, rows[1].counter[TCPCLOSE_PASSIVE], 2);
	KUNIT_EXPECT_EQ(test, rows[2].port, 443);
	KUNIT_EXPECT_EQ(test, rows[2].role, TCPCLOSE_SERVER);
	KUNIT_EXPECT_EQ(test, rows[2].counter[TCPCLOSE_ACTIVE], 3);
	KUNIT_EXPECT_EQ(test, rows[3].port, 444);
	KUNIT_EXPECT_EQ(test, rows[4].port, 65535);
	KUNIT_EXPECT_EQ(test, sum.ports, 4);
	KUNIT_EXPECT_EQ(test, sum.dropped, 0);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

static void tcpclose_table_reset_baseline(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 1);
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n;

	/* Both events of 81 on "other": before the eviction they ask for. */
	mutex_lock(&tbl->mutex);
	tcpclose_count(tbl, 80, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 7);
	tcpclose_count(tbl, 81, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 2);	/* other */
	mutex_unlock(&tbl->mutex);
	tcpclose_settle(tbl);	/* 80 evicted: the table is empty */
	tcpclose_table_reset(tbl);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_EXPECT_EQ(test, n, 0);	/* all zero: omitted */
	KUNIT_EXPECT_EQ(test, sum.dropped, 0);
	kvfree(rows);

	tcpclose_table_set_listener(tbl, 80, true);	/* kept by eviction */
	tcpclose_count(tbl, 80, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 5);
	tcpclose_count(tbl, 80, TCPCLOSE_SERVER, TCPCLOSE_PASSIVE, 1);
	tcpclose_count(tbl, 82, TCPCLOSE_CLIENT, TCPCLOSE_ACTIVE, 1);	/* other */
	tcpclose_settle(tbl);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, rows[0].port, TCPCLOSE_OTHER);
	KUNIT_EXPECT_EQ(test, rows[0].role, TCPCLOSE_CLIENT);
	KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_ACTIVE], 1);
	KUNIT_EXPECT_EQ(test, rows[1].port, 80);
	KUNIT_EXPECT_EQ(test, rows[1].counter[TCPCLOSE_ACTIVE], 5);
	KUNIT_EXPECT_EQ(test, rows[1].counter[TCPCLOSE_PASSIVE], 1);
	KUNIT_EXPECT_EQ(test, sum.dropped, 0);
	KUNIT_EXPECT_EQ(test, sum.ports, 1);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

/*
 * Eviction that completes between two events of a port that found the
 * table full (the work item ran at once on another CPU): the first event
 * is on "other", the second takes the room freed, and every event is
 * somewhere. The interleaving that made tcpclose_table_reset_baseline
 * fail now and then, forced.
 */
static void tcpclose_table_evict_between_events(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 1);
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n;

	tcpclose_count(tbl, 80, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 7);
	tcpclose_count(tbl, 81, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);	/* other */
	tcpclose_settle(tbl);	/* 80 evicted, folded into "other" */
	tcpclose_count(tbl, 81, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	tcpclose_settle(tbl);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, rows[0].port, TCPCLOSE_OTHER);
	KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_ACTIVE], 7 + 1);
	KUNIT_EXPECT_EQ(test, rows[1].port, 81);
	KUNIT_EXPECT_EQ(test, rows[1].counter[TCPCLOSE_ACTIVE], 1);
	KUNIT_EXPECT_EQ(test, sum.ports, 1);
	KUNIT_EXPECT_EQ(test, sum.dropped, 0);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

static void tcpclose_table_gauges(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 2);
	struct tcpclose_key k80 = { 80, TCPCLOSE_SERVER }, k90 = { 90, TCPCLOSE_CLIENT };
	struct tcpclose_key k99 = { 99, TCPCLOSE_CLIENT };
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n, i;

	mutex_lock(&tbl->mutex);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, tcpclose_table_add_gauge(tbl, &k80, TCPCLOSE_G_TIME_WAIT, 0,
								 GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, tcpclose_table_add_gauge(tbl, &k90, TCPCLOSE_G_CLOSE_WAIT,
							 40 * NSEC_PER_SEC, GFP_KERNEL));
	/* A third port does not fit in max_ports = 2: its socket is on "other". */
	KUNIT_EXPECT_TRUE(test, tcpclose_table_add_gauge(tbl, &k99, TCPCLOSE_G_CLOSE_WAIT, 0,
							 GFP_KERNEL));
	/*
	 * The rows under the same hold, as procfs.c takes a snapshot: k99
	 * asked for eviction, which would otherwise fold 80 or 90 into "other"
	 * between the gauges and the rows, and drop its gauges.
	 */
	rows = tcpclose_rows_locked(test, tbl, &n, &sum);
	mutex_unlock(&tbl->mutex);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, rows[0].port, TCPCLOSE_OTHER);
	KUNIT_EXPECT_EQ(test, rows[0].gauge[TCPCLOSE_G_CLOSE_WAIT], 1);
	KUNIT_EXPECT_EQ(test, rows[0].close_wait_untracked, 1);
	KUNIT_EXPECT_EQ(test, rows[1].gauge[TCPCLOSE_G_TIME_WAIT], 3);
	KUNIT_EXPECT_EQ(test, rows[2].gauge[TCPCLOSE_G_CLOSE_WAIT], 1);
	KUNIT_EXPECT_EQ(test, rows[2].close_wait_oldest_s, 60);	/* 100 s - 40 s */
	kvfree(rows);
	tcpclose_settle(tbl);

	/* The next snapshot starts from zero: expired sockets vanish. */
	mutex_lock(&tbl->mutex);
	tcpclose_table_clear_gauges(tbl);
	mutex_unlock(&tbl->mutex);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_EXPECT_EQ(test, n, 0);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

/* Two namespaces' tables share nothing, listeners included. */
static void tcpclose_table_separate(struct kunit *test)
{
	struct tcpclose_table *a = tcpclose_test_table(test, 10);
	struct tcpclose_table *b = tcpclose_test_table(test, 10);
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n;

	tcpclose_table_set_listener(a, 8080, true);
	tcpclose_table_set_listener(a, 8081, true);
	tcpclose_table_set_listener(a, 8081, false);
	tcpclose_count(a, 8080, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 4);
	KUNIT_EXPECT_TRUE(test, tcpclose_table_listens(a, 8080));
	KUNIT_EXPECT_FALSE(test, tcpclose_table_listens(b, 8080));
	/* A listener that closed without accepting leaves no mark... */
	KUNIT_EXPECT_FALSE(test, tcpclose_table_listens(a, 8081));
	KUNIT_EXPECT_FALSE(test, tcpclose_table_listens(a, 8082));
	/* ...one that accepted, its TIME_WAIT period of grace. */
	tcpclose_table_set_listener(a, 8083, true);
	tcpclose_table_accepted(a, 8083);
	tcpclose_table_set_listener(a, 8083, false);
	KUNIT_EXPECT_TRUE(test, tcpclose_table_listens(a, 8083));
	KUNIT_EXPECT_FALSE(test, tcpclose_table_listens(b, 8083));
	rows = tcpclose_rows(test, b, &n, &sum);
	KUNIT_EXPECT_EQ(test, n, 0);
	kvfree(rows);
	tcpclose_table_reset(b);
	rows = tcpclose_rows(test, a, &n, &sum);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_ACTIVE], 4);
	kvfree(rows);
	tcpclose_table_free(a);
	tcpclose_table_free(b);
}

/* ---- close timing ---- */

struct tcpclose_bucket_case {
	const char *desc;
	u64 us;
	unsigned int bucket;
};

static const struct tcpclose_bucket_case tcpclose_bucket_cases[] = {
	{ "0us", 0, 0 }, { "1us", 1, 0 }, { "2us", 2, 1 }, { "3us", 3, 2 },
	{ "4us", 4, 2 }, { "5us", 5, 3 }, { "1000us", 1000, 10 }, { "1024us", 1024, 10 },
	{ "1025us", 1025, 11 }, { "1s", 1000000, 20 }, { "60s", 60000000, 26 },
	{ "2^30us", 1ULL << 30, 30 }, { "2^30+1us", (1ULL << 30) + 1, 31 },
	{ "max", U64_MAX, 31 },
};

KUNIT_ARRAY_PARAM_DESC(tcpclose_bucket, tcpclose_bucket_cases, desc);

/* Bucket b holds exactly the durations in (upper(b - 1), upper(b)]. */
static void tcpclose_hist_buckets(struct kunit *test)
{
	const struct tcpclose_bucket_case *c = test->param_value;
	unsigned int b = tcpclose_hist_bucket(c->us);

	KUNIT_EXPECT_EQ(test, b, c->bucket);
	KUNIT_EXPECT_LE(test, c->us, tcpclose_hist_upper(b));
	if (b)
		KUNIT_EXPECT_GT(test, c->us, tcpclose_hist_upper(b - 1));
}

static void tcpclose_hist_text(struct kunit *test)
{
	struct tcpclose_hist_row row = {
		.port = 5001, .role = TCPCLOSE_SERVER, .phase = TCPCLOSE_PH_FIN_WAIT2,
		.count = 21, .sum_us = 123456,
	};
	char *buf = kunit_kzalloc(test, TCPCLOSE_LINE_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	row.bucket[0] = 1;
	row.bucket[7] = 15;
	row.bucket[8] = 4;
	row.bucket[TCPCLOSE_HIST_BUCKETS - 1] = 1;
	tcpclose_format_hist_row(buf, TCPCLOSE_LINE_MAX, &row);
	KUNIT_EXPECT_STREQ(test, buf,
			   " 5001 server fin_wait2          21         123456 1:1 128:15 256:4 inf:1\n");
	tcpclose_format_hist_columns(buf, TCPCLOSE_LINE_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   " port role   phase           count         sum_us buckets\n");
}

static void tcpclose_phases(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcpclose_phase_of(TCP_FIN_WAIT1), TCPCLOSE_PH_FIN_WAIT1);
	KUNIT_EXPECT_EQ(test, tcpclose_phase_of(TCP_FIN_WAIT2), TCPCLOSE_PH_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, tcpclose_phase_of(TCP_CLOSE_WAIT), TCPCLOSE_PH_CLOSE_WAIT);
	KUNIT_EXPECT_EQ(test, tcpclose_phase_of(TCP_LAST_ACK), TCPCLOSE_PH_LAST_ACK);
	KUNIT_EXPECT_EQ(test, tcpclose_phase_of(TCP_CLOSING), -1);
	KUNIT_EXPECT_EQ(test, tcpclose_phase_of(TCP_ESTABLISHED), -1);
}

/* One bucket of 8 ways: the ninth closing socket is refused, not lost. */
static void tcpclose_track_bound(struct kunit *test)
{
	static const struct tcpclose_key key = { 80, TCPCLOSE_SERVER };
	struct tcpclose_tracker trk;
	static long socks[TCPCLOSE_TRACK_WAYS + 1];
	struct tcpclose_track *t;
	unsigned int i;
	u64 since;

	KUNIT_ASSERT_EQ(test, tcpclose_tracker_init(&trk, TCPCLOSE_TRACK_WAYS), 0);
	KUNIT_EXPECT_EQ(test, trk.nbuckets, 1);
	for (i = 0; i < TCPCLOSE_TRACK_WAYS; i++)
		KUNIT_EXPECT_NOT_NULL(test, tcpclose_track_start(&trk, &socks[i], &key,
								 TCP_CLOSE_WAIT, 1000 + i));
	KUNIT_EXPECT_NULL(test, tcpclose_track_start(&trk, &socks[i], &key, TCP_CLOSE_WAIT, 0));
	KUNIT_EXPECT_NULL(test, tcpclose_track_find(&trk, &socks[i]));
	KUNIT_EXPECT_TRUE(test, tcpclose_track_since(&trk, &socks[3], TCP_CLOSE_WAIT, &since));
	KUNIT_EXPECT_EQ(test, since, 1003);
	KUNIT_EXPECT_FALSE(test, tcpclose_track_since(&trk, &socks[3], TCP_LAST_ACK, &since));
	t = tcpclose_track_find(&trk, &socks[3]);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->port, 80);
	tcpclose_track_end(t);
	KUNIT_EXPECT_NULL(test, tcpclose_track_find(&trk, &socks[3]));
	/* The freed slot takes the socket that did not fit. */
	KUNIT_EXPECT_NOT_NULL(test, tcpclose_track_start(&trk, &socks[i], &key, TCP_FIN_WAIT1, 5));
	tcpclose_tracker_destroy(&trk);
}

/*
 * The bucket hash spreads sockets as the slab lays them out (one every
 * 2368 bytes, about a TCP socket): 4096 of them in 4096 buckets never
 * fill one, whatever the base, and each is found again.
 */
static void tcpclose_track_spread(struct kunit *test)
{
	static const struct tcpclose_key key = { 80, TCPCLOSE_SERVER };
	static const unsigned long bases[] = { 0xffff888004000000UL, 0xffff8880123456c0UL };
	struct tcpclose_tracker trk;
	unsigned int i, b, ok, found;
	const void *sk;

	KUNIT_ASSERT_EQ(test, tcpclose_tracker_init(&trk, 4096 * TCPCLOSE_TRACK_WAYS), 0);
	KUNIT_EXPECT_EQ(test, trk.nbuckets, 4096);
	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		ok = 0;
		found = 0;
		for (i = 0; i < 4096; i++)
			ok += !!tcpclose_track_start(&trk, (void *)(bases[b] + i * 2368UL), &key,
						     TCP_FIN_WAIT1, i);
		for (i = 0; i < 4096; i++) {
			sk = (void *)(bases[b] + i * 2368UL);
			found += !!tcpclose_track_find(&trk, sk);
		}
		KUNIT_EXPECT_EQ(test, ok, 4096);
		KUNIT_EXPECT_EQ(test, found, 4096);
		tcpclose_tracker_clear(&trk);
	}
	tcpclose_tracker_destroy(&trk);
}

static void tcpclose_table_close_wait_age(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 10);
	struct tcpclose_key k = { 6379, TCPCLOSE_SERVER };
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n;

	mutex_lock(&tbl->mutex);
	tcpclose_table_add_gauge(tbl, &k, TCPCLOSE_G_CLOSE_WAIT, 70 * NSEC_PER_SEC, GFP_KERNEL);
	tcpclose_table_add_gauge(tbl, &k, TCPCLOSE_G_CLOSE_WAIT, 30 * NSEC_PER_SEC, GFP_KERNEL);
	tcpclose_table_add_gauge(tbl, &k, TCPCLOSE_G_CLOSE_WAIT, 0, GFP_KERNEL);
	tcpclose_table_add_gauge(tbl, &k, TCPCLOSE_G_CLOSE_WAIT, 0, GFP_KERNEL);
	mutex_unlock(&tbl->mutex);
	rows = tcpclose_rows(test, tbl, &n, &sum);	/* "now" is 100 s */
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, rows[0].gauge[TCPCLOSE_G_CLOSE_WAIT], 4);
	KUNIT_EXPECT_EQ(test, rows[0].close_wait_oldest_s, 70);
	KUNIT_EXPECT_EQ(test, rows[0].close_wait_untracked, 2);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

static void tcpclose_table_histograms(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 10);
	struct tcpclose_key srv = { 80, TCPCLOSE_SERVER }, cli = { 80, TCPCLOSE_CLIENT };
	struct tcpclose_summary sum = { };
	struct tcpclose_key other = { 81, TCPCLOSE_SERVER };
	struct tcpclose_hist_row *rows;
	struct tcpclose_hist *h;
	unsigned int n;

	/* A port without an entry (evicted, or no room) is timed on "other". */
	tcpclose_count(tbl, 80, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	tcpclose_count(tbl, 80, TCPCLOSE_CLIENT, TCPCLOSE_PASSIVE, 1);
	rcu_read_lock();
	h = tcpclose_table_hists(tbl, other.port, other.role);
	KUNIT_EXPECT_NOT_NULL(test, h);
	KUNIT_EXPECT_PTR_EQ(test, h, tcpclose_table_hists(tbl, TCPCLOSE_OTHER, other.role));
	h = tcpclose_table_hists(tbl, srv.port, srv.role);
	KUNIT_ASSERT_NOT_NULL(test, h);
	tcpclose_hist_add(&h[TCPCLOSE_PH_FIN_WAIT2], 100);
	tcpclose_hist_add(&h[TCPCLOSE_PH_FIN_WAIT2], 120);
	tcpclose_hist_add(&h[TCPCLOSE_PH_TOTAL], 3000);
	h = tcpclose_table_hists(tbl, cli.port, cli.role);
	KUNIT_ASSERT_NOT_NULL(test, h);
	tcpclose_hist_add(&h[TCPCLOSE_PH_CLOSE_WAIT], 2000000);
	rcu_read_unlock();
	mutex_lock(&tbl->mutex);
	rows = tcpclose_table_hist_rows(tbl, &n, &sum);
	mutex_unlock(&tbl->mutex);
	KUNIT_ASSERT_NOT_NULL(test, rows);
	KUNIT_ASSERT_EQ(test, n, 3);
	/* client before server, phases in order */
	KUNIT_EXPECT_EQ(test, rows[0].role, TCPCLOSE_CLIENT);
	KUNIT_EXPECT_EQ(test, rows[0].phase, TCPCLOSE_PH_CLOSE_WAIT);
	KUNIT_EXPECT_EQ(test, rows[0].bucket[21], 1);	/* (1.05 s, 2.1 s] */
	KUNIT_EXPECT_EQ(test, rows[1].phase, TCPCLOSE_PH_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, rows[1].count, 2);
	KUNIT_EXPECT_EQ(test, rows[1].sum_us, 220);
	KUNIT_EXPECT_EQ(test, rows[1].bucket[7], 2);	/* (64 us, 128 us] */
	KUNIT_EXPECT_EQ(test, rows[2].phase, TCPCLOSE_PH_TOTAL);
	kvfree(rows);
	tcpclose_table_reset(tbl);
	mutex_lock(&tbl->mutex);
	rows = tcpclose_table_hist_rows(tbl, &n, &sum);
	mutex_unlock(&tbl->mutex);
	KUNIT_EXPECT_EQ(test, n, 0);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

/* ---- concurrency: no increment lost under contention ---- */

#define TCPCLOSE_THREADS 4
#define TCPCLOSE_PER_THREAD 100000

struct tcpclose_hammer {
	struct tcpclose_table *tbl;
	struct completion done;
	u16 port;
};

static int tcpclose_hammer_fn(void *arg)
{
	struct tcpclose_hammer *h = arg;
	unsigned int i;

	for (i = 0; i < TCPCLOSE_PER_THREAD; i++) {
		tcpclose_count(h->tbl, h->port, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
		if (!(i & 1023))
			cond_resched();
	}
	complete(&h->done);
	return 0;
}

static void tcpclose_table_concurrent(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 10);
	struct tcpclose_hammer h[TCPCLOSE_THREADS];
	struct task_struct *t;
	unsigned int i;

	for (i = 0; i < TCPCLOSE_THREADS; i++) {
		h[i].tbl = tbl;
		h[i].port = 443;	/* all on one port: one entry, created racily */
		init_completion(&h[i].done);
		t = kthread_run(tcpclose_hammer_fn, &h[i], "tcpclose-kunit/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < TCPCLOSE_THREADS; i++)
		wait_for_completion(&h[i].done);
	tcpclose_expect_one_row(test, tbl, TCPCLOSE_ACTIVE,
				(u64)TCPCLOSE_THREADS * TCPCLOSE_PER_THREAD);
	/* After a reset, exactly what follows is counted. */
	tcpclose_table_reset(tbl);
	tcpclose_count(tbl, 443, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 3);
	tcpclose_expect_one_row(test, tbl, TCPCLOSE_ACTIVE, 3);
	tcpclose_table_free(tbl);
}

/* ---- probe context: the pools, young entries ---- */

/* Taken objects are zeroed, and a dirty one given back is zeroed again. */
static void tcpclose_pool_objects(struct kunit *test)
{
	struct tcpclose_hists *h;
	unsigned int n;

	KUNIT_ASSERT_EQ(test, tcpclose_pool_refill(), 0);
	n = tcpclose_pool_count(TCPCLOSE_POOL_HISTS);
	KUNIT_EXPECT_GT(test, n, 0);
	h = tcpclose_pool_take(TCPCLOSE_POOL_HISTS);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, atomic64_read(&h->h[TCPCLOSE_PH_TOTAL].sum_us), 0);
	atomic64_set(&h->h[TCPCLOSE_PH_TOTAL].sum_us, 5);
	atomic64_set(&h->h[TCPCLOSE_PH_FIN_WAIT1].bucket[3], 7);
	tcpclose_pool_give(TCPCLOSE_POOL_HISTS, h);
	KUNIT_ASSERT_EQ(test, tcpclose_pool_refill(), 0);
	KUNIT_EXPECT_EQ(test, tcpclose_pool_count(TCPCLOSE_POOL_HISTS), n);
	/* Every place, the given-back object among them, is zero again. */
	while ((h = tcpclose_pool_take(TCPCLOSE_POOL_HISTS))) {
		KUNIT_EXPECT_EQ(test, atomic64_read(&h->h[TCPCLOSE_PH_TOTAL].sum_us), 0);
		KUNIT_EXPECT_EQ(test, atomic64_read(&h->h[TCPCLOSE_PH_FIN_WAIT1].bucket[3]), 0);
		kfree(h);
		if (!--n)
			break;
	}
	KUNIT_EXPECT_EQ(test, tcpclose_pool_refill(), 0);
}

/*
 * A port created in probe context counts on shared atomics until it gets
 * per-CPU counters, and nothing is lost across the change.
 */
static void tcpclose_table_young(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 10);

	tcpclose_count(tbl, 7000, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 3);
	tcpclose_table_grow(tbl);
	flush_work(&tbl->grow);
	tcpclose_count(tbl, 7000, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 2);
	tcpclose_expect_one_row(test, tbl, TCPCLOSE_ACTIVE, 5);
	/* A reset's baseline includes what was counted young. */
	tcpclose_table_reset(tbl);
	tcpclose_count(tbl, 7000, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	tcpclose_expect_one_row(test, tbl, TCPCLOSE_ACTIVE, 1);
	tcpclose_table_free(tbl);
}

/*
 * More new ports at once than the port pool holds: every event is either
 * counted on its row or in dropped, and once the pool is refilled new
 * ports count again.
 */
static void tcpclose_table_burst(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 4096);
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	u64 counted = 0;
	unsigned int n, i, burst = 4 * tcpclose_pool_count(TCPCLOSE_POOL_PORT);

	for (i = 0; i < burst; i++)
		tcpclose_count(tbl, 2000 + i, TCPCLOSE_CLIENT, TCPCLOSE_PASSIVE, 2);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	for (i = 0; i < n; i++)
		counted += rows[i].counter[TCPCLOSE_PASSIVE];
	KUNIT_EXPECT_EQ(test, counted + sum.dropped, 2 * burst);
	KUNIT_EXPECT_EQ(test, sum.ports, n);
	kvfree(rows);
	KUNIT_ASSERT_EQ(test, tcpclose_pool_refill(), 0);
	tcpclose_count(tbl, 9999, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	rows = tcpclose_rows(test, tbl, &n, &sum);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, rows[n - 1].port, 9999);
	KUNIT_EXPECT_EQ(test, rows[n - 1].counter[TCPCLOSE_ACTIVE], 1);
	kvfree(rows);
	tcpclose_table_free(tbl);
}

/*
 * A full table: a new port's events go to "other" at once, then eviction
 * frees an eighth of max_ports (at least one entry), the least active
 * first, and folds it into "other". Of two ports with 1 and 2 events and
 * a third with 3 that found no room, the one with 1 goes.
 */
static void tcpclose_table_first_come(struct kunit *test)
{
	static const u16 ports[][3] = {
		{ 7003, 7001, 7002 }, { 7002, 7003, 7001 }, { 7001, 7002, 7003 },
	};
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n, i, r;

	for (r = 0; r < ARRAY_SIZE(ports); r++) {
		struct tcpclose_table *tbl = tcpclose_test_table(test, 2);

		/* All three events of the third port before the eviction they ask for. */
		mutex_lock(&tbl->mutex);
		for (i = 0; i < 3; i++)
			tcpclose_count(tbl, ports[r][i], TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, i + 1);
		mutex_unlock(&tbl->mutex);
		tcpclose_settle(tbl);
		rows = tcpclose_rows(test, tbl, &n, &sum);
		KUNIT_ASSERT_EQ(test, n, 2);
		KUNIT_EXPECT_EQ(test, rows[0].port, TCPCLOSE_OTHER);
		KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_ACTIVE], 3 + 1);
		KUNIT_EXPECT_EQ(test, rows[1].port, ports[r][1]);
		KUNIT_EXPECT_EQ(test, rows[1].counter[TCPCLOSE_ACTIVE], 2);
		KUNIT_EXPECT_EQ(test, sum.dropped, 0);
		KUNIT_EXPECT_EQ(test, sum.ports, 1);
		kvfree(rows);
		tcpclose_table_free(tbl);
		/* Each round starts with a full pool. */
		KUNIT_ASSERT_EQ(test, tcpclose_pool_refill(), 0);
	}
}

/*
 * A flood of one-shot ports, 40 times the table, while a service port
 * (no listener mark: it keeps its entry by its activity alone) counts 20
 * events per round of 100 new ports: its row stays exact, nothing is
 * dropped, and every column adds up over the rows and "other".
 */
static void tcpclose_table_flood(struct kunit *test)
{
	struct tcpclose_table *tbl = tcpclose_test_table(test, 64);
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n, i, round;
	u64 total = 0;

	for (round = 0; round < 25; round++) {
		tcpclose_count(tbl, 9000, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 20);
		for (i = 0; i < 100; i++)
			tcpclose_count(tbl, 10000 + round * 100 + i, TCPCLOSE_CLIENT,
				       TCPCLOSE_ACTIVE, 1);
		tcpclose_settle(tbl);
		KUNIT_ASSERT_EQ(test, tcpclose_pool_refill(), 0);
	}
	rows = tcpclose_rows(test, tbl, &n, &sum);
	for (i = 0; i < n; i++) {
		total += rows[i].counter[TCPCLOSE_ACTIVE];
		if (rows[i].port == 9000)
			KUNIT_EXPECT_EQ(test, rows[i].counter[TCPCLOSE_ACTIVE], 25 * 20);
	}
	KUNIT_EXPECT_EQ(test, total, 25 * (20 + 100));
	KUNIT_EXPECT_EQ(test, sum.dropped, 0);
	KUNIT_EXPECT_LE(test, sum.ports, 64);
	KUNIT_EXPECT_EQ(test, rows[0].port, TCPCLOSE_OTHER);
	KUNIT_EXPECT_TRUE(test, tcpclose_port_listed(rows, n, 9000));
	kvfree(rows);
	tcpclose_table_free(tbl);
}

/* ---- the quota shared by all namespaces but the initial one ---- */

/* Never above its max, nothing taken when refused; no quota never refuses. */
static void tcpclose_quota_bound(struct kunit *test)
{
	struct tcpclose_quota q = { .used = ATOMIC_INIT(0), .max = 3 };
	struct tcpclose_quota none = { .used = ATOMIC_INIT(0), .max = 0 };
	unsigned int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, tcpclose_quota_take(&q));
	KUNIT_EXPECT_TRUE(test, tcpclose_quota_full(&q));
	KUNIT_EXPECT_FALSE(test, tcpclose_quota_take(&q));
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 3);
	tcpclose_quota_give(&q, 1);
	/* One unit left: not enough for an entry and its block. */
	KUNIT_EXPECT_TRUE(test, tcpclose_quota_full(&q));
	tcpclose_quota_give(&q, 2);
	KUNIT_EXPECT_FALSE(test, tcpclose_quota_full(&q));
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 0);
	KUNIT_EXPECT_FALSE(test, tcpclose_quota_take(&none));
	KUNIT_EXPECT_TRUE(test, tcpclose_quota_full(&none));
	KUNIT_EXPECT_EQ(test, atomic_read(&none.used), 0);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, tcpclose_quota_take(NULL));
	KUNIT_EXPECT_FALSE(test, tcpclose_quota_full(NULL));
}

struct tcpclose_need_case {
	const char *desc;
	int nports;
	unsigned int max_ports;
	bool shared_full;
	int need;	/* > 0: entries to free */
};

static const struct tcpclose_need_case tcpclose_need_cases[] = {
	{ "room", 100, 4096, false, 100 - 3584 },
	{ "full", 4096, 4096, false, 512 },
	{ "full, max_ports=2", 2, 2, false, 1 },
	{ "full, max_ports=1", 1, 1, false, 1 },
	{ "shared cap, 100 entries", 100, 4096, true, 12 },
	{ "shared cap, 7 entries", 7, 4096, true, 1 },
	{ "shared cap, no entry", 0, 4096, true, -3584 },
	{ "shared cap and full", 4096, 4096, true, 512 },
};

KUNIT_ARRAY_PARAM_DESC(tcpclose_need, tcpclose_need_cases, desc);

static void tcpclose_evict_needs(struct kunit *test)
{
	const struct tcpclose_need_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcpclose_evict_need(c->nports, c->max_ports, c->shared_full),
			c->need);
}

/*
 * Two tables sharing a quota of 5 (an entry or a block is one), and one
 * outside it: the second's new port finds no unit and counts on "other",
 * as in a full table; its eviction then frees its own idle entry (the
 * block keeps its unit); the third counts beyond the quota; freeing the
 * tables gives every unit back.
 */
static void tcpclose_table_shared_quota(struct kunit *test)
{
	struct tcpclose_quota q = { .used = ATOMIC_INIT(0), .max = 5 };
	struct tcpclose_table *a, *b, *c;
	struct tcpclose_summary sum;
	struct tcpclose_row *rows;
	unsigned int n, i;

	a = tcpclose_table_alloc(100, &q);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = tcpclose_table_alloc(100, &q);
	KUNIT_ASSERT_NOT_NULL(test, b);
	c = tcpclose_test_table(test, 100);
	/* "other" and its block are outside the quota. */
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 0);
	tcpclose_count(a, 7001, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	tcpclose_count(a, 7002, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 3);
	/* Under b's mutex: no eviction until the rows are read. */
	mutex_lock(&b->mutex);
	tcpclose_count(b, 7003, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 5);
	tcpclose_count(b, 7004, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 5);
	rows = tcpclose_rows_locked(test, b, &n, &sum);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, rows[0].port, TCPCLOSE_OTHER);
	KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_ACTIVE], 3);
	KUNIT_EXPECT_EQ(test, rows[1].port, 7003);
	KUNIT_EXPECT_EQ(test, sum.ports, 1);
	KUNIT_EXPECT_EQ(test, sum.dropped, 0);
	kvfree(rows);
	mutex_unlock(&b->mutex);
	tcpclose_settle(b);
	rows = tcpclose_rows(test, b, &n, &sum);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, rows[0].counter[TCPCLOSE_ACTIVE], 2 + 3);
	KUNIT_EXPECT_EQ(test, sum.ports, 0);
	kvfree(rows);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 4);
	/* The table outside the quota counts ports of its own. */
	for (i = 0; i < 10; i++)
		tcpclose_count(c, 7100 + i, TCPCLOSE_CLIENT, TCPCLOSE_PASSIVE, 1);
	rows = tcpclose_rows(test, c, &n, &sum);
	KUNIT_EXPECT_EQ(test, n, 10);
	KUNIT_EXPECT_EQ(test, sum.ports, 10);
	kvfree(rows);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 4);
	tcpclose_table_free(b);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 3);
	/* A unit freed is a new port's again. */
	tcpclose_count(a, 7005, TCPCLOSE_SERVER, TCPCLOSE_ACTIVE, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 4);
	rows = tcpclose_rows(test, a, &n, &sum);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_TRUE(test, tcpclose_port_listed(rows, n, 7005));
	KUNIT_EXPECT_EQ(test, sum.ports, 3);
	kvfree(rows);
	tcpclose_table_free(a);
	tcpclose_table_free(c);
	KUNIT_EXPECT_EQ(test, atomic_read(&q.used), 0);
	KUNIT_ASSERT_EQ(test, tcpclose_pool_refill(), 0);
}

/* ---- which kernels the TIME_WAIT kprobes attach on by default ---- */

struct tcpclose_kernel_case {
	const char *desc;
	unsigned int version;
	bool x86_64, verified;
};

static const struct tcpclose_kernel_case tcpclose_kernel_cases[] = {
	{ "6.0.19", KERNEL_VERSION(6, 0, 19), true, false },
	{ "6.1.0", KERNEL_VERSION(6, 1, 0), true, true },
	{ "6.1.158", KERNEL_VERSION(6, 1, 158), true, true },
	{ "6.1.255 (sublevel clamped)", KERNEL_VERSION(6, 1, 255), true, true },
	{ "6.2.0", KERNEL_VERSION(6, 2, 0), true, false },
	{ "6.10.9 (hashdance renamed)", KERNEL_VERSION(6, 10, 9), true, false },
	{ "6.11.0", KERNEL_VERSION(6, 11, 0), true, false },
	{ "6.12.0", KERNEL_VERSION(6, 12, 0), true, true },
	{ "6.12.118", KERNEL_VERSION(6, 12, 118), true, true },
	{ "6.13.0 (tw timer no longer pinned)", KERNEL_VERSION(6, 13, 0), true, false },
	{ "6.17.0 (tw functions unexported)", KERNEL_VERSION(6, 17, 0), true, false },
	{ "6.12.118 on arm64", KERNEL_VERSION(6, 12, 118), false, false },
};

KUNIT_ARRAY_PARAM_DESC(tcpclose_kernel, tcpclose_kernel_cases, desc);

static void tcpclose_tw_kernels(struct kunit *test)
{
	const struct tcpclose_kernel_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcpclose_tw_verified_on(c->version, c->x86_64), c->verified);
}

/* ---- destinations (dest.c) ---- */

static void tcpclose_dest_v4(struct tcpclose_dest_key *k, u8 l, u8 r, u16 port)
{
	memset(k, 0, sizeof(*k));
	ipv6_addr_set_v4mapped(htonl(0x7f000000 | l), &k->laddr);
	ipv6_addr_set_v4mapped(htonl(0x7f000000 | r), &k->raddr);
	k->rport = port;
}

static void tcpclose_dest_grouping(struct kunit *test)
{
	struct tcpclose_dest *small = kunit_kcalloc(test, 4, sizeof(*small), GFP_KERNEL);
	struct tcpclose_dest *big = kunit_kcalloc(test, 16, sizeof(*big), GFP_KERNEL);
	struct tcpclose_dest_group g = { .slot = small, .size = 4 };
	struct tcpclose_dest_key k[4];
	struct tcpclose_dest *d;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i < 4; i++)
		tcpclose_dest_v4(&k[i], 1, 2 + i, 8000);
	/* Same remote, other port or other local: other destinations. */
	k[3].rport = 8001;
	for (i = 0; i < 3; i++) {
		d = tcpclose_dest_find(&g, &k[i]);
		KUNIT_ASSERT_NOT_NULL(test, d);
		d->in_use = 10 + i;
	}
	/* Full at three quarters: probes stay short, and always end. */
	KUNIT_EXPECT_NULL(test, tcpclose_dest_find(&g, &k[3]));
	KUNIT_EXPECT_EQ(test, g.n, 3U);
	/* A known key is still found when full. */
	KUNIT_EXPECT_EQ(test, tcpclose_dest_find(&g, &k[1])->in_use, 11U);
	tcpclose_dest_rehash(&g, big, 16);
	KUNIT_EXPECT_EQ(test, g.size, 16U);
	KUNIT_EXPECT_EQ(test, g.n, 3U);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, tcpclose_dest_find(&g, &k[i])->in_use, 10 + i);
	d = tcpclose_dest_find(&g, &k[3]);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->in_use, 0U);
	KUNIT_EXPECT_EQ(test, g.n, 4U);
}

static void tcpclose_dest_failure_table(struct kunit *test)
{
	struct tcpclose_fails *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct tcpclose_dest_key hot, k;
	unsigned int i, found_hot = 0, found_last = 0;
	u64 sum = 0;

	KUNIT_ASSERT_NOT_NULL(test, f);
	tcpclose_dest_v4(&hot, 1, 99, 443);
	/* 1000 destinations fail once each; "hot" fails at every step. */
	for (i = 0; i < 1000; i++) {
		tcpclose_dest_v4(&k, 1, 1, 1000 + i);
		tcpclose_fails_add(f, &k, i);
		tcpclose_fails_add(f, &hot, i);
	}
	KUNIT_EXPECT_LE(test, tcpclose_fails_used(f), (unsigned int)TCPCLOSE_FAIL_SLOTS);
	for (i = 0; i < TCPCLOSE_FAIL_SLOTS; i++) {
		sum += f->slot[i].count;
		if (f->slot[i].count && f->slot[i].key.rport == 443) {
			found_hot++;
			KUNIT_EXPECT_EQ(test, f->slot[i].count, 1000ULL);
		}
		if (f->slot[i].count && f->slot[i].key.rport == 1999)
			found_last++;
	}
	/* The most recent survive; the least recent were forgotten. */
	KUNIT_EXPECT_EQ(test, found_hot, 1U);
	KUNIT_EXPECT_EQ(test, found_last, 1U);
	KUNIT_EXPECT_LT(test, sum, 2000ULL);
}

static void tcpclose_dest_top_rows(struct kunit *test)
{
	static const u32 in_use[] = { 2, 5, 1, 4, 3 };
	struct tcpclose_dest *slot = kunit_kcalloc(test, 16, sizeof(*slot), GFP_KERNEL);
	struct tcpclose_dest *out = kunit_kcalloc(test, 8, sizeof(*out), GFP_KERNEL);
	struct tcpclose_dest_group g = { .slot = slot, .size = 16 };
	struct tcpclose_dest_key k;
	struct tcpclose_dest *d;
	unsigned int i, m;

	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < ARRAY_SIZE(in_use); i++) {
		tcpclose_dest_v4(&k, 1, 10 + i, 80);
		d = tcpclose_dest_find(&g, &k);
		d->in_use = in_use[i];
		d->time_wait = in_use[i] - 1;
		d->established = 1;
		d->connect_failures = i;	/* 0..4, 10 in all */
	}
	/* A failure-only destination ranks after those with sockets. */
	tcpclose_dest_v4(&k, 1, 50, 80);
	tcpclose_dest_find(&g, &k)->connect_failures = 7;
	m = tcpclose_dest_top(&g, 3, 10 + 7 + 5, out);
	KUNIT_ASSERT_EQ(test, m, 3U);
	KUNIT_EXPECT_EQ(test, out[0].in_use, 5U);
	KUNIT_EXPECT_EQ(test, out[1].in_use, 4U);
	KUNIT_EXPECT_EQ(test, out[2].in_use, 3U);
	KUNIT_EXPECT_EQ(test, out[0].key.raddr.s6_addr[15], 11);
	/* other: in_use 2 + 1 + 0, time_wait 1 + 0, and failures 22 - (1 + 3 + 4). */
	KUNIT_EXPECT_EQ(test, out[3].in_use, 3U);
	KUNIT_EXPECT_EQ(test, out[3].time_wait, 1U);
	KUNIT_EXPECT_EQ(test, out[3].established, 2U);
	KUNIT_EXPECT_EQ(test, out[3].connect_failures, 14ULL);
	/* Fewer destinations than k: all of them, then an empty other. */
	memset(slot, 0, 16 * sizeof(*slot));
	g.n = 0;
	tcpclose_dest_v4(&k, 1, 2, 80);
	tcpclose_dest_find(&g, &k)->in_use = 9;
	m = tcpclose_dest_top(&g, 64, 0, out);
	KUNIT_EXPECT_EQ(test, m, 1U);
	KUNIT_EXPECT_EQ(test, out[1].in_use, 0U);
	KUNIT_EXPECT_EQ(test, out[1].connect_failures, 0ULL);
}

static void tcpclose_dest_format(struct kunit *test)
{
	static const struct tcpclose_dest_summary sum = {
		.netns = 4026531840ULL, .since_boot_s = 812, .port_lo = 32768, .port_hi = 60999,
		.reserved = 3, .ports_in_use = 221, .dests = 2, .max_dests = 64,
		.connect_failures = 37, .bind_failures = 1, .failure_dests = 1,
		.probes = "connect,bind",
	};
	char *buf = kunit_kzalloc(test, TCPCLOSE_LINE_MAX, GFP_KERNEL);
	struct tcpclose_dest d = { .in_use = 200, .time_wait = 170, .established = 30,
				   .connect_failures = 37 };

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tcpclose_format_dest_comment(buf, TCPCLOSE_LINE_MAX, &sum);
	KUNIT_EXPECT_STREQ(test, buf,
			   "# tcpclose_dest 1 version=" TCPCLOSE_VERSION
			   " netns=4026531840 since_boot_s=812 port_range=32768-60999 reserved_ports=3 capacity=28229 local_ports_in_use=221 dests=2 max_dests=64 ungrouped=0 connect_failures=37 bind_failures=1 failure_dests=1 failure_probes=connect,bind bind_probe_missed=0\n");
	tcpclose_format_dest_columns(buf, TCPCLOSE_LINE_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   "          local          remote  port in_use time_wait established connect_failures\n");
	tcpclose_dest_v4(&d.key, 1, 2, 8000);
	tcpclose_format_dest_row(buf, TCPCLOSE_LINE_MAX, &d, false);
	KUNIT_EXPECT_STREQ(test, buf,
			   "      127.0.0.1       127.0.0.2  8000    200       170          30               37\n");
	/* IPv6, compressed; wider than the column, still whole. */
	memset(&d.key, 0, sizeof(d.key));
	d.key.laddr.s6_addr[0] = 0xfd;
	d.key.laddr.s6_addr[15] = 2;
	d.key.raddr.s6_addr[0] = 0x20;
	d.key.raddr.s6_addr[1] = 0x01;
	d.key.raddr.s6_addr[2] = 0x0d;
	d.key.raddr.s6_addr[3] = 0xb8;
	d.key.raddr.s6_addr[13] = 0xab;
	d.key.raddr.s6_addr[14] = 0xcd;
	d.key.raddr.s6_addr[15] = 0xef;
	d.key.v6 = 1;
	d.key.rport = 443;
	tcpclose_format_dest_row(buf, TCPCLOSE_LINE_MAX, &d, false);
	KUNIT_EXPECT_STREQ(test, buf,
			   "        fd00::2 2001:db8::ab:cdef   443    200       170          30               37\n");
	tcpclose_format_dest_row(buf, TCPCLOSE_LINE_MAX, &d, true);
	KUNIT_EXPECT_STREQ(test, buf,
			   "              *               *     0    200       170          30               37\n");
}

static struct kunit_case tcpclose_cases[] = {
	KUNIT_CASE_PARAM(tcpclose_classify_pairs, tcpclose_pair_gen),
	KUNIT_CASE_PARAM(tcpclose_end_names, tcpclose_end_gen_params),
	KUNIT_CASE(tcpclose_kill_reasons),
	KUNIT_CASE_PARAM(tcpclose_gauge_states, tcpclose_gauge_gen_params),
	KUNIT_CASE_PARAM(tcpclose_role_rules, tcpclose_role_gen_params),
	KUNIT_CASE_PARAM(tcpclose_parse_writes, tcpclose_write_gen_params),
	KUNIT_CASE(tcpclose_format_bytes),
	KUNIT_CASE(tcpclose_format_zero_rows),
	KUNIT_CASE(tcpclose_table_sorted),
	KUNIT_CASE(tcpclose_table_reset_baseline),
	KUNIT_CASE(tcpclose_table_evict_between_events),
	KUNIT_CASE(tcpclose_table_gauges),
	KUNIT_CASE(tcpclose_table_separate),
	KUNIT_CASE_PARAM(tcpclose_hist_buckets, tcpclose_bucket_gen_params),
	KUNIT_CASE(tcpclose_hist_text),
	KUNIT_CASE(tcpclose_phases),
	KUNIT_CASE(tcpclose_track_bound),
	KUNIT_CASE(tcpclose_track_spread),
	KUNIT_CASE(tcpclose_table_close_wait_age),
	KUNIT_CASE(tcpclose_table_histograms),
	KUNIT_CASE(tcpclose_table_concurrent),
	KUNIT_CASE(tcpclose_pool_objects),
	KUNIT_CASE(tcpclose_table_young),
	KUNIT_CASE(tcpclose_table_burst),
	KUNIT_CASE(tcpclose_table_first_come),
	KUNIT_CASE(tcpclose_table_flood),
	KUNIT_CASE(tcpclose_quota_bound),
	KUNIT_CASE_PARAM(tcpclose_evict_needs, tcpclose_need_gen_params),
	KUNIT_CASE(tcpclose_table_shared_quota),
	KUNIT_CASE_PARAM(tcpclose_tw_kernels, tcpclose_kernel_gen_params),
	KUNIT_CASE(tcpclose_dest_grouping),
	KUNIT_CASE(tcpclose_dest_failure_table),
	KUNIT_CASE(tcpclose_dest_top_rows),
	KUNIT_CASE(tcpclose_dest_format),
	{}
};

/* The pools of probe context, as tcpclose.ko sets them up at load. */
static int tcpclose_suite_init(struct kunit_suite *suite)
{
	return tcpclose_pool_init();
}

static void tcpclose_suite_exit(struct kunit_suite *suite)
{
	tcpclose_pool_exit();
}

static struct kunit_suite tcpclose_suite = {
	.name = "tcpclose",
	.suite_init = tcpclose_suite_init,
	.suite_exit = tcpclose_suite_exit,
	.test_cases = tcpclose_cases,
};

kunit_test_suite(tcpclose_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcpclose's classification, table and output");
