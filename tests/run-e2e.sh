#!/bin/bash
# Host side of the end-to-end tests: boot each kernel series in QEMU, run
# tests/e2e/run-all.sh inside, and turn the console into results.
# Prints every PASS/FAIL line prefixed with the series, a FAIL for each
# test file of tests/e2e/ that did not print its end marker, for a guest
# that did not finish, and for any kernel-log error on the console
# (tests/kernel-log-errors), then "# tally e2e: N passed, N failed".
# Exit status 1 if anything failed.
#   tests/run-e2e.sh [SERIES...]      default: 6.1 6.12 6.12-rt
# (6.12-rt: Debian's PREEMPT_RT kernel; any scripts/vm.sh series works.)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
series=${*:-6.1 6.12 6.12-rt}
mkdir -p "$top/build/logs"
# The test files the guest must run, as shipped to it by scripts/vm.sh.
tests=$(cd "$top/tests/e2e" && ls [0-9][0-9]-*.sh | sed 's/\.sh$//')
for s in $series; do
	log=$top/build/logs/e2e-$s.log
	# Never read a previous run's console if this one fails to start.
	rm -f "$log" "$log.txt"
	start=$(date +%s)
	"$top/scripts/vm.sh" "$s" /tests/run-all.sh "$log"
	echo "# $s: console in $log ($(($(date +%s) - start)) s)"
	console_clean "$log" "$log.txt"
	scrape_results "$s" "$log.txt"
	scrape_counted "$s" "$log.txt"
	# shellcheck disable=SC2086
	scrape_ended "$s" "$log.txt" $tests
	scrape_exit "$s" "$log.txt"
	# What the guest cannot check itself (promtool, jq), on its files.
	"$top/tests/e2e-artefacts.sh" "$s" "$log.txt" >"$log.artefacts" 2>&1
	st=$?
	while read -r line; do
		relay "$line"
	done <"$log.artefacts"
	[ "$st" = 0 ] || fail "$s/artefacts" "tests/e2e-artefacts.sh exited with status $st ($log.artefacts)"
	# A run that did not reach the end (panic, hang, oops) is a failure,
	# whatever it printed before.
	if ! grep -aq '^@@DONE' "$log.txt"; then
		fail "$s/vm" "guest did not finish; last console lines:"
		tail -n 40 "$log.txt" | sed 's/^/    /'
	fi
	scrape_splats "$s/console-clean" "$log.txt"
done
tally e2e
