#!/bin/bash
# Build (once) a small KUnit-enabled kernel from Debian's linux-source-6.12:
# tinyconfig + scripts/kunit.config. Debian's own kernels have KUnit off.
# Cached outside the clone (see kernel-build.sh). Prints the build directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/kernel-build.sh" kunit "$top/scripts/kunit.config"
