#!/bin/bash
# Build (once) a small KUnit-enabled kernel from Debian's linux-source-6.12:
# tinyconfig + scripts/kunit.config. Debian's own kernels have KUnit off.
# The build is cached outside the clone, keyed by the source package
# version and the fragment's hash. Prints the build directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
src=$("$top/scripts/kernel-src.sh")
frag=$top/scripts/kunit.config
key=$(basename "$src")-$(sha256sum "$frag" | cut -c1-12)
out=$CACHE/kunit-kernel/$key
if [ -e "$out/.built" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag"
	make -C "$src" O="$out" olddefconfig
	# Every fragment line must have survived olddefconfig.
	missing=$(grep '^CONFIG_' "$frag" | while read -r l; do
		grep -qx "$l" "$out/.config" || echo "$l"; done)
	[ -z "$missing" ] || { echo "kunit-kernel.sh: not set: $missing" >&2; exit 1; }
	# modules too: out-of-tree builds need Module.symvers.
	make -C "$src" O="$out" -j"$(nproc)" bzImage modules
} >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; exit 1; }
touch "$out/.built"
echo "$out"
