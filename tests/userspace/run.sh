#!/bin/bash
# Host tests of the reader, userspace/tcpclose: build, unit tests of the
# pure parts, the program on fixture files (exact outputs, every error
# path and exit status), jq and promtool on its output, --watch, the man
# page. Prints "PASS reader/<name>" or "FAIL reader/<name>: why" per check.
#   tests/userspace/run.sh            UPDATE=1 rewrites tests/userspace/expected/
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host-lib.sh"
here=$top/tests/userspace
fx=$here/fixtures
exp=$here/expected
out=$top/build/userspace
mkdir -p "$out"
bin=$top/userspace/tcpclose
# Fixtures must not depend on this machine's ip_local_port_range.
PR=(--port-range 32768-60999)

# pass/fail of tests/host-lib.sh, with this part's prefix.
rpass() { pass "reader/$1"; }
rfail() { fail "reader/$1" "$2"; }
# check NAME ACTUAL EXPECTED
check() {
	if [ "$2" = "$3" ]; then rpass "$1"; else rfail "$1" "expected '$3', got '$2'"; fi
}

# need COMMAND PACKAGE: install from apt if missing; a CI machine starts
# without them. Failing to install is a failure, never a skip.
need() {
	command -v "$1" >/dev/null && return 0
	{ apt-get install -y "$2" || { apt-get update && apt-get install -y "$2"; }; } \
		>"$out/apt-$2.log" 2>&1
	command -v "$1" >/dev/null
}

# Build: make userspace (-Werror), plus stricter warnings on the same code.
if make -s -C "$top" userspace >"$out/build.log" 2>&1; then
	rpass build
else
	rfail build "make userspace failed: $(head -n 5 "$out/build.log")"
	tally reader
	exit
