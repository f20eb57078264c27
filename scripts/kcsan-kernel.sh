#!/bin/bash
# Build (once) the KCSAN kernel of `tests/run-stress.sh MODE kcsan`:
# tinyconfig + scripts/kunit.config + scripts/kcsan.config (the data-race
# detector, syzbot's settings). Cached outside the clone (see
# kernel-build.sh). Prints the build directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/kernel-build.sh" kcsan "$top/scripts/kunit.config" "$top/scripts/kcsan.config"
