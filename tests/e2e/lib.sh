# Helpers for the end-to-end tests, sourced inside the guest.
# Each test prints one line per check: "PASS <test>/<check>" or
# "FAIL <test>/<check>: <why>"; the host counts them.

T=${T:-unnamed}
KO=/lib/tcpclose/tcpclose.ko
PROC=/proc/tcpclose

# Each result is also recorded, one line naming its test, in $RESULTS
# (made by init.sh, writable by every uid and user namespace): init then
# says how many each test printed, and the host fails a test whose lines
# the console lost (a kernel message cutting into one) or never recorded.
RESULTS=/tmp/tc.results
pass() { echo "PASS $T/$1"; echo "$T" >>$RESULTS; }
fail() { echo "FAIL $T/$1: $2"; echo "$T" >>$RESULTS; }

# dmesg_clear: empty the kernel log, for a test that looks for one line
# of its own, keeping what was there for 99-dmesg's scan of the whole run.
dmesg_clear() { dmesg -c >>/tmp/dmesg.cleared; }

# console_quiet / console_loud: around deliberate refusals (bad module
# parameters), whose pr_err lines would otherwise reach the console beside
# the result lines, and could cut into one (scrape_counted would fail it).
# They stay in dmesg, which the tests and 99-dmesg read.
console_quiet() {
	CONSOLE_LEVEL=$(cut -f1 /proc/sys/kernel/printk)
	echo 1 >/proc/sys/kernel/printk
}
console_loud() { echo "${CONSOLE_LEVEL:-4}" >/proc/sys/kernel/printk; }

# insmod_bad ARGS...: insmod with parameters that must be refused, in a
# cleared log (dmesg_clear) and a quiet console (console_quiet); insmod's
# output in $INSMOD_OUT, its status returned.
insmod_bad() {
	local st
	dmesg_clear
	console_quiet
	INSMOD_OUT=$(insmod $KO "$@" 2>&1)
	st=$?
	console_loud
	return $st
}

# check NAME ACTUAL EXPECTED
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$3', got '$2'"; fi
}

# tc_get PORT ROLE COLUMN [FILE]: a value of /proc/tcpclose, "absent" for
# a row that does not exist (never 0: a zero expectation must not pass on a
# missing row), "nocol" for an unknown column.
tc_get() {
	awk -v p="$1" -v r="$2" -v c="$3" '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) idx[$i] = i; hdr = 1; next }
		$1 == p && $2 == r { v = $(idx[c]); found = 1 }
		END { if (!(c in idx)) print "nocol"; else print (found ? v : "absent") }
	' "${4:-$PROC}"
}

# tc_meta KEY [FILE]: a key=value of the "# tcpclose" comment line.
tc_meta() {
	sed -n "1s/.* $1=\([^ ]*\).*/\1/p" "${2:-$PROC}"
}

# tc_rows [FILE]: the data rows only (no comments, no header).
tc_rows() {
	grep -v '^#' "${1:-$PROC}" | tail -n +2
}

# tc_mismatch FILE PORT ROLE col=val...: prints what differs, if anything.
tc_mismatch() {
	local f=$1 p=$2 r=$3 kv got
	shift 3
	for kv in "$@"; do
		got=$(tc_get "$p" "$r" "${kv%%=*}" "$f")
		[ "$got" = "${kv#*=}" ] || echo -n "${kv%%=*}=$got (want ${kv#*=}) "
	done
}

# Deadlines are time, not a count of polls: under an emulator whose speed
# follows the host's load, a poll (a cat and an awk) can take longer than
# its sleep. They only bound how long a check waits for a condition that
# should hold: a check that passes returns as soon as it holds, so they are
# generous (a loaded host runs the guest several times slower).
# up_cs: centiseconds since boot (/proc/uptime).
up_cs() {
	awk '{ printf "%d\n", $1 * 100 }' /proc/uptime
}

# deadline SECONDS: the time (up_cs) that many seconds from now.
deadline() {
	awk -v s="$1" '{ printf "%d\n", ($1 + s) * 100 }' /proc/uptime
}