fi
if gcc -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wcast-qual -Wwrite-strings \
	-o "$out/tcpclose-strict" "$top"/userspace/*.c >"$out/strict.log" 2>&1; then
	rpass build.strict-warnings
else
	rfail build.strict-warnings "$(grep -m 3 -E 'warning|error' "$out/strict.log")"
fi
# Unoptimised: an uninitialised exit status (once --dest without a
# table) shows as a random status here, where -O2 hid it as 0.
if gcc -std=c11 -O0 -Wall -Wextra -Werror -o "$out/tcpclose-O0" "$top"/userspace/*.c \
	>"$out/O0.log" 2>&1; then
	"$out/tcpclose-O0" --dest --dest-file "$fx/dest-spread.txt" >/dev/null
	check build.O0.dest-status $? 0
	"$out/tcpclose-O0" -f "$fx/demo.txt" >/dev/null
	check build.O0.table-status $? 0
else
	rfail build.O0 "$(head -n 3 "$out/O0.log")"
fi
# libc only: nothing else linked.
check build.libc-only "$(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }' | tr '\n' ' ')" "libc.so.6 "

# Unit tests, linked with the pure sources.
if gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$out/unit" "$here/unit.c" \
	$(ls "$top"/userspace/*.c | grep -v -e /main.c -e /watch.c) >"$out/unit-build.log" 2>&1; then
	# Its lines are counted here; its status must agree with them, and
	# it must have run at all.
	"$out/unit" >"$out/unit.out" 2>&1
	st=$?
	while read -r l; do relay "$l"; done <"$out/unit.out"
	grep -v '^\(PASS\|FAIL\|unit: end\)' "$out/unit.out" | head -n 5
	check unit.status "$st $(grep -c '^FAIL ' "$out/unit.out")" "0 0"
	check unit.ended "$(grep -c "^unit: end, $(grep -c '^\(PASS\|FAIL\) ' "$out/unit.out") checks, " "$out/unit.out")" 1
else
	rfail unit.build "$(head -n 5 "$out/unit-build.log")"
fi

# The same code under ASan and UBSan: the unit tests, and every fixture in
# every output mode, must run without a single report.
san=(-std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all)
if gcc "${san[@]}" -o "$out/unit-san" "$here/unit.c" \
	$(ls "$top"/userspace/*.c | grep -v -e /main.c -e /watch.c) >"$out/san-build.log" 2>&1 &&
   gcc "${san[@]}" -o "$out/tcpclose-san" "$top"/userspace/*.c >>"$out/san-build.log" 2>&1; then
	"$out/unit-san" >"$out/unit-san.out" 2>&1
	check sanitizers.unit "$? $(grep -c '^FAIL' "$out/unit-san.out")" "0 0"
	: >"$out/san.err"
	for f in "$fx"/*.txt; do
		for m in "" --diagnose --json --prometheus "--sort established --top 1" \
			"--watch 0.01 --count 2"; do
			# shellcheck disable=SC2086
			"$out/tcpclose-san" -f "$f" "${PR[@]}" $m >/dev/null 2>>"$out/san.err"
		done
	done
	for f in "$fx"/hist-*.txt "$fx"/bad-hist-*.txt; do
		for m in --json --prometheus "--json --port 8080 --role server"; do
			# shellcheck disable=SC2086
			"$out/tcpclose-san" -f "$fx/demo.txt" --hist-file "$f" $m >/dev/null 2>>"$out/san.err"
		done
	done
	# Destinations: every good file in every output, with a table (the
	# rates); every bad one once; the view without a table once.
	for f in "$fx"/dest-*.txt; do
		for m in --dest --diagnose --json --prometheus "--dest --top 1 --port 8000" \
			"--dest --watch 0.01 --count 2"; do
			# shellcheck disable=SC2086
			"$out/tcpclose-san" -f "$fx/dest-near-table.txt" --dest-file "$f" --uptime 1000 $m \
				>/dev/null 2>>"$out/san.err"
		done
		"$out/tcpclose-san" --dest-file "$f" --dest >/dev/null 2>>"$out/san.err"
	done
	for f in "$fx"/bad-dest-*.txt; do
		"$out/tcpclose-san" --dest-file "$f" --dest >/dev/null 2>>"$out/san.err"
	done
	check sanitizers.fixtures "$(grep -cE 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$out/san.err")" 0
else
	rfail sanitizers "build failed: $(head -n 3 "$out/san-build.log")"
fi

# golden NAME ARGS...: stdout must equal expected/NAME, status 0 (or
# $WANT_STATUS), and stderr expected/NAME.stderr if that exists (a note;
# paths from the top of the tree), else nothing. GOLDEN_SED, if set, first
# rewrites what varies from run to run in stdout (checked apart).
golden() {
	local name=$1 st want=${WANT_STATUS:-0}
	shift
	"$bin" "$@" >"$out/$name.out" 2>"$out/$name.raw-err"
	st=$?
	[ -n "${GOLDEN_SED:-}" ] && sed -i "$GOLDEN_SED" "$out/$name.out"
	sed "s|$top/||g" "$out/$name.raw-err" >"$out/$name.err"
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$out/$name.out" "$exp/$name"
		rm -f "$exp/$name.stderr"
		[ -s "$out/$name.err" ] && cp "$out/$name.err" "$exp/$name.stderr"
	fi
	if [ $st != "$want" ] || { [ -s "$out/$name.err" ] && [ ! -e "$exp/$name.stderr" ]; }; then
		rfail "golden.$name" "status $st: $(head -n 1 "$out/$name.err")"
	elif [ -e "$exp/$name.stderr" ] && ! cmp -s "$exp/$name.stderr" "$out/$name.err"; then
		rfail "golden.$name" "stderr differs: $(head -n 1 "$out/$name.err")"
	elif ! diff -u "$exp/$name" "$out/$name.out" >"$out/$name.diff"; then
		rfail "golden.$name" "output differs: $(head -n 12 "$out/$name.diff" | tr '\n' '|')"
	else
		rpass "golden.$name"
	fi
}

golden demo.table -f "$fx/demo.txt" "${PR[@]}"
golden demo.diagnose -f "$fx/demo.txt" "${PR[@]}" --diagnose
golden demo.json -f "$fx/demo.txt" "${PR[@]}" --json
golden demo.prom -f "$fx/demo.txt" --prometheus
golden demo.sort-port-server -f "$fx/demo.txt" "${PR[@]}" --sort port --role server
golden demo.top2-closewait -f "$fx/demo.txt" "${PR[@]}" --sort CLOSE_WAIT --top 2
golden demo.port6379 -f "$fx/demo.txt" "${PR[@]}" --port 6379 --diagnose
golden healthy.table -f "$fx/healthy.txt" "${PR[@]}"
golden healthy.diagnose -f "$fx/healthy.txt" "${PR[@]}" --diagnose
golden port-range.diagnose -f "$fx/port-range.txt" --port-range 40000-40199 --diagnose
golden port-range.json -f "$fx/port-range.txt" --port-range 40000-40199 --json
golden future.table -f "$fx/future.txt" "${PR[@]}"
golden future.diagnose -f "$fx/future.txt" "${PR[@]}" --diagnose
golden future.json -f "$fx/future.txt" "${PR[@]}" --json
golden future.prom -f "$fx/future.txt" --prometheus
golden reordered.table -f "$fx/reordered.txt" "${PR[@]}"
golden huge.table -f "$fx/huge.txt" "${PR[@]}"
golden huge.json -f "$fx/huge.txt" "${PR[@]}" --json
golden empty.table -f "$fx/empty-table.txt" "${PR[@]}"
golden empty.json -f "$fx/empty-table.txt" "${PR[@]}" --json
golden thresholds.diagnose -f "$fx/demo.txt" "${PR[@]}" --diagnose \
	--min-time-wait 41 --min-close-wait 16 --active-share 0.9 --port-range-ratio 0.0008
# Each frame says when it was (checked apart, below).
WATCH_SED='s/^\(tcpclose --watch .*, counters per second\), [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [+-][0-9]\{4\}$/\1, TIME/'
GOLDEN_SED=$WATCH_SED golden watch -f "$fx/demo.txt" "${PR[@]}" --watch 0.05 --count 2 --top 2
check watch.wall-clock "$(TZ=UTC "$bin" -f "$fx/demo.txt" --watch 0.05 --count 1 | head -n 1 |
	sed -n "s/^tcpclose --watch 0.05: refresh 1, counters per second, \($(date -u +%Y-%m-%d)\) [0-9:]* +0000$/\1/p")" "$(date -u +%Y-%m-%d)"
golden stdin.diagnose -f - "${PR[@]}" --diagnose <"$fx/demo.txt"
# A full table: port 0 is "other", shown as such, and no finding names it.
golden other.table -f "$fx/other.txt" "${PR[@]}"
golden other.diagnose -f "$fx/other.txt" "${PR[@]}" --diagnose
# The TIME_WAIT lifecycle columns: refused TIME_WAIT, FIN_WAIT2 timeouts.
golden lifecycle.table -f "$fx/lifecycle.txt" "${PR[@]}"
golden lifecycle.diagnose -f "$fx/lifecycle.txt" "${PR[@]}" --diagnose
golden lifecycle.json -f "$fx/lifecycle.txt" "${PR[@]}" --json
# since_boot_s in a saved copy: when counting started, but no age.
golden since.table -f "$fx/allns-host.txt" "${PR[@]}"
golden since.json -f "$fx/allns-host.txt" "${PR[@]}" --json
# --uptime: the saved copy's age (counting_s, "counting for"), but no
# Unix time of the start (when it was saved is unknown).
golden since-uptime.table -f "$fx/allns-host.txt" "${PR[@]}" --uptime 5000
golden since-uptime.json -f "$fx/allns-host.txt" "${PR[@]}" --uptime 5000 --json
golden since-uptime.prom -f "$fx/allns-host.txt" --uptime 5000 --prometheus
# Findings (tcpclose(8)): one row per rule, worst first, --top, --check's
# exit statuses (10 warning, 11 critical), rates from since_boot_s.
golden unhealthy.table -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 1100
golden unhealthy.diagnose -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 1100 --diagnose
golden unhealthy.json -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 1100 --json
WANT_STATUS=11 golden unhealthy.check -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 1100 --check
WANT_STATUS=11 golden unhealthy.check-top2 -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 1100 --check --top 2
WANT_STATUS=11 golden unhealthy.diagnose-top1 -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 1100 --check --diagnose --top 1
# Without the time: resets by count alone; long ago (0.0015/s): no pile.
WANT_STATUS=11 golden unhealthy.no-uptime -f "$fx/unhealthy.txt" "${PR[@]}" --check
WANT_STATUS=11 golden unhealthy.old -f "$fx/unhealthy.txt" "${PR[@]}" --uptime 101000 --check
WANT_STATUS=10 golden lifecycle.check-warning -f "$fx/lifecycle.txt" "${PR[@]}" --check --port 5033
golden healthy.check -f "$fx/healthy.txt" "${PR[@]}" --check
check healthy.check.empty "$(wc -c <"$exp/healthy.check")" 0
# Tolerant reading: only the required columns (the others "-", null, no
# sample); a role a later module adds (its rows skipped, one note).
golden required-only.table -f "$fx/required-only.txt" "${PR[@]}"
golden required-only.json -f "$fx/required-only.txt" "${PR[@]}" --json
golden required-only.prom -f "$fx/required-only.txt" --prometheus
GOLDEN_SED=$WATCH_SED golden required-only.watch -f "$fx/required-only.txt" "${PR[@]}" --watch 0.05 --count 2
golden unknown-role.table -f "$fx/unknown-role.txt" "${PR[@]}"
GOLDEN_SED=$WATCH_SED golden unknown-role.watch -f "$fx/unknown-role.txt" "${PR[@]}" --watch 0.05 --count 2
# Histograms (/proc/tcpclose_hist) beside the table, in JSON and Prometheus.
golden demo-hist.json -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" "${PR[@]}" --json
golden demo-hist.prom -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" --prometheus
golden demo-hist.5432-server.json -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" "${PR[@]}" \
	--json --port 5432 --role server
golden future-hist.json -f "$fx/future.txt" --hist-file "$fx/hist-future.txt" "${PR[@]}" --json
golden future-hist.prom -f "$fx/future.txt" --hist-file "$fx/hist-future.txt" --prometheus
golden empty-hist.prom -f "$fx/empty-table.txt" --hist-file "$fx/hist-empty.txt" --prometheus
# --top limits the histograms too: only those of the rows shown.
golden demo-hist.top1.prom -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" --prometheus --sort time_wait --top 1
golden demo-hist.top1.json -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" "${PR[@]}" --json --sort close_wait --top 1
# --all-netns on a fake proc filesystem (--procfs): what /proc/PID/ns/net,
# stat, cgroup and net/tcpclose* show, from fixtures. Namespaces: the
# host's (PIDs 1 and 2), a Kubernetes pod (PIDs 300 and 301: 301 started
# first, its cgroup names the pod's sandbox), a Docker container (PID 400,
# no histogram file), one whose process has gone (PID 500: no net/), one
# whose PID was reused by another namespace's process (PID 600), a zombie
# (PID 700: no ns/net), and entries that are not processes.
P=$out/procfs
CID_POD=8f14e45fceea167a5a36dedd4bea2543b2c7d8e9f0a1b2c3d4e5f60718293a4b
CID_APP=c9f0f895fb98ab9159f51fd0297e236d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a69
CID_DOCKER=45c48cce2e2d7fbdea1afc51c7c6ad26a1b2c3d4e5f60718293a4b5c6d7e8f90
POD=1f3c5a2e-8b4d-4c6e-9f0a-2b3c4d5e6f70
rm -rf "$P"
mkdir -p "$P/self" "$P/sys"
printf '5000.42 9000.00\n' >"$P/uptime"
: >"$P/tcpclose"
# mkproc PID INODE START CGROUP [TABLE [HIST]]
mkproc() {
	mkdir -p "$P/$1/ns" "$P/$1/net"
	ln -s "net:[$2]" "$P/$1/ns/net"
	echo "$1 (a b) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 $3 1000 10 18446744073709551615" >"$P/$1/stat"
	printf '0::%s\n' "$4" >"$P/$1/cgroup"
	[ -n "${5:-}" ] && cp "$fx/$5" "$P/$1/net/tcpclose"
	[ -n "${6:-}" ] && cp "$fx/$6" "$P/$1/net/tcpclose_hist"
	return 0
}
mkproc 1 4026531840 1 /init.scope allns-host.txt allns-host-hist.txt
mkproc 2 4026531840 2 / allns-host.txt allns-host-hist.txt
mkproc 300 4026532201 900 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD//-/_}.slice/cri-containerd-$CID_APP.scope" allns-pod.txt allns-pod-hist.txt
mkproc 301 4026532201 800 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD//-/_}.slice/cri-containerd-$CID_POD.scope" allns-pod.txt allns-pod-hist.txt
mkproc 400 4026532305 1000 "/system.slice/docker-$CID_DOCKER.scope" allns-docker.txt
mkproc 500 4026532310 1100 /gone
rmdir "$P/500/net"
mkproc 600 4026532400 1200 /reused allns-reused.txt
mkdir -p "$P/700"
A=(--procfs "$P" --all-netns "${PR[@]}")
golden allns.table "${A[@]}"
golden allns.diagnose "${A[@]}" --diagnose
golden allns.json "${A[@]}" --json
golden allns.top2 "${A[@]}" --top 2 --sort close_wait
# Findings over all namespaces: worst first, --top the N worst of them all,
# --check's status from the worst of any namespace (the CLOSE_WAIT leak of
# 4026532201 is critical; 4026531840's server-first a warning at 1).
WANT_STATUS=11 golden allns.check "${A[@]}" --check --min-time-wait 1
WANT_STATUS=11 golden allns.check-top1 "${A[@]}" --check --min-time-wait 1 --top 1
golden allns.findings-top1 "${A[@]}" --min-time-wait 1 --top 1
golden allns.diagnose-top1 "${A[@]}" --min-time-wait 1 --diagnose --top 1
golden allns.json-top1 "${A[@]}" --min-time-wait 1 --json --top 1
WANT_STATUS=10 golden allns.check-warning "${A[@]}" --check --min-time-wait 1 --min-close-wait 13 --close-wait-age 10
golden allns.check-quiet "${A[@]}" --check --min-close-wait 13 --close-wait-age 10
check allns.check-quiet.empty "$(wc -c <"$exp/allns.check-quiet")" 0
# The counting start is a Unix time (now minus the age): checked apart.
GOLDEN_SED='s/^\(tcpclose_counting_since_timestamp_seconds{[^}]*}\) [0-9]*$/\1 NOW-AGE/' \
	golden allns.prom "${A[@]}" --prometheus
GOLDEN_SED='s/^\(tcpclose_counting_since_timestamp_seconds{[^}]*}\) [0-9]*$/\1 NOW-AGE/' \
	golden allns.prom-top1 "${A[@]}" --prometheus --sort time_wait --top 1
# Prometheus: promtool, and no series twice.
if "$bin" "${A[@]}" --prometheus | promtool check metrics >"$out/promtool.out" 2>&1; then
	rpass promtool.allns
else
	rfail promtool.allns "$(head -n 3 "$out/promtool.out" | tr '\n' '|')"
fi
check allns.prom.unique "$("$bin" "${A[@]}" --prometheus | grep -v '^#' | sed 's/ [^ ]*$//' | sort | uniq -d | wc -l)" 0
check allns.prom.netns-everywhere "$("$bin" "${A[@]}" --prometheus | grep -v '^#' | grep -v '^tcpclose_up ' | grep -vc 'netns="')" 0
# JSON: the namespaces, their labels and types.
check allns.jq "$("$bin" "${A[@]}" --json | jq -c '[.skipped, (.namespaces | length), [.namespaces[] | [.netns, .pid, .container_id, .pod_uid, .counting_s, (.rows | length), (.histograms | type)]]]')" \
	"[2,3,[[4026531840,1,null,null,3600,2,\"object\"],[4026532201,301,\"$CID_POD\",\"$POD\",10,2,\"object\"],[4026532305,400,\"$CID_DOCKER\",null,0,2,\"null\"]]]"
now=$(date +%s)
check allns.counting-since "$("$bin" "${A[@]}" --prometheus |
	awk -v now="$now" '/^tcpclose_counting_since_timestamp_seconds/ { d = now - $2; print (d >= 3599 && d <= 3603 ? "ok" : d) }' | head -n 1)" ok
# --all-netns with destinations: each namespace's tcpclose_dest is used as
# -f with --dest-file uses it. Namespaces: 4026532301 (PID 100, the pod's
# labels) is dest-near (critical 127.0.0.2:8000, warning 127.0.0.3:8000,
# 12.5 connections per second as uptime 1000 - since_boot_s 800 = 200 s);
# 4026532305 (PID 200) the same table without a tcpclose_dest (a module
# older than it): its 330 client TIME_WAIT of port 8000 are 1.65 times the
# 200 ports of --port-range 40000-40199, the port range rule, which the
# destinations replace in the first; 4026532310 (PID 300) dest-bind, 12
# bind() failures with 188 of 200 ports in use (critical), beside a table
# without rows. Tables and files of other inodes are the fixtures with
# their netns= rewritten. mkproc builds in $P: the first tree's, kept.
P_ALL=$P
P=$out/procfs-dest
rm -rf "$P"
mkdir -p "$P"
printf '1000.00 2000.00\n' >"$P/uptime"
: >"$P/tcpclose"
# renetns FIXTURE INODE: the fixture as the file of namespace INODE.
renetns() { sed "1s/ netns=[0-9]*/ netns=$2/" "$fx/$1"; }
mkproc 100 4026532301 100 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD//-/_}.slice/cri-containerd-$CID_POD.scope" dest-near-table.txt
cp "$fx/dest-near.txt" "$P/100/net/tcpclose_dest"
mkproc 200 4026532305 200 "/system.slice/docker-$CID_DOCKER.scope"
renetns dest-near-table.txt 4026532305 >"$P/200/net/tcpclose"
mkproc 300 4026532310 300 /system.slice/client.service
renetns empty-table.txt 4026532310 >"$P/300/net/tcpclose"
renetns dest-bind.txt 4026532310 >"$P/300/net/tcpclose_dest"
AD=(--procfs "$P" --all-netns --port-range 40000-40199)
# Written by hand from those numbers; --diagnose: each namespace's section
# as the single-namespace goldens of its files (dest-near, dest-bind).
WANT_STATUS=11 golden allns-dest.check "${AD[@]}" --check
golden allns-dest.diagnose "${AD[@]}" --diagnose
check allns-dest.findings "$("$bin" "${AD[@]}" | sed -n '/^[0-9]* findings/,$p')" "4 findings (tcpclose --all-netns --diagnose explains):
  netns 4026532301: 127.0.0.1 -> 127.0.0.2:8000: 200 of 200 local ports in use (100%), 37 connect() failures
  netns 4026532310: local ports: 188 of 200 in use across destinations (94%), 12 bind() failures
  netns 4026532301: 127.0.0.1 -> 127.0.0.3:8000: 165 of 200 local ports in use (82%)
  netns 4026532305: port 8000: client TIME_WAIT holds 1.65 of the local port range (330 of 200)"
