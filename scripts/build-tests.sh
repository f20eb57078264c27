#!/bin/bash
# Build the static test programs that run inside the guest.
# Prints the output directory on the last line.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bin
mkdir -p "$out"
for src in "$top"/tests/e2e/*.c "$top"/tests/stress/*.c; do
	exe=$out/$(basename "$src" .c)
	[ "$exe" -nt "$src" ] && continue
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o "$exe" "$src"
done
# The reader, static for the guest's /bin (same flags as make userspace).
exe=$out/tcpclose
for src in "$top"/userspace/*.[ch] "$top/module/version.h"; do
	[ "$exe" -nt "$src" ] && continue
	gcc -std=c11 -O2 -Wall -Wextra -Werror -static -o "$exe" "$top"/userspace/*.c
	break
done
echo "$out"
