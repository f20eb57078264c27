// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpclose, tcpclose_hist and tcpclose_dest in every network
 * namespace, and /proc/NAME, a symlink to self/net/NAME, so that one path
 * shows the table of the opener's namespace (the way /proc/net itself
 * works).
 *
 * Each open takes one consistent snapshot (counters summed, gauges walked)
 * that all reads of that file descriptor return, so a reader using small
 * buffers or seeking never sees a torn table. A write of "reset" to any of
 * them zeroes the counters of that namespace.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include "gauge.h"
#include "netns.h"
#include "procfs.h"
#include "hook.h"
#include "twprobe.h"
#include "destwalk.h"
#include "portprobe.h"

#define TCPCLOSE_PROC_NAME "tcpclose"
#define TCPCLOSE_HIST_NAME "tcpclose_hist"
#define TCPCLOSE_DEST_NAME "tcpclose_dest"

/* The three files, in the order they are created. */
enum tcpclose_file {
	TCPCLOSE_FILE_COUNTS,
	TCPCLOSE_FILE_HIST,
	TCPCLOSE_FILE_DEST,
	TCPCLOSE_NR_FILES
};

static const char *const tcpclose_file_names[] = {
	[TCPCLOSE_FILE_COUNTS] = TCPCLOSE_PROC_NAME,
	[TCPCLOSE_FILE_HIST] = TCPCLOSE_HIST_NAME,
	[TCPCLOSE_FILE_DEST] = TCPCLOSE_DEST_NAME,
};

struct tcpclose_snap {
	struct net *net;
	enum tcpclose_file file;
	void *rows;		/* struct tcpclose_row, tcpclose_hist_row or tcpclose_dest */
	unsigned int nrows;
	struct tcpclose_summary sum;
	struct tcpclose_dest_summary dest;
	char tw_probes[64];	/* sum.tw_probes: a copy, see below */
	char port_probes[32];	/* dest.probes */
	char line[TCPCLOSE_LINE_MAX];
};

/*
 * The table of @net, for a file operation: stable while it runs, because
 * a netns frees its table only after removing these files, which waits
 * for operations in progress and releases open descriptors.
 */
static struct tcpclose_table *tcpclose_proc_table(const struct net *net)
{
	struct tcpclose_table *tbl;

	rcu_read_lock();
	tbl = tcpclose_net_table(net);
	rcu_read_unlock();
	return tbl;
}

static int tcpclose_snap_take(struct tcpclose_snap *st)
{
	struct tcpclose_table *tbl = tcpclose_proc_table(st->net);

	memset(&st->sum, 0, sizeof(st->sum));
	st->sum.netns = st->net->ns.inum;
	st->sum.max_tracked = tcpclose_closing.nbuckets * TCPCLOSE_TRACK_WAYS;
	st->sum.netns_tracked = atomic_read(&tbl->tracked);
	st->sum.netns_max_tracked = tcpclose_tracked_per_netns;
	st->sum.timing = tcpclose_timing_enabled();
	/* Machine-wide: why a container's new ports may land on port 0. */
	st->sum.netns_total = atomic_read(&tcpclose_netns_quota.used);
	st->sum.max_ports_netns_total = tcpclose_netns_quota.max;
	/*
	 * Formatted once: the probes' status changes while the per-netns
	 * files exist (load, unload), and every read of this descriptor must
	 * print the same header.
	 */
	tcpclose_twprobe_status(st->tw_probes, sizeof(st->tw_probes));
	st->sum.tw_probes = st->tw_probes;
	mutex_lock(&tbl->mutex);
	if (st->file == TCPCLOSE_FILE_DEST) {
		memset(&st->dest, 0, sizeof(st->dest));
		tcpclose_portprobe_status(st->port_probes, sizeof(st->port_probes));
		st->dest.probes = st->port_probes;
		st->dest.probe_missed = tcpclose_portprobe_missed();
		st->rows = tcpclose_dest_rows(tbl, st->net, &st->nrows, &st->dest);
	} else if (st->file == TCPCLOSE_FILE_HIST) {
		st->rows = tcpclose_table_hist_rows(tbl, &st->nrows, &st->sum);
	} else {
		tcpclose_table_clear_gauges(tbl);
		tcpclose_gauge_seed_listeners(tbl, st->net);
		tcpclose_gauge_walk(tbl, st->net, &st->sum);
		st->rows = tcpclose_table_rows(tbl, &st->nrows, &st->sum, tcpclose_clock());
	}
	mutex_unlock(&tbl->mutex);
	return st->rows ? 0 : -ENOMEM;
}

/* Position 0 is the header, position i > 0 is row i - 1. */
static void *tcpclose_seq_start(struct seq_file *m, loff_t *pos)
{
	struct tcpclose_snap *st = m->private;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	if (*pos > st->nrows)
		return NULL;
	if (st->file == TCPCLOSE_FILE_DEST)
		return (struct tcpclose_dest *)st->rows + *pos - 1;
	if (st->file == TCPCLOSE_FILE_HIST)
		return (struct tcpclose_hist_row *)st->rows + *pos - 1;
	return (struct tcpclose_row *)st->rows + *pos - 1;
}

static void *tcpclose_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return tcpclose_seq_start(m, pos);
}

static void tcpclose_seq_stop(struct seq_file *m, void *v)
{
}

