#!/bin/bash
# Unpack Debian's linux-source-6.12 into the cache (once per package
# version) and print the tree's path. Used for checkpatch.pl and for the
# self-built KUnit kernel.
set -euo pipefail
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
pkg=linux-source-6.12
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! dpkg-query -W -f='${Status}' $pkg 2>/dev/null | grep -q 'ok installed'; then
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		$pkg xz-utils >&2
fi
ver=$(dpkg-query -W -f='${Version}' $pkg)
dir=$CACHE/src/$pkg-$ver
if [ ! -e "$dir/.unpacked" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf /usr/src/$pkg.tar.xz -C "$dir" --strip-components=1
	touch "$dir/.unpacked"
fi
echo "$dir"
