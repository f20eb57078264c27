#!/bin/sh
# Guest side of `make stress` / `make stress-quick` (tests/run-stress.sh):
# hostile input, isolation, everything at once, then a quiet phase with
# exact totals, and a kmemleak scan. Each part runs in a fresh network
# namespace. Sizes come from the caller (quick.sh, full.sh). The kernel
# flavour (tcpclose.series= from scripts/vm.sh) names the checks: stress/
# on the debug kernel, stress-rt/ on debug-rt, stress-kcsan/ on kcsan.
cd /tests || exit 1
. ./stress/lib.sh
export MODE MOD_CYCLES NS_CYCLES FUZZ EXACT_N EXACT_CHURN RELOADS
KML=/sys/kernel/debug/kmemleak
KCSAN=/sys/kernel/debug/kcsan
SERIES=$(sed -n 's/.*tcpclose\.series=\([^ ]*\).*/\1/p' /proc/cmdline)
case $SERIES in
debug-rt) S=stress-rt ;;
kcsan) S=stress-kcsan ;;
*) S=stress ;;
esac

# Boot-time reports are not ours: only what leaks from now on counts.
[ -e $KML ] && echo clear >$KML
# The flavour really is what its name says: a run on the wrong kernel
# would pass without checking anything.
T=$S/kernel
. ./lib.sh
case $SERIES in
debug-rt) check preempt-rt "$(uname -v | grep -o PREEMPT_RT)" PREEMPT_RT ;;
kcsan) check kcsan-enabled "$(sed -n 's/^enabled: //p' $KCSAN 2>/dev/null)" 1 ;;
esac
# Every kprobe hit through int3, whose handler runs in NMI context: not
# jump-optimized (a normal context) a few jiffies after registration.
echo 0 >/proc/sys/debug/kprobes-optimization
echo "@@STRESS $MODE mod=$MOD_CYCLES ns=$NS_CYCLES fuzz=$FUZZ exact=$EXACT_N cpus=$(nproc)"
for t in hostile isolation reload chaos exact; do
	echo "@@TEST $t $(cut -d' ' -f1 /proc/uptime)"
	# Start and end markers: the host fails a part that did not end.
	unshare -n sh -c "echo '@@START $t'; ip link set lo up; T=$S/$t; . ./lib.sh; . ./stress/lib.sh; . ./stress/$t.sh; echo '@@END $t'"
done
echo "@@TEST final $(cut -d' ' -f1 /proc/uptime)"
echo "@@START final"
T=$S/final
# Unload, so that anything the module failed to free is unreferenced, then
# scan (objects younger than 5 s are not reported; the full run scans
# twice, against pointers that linger in a stack or register).
rmmod tcpclose || fail rmmod "final rmmod failed"
echo "# final: scanning from $(now)"
if [ -e $KML ]; then
	sleep 6
	# A scan that did not run (kmemleak off after an error of its own, or
	# busy) would read as no leaks.
	echo scan >$KML || fail kmemleak.scan "echo scan >$KML failed"
	[ $MODE = quick ] || { sleep 1; echo scan >$KML || fail kmemleak.scan2 "echo scan >$KML failed"; }
	cat $KML >$ST/kmemleak || fail kmemleak.read "cat $KML failed"
	leaks=$(grep -c 'unreferenced object' $ST/kmemleak)
	check kmemleak "$leaks" 0
	[ "$leaks" = 0 ] || head -n 60 $ST/kmemleak
elif [ "$SERIES" = kcsan ]; then
	# By design (scripts/kcsan.config): leaks are the debug and debug-rt
	# runs' job, on the same workload.
	pass "kmemleak-not-built (the kcsan kernel has no kmemleak, like syzbot's KCSAN instance; leaks are scanned by the debug and debug-rt runs)"
else
	fail kmemleak "no $KML (not a debug kernel?)"
fi
echo "# final: scanned at $(now)"
insmod $KO || fail insmod "reload after the scan failed"
# The kernel log has no error report (the one list of patterns,
# tests/kernel-log-errors). KCSAN's reports ("BUG: KCSAN: data-race in
# ...") are judged by the host, which sees each whole report on the console
# and tells the module's races from the rest of the kernel's
# (tests/run-stress.sh).
bad=$({ cat /tmp/dmesg.cleared 2>/dev/null; dmesg; } | grep -E -f /tests/kernel-log-errors | grep -v 'BUG: KCSAN: ')
check dmesg-clean "${bad:-none}" none
# Alive: loaded again after the scan, and its table reads.
check alive "$(is_loaded && cat $PROC >/dev/null && echo yes)" yes
closes=$(sed -n 's/^tcw: .* done \([0-9]*\)$/\1/p' $ST/tcw.out | awk '{ s += $1 } END { print s + 0 }')
echo "@@FIGURES closes=$closes load_unload=$(sum $ST/mod.cycles) netns=$(sum $ST/ns.cycles)" \
	"fuzzed_writes=$(sum $ST/fuzz.writes) reads=$(sum $ST/fuzz.reads) resets=$(sum $ST/resets)" \
	"uptime=$(cut -d' ' -f1 /proc/uptime)"
# How much KCSAN watched: a run that set up no watchpoints proved nothing.
[ -e $KCSAN ] && echo "@@KCSAN $(grep -E '^(setup_watchpoints|data_races|races_unknown_origin|no_capacity):' $KCSAN | tr -d ' ' | tr '\n' ' ')"
echo "@@END final"
# Let the console drain before init powers off (its messages would cut in).
sleep 1
