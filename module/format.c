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

/* Column names: the public contract; new columns are only ever appended. */
static const char *const tcpclose_columns[] = {
	"port", "role",
	"active_closes", "passive_closes", "simultaneous_closes", "resets",
	"time_wait", "close_wait", "fin_wait1", "fin_wait2", "last_ack",
	"closing", "established", "close_wait_oldest_s", "close_wait_untracked",
};

#define TCPCLOSE_NR_COLUMNS ARRAY_SIZE(tcpclose_columns)

static_assert(TCPCLOSE_NR_COLUMNS == 2 + TCPCLOSE_NR_COUNTERS + TCPCLOSE_NR_GAUGES + 2);

/* Values are right-aligned under their names so that cat shows a table. */
static int tcpclose_width(unsigned int col)
{
	if (col == 0)
		return 5;	/* "65535" */
	if (col == 1)
		return -6;	/* role names, left-aligned */
	return strlen(tcpclose_columns[col]);
}

int tcpclose_format_comment(char *buf, size_t len, const struct tcpclose_summary *s)
{
	return scnprintf(buf, len,
			 "# tcpclose %d version=%s netns=%llu ports=%u max_ports=%u dropped=%llu untracked=%u sockstat_tw=%d tw_fin_wait2=%u\n",
			 TCPCLOSE_FORMAT_VERSION, TCPCLOSE_VERSION, s->netns,
			 s->ports, s->max_ports, s->dropped, s->untracked,
			 s->sockstat_tw, s->tw_fin_wait2);
}

int tcpclose_format_columns(char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < TCPCLOSE_NR_COLUMNS; i++)
		n += scnprintf(buf + n, len - n, "%s%*s", i ? " " : "",
			       tcpclose_width(i), tcpclose_columns[i]);
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

int tcpclose_format_row(char *buf, size_t len, const struct tcpclose_row *row)
{
	unsigned int i, col = 0;
	size_t n;

	n = scnprintf(buf, len, "%*u %*s", tcpclose_width(col), row->port,
		      tcpclose_width(col + 1), tcpclose_role_names[row->role]);
	col += 2;
	for (i = 0; i < TCPCLOSE_NR_COUNTERS; i++, col++)
		n += scnprintf(buf + n, len - n, " %*llu", tcpclose_width(col),
			       row->counter[i]);
	for (i = 0; i < TCPCLOSE_NR_GAUGES; i++, col++)
		n += scnprintf(buf + n, len - n, " %*u", tcpclose_width(col),
			       row->gauge[i]);
	n += scnprintf(buf + n, len - n, " %*u %*u\n", tcpclose_width(col),
		       row->close_wait_oldest_s, tcpclose_width(col + 1),
		       row->close_wait_untracked);
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