# --top 1 keeps the worst finding of all namespaces; --check still sees all.
check allns-dest.check-top1 "$("$bin" "${AD[@]}" --check --top 1; echo "status $?")" "critical: netns 4026532301: 127.0.0.1 -> 127.0.0.2:8000: 200 of 200 local ports in use (100%), 37 connect() failures
and 3 more findings (--top 1)
status 11"
# Without --port-range the namespaces' ranges are unknown (not this
# process's): the destinations' findings stand on their files' capacity.
check allns-dest.check-no-range "$("$bin" --procfs "$P" --all-netns --check | cut -d: -f1-2; echo "status $?")" "critical: netns 4026532301
critical: netns 4026532310
warning: netns 4026532301
status 11"
# Prometheus: the destination families after the others, each namespace's
# samples with the labels of its port metrics, HELP and TYPE once.
"$bin" "${AD[@]}" --prometheus >"$out/allns-dest.prom"
check allns-dest.prom-dest "$(sed -n '/^# HELP tcpclose_dest_ports_in_use /,$p' "$out/allns-dest.prom")" "$(cat "$exp/allns-dest.prom-dest")"
if promtool check metrics <"$out/allns-dest.prom" >"$out/promtool-dest.out" 2>&1; then
	rpass promtool.allns-dest
else
	rfail promtool.allns-dest "$(head -n 3 "$out/promtool-dest.out" | tr '\n' '|')"
fi
check allns-dest.prom.unique "$(grep -v '^#' "$out/allns-dest.prom" | sed 's/ [^ ]*$//' | sort | uniq -d | wc -l)" 0
check allns-dest.prom.help-once "$(grep '^# HELP' "$out/allns-dest.prom" | sort | uniq -d | wc -l)" 0
check allns-dest.jq "$("$bin" "${AD[@]}" --json | jq -c '[.namespaces[] | [.netns, (.destinations | if . then [.capacity, (.rows | length), .other.in_use] else null end), [.diagnoses[] | [.kind, .severity]]]]')" \
	'[[4026532301,[200,3,0],[["destination_ports","critical"],["destination_ports","warning"]]],[4026532305,null,[["port_range","warning"]]],[4026532310,[200,4,0],[["local_ports","critical"]]]]'
# A namespace's destinations file of no use (empty, of another namespace,
# a format this tcpclose does not read) costs only its destinations, as
# the live /proc/tcpclose_dest's does: a warning on stderr, the table
# still there, the port range rule judging it instead, exit status from
# the findings. 4026532301 as above beside them.
P=$out/procfs-baddest
rm -rf "$P"
mkdir -p "$P"
printf '1000.00 2000.00\n' >"$P/uptime"
: >"$P/tcpclose"
mkproc 100 4026532301 100 /a dest-near-table.txt
cp "$fx/dest-near.txt" "$P/100/net/tcpclose_dest"
mkproc 300 4026532320 300 /b
mkproc 400 4026532330 400 /c
mkproc 500 4026532340 500 /d
for p in 300:4026532320:empty 400:4026532330:other-netns 500:4026532340:version; do
	IFS=: read -r pid ino bad <<<"$p"
	renetns dest-near-table.txt "$ino" >"$P/$pid/net/tcpclose"
	cp "$fx/bad-dest-$bad.txt" "$P/$pid/net/tcpclose_dest"
done
AB=(--procfs "$P" --all-netns --port-range 40000-40199)
WANT_STATUS=11 golden allns-baddest.check "${AB[@]}" --check
check allns-baddest.table "$("$bin" "${AB[@]}" 2>/dev/null | head -n 1)" "4 network namespaces"
check allns-baddest.stderr-each-mode "$(for m in "" --diagnose --json --prometheus; do
	# shellcheck disable=SC2086
	"$bin" "${AB[@]}" $m 2>&1 >/dev/null | cut -d: -f1-3 | tr '\n' ' '; echo "status $?"; done)" \
	"$(for m in 1 2 3 4; do echo "tcpclose: warning: netns 4026532320 tcpclose: warning: netns 4026532330 tcpclose: warning: netns 4026532340 status 0"; done)"
check allns-baddest.jq "$("$bin" "${AB[@]}" --json 2>/dev/null | jq -c '[.skipped, [.namespaces[] | [.netns, (.destinations | type), (.rows | length)]]]')" \
	'[0,[[4026532301,"object",4],[4026532320,"null",4],[4026532330,"null",4],[4026532340,"null",4]]]'
"$bin" "${AB[@]}" --prometheus >"$out/allns-baddest.prom" 2>/dev/null
check allns-baddest.prom-comments "$(grep '^# tcpclose:' "$out/allns-baddest.prom")" "# tcpclose: netns 4026532320: its tcpclose_dest file is unusable: no destination metrics for it.
# tcpclose: netns 4026532330: its tcpclose_dest file is unusable: no destination metrics for it.
# tcpclose: netns 4026532340: its tcpclose_dest file is unusable: no destination metrics for it."
check allns-baddest.prom-dest-netns "$(sed -n 's/^tcpclose_dest_ports_in_use{netns="\([0-9]*\)".*/\1/p' "$out/allns-baddest.prom" | sort -u | tr '\n' ' ')" "4026532301 "
check allns-baddest.prom-tables "$(sed -n 's/^tcpclose_ports{netns="\([0-9]*\)".*} 2$/\1/p' "$out/allns-baddest.prom" | tr '\n' ' ')" "4026532301 4026532320 4026532330 4026532340 "
if promtool check metrics <"$out/allns-baddest.prom" >"$out/promtool-baddest.out" 2>&1; then
	rpass promtool.allns-baddest
else
	rfail promtool.allns-baddest "$(head -n 3 "$out/promtool-baddest.out" | tr '\n' '|')"
fi
# Both trees under ASan and UBSan, in every output.
if [ -x "$out/tcpclose-san" ]; then
	: >"$out/san-allns.err"
	for p in "$out/procfs-dest" "$out/procfs-baddest"; do
		for m in "" --diagnose --json --prometheus --check "--top 1" "--port 8000"; do
			# shellcheck disable=SC2086
			"$out/tcpclose-san" --procfs "$p" --all-netns --port-range 40000-40199 $m \
				>/dev/null 2>>"$out/san-allns.err"
		done
	done
	check sanitizers.allns-dest "$(grep -cE 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$out/san-allns.err")" 0
