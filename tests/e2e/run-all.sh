#!/bin/sh
# Runs every tests/e2e/NN-*.sh, each in a fresh network namespace so that
# its table starts empty and its numbers are exact. Each prints
# "@@START NAME" once its namespace is up and "@@END NAME" once the whole
# file ran: the host (tests/run-e2e.sh) fails any test file present that
# did not end (a syntax error, a killed shell, unshare failing).
cd /tests || exit 1
for t in [0-9][0-9]-*.sh; do
	name=${t%.sh}
	unshare -n sh -c "echo '@@START $name'; ip link set lo up; T=$name; . ./lib.sh; . ./$t; echo '@@END $name'"
done
exit 0
