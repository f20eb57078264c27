#!/bin/bash
# Host side of the end-to-end tests: boot each kernel series in QEMU, run
# tests/e2e/run-all.sh inside, and turn the console into results.
# Prints every PASS/FAIL line prefixed with the series, and a last line
# "e2e: N passed, N failed". Exit status 1 if anything failed.
#   tests/run-e2e.sh [SERIES...]      default: 6.1 6.12 6.12-rt
# (6.12-rt: Debian's PREEMPT_RT kernel; any scripts/vm.sh series works.)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
series=${*:-6.1 6.12 6.12-rt}
pass=0 failn=0
mkdir -p "$top/build/logs"
for s in $series; do
	log=$top/build/logs/e2e-$s.log
	# Never read a previous run's console if this one fails to start.
	rm -f "$log" "$log.txt"
	start=$(date +%s)
	"$top/scripts/vm.sh" "$s" /tests/run-all.sh "$log"
	echo "# $s: console in $log ($(($(date +%s) - start)) s)"
	tr -d '\r' <"$log" >"$log.txt" 2>/dev/null
	while read -r line; do
		case $line in
		PASS\ *) pass=$((pass + 1)); echo "PASS $s/${line#PASS }" ;;
		FAIL\ *) failn=$((failn + 1)); echo "FAIL $s/${line#FAIL }" ;;
		esac
	done < <(grep -aE '^(PASS|FAIL) ' "$log.txt")
	# A run that did not reach the end (panic, hang, oops) is a failure,
	# whatever it printed before.
	if ! grep -aq '^@@DONE' "$log.txt"; then
		failn=$((failn + 1))
		echo "FAIL $s/vm: guest did not finish; last console lines:"
		tail -n 40 "$log.txt" | sed 's/^/    /'
	fi
done
echo "# e2e: $pass passed, $failn failed"
[ "$failn" = 0 ]
