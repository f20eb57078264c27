#!/bin/bash
# make stress / make stress-quick: build the debug kernel (cached: KASAN,
# UBSAN, lockdep, kmemleak, debug objects), boot it with 2 CPUs and
# panic_on_warn=1, and run tests/stress/ inside. Prints "PASS stress/..."
# or "FAIL stress/...: why" per check, then the figures. Fails on any
# failed check, on any splat on the console, and on a guest that did not
# finish.
#   tests/run-stress.sh [quick|full]      default: quick
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-quick}
case $mode in
quick) export TCPCLOSE_VM_TIMEOUT=${TCPCLOSE_VM_TIMEOUT:-900} ;;
full) export TCPCLOSE_VM_TIMEOUT=${TCPCLOSE_VM_TIMEOUT:-5400} ;;
*) echo "usage: run-stress.sh [quick|full]" >&2; exit 2 ;;
esac
logs=$top/build/logs
mkdir -p "$logs"
start=$(date +%s)
if ! kbuild=$("$top/scripts/debug-kernel.sh" 2>"$logs/debug-kernel.log"); then
	echo "FAIL stress/kernel: debug kernel build failed (see $logs/debug-kernel.log)"
	tail -n 20 "$logs/debug-kernel.log"
	exit 1
fi
echo "# stress: debug kernel ready in $(($(date +%s) - start)) s: $kbuild"
# The module must build warning-free against the debug kernel too.
if ! "$top/scripts/build-module.sh" "$kbuild" W=1 >"$logs/stress-build.log" 2>&1 ||
	grep -qE 'warning:|error:' "$logs/stress-build.log"; then
	echo "FAIL stress/build: see $logs/stress-build.log"
	grep -E 'warning:|error:' "$logs/stress-build.log" | head
	exit 1
fi
log=$logs/stress-$mode.log
vmstart=$(date +%s)
"$top/scripts/vm.sh" debug "/tests/stress/$mode.sh" "$log"
secs=$(($(date +%s) - vmstart))
tr -d '\r' <"$log" >"$log.txt"
failn=0
grep -aE '^(PASS|FAIL) ' "$log.txt"
failn=$(grep -acE '^FAIL ' "$log.txt")

# Anything the kernel's checkers said, wherever it appears on the console.
splat='BUG:|WARNING:|KASAN|UBSAN|suspected memory leak|unreferenced object|possible recursive locking|suspicious RCU usage|circular locking|inconsistent lock state|sleeping function called|INFO:|Oops|general protection|Call Trace|refcount_t|list_add corruption|list_del corruption|Kernel panic'
# The guest's own check lines quote what they found: not a second splat.
# A guest without ACPI poweroff ends by init exiting after @@DONE.
sed '/^@@DONE/,$ { /Attempted to kill init/d }' "$log.txt" >"$log.scan"
splats=$(grep -aE "$splat" "$log.scan" | grep -avE '^(PASS|FAIL) ' | wc -l)
if [ "$splats" = 0 ]; then
	echo "PASS stress/console-clean"
else
	failn=$((failn + 1))
	echo "FAIL stress/console-clean: $splats lines from the kernel's checkers; first ones:"
	grep -anE "$splat" "$log.scan" | grep -avE ':(PASS|FAIL) ' | head -n 10 | sed 's/^/    /'
	first=$(grep -anE "$splat" "$log.scan" | grep -avE ':(PASS|FAIL) ' | head -n 1 | cut -d: -f1)
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$log.scan" | sed 's/^/    | /'
fi
if ! grep -aq '^@@DONE' "$log.txt" || ! grep -aq '^@@FIGURES' "$log.txt"; then
	failn=$((failn + 1))
	echo "FAIL stress/vm: guest did not finish; last console lines:"
	tail -n 40 "$log.txt" | sed 's/^/    /'
fi
figures=$(sed -n 's/^@@FIGURES //p' "$log.txt")
echo "# stress-$mode: ${figures:-no figures} splats=$splats guest_s=$secs"
echo "# stress-$mode: console in $log ($(($(date +%s) - start)) s in all)"
[ "$failn" = 0 ]
