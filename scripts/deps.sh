#!/bin/bash
# Install everything the build and the QEMU harness need, from Debian apt only,
# and fetch the kernel images into the cache. Idempotent: a warm machine
# returns in about a second.
#
#   scripts/deps.sh            host packages + headers + images for 6.1, 6.12
#                              (cloud-amd64) and 6.12-rt (rt-amd64, PREEMPT_RT)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
SERIES=${TCPCLOSE_SERIES:-"6.1 6.12 6.12-rt"}
mkdir -p "$CACHE/kernels"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

base_pkgs="qemu-system-x86 busybox-static gcc make libc6-dev cpio gzip xz-utils kmod
	iproute2 sparse bc bison flex libelf-dev libssl-dev python3 perl"

missing() {
	local p out=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			out="$out $p"
	done
	echo "$out"
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	# A stale list resolves to kernels that no longer exist on the mirror.
	$SUDO apt-get update -qq
	apt_updated=1
}

need=$(missing $base_pkgs)
if [ -n "$need" ]; then
	apt_update
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need
fi

# Resolve the newest kernels. apt-cache needs a list; refresh it at most
# once a day so that a warm run stays offline-fast.
stamp=$CACHE/apt-update.stamp
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
	apt_update
	touch "$stamp"
fi

for s in $SERIES; do
	kver=$("$here/kernels.sh" "$s")
	need=$(missing "linux-headers-$kver")
	if [ -n "$need" ]; then
		apt_update
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
			--no-install-recommends $need
	fi
	# The image is only booted under QEMU, never installed on the host: pull
	# the .deb and unpack it into the cache.
	kdir=$CACHE/kernels/$kver
	if [ ! -s "$kdir/vmlinuz" ]; then
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -qq "linux-image-$kver")
		dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/x"
		mkdir -p "$kdir"
		cp "$tmp/x/boot/vmlinuz-$kver" "$kdir/vmlinuz"
		cp "$tmp/x/boot/config-$kver" "$kdir/config"
		# Modules are kept for tests that need e.g. veth or inet_diag.
		rm -rf "$kdir/modules"
		mv "$tmp/x/lib/modules/$kver" "$kdir/modules"
		rm -rf "$tmp"
	fi
	echo "$s $kver" >"$CACHE/kernels/series-$s"
done