fi
P=$P_ALL
# Destinations (/proc/tcpclose_dest): the view, the diagnosis rebuilt on
# them, JSON and Prometheus. dest-near: 200 of 200 ports towards
# 127.0.0.2:8000 with 37 connect() failures, 165 of 200 towards
# 127.0.0.3:8000; its table's client row 8000 closed 2500 connections in
# the 200 s between since_boot_s=800 and --uptime 1000: 12.5 per second.
DN=(-f "$fx/dest-near-table.txt" --dest-file "$fx/dest-near.txt" --uptime 1000)
golden dest-near.dest "${DN[@]}" --dest
golden dest-near.diagnose "${DN[@]}" --diagnose
golden dest-near.table "${DN[@]}"
golden dest-near.json "${DN[@]}" --json
golden dest-near.prom -f "$fx/dest-near-table.txt" --dest-file "$fx/dest-near.txt" --prometheus
GOLDEN_SED=$WATCH_SED golden dest-near.watch "${DN[@]}" --dest --watch 0.05 --count 2
# A saved destinations file alone: no table, so no rate and no estimate.
golden dest-near.alone --dest-file "$fx/dest-near.txt" --dest
golden dest-near.port5432 "${DN[@]}" --dest --port 5432
golden dest-spec.dest --dest-file "$fx/dest-spec.txt" --dest
# --check on destinations: critical once a connect() failed (or bind()),
# a warning near the capacity alone, and the --dest view's findings only.
WANT_STATUS=11 golden dest-near.check "${DN[@]}" --check
WANT_STATUS=10 golden dest-near.check-warning "${DN[@]}" --check --port 5432 --exhaustion-ratio 0.1
WANT_STATUS=11 golden dest-near.dest-check --dest-file "$fx/dest-near.txt" --dest --check
WANT_STATUS=11 golden dest-bind.check -f "$fx/empty-table.txt" --dest-file "$fx/dest-bind.txt" --check
# The file of e2e 27 on the real module (its table made up to match): one
# destination in TIME_WAIT, one whose sockets are neither in TIME_WAIT nor
# ESTABLISHED (CLOSE_WAIT).
golden dest-e2e27.diagnose --dest-file "$fx/dest-e2e27.txt" -f "$fx/dest-e2e27-table.txt" --diagnose
# 40 destinations at 5 % each: no finding (the old rule would have summed
# their TIME_WAIT on port 8000).
golden dest-spread.diagnose -f "$fx/dest-near-table.txt" --dest-file "$fx/dest-spread.txt" --diagnose
# More destinations than max_dests: other holds the rest, its failures named.
golden dest-other.dest --dest-file "$fx/dest-other.txt" --dest
golden dest-other.top2 --dest-file "$fx/dest-other.txt" --dest --top 2
golden dest-other.json -f "$fx/demo.txt" --dest-file "$fx/dest-other.txt" --json
golden dest-ipv6.dest --dest-file "$fx/dest-ipv6.txt" --dest
golden dest-ipv6.prom -f "$fx/demo.txt" --dest-file "$fx/dest-ipv6.txt" --prometheus
# bind() before connect(): the namespace-wide finding.
golden dest-bind.diagnose -f "$fx/empty-table.txt" --dest-file "$fx/dest-bind.txt" --diagnose
# No capacity in the file: only failures, unless --port-range gives it.
golden dest-nocapacity.dest --dest-file "$fx/dest-nocapacity.txt" --dest
golden dest-nocapacity.range --dest-file "$fx/dest-nocapacity.txt" --dest --port-range 40000-40199
# The saved file's capacity (200), never this machine's range, nor
# --port-range when the file has one.
need jq jq
check dest.capacity.own "$("$bin" "${DN[@]}" --json --port-range 1024-65535 | jq -c '[.destinations.capacity, .diagnoses[0].capacity]')" '[200,200]'
# (Meaningful only where this machine's range is not 200 ports wide.)
if read -r lo hi </proc/sys/net/ipv4/ip_local_port_range; then
	check dest.capacity.not-sysctl "$((hi - lo + 1 == 200))" 0
else
	rfail dest.capacity.not-sysctl "not run: /proc/sys/net/ipv4/ip_local_port_range unreadable"
fi
check dest.json.absent "$("$bin" -f "$fx/demo.txt" --json | grep -c '^"destinations":null$')" 1
check dest.prom.absent "$("$bin" -f "$fx/demo.txt" --prometheus | grep -c 'dest\|connect_failures\|capacity')" 0
# Without destinations (an older module, or a saved table alone) the old
# per-port rule still judges; with them, it is replaced.
check dest.old-rule "$("$bin" -f "$fx/port-range.txt" --port-range 40000-40199 --diagnose | grep -c '^port 5022: clients hold')" 1
check dest.rule-replaced "$("$bin" -f "$fx/dest-near-table.txt" --dest-file "$fx/dest-spread.txt" --port-range 40000-40199 --json | jq -c '[.diagnoses[].kind]')" '[]'

# From stdin, the same; a saved table alone has no histograms (as before).
"$bin" -f "$fx/demo.txt" --hist-file - "${PR[@]}" --json <"$fx/hist-demo.txt" >"$out/hist-stdin.json" 2>&1
check hist.stdin "$(cmp "$out/hist-stdin.json" "$exp/demo-hist.json" 2>&1)" ""
check hist.absent "$("$bin" -f "$fx/demo.txt" "${PR[@]}" --json | grep -c '^"histograms":null,$')" 1
check hist.absent-prom "$("$bin" -f "$fx/demo.txt" --prometheus | cmp - "$exp/demo.prom" 2>&1)" ""

# The port range comes from /proc/sys unless given.
if r=$(tr -s '\t ' '  ' </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null); then
	check port-range.sysctl "$("$bin" -f "$fx/demo.txt" --json | sed -n 's/^"port_range":\[\(.*\)\],$/\1/p')" \
		"$(echo $r | tr ' ' ',')"
else
	rfail port-range.sysctl "not run: /proc/sys/net/ipv4/ip_local_port_range unreadable"
fi

# contrib/systemd: the unit's command, as systemd would run it ($$ and %%
# unescaped, its Environment= expanded), with the module not loaded (the
# reader writes tcpclose_up 0) and with a reader that fails (the unit does):
# never a stale file left as live.
unit=$top/contrib/systemd/tcpclose-textfile.service
cmd=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'$/\1/p" "$unit" | sed -e 's/\$\$/$/g' -e 's/%%/%/g')
check unit.execstart "$([ -n "$cmd" ] && echo found)" found
rm -rf "$out/sysunit" && mkdir -p "$out/sysunit/bin" "$out/sysunit/dir"
echo 'tcpclose_active_closes_total{netns="1",port="80",role="server"} 5' >"$out/sysunit/dir/tcpclose.prom"
unit_run() {
	env PATH="$1:$PATH" TEXTFILE_DIR="$out/sysunit/dir" TCPCLOSE_ARGS="$2" sh -c \
		"$(echo "$cmd" | sed -e 's/\${TEXTFILE_DIR}/$TEXTFILE_DIR/g' -e 's/\${TCPCLOSE_ARGS}/$TCPCLOSE_ARGS/g')"
}
ln -sf "$bin" "$out/sysunit/bin/tcpclose"
if [ ! -e /proc/tcpclose ]; then
	unit_run "$out/sysunit/bin" "--all-netns"
	check unit.not-loaded "$(grep -v '^#' "$out/sysunit/dir/tcpclose.prom")" "tcpclose_up 0"
else
	rfail unit.not-loaded "not run: /proc/tcpclose exists on this host"
fi
rm -f "$out/sysunit/bin/tcpclose"	# the symlink: never write through it
printf '#!/bin/sh\necho partial\nexit 5\n' >"$out/sysunit/bin/tcpclose"
chmod +x "$out/sysunit/bin/tcpclose"
unit_run "$out/sysunit/bin" ""
check unit.failed "$(cat "$out/sysunit/dir/tcpclose.prom")" "# tcpclose failed with status 5: journalctl -u tcpclose-textfile
# HELP tcpclose_up 1 if the tcpclose module is loaded and its tables were read, 0 if it is not loaded.
# TYPE tcpclose_up gauge
tcpclose_up 0"
check unit.no-condition "$(grep -c '^ConditionPathExists=/proc/tcpclose' "$unit")" 0
if need promtool prometheus; then
	check unit.failed.promtool "$(promtool check metrics <"$out/sysunit/dir/tcpclose.prom" 2>&1)" ""
fi

# contrib/grafana: every metric a query of the dashboard names is one the
# reader emits (the fake procfs's namespaces have every column, histograms
# and the counting start; tcpclose_up too), and every query parses
# (promtool check rules, with the dashboard's variables set to .*).
dash=$top/contrib/grafana/tcpclose-dashboard.json
"$bin" "${A[@]}" --prometheus | grep -v '^#' | sed 's/[{ ].*//' | sort -u >"$out/emitted"
# dash_check FILE: "ok", or the metric names its queries use that the reader does not emit.
dash_check() {
	local unknown
	unknown=$(jq -r '[.panels[].targets[]?.expr, (.templating.list[] | .query | objects | .query)] | .[]' "$1" |
		grep -o 'tcpclose_[a-z0-9_]*' | sort -u | comm -23 - "$out/emitted" | tr '\n' ' ')
	echo "${unknown:-ok}"
}
check dashboard.metrics "$(dash_check "$dash")" ok
check dashboard.queries "$(jq '[.panels[].targets[]?.expr] | length' "$dash" | awk '$1 >= 10 { print "ok" }')" ok
# The check can fail: a query naming a metric the reader does not emit.
jq '.panels[4].targets[0].expr = "topk(10, tcpclose_time_wait_total)"' "$dash" >"$out/bad-dashboard.json"
check dashboard.self-test "$(dash_check "$out/bad-dashboard.json")" "tcpclose_time_wait_total "
if need promtool prometheus; then
	{
		echo 'groups:'
		echo '- name: dashboard'
		echo '  rules:'
		jq -r '.panels[].targets[]?.expr' "$dash" | sed 's/\$[a-z_]*/.*/g' |
			awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "  - record: tcpclose:dashboard:%d\n    expr: \"%s\"\n", NR, $0 }'
	} >"$out/dashboard-rules.yml"
	if promtool check rules "$out/dashboard-rules.yml" >"$out/promtool-rules.out" 2>&1; then
		rpass dashboard.promql
	else
		rfail dashboard.promql "$(grep -m 3 -v '^Checking\|SUCCESS' "$out/promtool-rules.out" | tr '\n' '|')"
	fi
fi

# err NAME STATUS STDERR CMD...: one line on stderr, nothing on stdout.
err() {
	local name=$1 want=$2 msg=$3 st
	shift 3
	"$@" >"$out/err.out" 2>"$out/err.err"
	st=$?
	check "error.$name.status" "$st" "$want"
	check "error.$name.stderr" "$(cat "$out/err.err")" "$msg"
	check "error.$name.stdout" "$(wc -c <"$out/err.out")" 0
}

# 5: not a tcpclose table, or an unknown format version.
err format.header-bytes 5 "tcpclose: $fx/bad-header-bytes.txt: line 1: byte 0xff in the first line: not printable ASCII" \
	"$bin" -f "$fx/bad-header-bytes.txt" --json
err format.header-escape 5 "tcpclose: $fx/bad-header-escape.txt: line 1: byte 0x1b in the first line: not printable ASCII" \
	"$bin" -f "$fx/bad-header-escape.txt"
# --watch checks the table and the destinations are of one namespace, as one shot does.
err watch.dest-netns 5 "tcpclose: $fx/dest-spread.txt: destinations of netns $(sed -n '1s/.* netns=\([0-9]*\).*/\1/p' "$fx/dest-spread.txt"), but $fx/demo.txt is of netns $(sed -n '1s/.* netns=\([0-9]*\).*/\1/p' "$fx/demo.txt")" \
	"$bin" -f "$fx/demo.txt" --dest-file "$fx/dest-spread.txt" --dest --watch 0.05 --count 2
while IFS='|' read -r f msg; do
	err "format.$f" 5 "tcpclose: $fx/bad-$f.txt: $msg" "$bin" -f "$fx/bad-$f.txt"
