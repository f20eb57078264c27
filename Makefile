# SPDX-License-Identifier: GPL-2.0
#
# tcpclose: per-port TCP close accounting (kernel module + reader).
#
#   make module [KDIR=...]   build module/tcpclose.ko
#   make userspace           build userspace/tcpclose, the reader
#   make check               every test, ending in "N passed, N failed"
#   make demo                boot a Debian kernel in QEMU and show a table

KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell sed -n 's/^\#define TCPCLOSE_VERSION "\(.*\)"/\1/p' module/version.h)
CACHE ?= /var/cache/tcpclose
export TCPCLOSE_CACHE := $(CACHE)

.PHONY: all module userspace install-userspace clean check e2e kunit demo deps version

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

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build userspace/tcpclose

version:
	@echo $(VERSION)

deps:
	scripts/deps.sh

# Every test: build and style gates, KUnit, and the QEMU end-to-end suites
# on 6.1 and 6.12.
check:
	tests/check.sh

e2e: deps
	tests/run-e2e.sh $(SERIES)

# The KUnit suite on a self-built 6.12 kernel (built once, then cached).
kunit: deps
	tests/run-kunit.sh

demo: deps
	@scripts/vm.sh $(or $(SERIES),6.12) /tests/demo.sh build/logs/demo.log; \
	tr -d '\r' <build/logs/demo.log | sed -n '/^== workload/,/^@@DONE/p' | grep -v '^@@'
