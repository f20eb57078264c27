#!/bin/bash
# make stress / make stress-quick: build a checker kernel (cached), boot it
# with 2 CPUs and run tests/stress/ inside. Prints "PASS <prefix>/..." or
# "FAIL <prefix>/...: why" per check, then the figures. Fails on any failed
# check, on any splat on the console, and on a guest that did not finish.
#   tests/run-stress.sh [quick|full] [debug|debug-rt|kcsan]
# defaults: quick debug. The kernels and the check prefixes:
#   debug     stress/        KASAN, UBSAN, lockdep, kmemleak (scripts/debug.config)
#   debug-rt  stress-rt/     PREEMPT_RT + DEBUG_ATOMIC_SLEEP, lockdep, kmemleak
#                            (scripts/rt-debug.config)
#   kcsan     stress-kcsan/  the data-race detector (scripts/kcsan.config)
# On kcsan, a data race is a failure when the report has a tcpclose frame;
# races entirely inside the rest of the kernel are listed and counted as
# "# " lines, not failed: the module cannot fix them, and the run reaches
# them through ordinary code (seen: dcache races between path walks of the
# fuzzer's /proc opens).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
usage="usage: run-stress.sh [quick|full] [debug|debug-rt|kcsan]"
mode=${1:-quick}
flavour=${2:-debug}
case $mode in
quick) export TCPCLOSE_VM_TIMEOUT=${TCPCLOSE_VM_TIMEOUT:-2400} ;;
full) export TCPCLOSE_VM_TIMEOUT=${TCPCLOSE_VM_TIMEOUT:-5400} ;;
*) echo "$usage" >&2; exit 2 ;;
esac
case $flavour in
debug) p=stress kscript=debug-kernel.sh ;;
debug-rt) p=stress-rt kscript=rt-debug-kernel.sh ;;
kcsan)
	p=stress-kcsan kscript=kcsan-kernel.sh
	# A watchpoint every <=400 accesses, not syzbot's <=4000: syzbot
	# samples for days, this run for minutes. Measured on the full run:
	# 3.2M watchpoints instead of 0.4M for 11% more guest time, and the
	# first reports appeared (two dcache races) where the default had none.
	export TCPCLOSE_VM_APPEND="kcsan.skip_watch=400${TCPCLOSE_VM_APPEND:+ $TCPCLOSE_VM_APPEND}"
	;;
*) echo "$usage" >&2; exit 2 ;;
esac
logs=$top/build/logs
mkdir -p "$logs"
start=$(date +%s)
klog=$logs/$flavour-kernel.log
if ! kbuild=$("$top/scripts/$kscript" 2>"$klog"); then
	fail "$p/kernel" "$flavour kernel build failed (see $klog)"
	tail -n 20 "$klog"
	tally "$p-$mode"
	exit 1
fi
echo "# $p: $flavour kernel ready in $(($(date +%s) - start)) s: $kbuild"
# The module must build warning-free against each checker kernel too.
blog=$logs/$p-build.log
if ! "$top/scripts/build-module.sh" "$kbuild" W=1 >"$blog" 2>&1 ||
	grep -qE 'warning:|error:' "$blog"; then
	fail "$p/build" "see $blog"
	grep -E 'warning:|error:' "$blog" | head
	tally "$p-$mode"
	exit 1
fi
# Per flavour and mode (stress-quick.log for debug, as before), so that
# runs on several kernels do not overwrite each other.
log=$logs/$p-$mode.log
rm -f "$log" "$log.txt" "$log.scan" "$log.kcsan"
vmstart=$(date +%s)
"$top/scripts/vm.sh" "$flavour" "/tests/stress/$mode.sh" "$log"
secs=$(($(date +%s) - vmstart))
console_clean "$log" "$log.txt"
scrape_results "" "$log.txt"
scrape_counted "$p" "$log.txt"
# Every part of tests/stress/ (and run.sh's final phase) ended.
parts=$(cd "$top/tests/stress" && ls *.sh | sed 's/\.sh$//' | grep -vxE 'lib|run|quick|full')
# shellcheck disable=SC2086
scrape_ended "$p" "$log.txt" $parts final
scrape_exit "$p" "$log.txt"
cp "$log.txt" "$log.scan"

