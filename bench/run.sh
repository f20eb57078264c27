#!/bin/bash
# make bench / make bench-quick: boot the fat guest once and measure, side by
# side in that boot, the churn overhead of tcpclose and of a bpftrace peer,
# the probe cost per hit, the read cost at 10k/50k/100k TIME_WAIT against
# ss and /proc/net/tcp, and memory.
#
#   bench/run.sh [full|quick]
#
# full:  prints the report and writes it, with the raw records, to
#        bench/results/DATE-KERNEL.{md,txt}. About 20-30 minutes.
# quick: a short churn and 10k TIME_WAIT; prints "PASS bench/..." and
#        "FAIL bench/...: why" lines for make check: correctness and gross
#        regressions only, never absolute times. Report in build/bench/quick.
#
# The guest runs under QEMU's icount (-icount shift=0,sleep=off): guest time
# advances 1 ns per emulated instruction, so rates and times are those of
# a 1-instruction-per-ns machine and do not depend on the host's load.
# BENCH_REF=REV also measures the module as committed at REV ("ref"), in
# the same boot, in the churn and probe sections. BENCH_SECTIONS="probe
# churn" runs only those sections of bench/guest-bench.sh (a partial full
# run prints its report but writes nothing to bench/results).
# Every step ends in a PASS or FAIL line: the preparation of the fat VM,
# the build, each section of the guest (its "step SECTION end" record), and
# the last line is "# tally bench-MODE: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
mode=${1:-full}
case $mode in full | quick) ;; *) echo "usage: bench/run.sh [full|quick]" >&2; exit 64 ;; esac
export FATVM_QEMU_EXTRA="-icount shift=0,sleep=off"
# Under icount, QEMU 7.2 twice left garbage in EFLAGS right after SLUB's
# cmpxchg16b (a panic in kmem_cache_alloc, once during boot, no module
# loaded); without CX16 the kernel takes its other path.
export FATVM_CPU=max,-cx16

out=$top/build/bench/$mode
rm -rf "$out"
mkdir -p "$out"
# failstep STEP WHY LOG: a step that failed before any measurement.
failstep() {
	fail "bench/$mode/$1" "$2 ($3); last lines:"
	tail -n 15 "$3" | sed 's/^/    /'
	tally "bench-$mode"
	exit 1
}
if kver=$("$top/scripts/fatvm.sh" --prepare 2>"$out/prepare.log" | tail -n 1) && [ -n "$kver" ]; then
	pass "bench/$mode/prepare"
else
	failstep prepare "scripts/fatvm.sh --prepare failed" "$out/prepare.log"
fi
if "$top/bench/build.sh" "$kver" >"$out/build.log" 2>&1; then
	pass "bench/$mode/build"
else
	failstep build "bench/build.sh failed" "$out/build.log"
fi

host_load() { cut -d' ' -f1-3 /proc/loadavg; }
others() { pgrep -c -f 'qemu-system|cc1|make' || true; }
load0=$(host_load) others0=$(others)
start=$(date +%s)
echo "bench: $mode run on $kver, console in $out/console.log" >&2
rc=0
# The guest runs a copy: bash reads a script as it goes, and this tree may
# be edited during a run that takes minutes.
mkdir -p "$out/bench"
cp "$top/bench/guest-bench.sh" "$top/bench/peer.bt" "$top/tests/kernel-log-errors" "$out/bench/"
if [ -n "${BENCH_REF:-}" ]; then
	ref=$(git -C "$top" rev-parse --short "$BENCH_REF")
	refdir=$top/build/$kver/ref-$ref
	rm -rf "$refdir"
	mkdir -p "$refdir"
	git -C "$top" archive "$ref" Kbuild module | tar -x -C "$refdir"
	make -s -C "/usr/src/linux-headers-$kver" M="$refdir" modules 2>&1 |
		{ grep -v "^Skipping BTF generation" || true; } >&2
	cp "$refdir/module/tcpclose.ko" "$out/bench/ref.ko"
fi
"$top/scripts/fatvm.sh" -c 2 -m 2048 "$out" "$out/bench/guest-bench.sh" "$mode" \
	"$top/build/$kver/tpbench/tpbench.ko" ${BENCH_SECTIONS:-} || rc=$?
secs=$(($(date +%s) - start))

