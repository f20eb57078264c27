# Helpers of the host-side test scripts (bash), sourced. Every part of
# `make check` counts its PASS/FAIL lines here and ends with its tally
# line, which tests/check.sh requires:
#   # tally PART: N passed, N failed
# The console scrapers are shared by the e2e, KUnit and stress runners:
# results, start/end markers of each test file, and the kernel-log error
# patterns of tests/kernel-log-errors (the same list the guest greps dmesg
# with).
HOST_LIB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KLOG_ERRORS=$HOST_LIB_TOP/tests/kernel-log-errors
PASSN=0 FAILN=0

pass() { PASSN=$((PASSN + 1)); echo "PASS $1"; }
fail() { FAILN=$((FAILN + 1)); echo "FAIL $1${2:+: $2}"; }

# relay LINE [PREFIX]: a PASS/FAIL line from elsewhere (a guest, a
# parser), counted; PREFIX/ goes before its name.
relay() {
	local l=$1 p=${2:+$2/}
	case $l in
	PASS\ *) PASSN=$((PASSN + 1)); echo "PASS $p${l#PASS }" ;;
	FAIL\ *) FAILN=$((FAILN + 1)); echo "FAIL $p${l#FAIL }" ;;
	esac
}

# tally PART: the last line of a part; status 1 if anything failed.
tally() {
	echo "# tally $1: $PASSN passed, $FAILN failed"
	[ "$FAILN" = 0 ]
}

# console_clean LOG OUT: the console without carriage returns, and without
# what follows a normal end: a self-built kernel without ACPI poweroff
# panics with "Attempted to kill init" once init exits after @@DONE.
console_clean() {
	tr -d '\r' <"$1" 2>/dev/null | sed '/^@@DONE/,$ { /Attempted to kill init/d }' >"$2"
}

# scrape_results PREFIX CONSOLE: relay every PASS/FAIL line of a console.
scrape_results() {
	local line
	while read -r line; do
		relay "$line" "$1"
	done < <(grep -aE '^(PASS|FAIL) ' "$2")
}

# scrape_ended PREFIX CONSOLE NAME...: each named test printed its start
# marker (@@START NAME) and its end marker (@@END NAME) on the console. A
# test file that aborts (a syntax error, a killed shell, `unshare` failing)
# prints no end: a FAIL naming it, never a silent gap.
scrape_ended() {
	local p=$1 con=$2 n missing=0
	shift 2
	for n in "$@"; do
		if ! grep -aqx "@@START $n" "$con"; then
			fail "$p/$n" "did not start"
			missing=$((missing + 1))
		elif ! grep -aqx "@@END $n" "$con"; then
			fail "$p/$n" "started but did not end; its last console lines:"
			awk -v s="@@START $n" '$0 == s { on = 1; next } on && /^@@START / { exit } on' "$con" |
				tail -n 10 | sed 's/^/    /'
			missing=$((missing + 1))
		fi
	done
	[ "$missing" = 0 ] && pass "$p/ended: all $# test files"
	# Every marker names a known file: a test nobody listed is an error too.
	for n in $(sed -n 's/^@@START //p' "$con" | sort -u); do
		case " $* " in *" $n "*) ;; *) fail "$p/$n" "ran but is not a known test file" ;; esac
	done
}

# scrape_counted PREFIX CONSOLE: each test printed on the console as many
# results as it recorded in the guest (init.sh's "@@RESULTS N TEST" lines):
# a result line that a kernel message cut into, or that the console lost,
# is a FAIL naming its test, never a silent gap; and so is a result line
# printed by hand, around the recorder.
scrape_counted() {
	local p=$1 con=$2 total seen n t got bad=0
	# A kernel line may still cut in after the number (a console that had
	# not drained at poweroff): "@@RESULTS-END 577[  181.99] sysrq: ...".
	total=$(sed -n 's/^@@RESULTS-END \([0-9][0-9]*\)\(\[.*\)*$/\1/p' "$con" | tail -n 1)
	if [ -z "$total" ]; then
		fail "$p/results-counted" "the guest did not say how many results it printed"
		return
	fi
	while read -r n t; do
		got=$(awk -v a="PASS $t/" -v b="FAIL $t/" \
			'index($0, a) == 1 || index($0, b) == 1 { c++ } END { print c + 0 }' "$con")
		if [ "$got" != "$n" ]; then
			fail "$p/$t" "printed $n results, the console shows $got: lines lost or cut"
			bad=1
		fi
	done < <(sed -n 's/^@@RESULTS \([0-9]* [^ ]*\)$/\1/p' "$con")
	[ "$bad" = 0 ] || return
	seen=$(grep -acE '^(PASS|FAIL) ' "$con")
	if [ "$seen" != "$total" ]; then
		fail "$p/results-counted" "$total results recorded, $seen result lines on the console (one printed around lib.sh's pass and fail?)"
	else
		pass "$p/results-counted: all $total"
	fi
}

# scrape_exit PREFIX CONSOLE: the guest script reached its end
# (@@EXIT STATUS, printed by init) with status 0.
scrape_exit() {
	local st
	st=$(sed -n 's/^@@EXIT //p' "$2" | tail -n 1)
	if [ "$st" = 0 ]; then
		pass "$1/guest-exit"
	else
		fail "$1/guest-exit" "guest script ${st:+exited with status $st}${st:-did not finish}; last console lines:"
		tail -n 30 "$2" | sed 's/^/    /'
	fi
}

# klog_errors FILE: the lines of FILE that match a kernel-log error
# pattern, without the tests' own PASS/FAIL lines (which quote them).
klog_errors() {
	grep -aE -f "$KLOG_ERRORS" "$1" | grep -avE '^(PASS|FAIL) '
}

# scrape_splats NAME CONSOLE: no kernel-log error anywhere on the console.
scrape_splats() {
	local n first
	n=$(klog_errors "$2" | grep -c .)
	if [ "$n" = 0 ]; then
		pass "$1"
		return
	fi
	fail "$1" "$n lines from the kernel's checkers; first ones:"
	klog_errors "$2" | head -n 10 | sed 's/^/    /'
	first=$(grep -anE -f "$KLOG_ERRORS" "$2" | grep -avE '^[0-9]+:(PASS|FAIL) ' | head -n 1 | cut -d: -f1)
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$2" | sed 's/^/    | /'
}