# KCSAN: each report, from "BUG: KCSAN:" to the "=====" line that closes
# it, is cut out of the console and judged as a whole (its two stacks say
# whose race it is); the rest of the console is scanned like any other.
kcsan_ours=0 kcsan_core=0
if [ "$flavour" = kcsan ]; then
	awk -v out="$log.kcsan" '
		/BUG: KCSAN: / { inrep = 1; n++; lines = 0 }
		inrep {
			print n "\t" $0 >out
			# The closing rule; 100 lines at most if the console was cut.
			if ((++lines > 1 && /==========================/) || lines > 100) inrep = 0
			next
		}
		{ print }
	' "$log.scan" >"$log.scan.tmp" && mv "$log.scan.tmp" "$log.scan"
	touch "$log.kcsan"
	# One line per report: "ours|core<TAB>title", ours when any frame is
	# the module's (printed as "function+off/len [tcpclose]").
	awk -F'\t' '
		{ if ($2 ~ /BUG: KCSAN: /) { t = $2; sub(/.*BUG: KCSAN: /, "", t); title[$1] = t }
		  if ($2 ~ /\[tcpclose\]/) ours[$1] = 1; seen[$1] = 1 }
		END { for (n in seen) print ((n in ours) ? "ours" : "core") "\t" title[n] }
	' "$log.kcsan" | sort | uniq -c >"$log.kcsan.sum"
	kcsan_ours=$(awk '$2 == "ours" { s += $1 } END { print s + 0 }' "$log.kcsan.sum")
	kcsan_core=$(awk '$2 == "core" { s += $1 } END { print s + 0 }' "$log.kcsan.sum")
	# Rest of the kernel: counted and listed, not failed (see the top).
	while read -r cnt kind title; do
		[ "$kind" = core ] && echo "# $p: KCSAN report outside tcpclose (not failed), ${cnt}x: $title"
	done <"$log.kcsan.sum"
	if [ "$kcsan_ours" = 0 ]; then
		pass "$p/kcsan-tcpclose: no data race with a tcpclose frame ($kcsan_core reports elsewhere)"
	else
		fail "$p/kcsan-tcpclose" "$kcsan_ours KCSAN reports with a tcpclose frame:"
		while read -r cnt kind title; do
			[ "$kind" = ours ] && echo "    ${cnt}x: $title"
		done <"$log.kcsan.sum"
		# The first one in full.
		first=$(awk -F'\t' '$2 ~ /\[tcpclose\]/ { print $1; exit }' "$log.kcsan")
		awk -F'\t' -v n="$first" '$1 == n { print "    | " $2 }' "$log.kcsan"
	fi
fi

# Anything the kernel's checkers said, wherever it appears on the console
# (the one list of patterns, tests/kernel-log-errors).
scrape_splats "$p/console-clean" "$log.scan"
splats=$(klog_errors "$log.scan" | grep -c .)
if ! grep -aq '^@@DONE' "$log.txt" || ! grep -aq '^@@FIGURES' "$log.txt"; then
	fail "$p/vm" "guest did not finish; last console lines:"
	tail -n 40 "$log.txt" | sed 's/^/    /'
fi
figures=$(sed -n 's/^@@FIGURES //p' "$log.txt")
[ "$flavour" = kcsan ] &&
	figures="$figures kcsan_reports_tcpclose=$kcsan_ours kcsan_reports_other=$kcsan_core $(sed -n 's/^@@KCSAN //p' "$log.txt")"
echo "# $p-$mode: ${figures:-no figures} splats=$splats guest_s=$secs"
echo "# $p-$mode: console in $log ($(($(date +%s) - start)) s in all)"
tally "$p-$mode"