done <<'EOF'
missing-column|line 2: header has no 'resets' column
missing-columns|line 2: header has no 'port', 'resets' and 'close_wait' columns
extra-values|line 3: more values than the 13 columns
truncated-row|line 4: truncated row: 7 of 13 columns
no-newline|line 3: truncated (no newline at the end)
overflow|line 3: active_closes: not a number below 2^64: '18446744073709551616'
negative|line 3: active_closes: not a number below 2^64: '-1'
port|line 3: bad port '65536'
role|line 3: bad role 'Proxy'
duplicate-row|two rows for port 80 server
duplicate-column|line 2: column 'time_wait' twice
version|line 1: unknown format version 2 (this tcpclose reads format 1)
version-text|line 1: bad format version 'x'
not-tcpclose|line 1: not a tcpclose table (no "# tcpclose" line)
no-header|no header line
empty|empty file
EOF
err format.json-too 5 "tcpclose: $fx/bad-version.txt: line 1: unknown format version 2 (this tcpclose reads format 1)" \
	"$bin" -f "$fx/bad-version.txt" --json
err format.prometheus-too 5 "tcpclose: $fx/bad-truncated-row.txt: line 4: truncated row: 7 of 13 columns" \
	"$bin" -f "$fx/bad-truncated-row.txt" --prometheus
# The same for the histograms, next to a good table.
while IFS='|' read -r f msg; do
	err "hist.$f" 5 "tcpclose: $fx/bad-hist-$f.txt: $msg" \
		"$bin" -f "$fx/demo.txt" --hist-file "$fx/bad-hist-$f.txt" --prometheus
done <<'EOF'
version|line 1: unknown format version 2 (this tcpclose reads format 1)
not-hist|line 1: not a tcpclose_hist file (no "# tcpclose_hist" line)
unit|line 1: unit=ns, this tcpclose reads unit=us
no-unit|line 1: no unit=us key
buckets-kind|line 1: buckets=linear, this tcpclose reads buckets=log2
not-pow2|line 3: bucket '100:3': le is not a power of two or inf
duplicate-bucket|line 3: bucket 64 twice
decreasing|line 3: bucket 64 after 128: bounds must increase
after-inf|line 3: bucket 64 after inf: bounds must increase
bucket-overflow|line 3: bucket '64:18446744073709551616': count is not a number below 2^64
bucket-sum|line 3: bucket counts add up to more than 2^64-1
bucket-token|line 3: bucket '64=5' is not le:count
bucket-count|line 3: bucket '64:five': count is not a number below 2^64
count-overflow|line 3: count: not a number below 2^64: '18446744073709551616'
truncated-row|line 3: truncated row: 3 of 5 columns
no-newline|line 3: truncated (no newline at the end)
phase|line 3: bad phase 'FIN-WAIT2'
role|line 3: bad role 'Proxy'
port|line 3: bad port '70000'
duplicate-row|two rows for port 8080 server total
buckets-not-last|line 2: 'buckets' is not the last column
missing-column|line 2: header has no 'sum_us' column
no-header|no header line
empty|empty file
EOF
err hist.json-too 5 "tcpclose: $fx/bad-hist-decreasing.txt: line 3: bucket 64 after 128: bounds must increase" \
	"$bin" -f "$fx/demo.txt" --hist-file "$fx/bad-hist-decreasing.txt" --json
err hist.other-netns 5 "tcpclose: $fx/bad-hist-other-netns.txt: histograms of netns 4026532001, but $fx/demo.txt is of netns 4026531840" \
	"$bin" -f "$fx/demo.txt" --hist-file "$fx/bad-hist-other-netns.txt" --json
err hist.missing 4 "tcpclose: cannot read $out/nonexistent: No such file or directory" \
	"$bin" -f "$fx/demo.txt" --hist-file "$out/nonexistent" --prometheus
# The same for the destinations.
while IFS='|' read -r f msg; do
	err "dest.$f" 5 "tcpclose: $fx/bad-dest-$f.txt: $msg" \
		"$bin" --dest --dest-file "$fx/bad-dest-$f.txt"
done <<'EOF2'
not-dest|line 1: not a tcpclose_dest file (no "# tcpclose_dest" line)
version|line 1: unknown format version 2 (this tcpclose reads format 1)
key|line 1: capacity=lots: not a number below 2^64
range|line 1: port_range=60999-32768: not LO-HI with LO <= HI <= 65535
missing-column|line 2: header has no 'connect_failures' column
address|line 3: remote: bad address '127.0.0.300'
port|line 3: bad port '80000'
star|line 3: '*' only in the row '* * 0'
states|line 3: time_wait 180 and established 30 are more than in_use 200
truncated-row|line 3: truncated row: 5 of 7 columns
no-newline|line 4: truncated (no newline at the end)
after-other|line 5: a row after the '* * 0' row, which is the last
no-other|no '* * 0' row: the file is cut short
duplicate-row|two rows for 127.0.0.1 -> 127.0.0.2:8000
max-dests|2 destinations, more than max_dests=1
no-header|no header line
empty|empty file
EOF2
for m in --json --prometheus --diagnose ""; do
	# shellcheck disable=SC2086
	err "dest.in${m:-table}" 5 "tcpclose: $fx/bad-dest-no-other.txt: no '* * 0' row: the file is cut short" \
		"$bin" -f "$fx/demo.txt" --dest-file "$fx/bad-dest-no-other.txt" $m
done
err dest.other-netns 5 "tcpclose: $fx/bad-dest-other-netns.txt: destinations of netns 4026532001, but $fx/demo.txt is of netns 4026531840" \
	"$bin" -f "$fx/demo.txt" --dest-file "$fx/bad-dest-other-netns.txt" --json
err dest.as-table 5 "tcpclose: $fx/dest-spec.txt: line 1: not a tcpclose table (no \"# tcpclose\" line): a tcpclose_dest file, for --dest-file" \
	"$bin" -f "$fx/dest-spec.txt"
err dest.missing 4 "tcpclose: cannot read $out/nonexistent: No such file or directory" \
	"$bin" --dest --dest-file "$out/nonexistent"
err dest.watch-too 5 "tcpclose: $fx/bad-dest-version.txt: line 1: unknown format version 2 (this tcpclose reads format 1)" \
	"$bin" --dest --dest-file "$fx/bad-dest-version.txt" --watch 0.05 --count 1
err format.watch-too 5 "tcpclose: $fx/bad-version.txt: line 1: unknown format version 2 (this tcpclose reads format 1)" \
	"$bin" -f "$fx/bad-version.txt" --watch 0.05 --count 1

# --all-netns errors: a module not loaded (down for Prometheus), an unreadable procfs.
mkdir -p "$out/noproc"
err allns.not-loaded 3 "tcpclose: $out/noproc/tcpclose not found: the tcpclose module is not loaded (sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)" \
	"$bin" --all-netns --procfs "$out/noproc"
check allns.not-loaded.prometheus "$("$bin" --all-netns --procfs "$out/noproc" --prometheus | grep -v '^#'; echo "status $?")" "tcpclose_up 0
status 0"
rm -rf "$out/procfs-bad"
cp -r "$P" "$out/procfs-bad"
printf '# tcpclose 1 netns=4026532201\n port role\n' >"$out/procfs-bad/300/net/tcpclose"
cp "$out/procfs-bad/300/net/tcpclose" "$out/procfs-bad/301/net/tcpclose"
err allns.format 5 "tcpclose: $out/procfs-bad/301/net/tcpclose: line 2: header has no 'active_closes', 'passive_closes', 'simultaneous_closes', 'resets', 'time_wait' and 'close_wait' columns" \
	"$bin" --all-netns --procfs "$out/procfs-bad"
# 4: unreadable.
err unreadable.missing 4 "tcpclose: cannot read $out/nonexistent: No such file or directory" \
	"$bin" -f "$out/nonexistent"
err unreadable.directory 4 "tcpclose: cannot read $fx: Is a directory" "$bin" -f "$fx"
cp "$fx/demo.txt" "$out/secret.txt"
chmod 600 "$out/secret.txt"
chmod o+x "$out"
# Never skipped: as root through setpriv (util-linux), as anyone else directly.
if [ "$(id -u)" != 0 ]; then
	chmod 000 "$out/secret.txt"
	err unreadable.permission 4 "tcpclose: cannot read $out/secret.txt: Permission denied" \
		"$bin" -f "$out/secret.txt"
elif command -v setpriv >/dev/null; then
	err unreadable.permission 4 "tcpclose: cannot read $out/secret.txt: Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -f "$out/secret.txt"
else
	rfail unreadable.permission "not run: root, and no setpriv (util-linux) to drop to another user"
fi

# 3: the module is not loaded (the host cannot load it; the guest checks
# the same after rmmod in 25-reader-errors).
NL="tcpclose: /proc/tcpclose not found: the tcpclose module is not loaded (sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)"
if [ ! -e /proc/tcpclose ]; then
	err not-loaded 3 "$NL" "$bin"
	err not-loaded.json 3 "$NL" "$bin" --json
	# A textfile collector gets "down", not a failed write (exit 0).
	"$bin" --prometheus >"$out/down.prom" 2>"$out/down.err"
	check not-loaded.prometheus.status $? 0
	check not-loaded.prometheus.stderr "$(cat "$out/down.err")" ""
	check not-loaded.prometheus.output "$(cat "$out/down.prom")" "# tcpclose: the tcpclose module is not loaded (/proc/tcpclose missing): no other tcpclose metric until it is loaded.
