# Short connections to one destination, with a narrowed local port range:
# the clients hold 150 of the destination's 200 local ports in TIME_WAIT.
# With /proc/tcpclose_dest the reader judges per destination (local
# address, remote address, remote port) against the file's capacity: 75 %
# is below the default --exhaustion-ratio (0.8), so no finding by default;
# the per-port rule of older modules, kept for a saved table alone, still
# says what it said.
# No TIME_WAIT reuse (loopback is allowed it by default): connect() could
# otherwise take over a TIME_WAIT port once it is 1 s old, on a slow run.
sysctl -w net.ipv4.ip_local_port_range="40000 40199" >/dev/null
sysctl -w net.ipv4.tcp_tw_reuse=0 >/dev/null
check sysctl "$(tr -s '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range)" "40000 40199"
N=150 P=5022
start_tcw rpr client-first -n $N -p $P || return
expect settled $P client active_closes=$N time_wait=$N
check default "$(tcpclose --diagnose)" "No problems found (2 rows checked)."
tcpclose --diagnose --exhaustion-ratio 0.75 >/tmp/r.out 2>&1
check diagnose.status $? 0
# The estimate's numbers depend on the run's timing: its words only.
check diagnose.finding "$(sed -n 1p /tmp/r.out | sed -E "s/(to port $P )\(.*\) the range is exhausted in about [0-9.]+ s\.\$/\1(RATE) the range is exhausted in about T s./")" \
	"127.0.0.1 -> 127.0.0.1:$P: $N of 200 local ports in use ($N in TIME_WAIT); at the current rate of new connections to port $P (RATE) the range is exhausted in about T s."
check diagnose.rate "$(sed -n 1p /tmp/r.out | grep -cE "to port $P \([0-9.e+]+ per second, the average since the counters started [0-9.]+ s ago\)")" 1
check diagnose.advice "$(sed -n 2p /tmp/r.out | cut -c1-60)" "    In this order: reuse connections (keep-alive, a connecti"
check diagnose.only "$(grep -c ' -> ' /tmp/r.out)" 1
tcpclose --exhaustion-ratio 0.75 >/tmp/r.out 2>&1
check table.summary "$(tail -n 2 /tmp/r.out)" "1 finding (tcpclose --diagnose explains):
  127.0.0.1 -> 127.0.0.1:$P: 150 of 200 local ports in use (75%)"
check ratio-above "$(tcpclose --exhaustion-ratio 0.76 --diagnose)" "No problems found (2 rows checked)."
# The file's capacity wins over --port-range (and over the sysctl).
check capacity-own "$(tcpclose --exhaustion-ratio 0.75 --port-range 32768-60999 --diagnose | grep -c '150 of 200 local ports')" 1
check json "$(tcpclose --exhaustion-ratio 0.75 --json | grep -c "\"kind\":\"destination_ports\",\"port\":$P,\"role\":\"client\",\"local\":\"127.0.0.1\",\"remote\":\"127.0.0.1\",\"in_use\":$N,\"capacity\":200,\"time_wait\":$N,")" 1
check dest.view "$(tcpclose --dest | grep -c "^ 127.0.0.1 127.0.0.1:$P  *$N  *75%  *$N ")" 1
# A saved table alone has no destinations: the per-port rule, as before.
cat /proc/tcpclose >/tmp/r.table
tcpclose -f /tmp/r.table --port-range 40000-40199 --diagnose >/tmp/r.out 2>&1
check old.finding "$(sed -n 1p /tmp/r.out)" \
	"port $P: clients hold $N sockets in TIME_WAIT towards this port, ratio 0.75 of the 200 local ports 40000-40199."
check old.ratio-above "$(tcpclose -f /tmp/r.table --port-range 40000-40199 --port-range-ratio 0.76 --diagnose)" "No problems found (2 rows checked)."
stop_tcw
