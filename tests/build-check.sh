#!/bin/bash
# Build and style gates, each counted as a test:
#  - W=1 build with zero warnings, and sparse (C=2) with zero warnings,
#    against the newest Debian headers of each supported series;
#  - checkpatch.pl --strict (from Debian's linux-source) on every module file.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
logs=$top/build/logs
mkdir -p "$logs"

# gate NAME LOG CMD...: PASS if CMD succeeds and LOG has no warning.
gate() {
	local name=$1 log=$2
	shift 2
	if ! "$@" >"$log" 2>&1; then
		fail "$name" failed; tail -n 20 "$log"; return
	fi
	if grep -qE 'warning:|error:' "$log"; then
		fail "$name" warnings; grep -E 'warning:|error:' "$log" | head -20
	else
		pass "$name"
	fi
}

for s in ${TCPCLOSE_SERIES:-6.1 6.12 6.12-rt}; do
	read -r _ kver <"$CACHE/kernels/series-$s" || { fail "build/$s" "no kernel"; continue; }
	# From clean, so that every file is compiled and can warn.
	rm -rf "$top/build/$kver"
	gate "build/$s.W1" "$logs/build-$s.log" "$top/scripts/build-module.sh" "$kver" W=1
	# C=2 checks every file again, whether rebuilt or not.
	gate "build/$s.sparse" "$logs/sparse-$s.log" "$top/scripts/build-module.sh" "$kver" C=2
done

src=$("$top/scripts/kernel-src.sh" 2>"$logs/kernel-src.log") ||
	{ fail style/checkpatch "no kernel source"; tally build; exit; }
# compat.h exists to hold version checks; checkpatch objects to those alone.
cp=("$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types -f)
if out=$(cd "$top" && "${cp[@]}" $(ls module/*.c | grep -v "\.mod\.c$") \
		$(ls module/*.h | grep -v compat.h) &&
	 "${cp[@]}" --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON module/compat.h); then
	pass style/checkpatch
else
	fail style/checkpatch "warnings:"; echo "$out" | grep -v '^total:' | head -20
fi
tally build
