// SPDX-License-Identifier: GPL-2.0
/*
 * tcpclose: who closes first, and what it leaves behind, per TCP port.
 *
 * Counts close transitions per (port, role) from the inet_sock_set_state
 * tracepoint, reads live TIME_WAIT/CLOSE_WAIT counts from the TCP hash
 * tables, and publishes both per network namespace in /proc/tcpclose.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "hook.h"
#include "pool.h"
#include "table.h"
#include "twprobe.h"
#include "portprobe.h"
#include "destwalk.h"
#include "netns.h"
#include "procfs.h"
#include "version.h"

unsigned int tcpclose_max_ports = 4096;
/*
 * Entries (and 256-port blocks) of all namespaces but the initial one
 * together: four full namespaces' worth. Their memory comes from pools and
 * per-CPU counters no cgroup pays for: an entry is 512 B, 208 B per
 * possible CPU and up to two 2 KiB histogram sets (a block: 2 KiB), so at
 * most ~80 MiB on 2 CPUs and ~280 MiB on 64, however many namespaces a
 * user creates.
 */
unsigned int tcpclose_max_ports_netns_total = 16384;
static unsigned int tcpclose_max_tracked = 32768;
static unsigned int tcpclose_max_tracked_share = 50;
static enum tcpclose_tw_mode tcpclose_tw_probes = TCPCLOSE_TW_AUTO;
static bool tcpclose_timing_on = true;
/* The tracker exists: set and read under kernel_param_lock(THIS_MODULE). */
static bool tcpclose_live;

/* Parameters are read-only once loaded; out of range fails insmod. */
static int tcpclose_param_range(const char *val, const struct kernel_param *kp,
				unsigned int min, unsigned int max)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err || n < min || n > max) {
		pr_err("%s=%s: must be %u..%u\n", kp->name, val, min, max);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static int tcpclose_set_max_ports(const char *val, const struct kernel_param *kp)
{
	return tcpclose_param_range(val, kp, 1, TCPCLOSE_PORTS);
}

static int tcpclose_set_max_ports_netns_total(const char *val, const struct kernel_param *kp)
{
	/* 0: namespaces count on "other" only. */
	return tcpclose_param_range(val, kp, 0, 1U << 22);
}

static int tcpclose_set_max_tracked(const char *val, const struct kernel_param *kp)
{
	return tcpclose_param_range(val, kp, TCPCLOSE_TRACK_WAYS, 1U << 22);
}

static int tcpclose_set_max_tracked_share(const char *val, const struct kernel_param *kp)
{
	return tcpclose_param_range(val, kp, 1, 100);
}

static const struct kernel_param_ops tcpclose_max_tracked_share_ops = {
	.set = tcpclose_set_max_tracked_share,
	.get = param_get_uint,
};

static const struct kernel_param_ops tcpclose_max_ports_ops = {
	.set = tcpclose_set_max_ports,
	.get = param_get_uint,
};

static const struct kernel_param_ops tcpclose_max_ports_netns_total_ops = {
	.set = tcpclose_set_max_ports_netns_total,
	.get = param_get_uint,
};

static const struct kernel_param_ops tcpclose_max_tracked_ops = {
	.set = tcpclose_set_max_tracked,
	.get = param_get_uint,
};

module_param_cb(max_ports, &tcpclose_max_ports_ops, &tcpclose_max_ports, 0444);
MODULE_PARM_DESC(max_ports,
		 "ports tracked per network namespace, 1..65536 (default 4096); new ports beyond count on port 0 (other)");
module_param_cb(max_ports_netns_total, &tcpclose_max_ports_netns_total_ops,
		&tcpclose_max_ports_netns_total, 0444);
MODULE_PARM_DESC(max_ports_netns_total,
		 "ports tracked by all network namespaces but the initial one together (one more per block of 256 port numbers in use), 0..4194304 (default 16384); a namespace's new ports beyond go to its port 0");
module_param_cb(max_tracked, &tcpclose_max_tracked_ops, &tcpclose_max_tracked, 0444);
MODULE_PARM_DESC(max_tracked,
		 "sockets timed while closing, all namespaces, 8..4194304 (default 32768, 32 bytes each); closes beyond are counted as untracked_closes");
module_param_cb(max_tracked_share, &tcpclose_max_tracked_share_ops, &tcpclose_max_tracked_share,
		0444);
MODULE_PARM_DESC(max_tracked_share,
		 "percent of max_tracked one network namespace may hold, 1..100 (default 50); its closes beyond are counted as untracked_closes");

/*
 * The one parameter that may change while loaded: a write waits for
 * running probes and, when turning timing off, empties the tracker.
 */
static int tcpclose_set_max_dests(const char *val, const struct kernel_param *kp)
{
	return tcpclose_param_range(val, kp, 1, 1024);
}

static const struct kernel_param_ops tcpclose_max_dests_ops = {
	.set = tcpclose_set_max_dests,
	.get = param_get_uint,
};

module_param_cb(max_dests, &tcpclose_max_dests_ops, &tcpclose_max_dests, 0644);
MODULE_PARM_DESC(max_dests,
		 "destinations shown in /proc/tcpclose_dest, 1..1024 (default 64), the rest summed in one row; may be changed while loaded");

static int tcpclose_set_timing_param(const char *val, const struct kernel_param *kp)
{
	bool on;

	/* A bare "timing" means on, as for any bool parameter. */
	if (kstrtobool(val ?: "1", &on)) {
		pr_err("timing=%s: must be 0 or 1 (or n/y)\n", val);
		return -EINVAL;
	}
	*(bool *)kp->arg = on;
	if (tcpclose_live)
		tcpclose_set_timing(on);
	return 0;
}

static const struct kernel_param_ops tcpclose_timing_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = tcpclose_set_timing_param,
	.get = param_get_bool,
};

