#!/bin/sh
# make stress-quick (part of make check): every part of the stress suite,
# small.
MODE=quick MOD_CYCLES=6 NS_CYCLES=8 FUZZ=600 EXACT_N=30 EXACT_CHURN=3 RELOADS=3
. /tests/stress/run.sh
