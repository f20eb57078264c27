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
# Two clocks. icount (-icount shift=0,sleep=off): guest time advances 1 ns
# per emulated instruction, so rates and times are those of a
# 1-instruction-per-ns machine and do not depend on the host's load (but
# charge nothing for cache misses, atomics or clock reads). wall: no
# icount, guest time is real time, every figure moves with the host's
# load, which is sampled every 5 s and recorded with each churn round.
# full runs both, one boot each (BENCH_CLOCKS="icount wall"); quick runs
# icount only.
# BENCH_REF=REV also measures the module as committed at REV ("ref"), in
# the same boot, in the churn and probe sections. BENCH_SECTIONS="probe
# churn" runs only those sections of bench/guest-bench.sh (a partial full
# run prints its report but writes nothing to bench/results, unless
# BENCH_SAVE=1). BENCH_ROUNDS, BENCH_SECS, BENCH_CONFIGS, BENCH_MIXES and
# BENCH_REGIMES narrow the churn (see bench/guest-bench.sh).
# Every step ends in a PASS or FAIL line: the preparation of the fat VM,
# the build, each section of the guest (its "step SECTION end" record), and
# the last line is "# tally bench-MODE: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
mode=${1:-full}
case $mode in full | quick) ;; *) echo "usage: bench/run.sh [full|quick]" >&2; exit 64 ;; esac
clocks=${BENCH_CLOCKS:-icount wall}
[ "$mode" = full ] || clocks=icount
# Under icount, QEMU 7.2 twice left garbage in EFLAGS right after SLUB's
# cmpxchg16b (a panic in kmem_cache_alloc, once during boot, no module
# loaded); without CX16 the kernel takes its other path.
export FATVM_CPU=max,-cx16

out=${BENCH_OUT:-$top/build/bench/$mode}
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
if [ -n "${BENCH_REF:-}" ]; then
	ref=$(git -C "$top" rev-parse --short "$BENCH_REF")
	refdir=$top/build/$kver/ref-$ref
	rm -rf "$refdir"
	mkdir -p "$refdir"
	git -C "$top" archive "$ref" Kbuild module | tar -x -C "$refdir"
	make -s -C "/usr/src/linux-headers-$kver" M="$refdir" modules 2>&1 |
		{ grep -v "^Skipping BTF generation" || true; } >&2
fi

report() {	# RESULTS
	awk '$1 == "meta" && $2 == "date" { d = $3 } $1 == "meta" && $2 == "host_cpu" { $1 = $2 = ""; c = $0 }
		$1 == "meta" && $2 == "host_load" { $1 = $2 = ""; l = $0 } $1 == "meta" && $2 == "commit" { g = $3 }
		$1 == "meta" && $2 == "wall_seconds" { w = $3 }
		END { printf "%s, commit %s. Host:%s, load average%s; %d s wall.\n", d, g, c, l, w }' "$1"
	"$top/bench/report.sh" "$1"
}

