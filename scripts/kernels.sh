#!/bin/bash
# Resolve the newest Debian kernel release of a series, never hard-coded:
# kernel versions move with every security update.
#   scripts/kernels.sh 6.1 [flavour]   -> e.g. 6.1.0-56-cloud-amd64
#   scripts/kernels.sh 6.12 [flavour]  -> e.g. 6.12.117+deb12-cloud-amd64
#   scripts/kernels.sh 6.12-rt          -> e.g. 6.12.117+deb12-rt-amd64
# A series name ending in -rt means the PREEMPT_RT flavour (rt-amd64).
set -euo pipefail
series=${1:?usage: kernels.sh SERIES [FLAVOUR]}
case $series in
*-rt) series=${series%-rt} flavour=${2:-rt-amd64} ;;
*) flavour=${2:-cloud-amd64} ;;
esac
s=${series//./\\.}
# The ABI part is "6.1.0-56" or "6.12.117+deb12"; anything else before the
# flavour (e.g. "-rt") belongs to another flavour.
abi="${s}\.[0-9]+(\.[0-9]+)?(-[0-9]+|\+deb[0-9]+)"
list() {
	apt-cache pkgnames "linux-$1-${series}." | grep -E "^linux-$1-${abi}-${flavour}\$" |
		sed "s/^linux-$1-//" | sort
}
best=$(comm -12 <(list headers) <(list image) | sort -V | tail -n 1)
[ -n "$best" ] || { echo "kernels.sh: no $series $flavour kernel in apt" >&2; exit 1; }
echo "$best"
