# Short connections to one destination, with a narrowed local port range:
# the clients' TIME_WAIT holds 150 of its 200 ports, ratio 0.75.
# No TIME_WAIT reuse (loopback is allowed it by default): connect() could
# otherwise take over a TIME_WAIT port once it is 1 s old, on a slow run.
sysctl -w net.ipv4.ip_local_port_range="40000 40199" >/dev/null
sysctl -w net.ipv4.tcp_tw_reuse=0 >/dev/null
check sysctl "$(tr -s '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range)" "40000 40199"
N=150 P=5022
start_tcw rpr client-first -n $N -p $P || return
expect settled $P client active_closes=$N time_wait=$N
tcpclose --diagnose >/tmp/r.out 2>&1
check diagnose.status $? 0
check diagnose.finding "$(sed -n 1p /tmp/r.out)" \
	"port $P: clients hold $N sockets in TIME_WAIT towards this port, ratio 0.75 of the 200 local ports 40000-40199."
check diagnose.advice "$(sed -n 2p /tmp/r.out)" \
	"    New connections to one address and port fail with EADDRNOTAVAIL when the range runs out: use keep-alive or a connection pool, widen net.ipv4.ip_local_port_range, or consider net.ipv4.tcp_tw_reuse=1 (outgoing connections only)."
check diagnose.only "$(grep -c '^port ' /tmp/r.out)" 1
tcpclose >/tmp/r.out 2>&1
check table.summary "$(tail -n 2 /tmp/r.out)" "1 finding (tcpclose --diagnose explains):
  port $P: client TIME_WAIT holds 0.75 of the local port range ($N of 200)"
# The threshold, and the range given by hand instead of read from /proc/sys.
check ratio-above "$(tcpclose --port-range-ratio 0.76 --diagnose)" "No problems found (2 rows checked)."
check ratio-equal "$(tcpclose --port-range-ratio 0.75 --diagnose | grep -c '^port ')" 1
check wide-range "$(tcpclose --port-range 32768-60999 --diagnose)" "No problems found (2 rows checked)."
check json "$(tcpclose --json | grep -c "\"kind\":\"port_range\",\"port\":$P,\"role\":\"client\",\"time_wait\":$N,\"port_range\":\[40000,40199\],\"port_range_size\":200,\"ratio\":0.75")" 1
stop_tcw