# One boot: CLOCK OUTDIR. Writes OUTDIR/results.txt and OUTDIR/report.md.
boot() {
	local clock=$1 o=$2 rc=0 load0 others0 start secs s sampler all pfx name status detail
	rm -rf "$o"
	mkdir -p "$o/bench"
	if [ "$clock" = icount ]; then
		# Under icount, QEMU 7.2 twice left garbage in EFLAGS right after
		# SLUB's cmpxchg16b (a panic in kmem_cache_alloc, once during boot,
		# no module loaded); without CX16 the kernel takes its other path.
		export FATVM_QEMU_EXTRA="-icount shift=0,sleep=off" FATVM_CPU=max,-cx16
	else
		export FATVM_QEMU_EXTRA="" FATVM_CPU=max,-cx16
	fi
	load0=$(host_load) others0=$(others)
	start=$(date +%s)
	echo "bench: $mode run ($clock clock) on $kver, console in $o/console.log" >&2
	# The guest runs a copy: bash reads a script as it goes, and this tree
	# may be edited during a run that takes minutes.
	cp "$top/bench/guest-bench.sh" "$top/bench/peer.bt" "$top/bench/peer-kfunc.bt" \
		"$top/tests/kernel-log-errors" "$o/bench/"
	for s in BENCH_ROUNDS BENCH_SECS BENCH_CONFIGS BENCH_MIXES BENCH_REGIMES BENCH_BELOW_WARMUP; do
		[ -z "${!s:-}" ] || printf '%s=%q\n' "$s" "${!s}"
	done >"$o/bench/env"
	[ -z "${ref:-}" ] || cp "$refdir/module/tcpclose.ko" "$o/bench/ref.ko"
	# The host's load, for every wall-clock figure.
	(while :; do echo "hostload $(date +%s) $(host_load)"; sleep 5; done >"$o/hostload.txt") &
	sampler=$!
	"$top/scripts/fatvm.sh" -c 2 -m 2048 -t 7200 "$o" "$o/bench/guest-bench.sh" "$mode" \
		"$top/build/$kver/tpbench/tpbench.ko" ${BENCH_SECTIONS:-} || rc=$?
	kill "$sampler" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
	secs=$(($(date +%s) - start))
	{
		echo "meta clock $clock"
		echo "meta host_cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
		echo "meta host_load $load0 at start, $(host_load) at end; $others0 other qemu/compiler processes at start"
		echo "meta wall_seconds $secs"
		[ -z "${ref:-}" ] || echo "meta ref commit $ref ($(git -C "$top" log -1 --format=%s "$ref" | cut -c1-70))"
		echo "meta date $(date -u +%Y-%m-%dT%H:%MZ)"
		echo "meta commit $(git -C "$top" rev-parse --short HEAD)$(git -C "$top" diff --quiet HEAD -- module 2>/dev/null || echo +uncommitted-module-changes)"
		# Each churn round with the host's 1-minute load average at its end
		# (the guest's clock is the host's in a wall-clock boot).
		[ "$clock" = icount ] || awk 'FNR == NR { t[++n] = $2; l[n] = $3; next }
			$1 == "churn" { best = 0; for (i = 1; i <= n; i++) if (t[i] <= $9) best = i
				if (best) print "load", $2, $3, $4, $5, l[best] }' "$o/hostload.txt" "$o/results.txt"
	} >>"$o/results.txt.meta" 2>/dev/null || true
	cat "$o/results.txt.meta" >>"$o/results.txt" 2>/dev/null || true
	if [ ! -s "$o/results.txt" ] || ! grep -q '^meta kernel' "$o/results.txt"; then
		failstep "guest/$clock" "the guest produced no results (rc=$rc)" "$o/console.log"
	fi
	# Each section the guest was to run ended.
	all="mem probe read dest churn"
	[ "$mode" = full ] || all="mem probe read churn"
	for s in ${BENCH_SECTIONS:-$all}; do
		if grep -qx "step $s end" "$o/results.txt"; then
			pass "bench/$mode/$clock/step/$s"
		else
			fail "bench/$mode/$clock/step/$s" "$(grep -qx "step $s begin" "$o/results.txt" && echo "began but did not end" || echo "did not begin") ($o/console.log)"
		fi
	done
	[ "$rc" = 0 ] || fail "bench/$mode/$clock/guest" "exit status $rc ($o/console.log)"
	# Every check the guest recorded (exact counts, a clean dmesg, a module
	# or bpftrace that did not load or would not stop): a PASS or FAIL line
	# in either mode (quick keeps its names of old: one boot only).
	pfx=
	[ "$mode" = quick ] || pfx=$mode/$clock/
	while read -r _ name status detail; do
		if [ "$status" = ok ]; then
			pass "bench/$pfx$name"
		else
			fail "bench/$pfx$name" "$detail"
		fi
	done < <(grep '^check ' "$o/results.txt")
	report "$o/results.txt" >"$o/report.md" || fail "bench/$mode/$clock/report" "bench/report.sh failed on $o/results.txt"
	return 0
}

for clock in $clocks; do
	boot "$clock" "$out/$clock"
done

if [ "$mode" = full ]; then
	for clock in $clocks; do
		echo "## $clock clock"
		echo
		cat "$out/$clock/report.md"
		echo
	done >"$out/report.md"
	cat "$out/report.md"
	if [ -z "${BENCH_SECTIONS:-}" ] || [ -n "${BENCH_SAVE:-}" ]; then
		stamp=$(date -u +%Y%m%d-%H%M)-$kver
		mkdir -p "$top/bench/results"
		cp "$out/report.md" "$top/bench/results/$stamp.md"
		for clock in $clocks; do
			cp "$out/$clock/results.txt" "$top/bench/results/$stamp-$clock.txt"
		done
		echo "bench: written to bench/results/$stamp.md" >&2
	fi
	tally "bench-$mode"
	exit
fi

# quick: correctness exactly (the guest's checks, above); speed only as
# gross ratios.
# gross NAME RATIO MIN: the ratio must not fall below MIN.
gross() {
	if awk -v r="$2" -v m="$3" 'BEGIN { exit !(r != "" && r >= m) }'; then
		pass "bench/$1 ($2 >= $3)"
	else
		fail "bench/$1" "ratio $2 below $3 ($out/report.md)"
	fi
}
ratio() {	# MIX CONFIG: rate of CONFIG over unloaded, at the limit
	awk -v m="$1" -v c="$2" '$1 == "churn" && $3 == m && $4 == c { x = $6 }
		$1 == "churn" && $3 == m && $4 == "unloaded" { u = $6 }
		END { if (x && u) printf "%.3f", x / u }' "$out/icount/results.txt"
}
gross churn/loaded-vs-unloaded "$(ratio mixed loaded)" 0.5
gross read/10000/ss-vs-tcpclose "$(awk '$1 == "read" && $2 == 10000 { t[$3] = $5 }
	END { if (t["tcpclose"]) printf "%.1f", t["ss"] / t["tcpclose"] }' "$out/icount/results.txt")" 3
# Memory is no noisy time: the idle cost of a namespace has a hard bound.
pern=$(awk '$1 == "mem" && $2 == "insmod_netns" { d[++n] = $3; k[n] = $4 }
	END { if (n >= 2) printf "%.0f", (d[2] - d[1]) / (k[2] - k[1]) }' "$out/icount/results.txt")
if [ -n "$pern" ] && [ "$pern" -le 65536 ]; then
	pass "bench/memory/netns-idle ($pern bytes <= 64 KiB)"
else
	fail "bench/memory/netns-idle" "${pern:-no figure} bytes per idle namespace, over 64 KiB"
fi
tally "bench-$mode"
