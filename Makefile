# SPDX-License-Identifier: GPL-2.0
#
# tcpclose: per-port TCP close accounting (kernel module + reader).
#
#   make module [KDIR=...]   build module/tcpclose.ko
#   make userspace           build userspace/tcpclose, the reader
#   make check               every test, ending in "N passed, N failed"
#   make demo                boot a Debian kernel in QEMU and show a table
#   make bench               benchmarks side by side in one QEMU boot (bench/)
#   make stress              the stress suite on the debug, debug-rt and kcsan kernels

KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell sed -n 's/^\#define TCPCLOSE_VERSION "\(.*\)"/\1/p' module/version.h)
CACHE ?= /var/cache/tcpclose
export TCPCLOSE_CACHE := $(CACHE)

.PHONY: all module userspace install install-userspace uninstall dkms-install dkms-remove \
	clean check e2e kunit demo deps version bench bench-quick stress stress-quick

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The reader: C11 and libc only, one compiler call (no objects for Kbuild's clean).
USERSPACE_SRC := $(wildcard userspace/*.c)
userspace: userspace/tcpclose
userspace/tcpclose: $(USERSPACE_SRC) $(wildcard userspace/*.h) module/version.h
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $(USERSPACE_SRC)

PREFIX ?= /usr/local
install-userspace: userspace
	install -D -m 0755 userspace/tcpclose $(DESTDIR)$(PREFIX)/sbin/tcpclose
	install -D -m 0644 userspace/tcpclose.8 $(DESTDIR)$(PREFIX)/share/man/man8/tcpclose.8
	install -D -m 0644 doc/tcpclose.5 $(DESTDIR)$(PREFIX)/share/man/man5/tcpclose.5
	install -D -m 0644 contrib/modules-load.d/tcpclose.conf \
		$(DESTDIR)$(PREFIX)/share/doc/tcpclose/examples/modules-load.d/tcpclose.conf
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/doc/tcpclose/examples/systemd \
		contrib/systemd/tcpclose-textfile.service contrib/systemd/tcpclose-textfile.timer
	install -D -m 0644 contrib/grafana/tcpclose-dashboard.json \
		$(DESTDIR)$(PREFIX)/share/doc/tcpclose/examples/grafana/tcpclose-dashboard.json

# The kernel release KDIR builds for (headers trees know it).
KVER ?= $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null || uname -r)
MODDIR := $(DESTDIR)/lib/modules/$(KVER)/updates

# The module goes to updates/ (searched before the kernel's own); depmod
# runs only for a real install, packagers run it themselves.
install: module install-userspace
	install -D -m 0644 module/tcpclose.ko $(MODDIR)/tcpclose.ko
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

uninstall:
	rm -f $(MODDIR)/tcpclose.ko $(DESTDIR)$(PREFIX)/sbin/tcpclose \
		$(DESTDIR)$(PREFIX)/share/man/man8/tcpclose.8 \
		$(DESTDIR)$(PREFIX)/share/man/man5/tcpclose.5
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/tcpclose
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

# DKMS rebuilds the module for every installed kernel, on every upgrade.
DKMS_SRC := $(DESTDIR)/usr/src/tcpclose-$(VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	install -D -m 0644 -t $(DKMS_SRC) Kbuild dkms.conf
	install -D -m 0644 -t $(DKMS_SRC)/module module/*.c module/*.h module/Kbuild
	dkms add -m tcpclose -v $(VERSION)
	dkms build -m tcpclose -v $(VERSION)
	dkms install -m tcpclose -v $(VERSION)

dkms-remove:
	-dkms remove -m tcpclose -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build userspace/tcpclose

version:
	@echo $(VERSION)

deps:
	scripts/deps.sh

# Every test: build and style gates, KUnit, the quick stress suite on the
# debug and debug-rt kernels, and the QEMU end-to-end suites on 6.1, 6.12
# and 6.12-rt.
check:
	tests/check.sh

e2e: deps
	tests/run-e2e.sh $(SERIES)

# The KUnit suite on a self-built 6.12 kernel (built once, then cached).
kunit: deps
	tests/run-kunit.sh

# Everything at once on self-built checker kernels (each built once, then
# cached), 2 CPUs: churn of every close kind, readers, resets, fuzzed
# writes, 100 rmmod/insmod and 100 network namespaces, then exact totals
# and a kmemleak scan. The kernels: debug (KASAN, UBSAN, lockdep, kmemleak,
# panic_on_warn), debug-rt (PREEMPT_RT with DEBUG_ATOMIC_SLEEP and lockdep:
# sleeping locks in atomic context) and kcsan (data races). Every kernel
# runs even if one fails; the status is a failure if any did. The quick
# form, on debug and debug-rt, is part of make check.
STRESS_KERNELS ?= debug debug-rt kcsan
STRESS_QUICK_KERNELS ?= debug debug-rt
stress: deps
	@rc=0; for k in $(STRESS_KERNELS); do tests/run-stress.sh full $$k || rc=1; done; exit $$rc

stress-quick: deps
	@rc=0; for k in $(STRESS_QUICK_KERNELS); do tests/run-stress.sh quick $$k || rc=1; done; exit $$rc

# Churn overhead (against bpftrace), probe cost, read cost at 100k
# TIME_WAIT (against ss and /proc/net/tcp), memory: bench/run.sh, README.
bench:
	bench/run.sh full

# The short run (about a minute) make check does: correctness and gross ratios only.
bench-quick:
	bench/run.sh quick

demo: deps
	@scripts/vm.sh $(or $(SERIES),6.12) /tests/demo.sh build/logs/demo.log; \
	tr -d '\r' <build/logs/demo.log | sed -n '/^== workload/,/^@@DONE/p' | grep -v '^@@'
