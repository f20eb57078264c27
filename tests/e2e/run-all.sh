#!/bin/sh
# Runs every tests/e2e/NN-*.sh, each in a fresh network namespace so that
# its table starts empty and its numbers are exact.
cd /tests || exit 1
for t in [0-9][0-9]-*.sh; do
	name=${t%.sh}
	echo "@@TEST $name"
	unshare -n sh -c "ip link set lo up; T=$name; . ./lib.sh; . ./$t"
done
