#!/bin/bash
# Build (once) the debug kernel of `make stress`: tinyconfig +
# scripts/kunit.config + scripts/debug.config (KASAN, UBSAN, lockdep,
# kmemleak, debug objects). Cached outside the clone (see kernel-build.sh).
# Prints the build directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/kernel-build.sh" debug "$top/scripts/kunit.config" "$top/scripts/debug.config"
