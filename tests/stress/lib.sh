# Helpers of the stress suite, sourced inside the guest after /tests/lib.sh.
# Every tcw run appends its "tcw: MODE done N" line to $ST/tcw.out, so the
# closes performed can be added up at the end.

ST=/tmp/st
HIST=/proc/tcpclose_hist
mkdir -p $ST
chmod 1777 $ST

# A tcw run whose output is kept; a FAIL line if it fails.
tcwn() {
	tcw "$@" >>$ST/tcw.out 2>&1 || { fail "tcw.$1" "tcw $* failed"; return 1; }
}

# The counters of every row of FILE ("port role active passive simultaneous
# resets"), by column name: they must not move when nothing closes.
counters() {
	awk '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) idx[$i] = i; hdr = 1; next }
		{ print $1, $2, $(idx["active_closes"]), $(idx["passive_closes"]),
			$(idx["simultaneous_closes"]), $(idx["resets"]) }
	' "$1"
}

# The tables: /proc/tcpclose and the histograms (each must exist; a
# missing one fails the checks that read it).
tables() {
	echo $PROC $HIST
}

# field FILE KEY: KEY=value of a "tcfuzz: ..." summary line.
field() {
	sed -n "s/^tcfuzz: .* $2=\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# check_fuzz NAME FILE: a tcfuzz run ended with bad=0 and did something.
check_fuzz() {
	local bad ops
	bad=$(field "$2" bad)
	ops=$(field "$2" ops)
	if [ "$bad" = 0 ] && [ "${ops:-0}" -gt 0 ]; then
		pass "$1"
	else
		fail "$1" "ops=${ops:-none} bad=${bad:-none}: $(grep -v '^tcfuzz: .* ops=' "$2" | head -n 5 | tr '\n' '|')"
	fi
	echo "${ops:-0}" >>$ST/fuzz.$3
}

# sum FILE: the numbers of FILE, one a line, added up.
sum() {
	awk '{ s += $1 } END { print s + 0 }' "$1" 2>/dev/null || echo 0
}

# niced CMD...: CMD at nice 10, for background load (busybox has renice
# but no nice).
niced() {
	sh -c 'renice -n 10 $$ >/dev/null && exec "$@"' niced "$@"
}

# now: seconds since boot, for progress lines.
now() {
	cut -d' ' -f1 /proc/uptime
}