{
	echo "meta clock icount"
	echo "meta host_cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
	echo "meta host_load $load0 at start, $(host_load) at end; $others0 other qemu/compiler processes at start"
	echo "meta wall_seconds $secs"
	[ -z "${ref:-}" ] || echo "meta ref commit $ref ($(git -C "$top" log -1 --format=%s "$ref" | cut -c1-70))"
	echo "meta date $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "meta commit $(git -C "$top" rev-parse --short HEAD)$(git -C "$top" diff --quiet HEAD -- module 2>/dev/null || echo +uncommitted-module-changes)"
} >>"$out/results.txt" 2>/dev/null || true

report() {
	echo "## tcpclose benchmarks"
	echo
	awk '$1 == "meta" && $2 == "date" { d = $3 } $1 == "meta" && $2 == "host_cpu" { $1 = $2 = ""; c = $0 }
		$1 == "meta" && $2 == "host_load" { $1 = $2 = ""; l = $0 } $1 == "meta" && $2 == "commit" { g = $3 }
		$1 == "meta" && $2 == "wall_seconds" { w = $3 }
		END { printf "%s, commit %s. Host:%s, load average%s; %d s wall.\n", d, g, c, l, w }' "$out/results.txt"
	"$top/bench/report.sh" "$out/results.txt"
}

if [ ! -s "$out/results.txt" ] || ! grep -q '^meta kernel' "$out/results.txt"; then
	failstep guest "the guest produced no results (rc=$rc)" "$out/console.log"
fi
# Each section the guest was to run ended.
for s in ${BENCH_SECTIONS:-mem probe read churn}; do
	if grep -qx "step $s end" "$out/results.txt"; then
		pass "bench/$mode/step/$s"
	else
		fail "bench/$mode/step/$s" "$(grep -qx "step $s begin" "$out/results.txt" && echo "began but did not end" || echo "did not begin") ($out/console.log)"
	fi
done
report >"$out/report.md"

if [ "$mode" = full ]; then
	cat "$out/report.md"
	[ -z "${BENCH_SECTIONS:-}" ] || { tally "bench-$mode"; exit "$rc"; }
	stamp=$(date -u +%Y%m%d-%H%M)-$(awk '$1 == "meta" && $2 == "kernel" { print $3 }' "$out/results.txt")
	mkdir -p "$top/bench/results"
	cp "$out/report.md" "$top/bench/results/$stamp.md"
	cp "$out/results.txt" "$top/bench/results/$stamp.txt"
	echo "bench: written to bench/results/$stamp.md" >&2
	[ "$rc" = 0 ] || fail "bench/$mode/guest" "exit status $rc ($out/console.log)"
	tally "bench-$mode"
	exit
fi

# quick: PASS/FAIL lines. Correctness exactly; speed only as gross ratios.
while read -r _ name status detail; do
	if [ "$status" = ok ]; then
		pass "bench/$name"
	else
		fail "bench/$name" "$detail"
	fi
done < <(grep '^check ' "$out/results.txt")
# gross NAME RATIO MIN: the ratio must not fall below MIN.
gross() {
	if awk -v r="$2" -v m="$3" 'BEGIN { exit !(r != "" && r >= m) }'; then
		pass "bench/$1 ($2 >= $3)"
	else
		fail "bench/$1" "ratio $2 below $3 ($out/report.md)"
	fi
}
ratio() {	# MIX CONFIG: median rate of CONFIG over unloaded
	awk -v m="$1" -v c="$2" '$1 == "churn" && $2 == m && $3 == c { x = $5 }
		$1 == "churn" && $2 == m && $3 == "unloaded" { u = $5 }
		END { if (x && u) printf "%.3f", x / u }' "$out/results.txt"
}
gross churn/loaded-vs-unloaded "$(ratio mixed loaded)" 0.5
gross read/10000/ss-vs-tcpclose "$(awk '$1 == "read" && $2 == 10000 { t[$3] = $5 }
	END { if (t["tcpclose"]) printf "%.1f", t["ss"] / t["tcpclose"] }' "$out/results.txt")" 3
# Memory is no noisy time: the idle cost of a namespace has a hard bound.
pern=$(awk '$1 == "mem" && $2 == "insmod_netns" { d[++n] = $3; k[n] = $4 }
	END { if (n >= 2) printf "%.0f", (d[2] - d[1]) / (k[2] - k[1]) }' "$out/results.txt")
if [ -n "$pern" ] && [ "$pern" -le 65536 ]; then
	pass "bench/memory/netns-idle ($pern bytes <= 64 KiB)"
else
	fail "bench/memory/netns-idle" "${pern:-no figure} bytes per idle namespace, over 64 KiB"
fi
[ "$rc" = 0 ] || fail bench/guest "exit status $rc ($out/console.log)"
tally "bench-$mode"
