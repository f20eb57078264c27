#!/bin/bash
# The module must build with W=1 and without a single warning against the
# newest Debian headers of each supported series.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
for s in ${TCPCLOSE_SERIES:-6.1 6.12}; do
	read -r _ kver <"$CACHE/kernels/series-$s" || { echo "FAIL build/$s: no kernel"; continue; }
	log=$top/build/logs/build-$s.log
	# A clean tree, so that every file is compiled and can warn.
	rm -rf "$top/build/$kver"
	if ! "$top/scripts/build-module.sh" "$kver" W=1 >"$log" 2>&1; then
		echo "FAIL build/$s.W1: build failed"; tail -n 20 "$log"; continue
	fi
	w=$(grep -E 'warning:|error:' "$log")
	if [ -n "$w" ]; then
		echo "FAIL build/$s.W1: warnings"; echo "$w" | head -20
	else
		echo "PASS build/$s.W1"
	fi
done
