#!/bin/sh
# /init of the test initramfs: set up a minimal system, load tcpclose, run
# the script named by tcpclose.run= on the kernel command line, power off.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
run=$(sed -n 's/.*tcpclose\.run=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "@@BOOTED $(uname -r)"
# The KCSAN kernel does not watch during boot (races of the rest of the
# kernel's boot are not ours): it starts here, before the module loads.
[ -e /sys/kernel/debug/kcsan ] && echo on >/sys/kernel/debug/kcsan
# Every result line (lib.sh's pass and fail) is also recorded here.
: >/tmp/tc.results
chmod 666 /tmp/tc.results
if insmod /lib/tcpclose/tcpclose.ko; then
	echo "@@LOADED"
	sh "$run"
	# The host fails a run whose script did not end with status 0.
	echo "@@EXIT $?"
else
	echo "FAIL boot/insmod: insmod tcpclose.ko failed on $(uname -r)"
	echo boot >>/tmp/tc.results
fi
# How many results each test printed, for the host to compare with the
# lines it found on the console (tests/host-lib.sh, scrape_counted).
sort /tmp/tc.results | uniq -c | while read -r n t; do
	echo "@@RESULTS $n $t"
done
echo "@@RESULTS-END $(wc -l </tmp/tc.results)"
echo "@@DONE"
# Let the serial line drain first: the kernel's "sysrq: Power Off" line is
# written straight to the UART and cut into the last lines still queued
# behind it (once "@@RESULTS-END 577[ 181.99] sysrq: Power Off").
sleep 2
echo o >/proc/sysrq-trigger
sleep 10
