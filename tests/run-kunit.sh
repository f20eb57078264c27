#!/bin/bash
# make kunit: build the KUnit kernel (cached), build tcpclose and its KUnit
# module against it, boot it in QEMU, and parse the suite's KTAP with the
# kernel's own kunit.py. Prints "PASS kunit/<case>[/<param>]" or FAIL per
# result, a FAIL when the parse yields no results (no KTAP, no JSON, an
# unreadable JSON), a guest that did not finish or any kernel-log error on
# the console, then "# tally kunit: N passed, N failed"; exits non-zero on
# any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
logs=$top/build/logs
mkdir -p "$logs"
src=$("$top/scripts/kernel-src.sh") || { fail kunit/source "no kernel source"; tally kunit; exit 1; }
start=$(date +%s)
if ! kbuild=$("$top/scripts/kunit-kernel.sh" 2>"$logs/kunit-kernel.log"); then
	fail kunit/kernel "build failed (see $logs/kunit-kernel.log)"
	tail -n 20 "$logs/kunit-kernel.log"
	tally kunit
	exit 1
fi
echo "# kunit: kernel ready in $(($(date +%s) - start)) s: $kbuild"
# The test module is built with sparse too: it is kernel code like the rest.
if ! "$top/scripts/build-module.sh" "$kbuild" W=1 C=2 >"$logs/kunit-build.log" 2>&1 ||
	grep -qE 'warning:|error:' "$logs/kunit-build.log"; then
	fail kunit/build "see $logs/kunit-build.log"
	grep -E 'warning:|error:' "$logs/kunit-build.log" | head
	tally kunit
	exit 1
fi
log=$logs/kunit.log
rm -f "$log" "$logs/kunit.ktap" "$logs/kunit.json"
"$top/scripts/vm.sh" kunit /tests/kunit.sh "$log"
console_clean "$log" "$log.txt"
sed -n '/^@@KTAP-BEGIN/,/^@@KTAP-END/p' "$log.txt" | sed '1d;$d' >"$logs/kunit.ktap"
scrape_results "" "$log.txt"
scrape_counted kunit "$log.txt"
scrape_exit kunit "$log.txt"
scrape_splats kunit/console-clean "$log.txt"
if [ ! -s "$logs/kunit.ktap" ]; then
	fail kunit/results "no KTAP from the guest; last console lines:"
	tail -n 30 "$log.txt" | sed 's/^/    /'
	tally kunit
	exit 1
fi
# A KTAP cut short (the guest died while printing it) parses as fewer
# tests, which the JSON would not show.
if ! grep -aq '^@@KTAP-END' "$log.txt"; then
	fail kunit/ktap-end "the guest's KTAP did not end; last console lines:"
	tail -n 20 "$log.txt" | sed 's/^/    /'
fi
python3 "$src/tools/testing/kunit/kunit.py" parse "$logs/kunit.ktap" \
	--json="$logs/kunit.json" >"$logs/kunit.parse" 2>&1
st=$?
# kunit.py exits 1 when a test failed (each is a FAIL line below); what it
# reports as an error (a missing result line, no KTAP) or a crash of its
# own is not in the JSON.
if grep -qE '\[ERROR\]|Traceback' "$logs/kunit.parse" || [ "$st" -gt 1 ]; then
	fail kunit/parse "kunit.py parse: status $st; its errors:"
	grep -E 'ERROR|Error|Traceback' "$logs/kunit.parse" | head -n 10 | sed 's/^/    /'
fi
# One line per leaf result (a parameterised case has one per parameter);
# no JSON, an unreadable one or one without results is a FAIL, not a
# traceback; the walker's own status and any other output of it are
# checked too.
python3 - "$logs/kunit.json" >"$logs/kunit.cases" 2>&1 <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print("FAIL kunit/parse: kunit.py wrote no readable JSON (%s: %s)" % (type(e).__name__, e))
    sys.exit(1)
n = 0
def walk(node, path):
    global n
    for t in node.get("test_cases", []):
        n += 1
        name = path + [t["name"]]
        print(("PASS " if t["status"] == "PASS" else "FAIL ") + "kunit/" + "/".join(name) +
              ("" if t["status"] == "PASS" else ": " + t["status"]))
    for sub in node.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
try:
    walk(doc, [])
except Exception as e:
    print("FAIL kunit/parse: unexpected JSON (%s: %s)" % (type(e).__name__, e))
if n == 0:
    print("FAIL kunit/parse: the JSON holds no test result")
PY
st=$?
while read -r line; do
	case $line in
	PASS\ * | FAIL\ *) relay "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$logs/kunit.cases"
[ "$st" = 0 ] || grep -q '^FAIL kunit/parse' "$logs/kunit.cases" ||
	fail kunit/parse "the JSON walker exited with status $st"
tail -n 3 "$logs/kunit.parse" | sed 's/^/# /'
echo "# kunit: $(($(date +%s) - start)) s in all"
tally kunit
