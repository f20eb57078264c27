// SPDX-License-Identifier: GPL-2.0
/*
 * The text of /proc/tcpclose, and the commands it accepts.
 *
 * Pure: fixed buffers in, bytes out, so KUnit can compare the output of a
 * known table byte for byte.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include "tcpclose.h"
#include "version.h"

const char *const tcpclose_role_names[TCPCLOSE_NR_ROLES] = {
	[TCPCLOSE_CLIENT] = "client",
	[TCPCLOSE_SERVER] = "server",
};

enum tcpclose_kind { TCPCLOSE_KEY, TCPCLOSE_COUNTER, TCPCLOSE_GAUGE, TCPCLOSE_CW };

/* Columns: the public contract; new columns are only ever appended. */
static const struct tcpclose_column {
	const char *name;
	enum tcpclose_kind kind;
	unsigned int idx;
} tcpclose_columns[] = {
	{ "port", TCPCLOSE_KEY, 0 },
	{ "role", TCPCLOSE_KEY, 1 },
	{ "active_closes", TCPCLOSE_COUNTER, TCPCLOSE_ACTIVE },
	{ "passive_closes", TCPCLOSE_COUNTER, TCPCLOSE_PASSIVE },
	{ "simultaneous_closes", TCPCLOSE_COUNTER, TCPCLOSE_SIMULTANEOUS },
	{ "resets", TCPCLOSE_COUNTER, TCPCLOSE_RESET },
	{ "time_wait", TCPCLOSE_GAUGE, TCPCLOSE_G_TIME_WAIT },
	{ "close_wait", TCPCLOSE_GAUGE, TCPCLOSE_G_CLOSE_WAIT },
	{ "fin_wait1", TCPCLOSE_GAUGE, TCPCLOSE_G_FIN_WAIT1 },
	{ "fin_wait2", TCPCLOSE_GAUGE, TCPCLOSE_G_FIN_WAIT2 },
	{ "last_ack", TCPCLOSE_GAUGE, TCPCLOSE_G_LAST_ACK },
	{ "closing", TCPCLOSE_GAUGE, TCPCLOSE_G_CLOSING },
	{ "established", TCPCLOSE_GAUGE, TCPCLOSE_G_ESTABLISHED },
	{ "close_wait_oldest_s", TCPCLOSE_CW, 0 },
	{ "close_wait_untracked", TCPCLOSE_CW, 1 },
	{ "tw_created", TCPCLOSE_COUNTER, TCPCLOSE_TW_CREATED },
	{ "tw_expired", TCPCLOSE_COUNTER, TCPCLOSE_TW_EXPIRED },
	{ "tw_killed", TCPCLOSE_COUNTER, TCPCLOSE_TW_KILLED },
	{ "tw_overflow", TCPCLOSE_COUNTER, TCPCLOSE_TW_OVERFLOW },
	{ "fin_wait2_timeouts", TCPCLOSE_COUNTER, TCPCLOSE_FIN_WAIT2_TIMEOUTS },
	{ "tw_killed_rst", TCPCLOSE_COUNTER, TCPCLOSE_TW_KILLED_RST },
	{ "tw_killed_reuse", TCPCLOSE_COUNTER, TCPCLOSE_TW_KILLED_REUSE },
	{ "tw_killed_abort", TCPCLOSE_COUNTER, TCPCLOSE_TW_KILLED_ABORT },
	{ "local_aborts", TCPCLOSE_COUNTER, TCPCLOSE_LOCAL_ABORTS },
};

static_assert(ARRAY_SIZE(tcpclose_columns) == 2 + TCPCLOSE_NR_COUNTERS + TCPCLOSE_NR_GAUGES + 2);

/* Values are right-aligned under their names so that cat shows a table. */
static int tcpclose_width(unsigned int col)
{
	if (col == 0)
		return 5;	/* "65535" */
	if (col == 1)
		return -6;	/* role names, left-aligned */
	return strlen(tcpclose_columns[col].name);
}

static u64 tcpclose_value(const struct tcpclose_row *row, const struct tcpclose_column *c)
{
	switch (c->kind) {
	case TCPCLOSE_COUNTER:
		return row->counter[c->idx];
	case TCPCLOSE_GAUGE:
		return row->gauge[c->idx];
	case TCPCLOSE_CW:
		return c->idx ? row->close_wait_untracked : row->close_wait_oldest_s;
	default:
		return row->port;
	}
}

int tcpclose_format_comment(char *buf, size_t len, const struct tcpclose_summary *s)
{
	return scnprintf(buf, len,
			 "# tcpclose %d version=%s netns=%llu ports=%u max_ports=%u dropped=%llu untracked=%u sockstat_tw=%d tw_fin_wait2=%u tw_probes=%s since_boot_s=%llu netns_total=%u max_ports_netns_total=%u\n",
			 TCPCLOSE_FORMAT_VERSION, TCPCLOSE_VERSION, s->netns,
			 s->ports, s->max_ports, s->dropped, s->untracked,
			 s->sockstat_tw, s->tw_fin_wait2, s->tw_probes ?: "none",
			 s->since_boot_s, s->netns_total, s->max_ports_netns_total);
}

int tcpclose_format_columns(char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpclose_columns); i++)
		n += scnprintf(buf + n, len - n, "%s%*s", i ? " " : "",
			       tcpclose_width(i), tcpclose_columns[i].name);
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

int tcpclose_format_row(char *buf, size_t len, const struct tcpclose_row *row)
{
	unsigned int i;
	size_t n;

	n = scnprintf(buf, len, "%*u %*s", tcpclose_width(0), row->port,
		      tcpclose_width(1), tcpclose_role_names[row->role]);
	for (i = 2; i < ARRAY_SIZE(tcpclose_columns); i++)
		n += scnprintf(buf + n, len - n, " %*llu", tcpclose_width(i),
			       tcpclose_value(row, &tcpclose_columns[i]));
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

bool tcpclose_row_is_zero(const struct tcpclose_row *row)
{
	unsigned int i;

	for (i = 0; i < TCPCLOSE_NR_COUNTERS; i++)
		if (row->counter[i])
			return false;
	for (i = 0; i < TCPCLOSE_NR_GAUGES; i++)
		if (row->gauge[i])
			return false;
	/* The CLOSE_WAIT columns are non-zero only with close_wait > 0. */
	return true;
}

/*
 * Accepted: "reset", optionally followed by one newline (what echo writes).
 * Anything else, including an empty write, a partial word, trailing bytes
 * or an embedded NUL, is -EINVAL.
 */
int tcpclose_parse_write(const char *buf, size_t len, enum tcpclose_cmd *cmd)
{
	static const char reset[] = "reset";
	const size_t rlen = sizeof(reset) - 1;

	if (len == rlen + 1 && buf[rlen] == '\n')
		len--;
	if (len != rlen || memcmp(buf, reset, rlen))
		return -EINVAL;
	*cmd = TCPCLOSE_CMD_RESET;
	return 0;
}
