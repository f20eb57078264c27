#!/bin/bash
# make kunit: build the KUnit kernel (cached), build tcpclose and its KUnit
# module against it, boot it in QEMU, and parse the suite's KTAP with the
# kernel's own kunit.py. Prints "PASS kunit/<case>[/<param>]" or FAIL per
# result, and exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/build/logs
mkdir -p "$logs"
src=$("$top/scripts/kernel-src.sh") || { echo "FAIL kunit/source: no kernel source"; exit 1; }
start=$(date +%s)
if ! kbuild=$("$top/scripts/kunit-kernel.sh" 2>"$logs/kunit-kernel.log"); then
	echo "FAIL kunit/kernel: build failed (see $logs/kunit-kernel.log)"
	tail -n 20 "$logs/kunit-kernel.log"
	exit 1
fi
echo "# kunit: kernel ready in $(($(date +%s) - start)) s: $kbuild"
# The test module is built with sparse too: it is kernel code like the rest.
if ! "$top/scripts/build-module.sh" "$kbuild" W=1 C=2 >"$logs/kunit-build.log" 2>&1 ||
	grep -qE 'warning:|error:' "$logs/kunit-build.log"; then
	echo "FAIL kunit/build: see $logs/kunit-build.log"
	grep -E 'warning:|error:' "$logs/kunit-build.log" | head
	exit 1
fi
log=$logs/kunit.log
rm -f "$log" "$logs/kunit.ktap" "$logs/kunit.json"
"$top/scripts/vm.sh" kunit /tests/kunit.sh "$log"
tr -d '\r' <"$log" 2>/dev/null | sed -n '/^@@KTAP-BEGIN/,/^@@KTAP-END/p' | sed '1d;$d' >"$logs/kunit.ktap"
grep -a '^\(PASS\|FAIL\) ' "$log" | tr -d '\r'
guest_fails=$(grep -ac '^FAIL ' "$log")
if [ ! -s "$logs/kunit.ktap" ]; then
	echo "FAIL kunit/results: no KTAP from the guest; last console lines:"
	tail -n 30 "$log" | sed 's/^/    /'
	exit 1
fi
python3 "$src/tools/testing/kunit/kunit.py" parse "$logs/kunit.ktap" \
	--json="$logs/kunit.json" >"$logs/kunit.parse" 2>&1
# One line per leaf result (a parameterised case has one per parameter).
python3 - "$logs/kunit.json" <<'PY'
import json, sys
failed = 0
doc = json.load(open(sys.argv[1]))
def walk(node, path):
    global failed
    for t in node.get("test_cases", []):
        name = path + [t["name"]]
        failed += t["status"] != "PASS"
        print(("PASS " if t["status"] == "PASS" else "FAIL ") + "kunit/" + "/".join(name) +
              ("" if t["status"] == "PASS" else ": " + t["status"]))
    for sub in node.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
walk(doc, [])
sys.exit(1 if failed else 0)
PY
rc=$?
[ "$guest_fails" = 0 ] || rc=1
tail -n 3 "$logs/kunit.parse" | sed 's/^/# /'
echo "# kunit: $(($(date +%s) - start)) s in all"
exit $rc
