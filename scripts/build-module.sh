#!/bin/bash
# Build module/tcpclose.ko for one kernel in its own output tree, so that
# several kernels can be built from one checkout without clobbering objects.
#   scripts/build-module.sh KVER|KDIR [extra make args, e.g. W=1 C=2]
# KVER names installed headers (/usr/src/linux-headers-KVER); a directory
# is used as the kernel build tree itself (the KUnit kernel).
# Prints the path of the built .ko on the last line.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:?usage: build-module.sh KVER|KDIR [make args]}
shift
if [ -d "$kver" ]; then
	kdir=$kver
	kver=$(basename "$kver")
else
	kdir=/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || kdir=/lib/modules/$kver/build
fi
[ -d "$kdir" ] || { echo "build-module.sh: no headers for $kver (run scripts/deps.sh)" >&2; exit 1; }
out=$top/build/$kver
mkdir -p "$out/module"
cp "$top/Kbuild" "$out/"
# Copy only what changed, so that kbuild's own dependency tracking works.
# Not *.mod.c: an in-tree build (make module) leaves modpost's output there,
# with another kernel's symbol CRCs; copied, it would override ours.
for f in "$top"/module/*.[ch] "$top"/module/Kbuild; do
	case $f in *.mod.c) continue ;; esac
	cmp -s "$f" "$out/module/${f##*/}" || cp "$f" "$out/module/"
done
# A source file removed from the tree must not linger in the copy.
for f in "$out"/module/*.[ch]; do
	case $f in *.mod.c) continue ;; esac
	[ -e "$top/module/${f##*/}" ] || rm -f "$f" "${f%.[ch]}.o"
done
# Headers packages have no vmlinux, so module BTF is always skipped: not news.
# (pipefail: the status is make's.)
make -s -C "$kdir" M="$out" "$@" modules 2>&1 | { grep -v "^Skipping BTF generation" || true; } >&2
echo "$out/module/tcpclose.ko"
