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
#include "hook.h"
#include "netns.h"
#include "procfs.h"
#include "version.h"

unsigned int tcpclose_max_ports = 4096;

static int tcpclose_set_max_ports(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err || n < 1 || n > TCPCLOSE_PORTS) {
		pr_err("max_ports=%s: must be 1..%u\n", val, TCPCLOSE_PORTS);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops tcpclose_max_ports_ops = {
	.set = tcpclose_set_max_ports,
	.get = param_get_uint,
};

module_param_cb(max_ports, &tcpclose_max_ports_ops, &tcpclose_max_ports, 0444);
MODULE_PARM_DESC(max_ports,
		 "ports tracked per network namespace, 1..65536 (default 4096); events beyond are counted as dropped");

static int __init tcpclose_init(void)
{
	int err;

	/* Tables first: the probe must never see a netns without one. */
	err = tcpclose_netns_register();
	if (err)
		return err;
	err = tcpclose_hook_attach();
	if (err)
		goto err_netns;
	tcpclose_netns_seed_listeners();
	err = tcpclose_proc_init();
	if (err)
		goto err_hook;
	pr_info("version %s loaded, max_ports=%u\n", TCPCLOSE_VERSION, tcpclose_max_ports);
	return 0;

err_hook:
	tcpclose_hook_detach();
err_netns:
	tcpclose_netns_unregister();
	return err;
}

static void __exit tcpclose_exit(void)
{
	tcpclose_proc_exit();
	tcpclose_hook_detach();
	tcpclose_netns_unregister();
	pr_info("unloaded\n");
}

module_init(tcpclose_init);
module_exit(tcpclose_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The tcpclose developers");
MODULE_DESCRIPTION("Per-port TCP close accounting: who closes first, TIME_WAIT and CLOSE_WAIT");
MODULE_VERSION(TCPCLOSE_VERSION);