# HELP tcpclose_up 1 if the tcpclose module is loaded and its tables were read, 0 if it is not loaded.
# TYPE tcpclose_up gauge
tcpclose_up{netns=\"$(readlink /proc/self/ns/net | tr -dc 0-9)\"} 0"
	err not-loaded.all-netns 3 "$NL" "$bin" --all-netns
	err not-loaded.dest 3 "$NL" "$bin" --dest
	err not-loaded.dest-file 3 "tcpclose: /proc/tcpclose_dest not found: the tcpclose module is not loaded (sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)" \
		"$bin" --dest --dest-file /proc/tcpclose_dest
	err not-loaded.other-proc 3 "tcpclose: /proc/net/tcpclose not found: the tcpclose module is not loaded (sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)" \
		"$bin" -f /proc/net/tcpclose
else
	# Never a silent skip: on a host with the module loaded these four
	# cannot run here (the guest's 25-reader-errors still checks them).
	rfail not-loaded "not run: /proc/tcpclose exists on this host (module loaded)"
fi

# 2: bad flags and arguments.
while IFS='|' read -r name msg args; do
	# shellcheck disable=SC2086
	err "usage.$name" 2 "tcpclose: $msg" "$bin" $args
done <<'EOF'
unknown|unknown option '--bogus' (see tcpclose --help)|--bogus
unknown-short|unknown option '-x' (see tcpclose --help)|-jx
missing-arg|--port needs an argument (see tcpclose --help)|--port
missing-arg-short|-f needs an argument (see tcpclose --help)|-f
port|--port: '65536' is not a whole number from 0 to 65535|--port 65536
port-text|--port: 'http' is not a whole number from 0 to 65535|-p http
role|--role: 'proxy' is not server or client|--role proxy
sort|--sort: unknown column 'nope' (port, time_wait, close_wait, active_closes, ...)|--sort nope
top|--top: '0' is not a whole number of at least 1|--top 0
count|--count: '-1' is not a whole number from 1 to 1000000000|--watch --count -1
watch|--watch: 'x' is not a number from 0.001 to 86400|--watch=x
watch-zero|--watch: '0' is not a number from 0.001 to 86400|--watch 0
share|--active-share: '1.5' is not a number from 0 to 1|--active-share 1.5
ratio|--port-range-ratio: 'nan' is not a number from 0 to 1e+09|--port-range-ratio nan
min-tw|--min-time-wait: '0' is not a whole number of at least 1|--min-time-wait 0
range|--port-range: '60999-32768' is not LO-HI with 0 <= LO <= HI <= 65535|--port-range 60999-32768
two-modes|--diagnose, --json, --prometheus and --dest exclude each other|--json --prometheus
dest-json|--diagnose, --json, --prometheus and --dest exclude each other|--dest --json
watch-json|--watch shows the table or --dest; not with --diagnose, --json or --prometheus|--watch 1 --json
watch-stdin|--watch rereads its files; not with --file - or --dest-file -|--watch -f -
watch-dest-stdin|--watch rereads its files; not with --file - or --dest-file -|--dest --watch --dest-file -
dest-file|--dest with --file: name the saved tcpclose_dest file with --dest-file|--dest -f x
dest-stdin-twice|--dest-file - and --file - or --hist-file - cannot both read stdin|--json -f - --dest-file -
dest-missing-arg|--dest-file needs an argument (see tcpclose --help)|--dest-file
exhaustion-ratio|--exhaustion-ratio: '1.5' is not a number from 0 to 1|--exhaustion-ratio 1.5
uptime|--uptime: 'x' is not a number from 0 to 1e+12|--uptime x
watch-check|--check gives one exit status; not with --watch|--watch 1 --check
min-resets|--min-resets: '0' is not a whole number of at least 1|--min-resets 0
reset-rate|--reset-rate: '-1' is not a number from 0 to 1e+12|--reset-rate -1
min-last-ack|--min-last-ack: '' is not a whole number of at least 1|--min-last-ack=
count-alone|--count needs --watch|--count 2
hist-table|--hist-file: only --json and --prometheus show histograms|--hist-file x
hist-diagnose|--hist-file: only --json and --prometheus show histograms|--hist-file x --diagnose
hist-stdin-twice|--file - and --hist-file - cannot both read stdin|--json -f - --hist-file -
hist-missing-arg|--hist-file needs an argument (see tcpclose --help)|--json --hist-file
argument|unexpected argument 'extra' (see tcpclose --help)|extra
all-netns-file|--all-netns reads every namespace's files; not with --file, --hist-file or --dest-file|--all-netns -f x
all-netns-hist|--all-netns reads every namespace's files; not with --file, --hist-file or --dest-file|-a --json --hist-file x
all-netns-watch|--all-netns: not with --watch or --dest|--all-netns --watch 1
all-netns-uptime|--uptime is for saved copies; --all-netns reads its procfs's uptime|--all-netns --uptime 5
procfs-alone|--procfs: only with --all-netns|--procfs /proc
procfs-relative|--procfs: 'proc' is not an absolute path|-a --procfs proc
EOF

# 1: the output cannot be written (a full disk under a textfile collector).
err write 1 "tcpclose: cannot write the output: No space left on device" \
	sh -c "\"$bin\" -f \"$fx/demo.txt\" --prometheus >/dev/full"

# --help and --version.
"$bin" --help >"$out/help" 2>&1
check help.status $? 0
check help.exit-codes "$(grep -c '3 module not loaded, 4 file unreadable, 5 not a tcpclose table' "$out/help")" 1
check help.check-codes "$(grep -c 'with --check, 10 warning, 11 critical findings' "$out/help")" 1
check help.defaults "$(grep -oE '\[(500|0\.5|10|60|0\.8|0\.25|100|1)\]' "$out/help" | tr '\n' ' ')" \
	"[500] [0.5] [10] [60] [0.8] [0.25] [100] [1] [100] "
version=$(sed -n 's/^#define TCPCLOSE_VERSION "\(.*\)"/\1/p' "$top/module/version.h")
check version "$("$bin" --version)" "tcpclose $version (reads format 1)"

# JSON: one document jq reads, with the numbers of the table.
if need jq jq; then
	for f in demo healthy future huge empty-table port-range; do
		if "$bin" -f "$fx/$f.txt" "${PR[@]}" --json | jq -e . >/dev/null 2>"$out/jq.err"; then
			rpass "jq.$f"
		else
			rfail "jq.$f" "$(head -n 1 "$out/jq.err")"
		fi
	done
	# One JSON type per key, whatever the file's text (tcpclose(5)):
	# every fixture's document, in every output, against the table.
	types='def t(k; ok): if (k | type) as $x | ok | index($x) then empty else "\(k | tojson): \(k | type)" end;
		t(.format; ["number"]), t(.version; ["string","null"]), t(.netns; ["number","null"]),
		(.meta | to_entries[] | if .key == "tw_probes" then t(.value; ["string","null"]) else t(.value; ["number","null"]) end),
		(.rows[] | to_entries[] | if .key == "role" then t(.value; ["string"]) elif .key == "port" then t(.value; ["number"]) else t(.value; ["number","null"]) end),
		(.diagnoses[] | to_entries[] | if (.key | test("^(kind|severity|summary|finding|advice)$")) then t(.value; ["string"])
			elif .key == "role" then t(.value; ["string","null"]) elif .key == "port_range" then t(.value; ["array"])
			else t(.value; ["number","null"]) end),
		t(.diagnoses_total; ["number"]), t(.counting_s; ["number","null"]),
		(.histograms | if . == null then empty else t(.max_tracked; ["number","null"]), t(.timing; ["string","null"]), t(.untracked_closes; ["number","null"]) end)'
	bad=
	for f in "$fx"/[a-z]*.txt; do
		case $f in */bad-*|*/hist-*) continue ;; esac
		head -n 1 "$f" | grep -q '^# tcpclose [0-9]' || continue	# not a table
		j=$("$bin" -f "$f" "${PR[@]}" --json 2>/dev/null)
		[ -n "$j" ] || bad="$bad ${f##*/}: no JSON"
		bad="$bad$(printf '%s\n' "$j" | jq -r "$types" 2>&1)"
	done
	check jq.types "${bad:-none}" none
	# The destinations' keys too: a count is a number whatever its text,
	# failure_probes and the version strings, port_range a pair.
	dtypes='.destinations | def t(k; ok): if (k | type) as $x | ok | index($x) then empty else "\(k | tojson): \(k | type)" end;
		t(.format; ["number"]), t(.version; ["string","null"]), t(.netns; ["number","null"]),
		(.meta | to_entries[] | if .key == "failure_probes" then t(.value; ["string","null"]) elif .key == "port_range" then t(.value; ["array","null"]) else t(.value; ["number","null"]) end)'
	bad=
	for f in "$fx"/dest-[a-z]*.txt; do
		case $f in *-table.txt) continue ;; esac
		# a table of the file's namespace with the required columns only
		ns=$(head -n 1 "$f" | sed -n 's/.* netns=\([0-9]*\).*/\1/p')
		printf '# tcpclose 1 netns=%s\n port role active_closes passive_closes simultaneous_closes resets time_wait close_wait\n' \
			"$ns" >"$out/dtypes-table.txt"
		j=$("$bin" -f "$out/dtypes-table.txt" --dest-file "$f" --uptime 1000 --json 2>/dev/null)
		[ -n "$j" ] || bad="$bad ${f##*/}: no JSON"
		bad="$bad$(printf '%s\n' "$j" | jq -r "$dtypes" 2>&1)"
	done
	check jq.types.dest "${bad:-none}" none
	check jq.types.fixture "$("$bin" -f "$fx/types.txt" "${PR[@]}" --json | jq -c '[.version, .netns, .meta.ports, .meta.sockstat_tw, .meta.tw_probes, .rows[0].fin_wait1]')" \
		'["1",null,null,-2,"7",null]'
	check jq.rows "$("$bin" -f "$fx/demo.txt" --json | jq -c '[.rows[] | select(.time_wait > 0) | [.port, .role, .time_wait]]')" \
		'[[5432,"client",25],[8080,"server",40]]'
	check jq.diagnoses "$("$bin" -f "$fx/demo.txt" "${PR[@]}" --json | jq -r '.diagnoses[] | "\(.kind) \(.port) \(.role)"' | tr '\n' ';')" \
		"close_wait 6379 server;"
	check jq.keys "$("$bin" -f "$fx/demo.txt" --json | jq -c keys)" \
		'["counting_s","destinations","diagnoses","diagnoses_total","format","histograms","meta","netns","port_range","rows","thresholds","version"]'
	check jq.row-keys-stable "$("$bin" -f "$fx/future.txt" --json | jq -c '.rows[0] | keys')" \
		"$("$bin" -f "$fx/demo.txt" --json | jq -c '.rows[0] | keys')"
	check jq.oldest "$("$bin" -f "$fx/future.txt" "${PR[@]}" --json | jq -c '[.diagnoses[] | select(.kind == "close_wait") | .close_wait_oldest_s]')" '[312]'
	for f in demo future empty; do
		t=$f; [ $f = empty ] && t=empty-table
		if "$bin" -f "$fx/$t.txt" --hist-file "$fx/hist-$f.txt" --json 2>/dev/null | jq -e . >/dev/null 2>"$out/jq.err"; then
			rpass "jq.hist-$f"
		else
			rfail "jq.hist-$f" "$(head -n 1 "$out/jq.err")"
		fi
	done
	check jq.hist "$("$bin" -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" --json |
		jq -c '[.histograms.rows[] | select(.port == 6379 and .phase == "close_wait")] | .[0] | [.role, .count, .sum_us, .buckets]')" \
		'["server",2,2600000000,[{"le_us":1073741824,"count":1},{"le_us":null,"count":1}]]'
	check jq.hist-meta "$("$bin" -f "$fx/demo.txt" --hist-file "$fx/hist-demo.txt" --json | jq -c '.histograms | [.max_tracked, .untracked_closes, (.rows | length)]')" \
		'[32768,3,16]'
	check jq.lifecycle "$("$bin" -f "$fx/lifecycle.txt" "${PR[@]}" --min-time-wait 3 --json | jq -r '.diagnoses[] | "\(.kind) \(.port) \(.role) \(.tw_overflow // .fin_wait2_timeouts // "-")"' | tr '\n' ';')" \
		"tw_overflow 5031 server 7;server_closes_first 5031 server -;fin_wait2_timeouts 5033 client 4;"
	for f in dest-near dest-other dest-ipv6 dest-bind dest-spread dest-nocapacity; do
		t=demo; case $f in dest-near|dest-spread) t=dest-near-table ;; esac
		if "$bin" -f "$fx/$t.txt" --dest-file "$fx/$f.txt" --json | jq -e . >/dev/null 2>"$out/jq.err"; then
			rpass "jq.$f"
		else
			rfail "jq.$f" "$(head -n 1 "$out/jq.err")"
		fi
	done
	check jq.dest-keys "$("$bin" "${DN[@]}" --json | jq -c '.destinations | keys')" \
		'["capacity","format","meta","netns","other","rows","version"]'
	check jq.dest-rows "$("$bin" "${DN[@]}" --json | jq -c '[.destinations.rows[] | [.remote, .port, .in_use, .time_wait, .connect_failures, .capacity_share]]')" \
		'[["127.0.0.2",8000,200,170,37,1],["127.0.0.3",8000,165,160,0,0.825],["127.0.0.4",5432,20,0,0,0.1]]'
	check jq.dest-diagnoses "$("$bin" "${DN[@]}" --json | jq -c '[.diagnoses[] | [.kind, .remote, .exhausted_in_s, .new_connections_per_s, .rate_from]]')" \
		'[["destination_ports","127.0.0.2",0,12.5,"since_start"],["destination_ports","127.0.0.3",2.8,12.5,"since_start"]]'
	# Every row's connect() failures, other included, add up to the header's.
	check jq.dest-sum "$("$bin" -f "$fx/demo.txt" --dest-file "$fx/dest-other.txt" --json | jq '.destinations | ([.rows[].connect_failures] | add) + .other.connect_failures == .meta.connect_failures')" true
	check jq.dest-bind "$("$bin" -f "$fx/empty-table.txt" --dest-file "$fx/dest-bind.txt" --json | jq -c '[.diagnoses[] | [.kind, .port, .local_ports_in_use, .bind_failures]]')" \
		'[["local_ports",null,188,12]]'
	check jq.dest-other "$("$bin" -f "$fx/demo.txt" --dest-file "$fx/dest-other.txt" --json | jq -c '[.diagnoses[] | select(.kind == "destination_ports") | [.kind, .local, .connect_failures]]')" \
		'[["destination_ports",null,3]]'
