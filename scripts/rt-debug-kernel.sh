#!/bin/bash
# Build (once) the PREEMPT_RT debug kernel of `tests/run-stress.sh MODE
# debug-rt`: tinyconfig + scripts/kunit.config + scripts/rt-debug.config
# (PREEMPT_RT, DEBUG_ATOMIC_SLEEP, lockdep, kmemleak, debug objects).
# Cached outside the clone (see kernel-build.sh). Prints the build directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/kernel-build.sh" debug-rt "$top/scripts/kunit.config" "$top/scripts/rt-debug.config"
