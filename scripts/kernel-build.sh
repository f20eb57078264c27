#!/bin/bash
# Build (once) a small kernel from Debian's linux-source-6.12: tinyconfig
# with config fragments merged on top, in order. Debian's own kernels have
# KUnit and the debug checkers off.
#   scripts/kernel-build.sh NAME FRAGMENT...
# The build is cached outside the clone, in $CACHE/NAME-kernel/, keyed by
# the source package version and a hash of the fragments. Concurrent
# callers of one key wait for each other. Prints the build directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
name=${1:?usage: kernel-build.sh NAME FRAGMENT...}
shift
[ $# -gt 0 ] || { echo "usage: kernel-build.sh NAME FRAGMENT..." >&2; exit 2; }
src=$("$top/scripts/kernel-src.sh")
# With one fragment, the hash is that of the file (the historic KUnit key).
key=$(basename "$src")-$(cat "$@" | sha256sum | cut -c1-12)
out=$CACHE/$name-kernel/$key
mkdir -p "$CACHE/$name-kernel"
exec 9>"$out.lock"
flock 9
if [ -e "$out/.built" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@"
	make -C "$src" O="$out" olddefconfig
	# Every fragment line must have survived olddefconfig: a dependency
	# that is not met silently drops an option.
	missing=$(cat "$@" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 off/p' |
		while read -r l off; do
			if [ -n "$off" ]; then
				grep -q "^$l=" "$out/.config" && echo "$l=n"
			else
				grep -qx "$l" "$out/.config" || echo "$l"
			fi
		done)
	[ -z "$missing" ] || { echo "kernel-build.sh: not set:" $missing >&2; exit 1; }
	# modules too: out-of-tree builds need Module.symvers.
	make -C "$src" O="$out" -j"$(nproc)" bzImage modules
} >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; exit 1; }
echo "built in $(($(date +%s) - start)) s" >>"$out/build.log"
touch "$out/.built"
echo "$out"