else
	rfail jq "jq missing and apt-get install jq failed ($out/apt-jq.log)"
fi

# Prometheus: promtool (Debian package prometheus) accepts the output.
if need promtool prometheus; then
	for f in demo healthy future huge empty-table reordered lifecycle; do
		if "$bin" -f "$fx/$f.txt" --prometheus | promtool check metrics >"$out/promtool.out" 2>&1; then
			rpass "promtool.$f"
		else
			rfail "promtool.$f" "$(head -n 3 "$out/promtool.out" | tr '\n' '|')"
		fi
	done
	for f in dest-near dest-other dest-ipv6 dest-bind dest-nocapacity; do
		t=demo; [ $f = dest-near ] && t=dest-near-table
		if "$bin" -f "$fx/$t.txt" --dest-file "$fx/$f.txt" --prometheus | promtool check metrics >"$out/promtool.out" 2>&1; then
			rpass "promtool.$f"
		else
			rfail "promtool.$f" "$(head -n 3 "$out/promtool.out" | tr '\n' '|')"
		fi
	done
	for f in demo-hist future-hist empty-hist; do
		if promtool check metrics <"$exp/$f.prom" >"$out/promtool.out" 2>&1; then
			rpass "promtool.$f"
		else
			rfail "promtool.$f" "$(head -n 3 "$out/promtool.out" | tr '\n' '|')"
		fi
	done
else
	rfail promtool "promtool missing and apt-get install prometheus failed ($out/apt-prometheus.log)"
fi
check prom.help-once "$("$bin" -f "$fx/demo.txt" --prometheus | grep '^# HELP' | cut -d' ' -f3 | sort | uniq -d | wc -l)" 0
check prom.types "$("$bin" -f "$fx/demo.txt" --prometheus | awk '/^# TYPE/ && $3 ~ /_total$/ && $4 != "counter" || /^# TYPE/ && $3 !~ /_total$/ && $4 != "gauge"' | wc -l)" 0
check prom.counters "$("$bin" -f "$fx/demo.txt" --prometheus | grep -c '^# TYPE .* counter$')" 5
check prom.dest-types "$("$bin" -f "$fx/demo.txt" --dest-file "$fx/dest-other.txt" --prometheus | awk '/^# TYPE/ && $3 ~ /_total$/ && $4 != "counter" || /^# TYPE/ && $3 !~ /_total$/ && $4 != "gauge"' | wc -l)" 0
check prom.dest-help-once "$("$bin" -f "$fx/demo.txt" --dest-file "$fx/dest-other.txt" --prometheus | grep '^# HELP' | cut -d' ' -f3 | sort | uniq -d | wc -l)" 0
# Labels bounded by max_dests: its 4 rows and other, nothing more.
check prom.dest-series "$("$bin" -f "$fx/demo.txt" --dest-file "$fx/dest-other.txt" --prometheus | grep -c '^tcpclose_dest_ports_in_use{')" 5
# Histograms as Prometheus wants them, beyond what promtool checks
# (cumulative, the same bounds in every series, +Inf equal to _count); the
# guest's 26-reader-hist runs the same script on the real module's.
prom_hist_check() { sh "$top/tests/e2e/prom-hist-check.sh" "$1"; }
for f in demo-hist future-hist empty-hist; do
	check "prom.hist-structure.$f" "$(prom_hist_check "$exp/$f.prom")" ok
done
printf '%s\n' '# TYPE x histogram' 'x_bucket{a="1",le="1"} 2' 'x_bucket{a="1",le="2"} 1' \
	'x_bucket{a="1",le="+Inf"} 2' 'x_count{a="1"} 2' >"$out/bad.prom"
check prom.hist-structure.self-test "$(prom_hist_check "$out/bad.prom")" 'not cumulative: x_bucket{a="1",le="2"} 1'
check prom.hist-help-once "$(grep '^# HELP' "$exp/demo-hist.prom" | cut -d' ' -f3 | sort | uniq -d | wc -l)" 0
check prom.hist-series "$(grep -c '^tcpclose_close_duration_seconds_count{' "$exp/demo-hist.prom") $(grep -c '^tcpclose_close_phase_duration_seconds_count{' "$exp/demo-hist.prom")" "5 11"
check prom.hist-bounds "$(grep -c '^tcpclose_close_phase_duration_seconds_bucket{netns="4026531840",port="5432",role="client",phase="fin_wait2",' "$exp/demo-hist.prom")" 32

# --watch: a file that disappears is waited for; Ctrl-C ends cleanly.
"$bin" -f "$out/nonexistent" --watch 0.05 --count 2 >"$out/watch-missing" 2>&1
check watch.missing.status $? 0
check watch.missing.lines "$(grep -c "^$out/nonexistent missing, waiting$" "$out/watch-missing")" 2
"$bin" -f "$fx/demo.txt" --watch 0.1 >"$out/watch-int" 2>&1 &
wp=$!
# Until it has shown 2 frames (at most 30 s: a loaded host may be slow to
# run it), not a fixed time.
for _ in $(seq 300); do
	[ "$(grep -c '^tcpclose --watch' "$out/watch-int")" -ge 2 ] && break
	sleep 0.1
done
kill -INT $wp
# It must end on its own (at most 30 s); one that ignores SIGINT is killed
# and fails, rather than hang make check.
for _ in $(seq 300); do
	kill -0 $wp 2>/dev/null || break
	sleep 0.1
done
if kill -0 $wp 2>/dev/null; then
	kill -9 $wp
	wait $wp
	st="still running 30 s after SIGINT"
else
	wait $wp
	st=$?
fi
check watch.sigint.status "$st" 0
check watch.sigint.frames "$(grep -c '^tcpclose --watch' "$out/watch-int" | awk '$1 >= 2 { print "ok" }')" ok

# --watch over a file that another namespace's table replaces between two
# frames (a bind mount moved, a container restarted): the second frame may
# not take the first as its interval's start. 200 resets on the second table,
# counting for 100000 s (--uptime): over that, 0.002/s, no finding; as a 3 s interval
# from the first table's 0, 67/s, a finding. The same swap within one
# namespace is the control: there the interval is right and finds them.
watch_swap() {
	local f=$out/swap-$1.txt
	printf '# tcpclose 1 netns=1 since_boot_s=100000\n port role active_closes passive_closes simultaneous_closes resets time_wait close_wait\n 80 server 0 0 0 0 0 0\n' >"$f"
	"$bin" -f "$f" --uptime 200000 --watch 3 --count 2 >"$out/swap-$1.out" 2>&1 &
	local wp=$! i
	for i in $(seq 300); do
		[ "$(grep -c '^tcpclose --watch' "$out/swap-$1.out")" -ge 1 ] && break
		sleep 0.1
	done
	printf '# tcpclose 1 netns=%s since_boot_s=100000\n port role active_closes passive_closes simultaneous_closes resets time_wait close_wait\n 80 server 0 0 0 200 0 0\n' "$1" >"$f.new"
	mv "$f.new" "$f"
	wait $wp
	echo "status $? frames $(grep -c '^tcpclose --watch' "$out/swap-$1.out") resets $(grep -c 'port 80: 200 server resets' "$out/swap-$1.out")"
}
check watch.netns-replaced "$(watch_swap 2)" "status 0 frames 2 resets 0"
check watch.netns-same "$(watch_swap 1)" "status 0 frames 2 resets 1"

