#!/bin/sh
# /init of the fat guest (scripts/fatvm.sh), and its second stage.
#
# Stage 1 (busybox, in the initramfs): load 9p and overlayfs, mount the
# host's / read-only with a tmpfs overlay for writes, mount the shared
# output directory at its host path, switch_root.
# Stage 2 (bash, in the new root): mount the API filesystems, bind the
# guest kernel's modules, run the script named in the env file, power off.
if [ "${1:-}" != stage2 ]; then
	export PATH=/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	for m in $(cat /lib/modules/order); do
		insmod "/lib/modules/$m" || echo "fatvm: insmod $m failed"
	done
	init=$(sed -n 's/.*fatvm\.init=\([^ ]*\).*/\1/p' /proc/cmdline)
	env=$(sed -n 's/.*fatvm\.env=\([^ ]*\).*/\1/p' /proc/cmdline)
	p9="trans=virtio,version=9p2000.L,msize=512000"
	mount -t 9p -o "$p9,ro,cache=loose" root /ro || echo "fatvm: cannot mount the host root"
	mount -t tmpfs -o mode=0755 tmpfs /rw
	mkdir -p /rw/upper /rw/work
	mount -t overlay overlay -o lowerdir=/ro,upperdir=/rw/upper,workdir=/rw/work /newroot ||
		echo "fatvm: cannot mount the overlay"
	out=$(dirname "$env")
	mount -t 9p -o "$p9" out "/newroot$out" || echo "fatvm: cannot mount $out"
	umount /proc /sys
	exec switch_root /newroot /bin/bash "$init" stage2 "$env"
fi

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
# /tmp stays the overlay's (the output directory may live under it).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
. "$2"
mkdir -p "/lib/modules/$(uname -r)"
mount --bind "$FATVM_MODULES" "/lib/modules/$(uname -r)"
ip link set lo up
echo "@@BOOTED $(uname -r)"
cd /tmp
"${FATVM_RUN[@]}"
rc=$?
echo "$rc" >"$TCPCLOSE_OUT/.fatvm.done"
echo "@@DONE $rc"
sync
echo o >/proc/sysrq-trigger || busybox poweroff -f
sleep 10