module_param_cb(timing, &tcpclose_timing_ops, &tcpclose_timing_on, 0644);
MODULE_PARM_DESC(timing,
		 "time closes: the duration histograms and close_wait_oldest_s; default Y, may be changed while loaded (/sys/module/tcpclose/parameters/timing)");

/* Values of tw_probes; a boolean "y" means auto, as before the mode existed. */
static const char *const tcpclose_tw_modes[] = {
	[TCPCLOSE_TW_OFF] = "off",
	[TCPCLOSE_TW_AUTO] = "auto",
	[TCPCLOSE_TW_FORCE] = "force",
};

static int tcpclose_set_tw_probes(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(tcpclose_tw_modes, val ?: "");
	bool on;

	if (mode < 0 && !kstrtobool(val ?: "", &on))
		mode = on ? TCPCLOSE_TW_AUTO : TCPCLOSE_TW_OFF;
	if (mode < 0) {
		pr_err("tw_probes=%s: must be auto, off or force\n", val);
		return -EINVAL;
	}
	*(enum tcpclose_tw_mode *)kp->arg = mode;
	return 0;
}

static int tcpclose_get_tw_probes(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", tcpclose_tw_modes[*(enum tcpclose_tw_mode *)kp->arg]);
}

static const struct kernel_param_ops tcpclose_tw_probes_ops = {
	.set = tcpclose_set_tw_probes,
	.get = tcpclose_get_tw_probes,
};

module_param_cb(tw_probes, &tcpclose_tw_probes_ops, &tcpclose_tw_probes, 0444);
MODULE_PARM_DESC(tw_probes,
		 "TIME_WAIT lifecycle kprobes (tw_* columns): auto (default: on verified kernels only), off, force");

/*
 * After this, a write to the timing parameter leaves the tracker and the
 * namespaces' tables alone: before the tables go, then the tracker.
 */
static void tcpclose_unlive(void)
{
	kernel_param_lock(THIS_MODULE);
	tcpclose_live = false;
	kernel_param_unlock(THIS_MODULE);
}

static int __init tcpclose_init(void)
{
	int err;

	/* Before any probe or read hashes a destination. */
	tcpclose_dest_seed_init();
	/* What the probe takes instead of allocating, before any probe runs. */
	err = tcpclose_pool_init();
	if (err)
		return err;
	/* The tracker before the per-netns files, whose open reads it. */
	err = tcpclose_hook_alloc(tcpclose_max_tracked, tcpclose_max_tracked_share);
	if (err)
		goto err_pool;
	kernel_param_lock(THIS_MODULE);
	tcpclose_set_timing(tcpclose_timing_on);
	tcpclose_live = true;
	kernel_param_unlock(THIS_MODULE);
	/* Tables first: the probe must never see a netns without one. */
	err = tcpclose_netns_register();
	if (err)
		goto err_free;
	err = tcpclose_hook_attach();
	if (err)
		goto err_netns;
	tcpclose_netns_seed_listeners();
	tcpclose_twprobe_attach(tcpclose_tw_probes);
	tcpclose_portprobe_attach();
	err = tcpclose_proc_init();
	if (err)
		goto err_hook;
	pr_info("version %s loaded, max_ports=%u max_ports_netns_total=%u max_tracked=%u max_tracked_share=%u timing=%d\n",
		TCPCLOSE_VERSION, tcpclose_max_ports, tcpclose_max_ports_netns_total,
		tcpclose_max_tracked, tcpclose_max_tracked_share, tcpclose_timing_on);
	return 0;

err_hook:
	tcpclose_portprobe_detach();
	tcpclose_twprobe_detach();
	tcpclose_hook_detach();
err_netns:
	tcpclose_unlive();
	tcpclose_netns_unregister();
err_free:
	tcpclose_unlive();	/* again if from above: harmless */
	tcpclose_hook_free();
err_pool:
	tcpclose_pool_exit();
	return err;
}

static void __exit tcpclose_exit(void)
{
	tcpclose_proc_exit();
	tcpclose_unlive();
	tcpclose_portprobe_detach();
	tcpclose_twprobe_detach();
	tcpclose_hook_detach();
	tcpclose_netns_unregister();
	tcpclose_hook_free();
	tcpclose_pool_exit();
	pr_info("unloaded\n");
}

module_init(tcpclose_init);
module_exit(tcpclose_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The tcpclose developers");
MODULE_DESCRIPTION("Per-port TCP close accounting: who closes first, TIME_WAIT and CLOSE_WAIT");
MODULE_VERSION(TCPCLOSE_VERSION);
