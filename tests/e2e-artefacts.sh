#!/bin/bash
# tests/e2e-artefacts.sh SERIES CONSOLE: the files e2e tests put on the
# console between @@ARTEFACT-BEGIN NAME and @@ARTEFACT-END NAME LINES
# (lib.sh's artefact), saved beside the console as CONSOLE.NAME, whole
# (LINES agrees), and checked here with tools the guest lacks. Prints
# PASS/FAIL lines; an artefact that is missing is a FAIL, so a guest test
# that did not get that far cannot pass here.
set -uo pipefail
s=$1 con=$2
# extract NAME: CONSOLE.NAME, or a FAIL.
extract() {
	local n=$1 f=$con.$1 want
	rm -f "$f"
	want=$(sed -n "s/^@@ARTEFACT-END $n \([0-9]*\)$/\1/p" "$con" | tail -n 1)
	awk -v n="$n" '$0 == "@@ARTEFACT-BEGIN " n { on = 1; next }
		on && index($0, "@@ARTEFACT-END " n " ") == 1 { exit }
		on' "$con" >"$f"
	if [ -z "$want" ]; then
		echo "FAIL $s/artefact.$n: not on the console"
		return 1
	fi
	if [ "$(wc -l <"$f")" != "$want" ]; then
		echo "FAIL $s/artefact.$n: $(wc -l <"$f") lines, the guest wrote $want"
		return 1
	fi
	echo "PASS $s/artefact.$n"
}
if extract 31-reader-all-netns.prom; then
	f=$con.31-reader-all-netns.prom
	if out=$(promtool check metrics <"$f" 2>&1); then
		echo "PASS $s/31-reader-all-netns/promtool"
	else
		echo "FAIL $s/31-reader-all-netns/promtool: $(echo "$out" | head -n 3 | tr '\n' '|')"
	fi
	d=$(grep -v '^#' "$f" | sed 's/ [^ ]*$//' | sort | uniq -d | head -n 3 | tr '\n' '|')
	if [ -z "$d" ]; then
		echo "PASS $s/31-reader-all-netns/prom-unique"
	else
		echo "FAIL $s/31-reader-all-netns/prom-unique: $d"
	fi
fi
if extract 31-reader-all-netns.json; then
	got=$(jq -c '[.skipped, (.namespaces | length),
		([.namespaces[] | select((.container_id | type) == "string")] | length),
		([.namespaces[] | select(.pod_uid | type == "string")] | length),
		([.namespaces[] | (.netns | type), (.pid | type), (.counting_s | type), (.rows | length)] | unique)]' \
		"$con.31-reader-all-netns.json" 2>&1)
	if [ "$got" = '[0,3,1,1,[2,"number"]]' ]; then
		echo "PASS $s/31-reader-all-netns/jq"
	else
		echo "FAIL $s/31-reader-all-netns/jq: expected '[0,3,1,1,[2,\"number\"]]', got '$got'"
	fi
fi
# The table (what README.md shows) is checked in the guest; here only that
# it came whole.
extract 31-reader-all-netns.table
# The end of the script: the host fails a run that did not get here.
exit 0
