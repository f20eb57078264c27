#!/bin/bash
# Everything `make check` runs, ending in one line "N passed, N failed".
# Each part prints "PASS name" / "FAIL name: why" lines and its own tally;
# this script adds them up.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/logs/check.out
mkdir -p "$top/build/logs"
: >"$out"

run() {
	"$@" 2>&1 | tee -a "$out"
}

# Install what is missing (apt) and resolve the kernels.
if ! scripts/deps.sh >build/logs/deps.log 2>&1; then
	tail -n 20 build/logs/deps.log
	echo "FAIL deps: scripts/deps.sh failed (build/logs/deps.log)" | tee -a "$out"
fi

run tests/build-check.sh
run tests/userspace/run.sh
run tests/packaging.sh
run tests/run-kunit.sh
run tests/run-stress.sh quick debug
run tests/run-stress.sh quick debug-rt
run tests/run-e2e.sh ${TCPCLOSE_SERIES:-6.1 6.12 6.12-rt}
run bench/run.sh quick

p=$(grep -c '^PASS ' "$out")
f=$(grep -c '^FAIL ' "$out")
echo "$p passed, $f failed"
[ "$f" = 0 ] && [ "$p" -gt 0 ]