static int tcpclose_seq_show(struct seq_file *m, void *v)
{
	struct tcpclose_snap *st = m->private;

	if (st->file == TCPCLOSE_FILE_DEST) {
		const struct tcpclose_dest *last = (struct tcpclose_dest *)st->rows + st->nrows - 1;
		char *line = st->line;

		if (v == SEQ_START_TOKEN) {
			tcpclose_format_dest_comment(line, sizeof(st->line), &st->dest);
			seq_puts(m, line);
			tcpclose_format_dest_columns(line, sizeof(st->line));
		} else {
			/* The last row is "other". */
			tcpclose_format_dest_row(line, sizeof(st->line), v, v == last);
		}
	} else if (v == SEQ_START_TOKEN && st->file == TCPCLOSE_FILE_HIST) {
		tcpclose_format_hist_comment(st->line, sizeof(st->line), &st->sum);
		seq_puts(m, st->line);
		tcpclose_format_hist_columns(st->line, sizeof(st->line));
	} else if (v == SEQ_START_TOKEN) {
		tcpclose_format_comment(st->line, sizeof(st->line), &st->sum);
		seq_puts(m, st->line);
		tcpclose_format_columns(st->line, sizeof(st->line));
	} else if (st->file == TCPCLOSE_FILE_HIST) {
		tcpclose_format_hist_row(st->line, sizeof(st->line), v);
	} else {
		tcpclose_format_row(st->line, sizeof(st->line), v);
	}
	seq_puts(m, st->line);
	return 0;
}

static const struct seq_operations tcpclose_seq_ops = {
	.start = tcpclose_seq_start,
	.next = tcpclose_seq_next,
	.stop = tcpclose_seq_stop,
	.show = tcpclose_seq_show,
};

static int tcpclose_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct tcpclose_snap *st = m->private;

	kvfree(st->rows);
	put_net(st->net);
	return seq_release_private(inode, file);
}

static int tcpclose_proc_open(struct inode *inode, struct file *file)
{
	struct tcpclose_snap *st;
	int err;

	st = __seq_open_private(file, &tcpclose_seq_ops, sizeof(*st));
	if (!st)
		return -ENOMEM;
	/* The namespace of this /proc/net, held for the life of the descriptor. */
	st->net = maybe_get_net(pde_data(inode));
	err = match_string(tcpclose_file_names, TCPCLOSE_NR_FILES, file_dentry(file)->d_name.name);
	st->file = err < 0 ? TCPCLOSE_FILE_COUNTS : err;
	if (!st->net) {
		seq_release_private(inode, file);
		return -ENXIO;
	}
	if (!(file->f_mode & FMODE_READ))
		return 0;
	err = tcpclose_snap_take(st);
	if (err)
		tcpclose_proc_release(inode, file);
	return err;
}

/*
 * Both the opener and the writer need CAP_NET_ADMIN over the namespace:
 * a descriptor handed to a privileged process cannot be used to reset.
 */
static ssize_t tcpclose_proc_write(struct file *file, const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct tcpclose_snap *st = m->private;
	char buf[TCPCLOSE_WRITE_MAX];
	enum tcpclose_cmd cmd;
	int err;

	if (!file_ns_capable(file, st->net->user_ns, CAP_NET_ADMIN) ||
	    !ns_capable(st->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (count > sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	err = tcpclose_parse_write(buf, count, &cmd);
	if (err)
		return err;
	switch (cmd) {
	case TCPCLOSE_CMD_RESET:
		tcpclose_table_reset(tcpclose_proc_table(st->net));
		break;
	}
	return count;
}

static const struct proc_ops tcpclose_proc_ops = {
	.proc_open = tcpclose_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_write = tcpclose_proc_write,
	.proc_release = tcpclose_proc_release,
};

/*
 * Readable by all, writable by the root of the namespace's user namespace;
 * the capability check in write (opener and writer) is the guard beyond
 * that. A netns made in the same unshare(2) as its user namespace
 * (unshare -Urn) exists before the uid map, so that root is not known
 * yet: the files then belong to the user namespace's creator, who holds
 * every capability in it and is its root once unshare -r maps 0 to it.
 * Writing "reset" to any of the files resets them all.
 */
static struct proc_dir_entry *tcpclose_proc_create(const char *name, struct net *net)
{
	struct user_namespace *ns = net->user_ns;
	struct proc_dir_entry *pde;
	kuid_t uid = make_kuid(ns, 0);
	kgid_t gid = make_kgid(ns, 0);

	pde = proc_create_data(name, 0644, net->proc_net, &tcpclose_proc_ops, net);
	if (pde)
		proc_set_user(pde, uid_valid(uid) ? uid : ns->owner,
			      gid_valid(gid) ? gid : ns->group);
	return pde;
}

int tcpclose_proc_net_init(struct net *net)
{
	unsigned int i;

	for (i = 0; i < TCPCLOSE_NR_FILES; i++) {
		if (!tcpclose_proc_create(tcpclose_file_names[i], net)) {
			while (i--)
				remove_proc_entry(tcpclose_file_names[i], net->proc_net);
			return -ENOMEM;
		}
	}
	return 0;
}

void tcpclose_proc_net_exit(struct net *net)
{
	unsigned int i = TCPCLOSE_NR_FILES;

	while (i--)
		remove_proc_entry(tcpclose_file_names[i], net->proc_net);
}

/* /proc/NAME -> self/net/NAME: the opener's namespace, like /proc/net. */
int tcpclose_proc_init(void)
{
	char target[32];
	unsigned int i;

	for (i = 0; i < TCPCLOSE_NR_FILES; i++) {
		snprintf(target, sizeof(target), "self/net/%s", tcpclose_file_names[i]);
		if (!proc_symlink(tcpclose_file_names[i], NULL, target)) {
			while (i--)
				remove_proc_entry(tcpclose_file_names[i], NULL);
			return -ENOMEM;
		}
	}
	return 0;
}

void tcpclose_proc_exit(void)
{
	unsigned int i = TCPCLOSE_NR_FILES;

	while (i--)
		remove_proc_entry(tcpclose_file_names[i], NULL);
}
