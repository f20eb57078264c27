#!/bin/sh
# make stress: the full run (100 load/unload cycles, 100 namespaces).
MODE=full MOD_CYCLES=100 NS_CYCLES=100 FUZZ=10000 EXACT_N=200 EXACT_CHURN=20 RELOADS=20
. /tests/stress/run.sh