# past DEADLINE: true once up_cs reached DEADLINE.
past() {
	[ "$(up_cs)" -ge "$1" ]
}

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds (status
# 0) or SECONDS have passed (status 1; CMD is tried once more at the end).
wait_until() {
	local end
	end=$(deadline "$1")
	shift
	until "$@"; do
		past "$end" && { "$@"; return; }
		sleep 0.1
	done
}

# expect NAME PORT ROLE col=val...: the row must exist and reach exactly
# these values (an absent row reads "absent", which no value matches).
# Sockets settle asynchronously (a LAST_ACK waits for its ACK), so the table
# is re-read for up to 30 s; the check fails on the last values read.
expect() {
	local name=$1 p=$2 r=$3 end bad
	shift 3
	end=$(deadline 30)
	while :; do
		cat $PROC >/tmp/tc.snap
		bad=$(tc_mismatch /tmp/tc.snap "$p" "$r" "$@")
		[ -z "$bad" ] && { pass "$name"; return 0; }
		past "$end" && break
		sleep 0.2
	done
	fail "$name" "port $p $r: $bad"
	cat /tmp/tc.snap
	return 1
}

# expect_absent NAME PORT ROLE: the row must not exist (read once).
expect_absent() {
	check "$1" "$(tc_get "$2" "$3" port)" absent
}

# expect_rows NAME COUNT: the table has exactly COUNT rows.
expect_rows() {
	check "$1" "$(tc_rows | wc -l)" "$2"
}

# start_tcw READYNAME ARGS...: run the workload generator in the background
# and wait (at most 120 s) until it has finished its connections and holds
# its listener.
start_tcw() {
	local ready=/tmp/ready.$1 end
	shift
	rm -f "$ready"
	tcw "$@" -r "$ready" -h 600 >/tmp/tcw.out 2>&1 &
	TCW_PID=$!
	end=$(deadline 120)
	while [ ! -e "$ready" ]; do
		if past "$end" || ! kill -0 $TCW_PID 2>/dev/null; then
			fail "workload.${ready#/tmp/ready.}" "tcw $* did not become ready: $(cat /tmp/tcw.out)"
			return 1
		fi
		sleep 0.1
	done
}

stop_tcw() {
	kill "$TCW_PID" 2>/dev/null
	wait "$TCW_PID" 2>/dev/null
}

is_loaded() { grep -q '^tcpclose ' /proc/modules; }

# tc_sum COLUMN [FILE]: a column added up over all rows.
tc_sum() {
	awk -v c="$1" '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) idx[$i] = i; hdr = 1; next }
		{ s += $(idx[c]) }
		END { print s + 0 }
	' "${2:-$PROC}"
}

# The "tw" figure of this netns's /proc/net/sockstat.
sockstat_tw() {
	awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' \
		/proc/net/sockstat
}

# The invariant of the gauges on a quiet netns: TIME_WAIT proper plus the
# orphans still in the FIN_WAIT2 substate is what sockstat calls "tw".
check_sockstat() {
	cat $PROC >/tmp/tc.sum
	check "$1" "$(($(tc_sum time_wait /tmp/tc.sum) + $(tc_meta tw_fin_wait2 /tmp/tc.sum)))" \
		"$(sockstat_tw)"
}

# reader_v1: the first 13 fields of each line of tcpclose's text output, the
# columns of format 1 (a later module appends columns, which the reader
# shows when it knows them).
reader_v1() {
	awk '{ for (i = 1; i <= 13; i++) printf "%s%s", $i, i < 13 ? " " : "\n" }'
}

# ---- /proc/tcpclose_dest ----
DEST=/proc/tcpclose_dest

# dest_get REMOTE PORT COLUMN [FILE]: a value of the row towards
# REMOTE:PORT, "absent" if there is none.
dest_get() {
	awk -v r="$1" -v p="$2" -v c="$3" '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) idx[$i] = i; hdr = 1; next }
		$2 == r && $3 == p { v = $(idx[c]); found = 1 }
		END { if (!(c in idx)) print "nocol"; else print (found ? v : "absent") }
	' "${4:-$DEST}"
}
dest_meta() { sed -n "1s/.* $1=\([^ ]*\).*/\1/p" "${2:-$DEST}"; }
dest_rows() { grep -v '^#' "${1:-$DEST}" | tail -n +2; }
# tcp_count FILE HEXREMOTE [STATE]: client sockets of /proc/net/tcp{,6}
# whose remote address is HEXREMOTE (as the kernel prints it), in STATE.
tcp_count() {
	awk -v r="$2" -v s="${3:-}" '$3 == r && (s == "" || $4 == s) { n++ } END { print n + 0 }' "$1"
}

# dest_settle NAME HEXREMOTE REMOTE PORT [TCPFILE]: read both files until
# the row agrees with /proc/net/tcp (sockets settle asynchronously), then
# check in_use, time_wait and established against it.
dest_settle() {
	local name=$1 hex=$2 r=$3 p=$4 tf=${5:-/proc/net/tcp} i=0 a b
	while :; do
		cat $DEST >/tmp/dest.snap
		cat "$tf" >/tmp/tcp.snap
		a="$(dest_get "$r" "$p" in_use /tmp/dest.snap) $(dest_get "$r" "$p" time_wait /tmp/dest.snap) $(dest_get "$r" "$p" established /tmp/dest.snap)"
		b="$(tcp_count /tmp/tcp.snap "$hex") $(tcp_count /tmp/tcp.snap "$hex" 06) $(tcp_count /tmp/tcp.snap "$hex" 01)"
		[ "$a" = "$b" ] || [ $i -ge 50 ] || { i=$((i + 1)); sleep 0.2; continue; }
		break
	done
	check "$name.in_use" "$(dest_get "$r" "$p" in_use /tmp/dest.snap)" "$(tcp_count /tmp/tcp.snap "$hex")"
	check "$name.time_wait" "$(dest_get "$r" "$p" time_wait /tmp/dest.snap)" "$(tcp_count /tmp/tcp.snap "$hex" 06)"
	check "$name.established" "$(dest_get "$r" "$p" established /tmp/dest.snap)" "$(tcp_count /tmp/tcp.snap "$hex" 01)"
}

# artefact NAME FILE: FILE's lines on the console between markers, for the
# host to check with tools the guest lacks (promtool, jq): run-e2e.sh
# saves them as build/logs/e2e-SERIES.NAME and compares the line count.
artefact() {
	echo "@@ARTEFACT-BEGIN $1"
	cat "$2"
	echo "@@ARTEFACT-END $1 $(wc -l <"$2")"
}
