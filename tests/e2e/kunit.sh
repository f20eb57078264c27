#!/bin/sh
# Guest side of `make kunit`: load the KUnit suite and print its KTAP.
# tcpclose_table_concurrent races kthreads on one counter: that proves
# something only with a second CPU to race on.
T=kunit
. /tests/lib.sh
n=$(grep -c '^processor' /proc/cpuinfo)
if [ "$n" -ge 2 ]; then
	pass cpus
	echo "# $n CPUs online"
else
	fail cpus "$n CPU online, the concurrency case needs 2"
fi
if ! insmod /lib/tcpclose/tcpclose_test.ko; then
	fail insmod "tcpclose_test.ko did not load"
	exit 0
fi
echo "@@KTAP-BEGIN"
cat /sys/kernel/debug/kunit/tcpclose/results
echo "@@KTAP-END"
