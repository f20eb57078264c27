#!/bin/sh
# Guest side of `make kunit`: load the KUnit suite and print its KTAP.
if ! insmod /lib/tcpclose/tcpclose_test.ko; then
	echo "FAIL kunit/insmod: tcpclose_test.ko did not load"
	exit 0
fi
echo "@@KTAP-BEGIN"
cat /sys/kernel/debug/kunit/tcpclose/results
echo "@@KTAP-END"
