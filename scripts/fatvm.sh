#!/bin/bash
# Boot the generic Debian kernel ("fat guest"): the host's / shared read-only
# over virtio-9p under an overlay on tmpfs, so that the guest has everything
# the host has (bash, ss, bpftrace, python3) and sees this checkout at the
# same path. Used by the benchmarks, which need the tools a user would
# compare tcpclose with. The host never loads a module.
#
#   scripts/fatvm.sh --prepare             install what is needed; prints KVER last
#   scripts/fatvm.sh [-c CPUS] [-m MB] [-t SECONDS] OUTDIR SCRIPT [ARG...]
#
# OUTDIR (on the host) is shared read-write and mounted at the same path in
# the guest; the console goes to OUTDIR/console.log. SCRIPT runs as root in
# the guest with bash, in the initial network namespace, with TCPCLOSE_KO
# (the module built for the guest kernel), TCPCLOSE_BIN (static programs)
# and TCPCLOSE_OUT=OUTDIR set. The module is not loaded: SCRIPT decides.
# Exit status 0 when the guest script ran to its end.
#
# Environment: TCPCLOSE_FAT_SERIES (default 6.12), TCPCLOSE_CACHE, FATVM_CPU
# (QEMU's -cpu, default max), FATVM_QEMU_EXTRA (more QEMU options, e.g. the
# benchmarks' -icount).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
series=${TCPCLOSE_FAT_SERIES:-6.12}
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

need_pkgs() {
	local p out=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			out="$out $p"
	done
	if [ -n "$out" ]; then
		$SUDO apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
			--no-install-recommends $out >&2
	fi
}

# The newest generic kernel of the series, resolved at most once a day
# (kernel versions move with security updates; never hard-coded).
prepare() {
	local pin=$CACHE/kernels/series-fat-$series kver kdir tmp
	mkdir -p "$CACHE/kernels"
	need_pkgs qemu-system-x86 busybox-static cpio gzip xz-utils kmod gcc make \
		libc6-dev iproute2 bpftrace
	if [ -n "$(find "$pin" -mmin -1440 2>/dev/null)" ]; then
		read -r _ kver <"$pin"
	else
		$SUDO apt-get update -qq
		kver=$("$top/scripts/kernels.sh" "$series" amd64)
		echo "$series $kver" >"$pin"
	fi
	need_pkgs "linux-headers-$kver"
	kdir=$CACHE/kernels/$kver
	if [ ! -s "$kdir/modules/modules.dep" ]; then
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -qq "linux-image-$kver" 2>/dev/null)
		dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/x"
		rm -rf "$kdir"
		mkdir -p "$tmp/x/lib/modules"
		# depmod for modprobe in the guest (ss autoloads inet_diag);
		# the .deb leaves that to its postinst.
		depmod -b "$tmp/x" "$kver"
		mkdir -p "$kdir"
		cp "$tmp/x/boot/vmlinuz-$kver" "$kdir/vmlinuz"
		cp "$tmp/x/boot/config-$kver" "$kdir/config"
		mv "$tmp/x/lib/modules/$kver" "$kdir/modules"
		rm -rf "$tmp"
	fi
	# bpftrace and kbuild look for the headers here, as the package's
	# postinst would have linked them.
	ln -sfn "/usr/src/linux-headers-$kver" "$kdir/modules/build"
	ln -sfn "/usr/src/linux-headers-${kver%-*}-common" "$kdir/modules/source"
	echo "$kver"
}

initramfs() {
	local kver=$1 kdir=$CACHE/kernels/$1 root=$top/build/$1/fatvm-initramfs m f
	mkdir -p "$top/build/$kver"
	rm -rf "$root"
	mkdir -p "$root"/{bin,proc,sys,dev,ro,rw,newroot,lib/modules}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	cp "$top/scripts/fatvm-init.sh" "$root/init"
	chmod +x "$root/init"
	# 9p and overlayfs with their dependencies, in load order, uncompressed
	# for busybox insmod.
	: >"$root/lib/modules/order"
	for m in $(moddeps "$kver" 9pnet_virtio 9p overlay); do
		f=$(basename "$m" .xz)
		xz -dc "$kdir/modules/$m" >"$root/lib/modules/$f"
		echo "$f" >>"$root/lib/modules/order"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$top/build/$kver/fatvm-initramfs.cpio.gz"
	rm -rf "$root"
}

# The modules needed for NAMES, dependencies first, as paths relative to
# the modules directory (from modules.dep, which lists a module's
# dependencies innermost last).
moddeps() {
	local kver=$1
	shift
	awk -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i]] = 1 }
		{
			key = $1; sub(/:$/, "", key)
			name = key; sub(/.*\//, "", name); sub(/\.ko(\.xz)?$/, "", name)
			gsub(/-/, "_", name)
			deps[key] = ""
			for (i = 2; i <= NF; i++) deps[key] = deps[key] " " $i
			byname[name] = key
		}
		function visit(k,   d, m, i) {
			if (k in seen) return
			seen[k] = 1
			m = split(deps[k], d, " ")
			for (i = m; i >= 1; i--) visit(d[i])
			print k
		}
		END { for (i = 1; i <= n; i++) visit(byname[w[i]]) }
	' "$CACHE/kernels/$kver/modules/modules.dep"
}

if [ "${1:-}" = --prepare ]; then
	prepare
	exit 0
fi

cpus=2 mem=2048 timeout=1800
while getopts c:m:t: opt; do
	case $opt in
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	*) exit 64 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "usage: fatvm.sh [-c CPUS] [-m MB] [-t S] OUTDIR SCRIPT [ARG...]" >&2; exit 64; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
script=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2

kver=$(prepare | tail -n 1)
ko=$("$top/scripts/build-module.sh" "$kver" | tail -n 1)
bin=$("$top/scripts/build-tests.sh" | tail -n 1)
initramfs "$kver"

# What the guest's second stage runs, in bash syntax.
{
	printf 'export TCPCLOSE_KO=%q TCPCLOSE_BIN=%q TCPCLOSE_OUT=%q\n' "$ko" "$bin" "$out"
	printf 'FATVM_MODULES=%q\n' "$CACHE/kernels/$kver/modules"
	printf 'FATVM_RUN=(%q' "$script"
	for a in "$@"; do printf ' %q' "$a"; done
	printf ')\n'
} >"$out/.fatvm.env"
rm -f "$out/.fatvm.done"

# thread=single: MTTCG mishandles the guest's own code patching (static
# keys, text_poke), which attaching a tracepoint probe does (see NOTES).
timeout --foreground "$timeout" qemu-system-x86_64 \
	-accel tcg,thread=single ${FATVM_QEMU_EXTRA:-} -smp "$cpus" -m "$mem" -cpu "${FATVM_CPU:-max}" \
	-kernel "$CACHE/kernels/$kver/vmlinuz" -initrd "$top/build/$kver/fatvm-initramfs.cpio.gz" \
	-append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic panic_on_warn=1 fatvm.init=$top/scripts/fatvm-init.sh fatvm.env=$out/.fatvm.env" \
	-virtfs local,path=/,mount_tag=root,security_model=none,multidevs=remap,readonly=on \
	-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap" \
	-display none -serial stdio -monitor none -no-reboot -nodefaults \
	</dev/null >"$out/console.log" 2>&1 || true
if [ ! -s "$out/.fatvm.done" ]; then
	echo "fatvm.sh: the guest did not finish; last console lines:" >&2
	tail -n 30 "$out/console.log" | tr -d '\r' >&2
	exit 1
fi
exit "$(cat "$out/.fatvm.done")"
