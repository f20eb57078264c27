#!/bin/bash
# Boot a Debian kernel under QEMU (TCG) with a busybox initramfs that holds
# the module, the static test programs and tests/e2e, run one guest script,
# and print the serial console. The host never loads the module.
#
#   scripts/vm.sh SERIES GUEST_SCRIPT [LOG]
#
# SERIES is 6.1 or 6.12 (the newest Debian cloud kernel of that series, as
# resolved by deps.sh), 6.12-rt (Debian's PREEMPT_RT kernel, rt-amd64),
# "kunit" (the self-built KUnit kernel), or one of the self-built checker
# kernels, which get more memory and warnings on the console: "debug"
# (KASAN, lockdep, kmemleak), "debug-rt" (PREEMPT_RT, DEBUG_ATOMIC_SLEEP,
# lockdep, kmemleak) or "kcsan" (the data-race detector). GUEST_SCRIPT is a
# path inside the guest, e.g. /tests/run-all.sh. The console goes to LOG
# (default: stdout). The guest finds SERIES as tcpclose.series= in
# /proc/cmdline. TCPCLOSE_VM_APPEND adds kernel parameters, e.g.
# kcsan.skip_watch=400 for a denser race hunt than the kcsan kernel's
# default.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TCPCLOSE_CACHE:-/var/cache/tcpclose}
series=${1:?usage: vm.sh SERIES GUEST_SCRIPT [LOG]}
script=${2:?usage: vm.sh SERIES GUEST_SCRIPT [LOG]}
log=${3:-/dev/stdout}
# The guest's wall-clock limit. TCG's speed follows the host's load: an e2e
# series takes 3-4 min on an idle host and several times that on a loaded
# one, so the limit only catches a hung guest.
timeout=${TCPCLOSE_VM_TIMEOUT:-2400}
mem=1024 loglevel=4 panic_on_warn=1

# The self-built kernels and the script that builds (or finds) each.
case $series in
kunit) kscript=kunit-kernel.sh ;;
debug) kscript=debug-kernel.sh ;;
debug-rt) kscript=rt-debug-kernel.sh ;;
kcsan) kscript=kcsan-kernel.sh ;;
*) kscript= ;;
esac
if [ -n "$kscript" ]; then
	kbuild=$("$top/scripts/$kscript")
	kver=$(basename "$kbuild")
	kimg=$kbuild/arch/x86/boot/bzImage
	# KASAN's shadow and quarantine, kmemleak's and lockdep's tables;
	# lockdep splats are KERN_WARNING.
	[ "$series" = kunit ] || mem=2048 loglevel=5
	# KCSAN panics on its first report under panic_on_warn, and a race
	# inside the core kernel would end the run: every report is collected
	# and judged from the console instead (tests/run-stress.sh), and so is
	# any WARNING.
	[ "$series" = kcsan ] && panic_on_warn=0
else
	read -r _ kver <"$CACHE/kernels/series-$series" ||
		{ echo "vm.sh: kernel $series not prepared (run scripts/deps.sh)" >&2; exit 1; }
	kbuild=$kver
	kimg=$CACHE/kernels/$kver/vmlinuz
fi

ko=$("$top/scripts/build-module.sh" "$kbuild" | tail -n 1)
bin=$("$top/scripts/build-tests.sh" | tail -n 1)

# The initramfs: busybox, /init, the module, test binaries and scripts.
root=$top/build/$kver/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,lib/tcpclose,tests/stress}
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
cp "$top/tests/e2e/init.sh" "$root/init"
# The kernel's socket-diag modules, for the SOCK_DESTROY (ss -K) test, and
# netem, for the simultaneous close: the guest has no module tree, and
# busybox insmod cannot read .ko.xz.
mkdir -p "$root/lib/kmod"
for m in ipv4/inet_diag ipv4/tcp_diag sched/sch_netem; do
	for f in "$CACHE/kernels/$kver/modules/kernel/net/$m.ko"*; do
		case $f in
		*.xz) xz -dc "$f" >"$root/lib/kmod/${m#*/}.ko" ;;
		*.ko) cp "$f" "$root/lib/kmod/" ;;
		esac
	done
done
cp "$(dirname "$ko")"/*.ko "$root/lib/tcpclose/"
cp "$bin"/* "$root/bin/"
cp "$top"/tests/e2e/*.sh "$top/tests/kernel-log-errors" "$root/tests/"
cp "$top"/tests/stress/*.sh "$root/tests/stress/"
chmod +x "$root/init" "$root"/tests/*.sh "$root"/tests/stress/*.sh
initrd=$top/build/$kver/initramfs.cpio.gz
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"

# thread=single: MTTCG mishandles the guest's own code patching (static
# keys, text_poke), which attaching a tracepoint probe does (see NOTES).
timeout --foreground "$timeout" qemu-system-x86_64 \
	-accel tcg,thread=single -smp 2 -m $mem -cpu max \
	-kernel "$kimg" -initrd "$initrd" \
	-append "console=ttyS0 quiet loglevel=$loglevel panic=-1 oops=panic panic_on_warn=$panic_on_warn tcpclose.run=$script tcpclose.series=$series${TCPCLOSE_VM_APPEND:+ $TCPCLOSE_VM_APPEND}" \
	-display none -serial stdio -monitor none -no-reboot -nodefaults \
	</dev/null >"$log" 2>&1 || st=$?
# Said on the console, where the host's scrapers show the last lines of a
# guest that did not finish.
[ "${st:-0}" = 124 ] && echo "vm.sh: QEMU killed after ${timeout} s (TCPCLOSE_VM_TIMEOUT)" >>"$log"
true