# The shared bound of namespaces' entries (module 0.1.0 with
# max_ports_netns_total): in JSON's meta and as two gauges.
sed '1s/$/ netns_total=4 max_ports_netns_total=8/' "$fx/demo.txt" >"$out/shared.txt"
check shared.json "$("$bin" -f "$out/shared.txt" --json | jq -c '[.meta.netns_total, .meta.max_ports_netns_total]')" '[4,8]'
check shared.json-absent "$("$bin" -f "$fx/demo.txt" --json | jq -c '[.meta.netns_total, .meta.max_ports_netns_total]')" '[null,null]'
check shared.prom "$("$bin" -f "$out/shared.txt" --prometheus | grep '^tcpclose_netns_shared' | tr '\n' ' ')" \
	'tcpclose_netns_shared_entries{netns="4026531840"} 4 tcpclose_netns_shared_entries_max{netns="4026531840"} 8 '
"$bin" -f "$out/shared.txt" --prometheus | promtool check metrics >"$out/shared.lint" 2>&1
check shared.promtool "$? $(cat "$out/shared.lint")" "0 "

# watch_change NAME FIRST SECOND FLAG ARGS...: --watch 3 --count 2 over a
# file (named with FLAG) that holds FIRST for the first frame and SECOND
# for the second; the output in $out/change-NAME.out, the status echoed.
watch_change() {
	local name=$1 first=$2 second=$3 flag=$4 wp i
	local f=$out/change-$name.txt o=$out/change-$name.out
	shift 4
	cp "$first" "$f"
	"$bin" "$flag" "$f" "$@" --watch 3 --count 2 >"$o" 2>&1 &
	wp=$!
	for i in $(seq 300); do
		[ "$(grep -c '^tcpclose --watch' "$o")" -ge 1 ] && break
		sleep 0.1
	done
	cp "$second" "$f.new"
	mv "$f.new" "$f"
	wait $wp
	echo "status $?"
}
# frame2 NAME: the second frame's lines.
frame2() {
	sed -n '/refresh 2,/,$p' "$out/change-$1.out"
}
# in_range X LO HI: "in" if LO <= X <= HI, else X.
in_range() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { if (x != "" && x + 0 >= lo && x + 0 <= hi) print "in"; else print x }'
}

# A full table evicts idle ports between two frames, folding their counts
# into port 0 ("other"), with since_boot_s unchanged: that is no reset. Port
# 6000's 5 closes move into other client; 5000 gains 30 closes and 3
# resets in the 3 s; 7000 is new with 3. So: other 0.0/s, 5000 about
# 10/s (1000030/s if taken for a reset), 7000 about 1/s, no resets finding.
hdr='# tcpclose 1 version=0.1.0 netns=1 ports=2 max_ports=2 dropped=0 untracked=0 since_boot_s=100'
cols=' port role active_closes passive_closes simultaneous_closes resets time_wait close_wait established'
printf '%s\n%s\n 5000 server 1000000 0 0 500000 0 0 10\n 6000 client 5 0 0 0 0 0 0\n' "$hdr" "$cols" >"$out/ev1.txt"
printf '%s\n%s\n 0 client 5 0 0 0 0 0 0\n 5000 server 1000030 0 0 500003 0 0 10\n 7000 client 3 0 0 0 0 0 0\n' "$hdr" "$cols" >"$out/ev2.txt"
check watch.evicted.status "$(watch_change evicted "$out/ev1.txt" "$out/ev2.txt" -f)" "status 0"
check watch.evicted.other "$(frame2 evicted | awk '$1 == "other" && $2 == "client" { print $3 }')" 0.0
# (The ranges allow the second read 2.5 to 4.3 s after the first.)
check watch.evicted.kept "$(in_range "$(frame2 evicted | awk '$1 == 5000 { print $3 }')" 7 12)" in
check watch.evicted.new "$(in_range "$(frame2 evicted | awk '$1 == 7000 { print $3 }')" 0.7 1.2)" in
check watch.evicted.no-reset "$(frame2 evicted | grep -c 'resets')" 0
# Without since_boot_s (an older module), a row with counts that vanished
# can only be a reset: everything is counted afresh.
sed 's/ since_boot_s=100//' "$out/ev1.txt" >"$out/ev1-old.txt"
sed 's/ since_boot_s=100//' "$out/ev2.txt" >"$out/ev2-old.txt"
check watch.evicted-old.status "$(watch_change evicted-old "$out/ev1-old.txt" "$out/ev2-old.txt" -f)" "status 0"
check watch.evicted-old.reset "$(in_range "$(frame2 evicted-old | awk '$1 == 5000 { print $3 }')" 230000 400000)" in
# A reset (since_boot_s restamped) with counts below the old ones: all new.
sed 's/since_boot_s=100/since_boot_s=200/' "$out/ev2.txt" >"$out/ev2-reset.txt"
check watch.reset.status "$(watch_change reset "$out/ev1.txt" "$out/ev2-reset.txt" -f)" "status 0"
check watch.reset.other "$(in_range "$(frame2 reset | awk '$1 == "other" && $2 == "client" { print $3 }')" 1.1 2.0)" in
# The same reset within the second of the one before (since_boot_s
# unchanged): port 0 went down, which only a reset does.
sed 's/^ 0 client 5 / 0 client 2 /' "$out/ev2.txt" >"$out/ev2-same.txt"
printf '%s\n%s\n 0 client 40 0 0 0 0 0 0\n 5000 server 1000000 0 0 500000 0 0 10\n' "$hdr" "$cols" >"$out/ev1-same.txt"
check watch.reset-same-second.status "$(watch_change reset-same "$out/ev1-same.txt" "$out/ev2-same.txt" -f)" "status 0"
check watch.reset-same-second.kept "$(in_range "$(frame2 reset-same | awk '$1 == 5000 { print $3 }')" 230000 400000)" in

# The destinations' failure slots: 127.0.0.2's 37 failures lose their slot
# to 127.0.0.3 (1 new failure), so other holds the 37, since_boot_s
# unchanged. So 1 failure in 3 s: about 0.3/s in all, 0.0 for other (12/s
# each if taken for a reset).
dh='# tcpclose_dest 1 version=0.1.0 netns=7 since_boot_s=500 port_range=40000-40199 reserved_ports=0 capacity=200 local_ports_in_use=120 dests=2 max_dests=64 ungrouped=0 bind_failures=0 failure_dests=1 failure_probes=connect,bind'
dc='local remote port in_use time_wait established connect_failures'
printf '%s connect_failures=37\n%s\n127.0.0.1 127.0.0.2 8000 100 90 10 37\n127.0.0.1 127.0.0.3 8000 20 0 20 0\n* * 0 0 0 0 0\n' "$dh" "$dc" >"$out/d1.txt"
printf '%s connect_failures=38\n%s\n127.0.0.1 127.0.0.2 8000 100 90 10 0\n127.0.0.1 127.0.0.3 8000 20 0 20 1\n* * 0 0 0 0 37\n' "$dh" "$dc" >"$out/d2.txt"
check watch.dest-slot.status "$(watch_change dest-slot "$out/d1.txt" "$out/d2.txt" --dest-file --dest)" "status 0"
check watch.dest-slot.total "$(in_range "$(frame2 dest-slot | sed -n 's/^connect() failures per second: //p')" 0.2 0.4)" in
check watch.dest-slot.other "$(frame2 dest-slot | awk '$1 == "other" && $2 == "*" { print $NF }')" 0.0
check watch.dest-slot.row "$(in_range "$(frame2 dest-slot | awk '$2 == "127.0.0.3:8000" { print $NF }')" 0.2 0.4)" in
# A destination counted in other joins the list with its 100000 failures:
# other goes down by them, which is no reset and no burst (0.0, not 39/s
# for its 39); 2 new failures in all.
dh3=$(echo "$dh" | sed 's/dests=2/dests=3/')
printf '%s connect_failures=100037\n%s\n127.0.0.1 127.0.0.2 8000 100 90 10 0\n* * 0 0 0 0 100037\n' "$dh" "$dc" >"$out/d3.txt"
printf '%s connect_failures=100039\n%s\n127.0.0.1 127.0.0.2 8000 100 90 10 0\n127.0.0.1 127.0.0.9 8000 20 0 20 100000\n* * 0 0 0 0 39\n' "$dh3" "$dc" >"$out/d4.txt"
check watch.dest-joined.status "$(watch_change dest-joined "$out/d3.txt" "$out/d4.txt" --dest-file --dest)" "status 0"
check watch.dest-joined.other "$(frame2 dest-joined | awk '$1 == "other" && $2 == "*" { print $NF }')" 0.0
check watch.dest-joined.total "$(in_range "$(frame2 dest-joined | sed -n 's/^connect() failures per second: //p')" 0.45 0.8)" in

# A frame held up (the process stopped for 3.5 s in a 2 s watch) spans the
# time measured: 30 closes over at least 3.5 s is at most 8.6/s, not 15.
printf '%s\n%s\n 80 server 0 0 0 0 0 0 0\n' "$hdr" "$cols" >"$out/stop.txt"
"$bin" -f "$out/stop.txt" --watch 2 --count 2 >"$out/stop.out" 2>&1 &
wp=$!
for i in $(seq 300); do
	[ "$(grep -c '^tcpclose --watch' "$out/stop.out")" -ge 1 ] && break
	sleep 0.1
done
kill -STOP $wp
printf '%s\n%s\n 80 server 30 0 0 0 0 0 0\n' "$hdr" "$cols" >"$out/stop.new"
mv "$out/stop.new" "$out/stop.txt"
sleep 3.5
kill -CONT $wp
wait $wp
check watch.stopped.status $? 0
check watch.stopped.rate "$(in_range "$(sed -n '/refresh 2,/,$p' "$out/stop.out" | awk '$1 == 80 { print $3 }')" 2 8.6)" in

# The man page renders without warnings and documents every option.
if need man man-db; then
	MANWIDTH=80 man --warnings -l "$top/userspace/tcpclose.8" >"$out/man.txt" 2>"$out/man.err"
	check man.renders $? 0
	check man.warnings "$(cat "$out/man.err")" ""
	missing=
	for o in $(grep -oE -- '--[a-z-]+' "$out/help" | sort -u); do
		grep -q -- "$o" "$out/man.txt" || missing="$missing $o"
	done
	check man.options "${missing:-none}" none
	check man.version "$(sed -n 's/^\.TH .*"tcpclose \([^"]*\)".*/\1/p' "$top/userspace/tcpclose.8")" "$version"
else
	rfail man "man missing and apt-get install man-db failed"
fi
tally reader
