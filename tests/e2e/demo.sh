#!/bin/sh
# make demo: a small mixed close workload, then /proc/tcpclose.
cd /tests && T=demo && . ./lib.sh
echo
echo "== workload"
echo "   port 8080: web server that closes first (40 connections)"
echo "   port 5432: clients that close first, as a pool would (25 connections)"
echo "   port 6379: server that never calls close() (15 connections)"
echo "   port 9000: clients aborting with SO_LINGER 0 (5 connections)"
start_tcw web server-first -n 40 -p 8080 || exit 1
W1=$TCW_PID
start_tcw db client-first -n 25 -p 5432 || exit 1
W2=$TCW_PID
start_tcw leak leak -n 15 -p 6379 || exit 1
W3=$TCW_PID
start_tcw rst abort -n 5 -p 9000 || exit 1
W4=$TCW_PID
sleep 1
echo
echo "== /proc/net/sockstat (what the kernel tells you today)"
grep TCP /proc/net/sockstat
echo
echo "== cat /proc/tcpclose"
cat /proc/tcpclose
echo
echo "== tcpclose (the reader: table, sorted by TIME_WAIT, and a summary)"
tcpclose
echo
echo "== tcpclose --diagnose"
tcpclose --diagnose
echo
kill $W1 $W2 $W3 $W4
wait 2>/dev/null
