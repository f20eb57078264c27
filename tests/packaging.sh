#!/bin/bash
# Packaging checks, each a PASS/FAIL line: the version in one place,
# modinfo metadata, DKMS builds for each supported header series, the
# `make install` tree, and the man pages.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/host-lib.sh"
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
logs=$top/build/logs
mkdir -p "$logs"
cd "$top"
version=$(make -s version)

ok() { pass "packaging/$1"; }
ko() { fail "packaging/$1" "$2"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "expected '$3', got '$2'"; fi; }

missing=
for p in dkms man-db groff-base kmod; do
	dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >"$logs/packaging-apt.log" 2>&1 || ko apt "could not install$missing"
fi

check dkms.version "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)" "$version"
for m in userspace/tcpclose.8 doc/tcpclose.5; do
	check "man.version.$(basename "$m")" "$(grep -c "^\.TH .*\"tcpclose $version\"" "$m")" 1
done

for s in ${TCPCLOSE_SERIES:-6.1 6.12 6.12-rt}; do
	read -r _ kver <"$CACHE/kernels/series-$s" || { ko "$s" "no kernel"; continue; }
	ko_file=$(scripts/build-module.sh "$kver" 2>>"$logs/packaging.log" | tail -n 1)
	# modinfo reads the .ko itself: no kernel needed.
	check "$s.modinfo.license" "$(modinfo -F license "$ko_file")" GPL
	check "$s.modinfo.version" "$(modinfo -F version "$ko_file")" "$version"
	check "$s.modinfo.author" "$(modinfo -F author "$ko_file")" "The tcpclose developers"
	check "$s.modinfo.description" "$(modinfo -F description "$ko_file" | grep -c TCP)" 1
	for p in max_ports max_tracked tw_probes; do
		check "$s.modinfo.parm.$p" "$(modinfo -F parm "$ko_file" | grep -c "^$p:.\{20,\}")" 1
	done

	# DKMS in private trees: the system's DKMS state is left alone.
	t=$(mktemp -d)
	src=$t/src/tcpclose-$version
	mkdir -p "$src/module" "$t/dkms"
	cp Kbuild dkms.conf "$src/"
	cp module/*.[ch] module/Kbuild "$src/module/"
	if dkms add -m tcpclose -v "$version" --dkmstree "$t/dkms" --sourcetree "$t/src" \
		>"$logs/dkms-$s.log" 2>&1 &&
	   dkms build -m tcpclose -v "$version" -k "$kver" --dkmstree "$t/dkms" \
		--sourcetree "$t/src" >>"$logs/dkms-$s.log" 2>&1; then
		built=$(find "$t/dkms/tcpclose/$version/$kver" -name 'tcpclose.ko*' | head -n 1)
		check "$s.dkms.build" "$(modinfo -F vermagic "$built" | cut -d' ' -f1)" "$kver"
	else
		ko "$s.dkms.build" "see $logs/dkms-$s.log"
	fi
	rm -rf "$t"
done

# make install into a staging tree, for the newest 6.12 headers.
read -r _ kver <"$CACHE/kernels/series-6.12"
t=$(mktemp -d)
if make -s install DESTDIR="$t" PREFIX=/usr KDIR="/usr/src/linux-headers-$kver" \
	>"$logs/install.log" 2>&1; then
	for f in "lib/modules/$kver/updates/tcpclose.ko" usr/sbin/tcpclose \
		usr/share/man/man8/tcpclose.8 usr/share/man/man5/tcpclose.5 \
		usr/share/doc/tcpclose/examples/modules-load.d/tcpclose.conf \
		usr/share/doc/tcpclose/examples/systemd/tcpclose-textfile.service \
		usr/share/doc/tcpclose/examples/systemd/tcpclose-textfile.timer \
		usr/share/doc/tcpclose/examples/grafana/tcpclose-dashboard.json; do
		check "install.$(basename "$f")" "$(test -s "$t/$f" && echo present)" present
	done
	make -s uninstall DESTDIR="$t" PREFIX=/usr KDIR="/usr/src/linux-headers-$kver" \
		>>"$logs/install.log" 2>&1
	check uninstall "$(find "$t" -type f | wc -l)" 0
else
	ko install "see $logs/install.log"
fi
rm -rf "$t"

# The man pages render without a single groff or man warning.
for m in userspace/tcpclose.8 doc/tcpclose.5; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	check "man.$(basename "$m")" "${w:-clean}" clean
done
tally packaging
