#!/bin/bash
# Everything `make check` runs, ending in one line "N passed, N failed".
# Each part prints "PASS name" / "FAIL name: why" lines and ends with its
# tally line "# tally PART: N passed, N failed" (tests/host-lib.sh). Nothing
# is lost silently: a part whose tally line is missing (it crashed or
# exited early), whose tally disagrees with the lines it printed, or whose
# exit status disagrees with its FAIL lines (non-zero without any, or zero
# with some) adds a FAIL line "check/PART: why". The parts that must have
# run are listed here; the last line adds everything up.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/logs/check.out
mkdir -p "$top/build/logs"
: >"$out"

# part NAME CMD...: run one part, its output into check.out, then judge
# its end.
part() {
	local name=$1 st t p f tp tf
	shift
	t=$top/build/logs/check-$name.out
	"$@" 2>&1 | tee "$t" | tee -a "$out"
	st=${PIPESTATUS[0]}
	p=$(grep -ac '^PASS ' "$t")
	f=$(grep -ac '^FAIL ' "$t")
	read -r tp tf < <(sed -n "s/^# tally $name: \([0-9]*\) passed, \([0-9]*\) failed\$/\1 \2/p" "$t" | tail -n 1)
	if [ -z "${tp:-}" ]; then
		echo "FAIL check/$name: no tally line (exit status $st): the part ended early" | tee -a "$out"
	elif [ "$tp $tf" != "$p $f" ]; then
		echo "FAIL check/$name: tally says $tp passed, $tf failed, but it printed $p PASS and $f FAIL lines" | tee -a "$out"
	fi
	if [ "$st" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL check/$name: exit status $st without a FAIL line" | tee -a "$out"
	elif [ "$st" = 0 ] && [ "$f" != 0 ]; then
		echo "FAIL check/$name: exit status 0 despite $f FAIL lines" | tee -a "$out"
	fi
	[ "$p" -gt 0 ] || echo "FAIL check/$name: not a single PASS line" | tee -a "$out"
}

# Install what is missing (apt) and resolve the kernels.
if ! scripts/deps.sh >build/logs/deps.log 2>&1; then
	tail -n 20 build/logs/deps.log
	echo "FAIL deps: scripts/deps.sh failed (build/logs/deps.log)" | tee -a "$out"
fi

start=$(date +%s)
part build tests/build-check.sh
part reader tests/userspace/run.sh
part packaging tests/packaging.sh
part kunit tests/run-kunit.sh
part stress-quick tests/run-stress.sh quick debug
part stress-rt-quick tests/run-stress.sh quick debug-rt
part e2e tests/run-e2e.sh ${TCPCLOSE_SERIES:-6.1 6.12 6.12-rt}
part bench-quick bench/run.sh quick

p=$(grep -c '^PASS ' "$out")
f=$(grep -c '^FAIL ' "$out")
echo "# check: $(($(date +%s) - start)) s"
echo "$p passed, $f failed"
[ "$f" = 0 ] && [ "$p" -gt 0 ]
