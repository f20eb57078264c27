#!/bin/bash
# Build the benchmark programs (bench/*.c, static, into build/bin) and, given
# a kernel release, the probe-cost helper module bench/tpbench against its
# headers (into build/KVER/tpbench). Prints build/bin on the last line.
#   bench/build.sh [KVER]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bin
mkdir -p "$out"
for src in "$top"/bench/*.c; do
	exe=$out/$(basename "$src" .c)
	[ "$exe" -nt "$src" ] && continue
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o "$exe" "$src"
done
if [ -n "${1:-}" ]; then
	kdir=/usr/src/linux-headers-$1
	mod=$top/build/$1/tpbench
	mkdir -p "$mod"
	# tpbench links tcpclose's tracker (parts=1 times its pieces).
	for f in "$top"/bench/tpbench/tpbench_main.c "$top"/bench/tpbench/Kbuild \
		"$top"/module/track.c "$top"/module/track.h "$top"/module/tcpclose.h \
		"$top"/module/hist.h; do
		cmp -s "$f" "$mod/${f##*/}" || cp "$f" "$mod/"
	done
	make -s -C "$kdir" M="$mod" modules 2>&1 | { grep -v "^Skipping BTF generation" || true; } >&2
fi
echo "$out"
