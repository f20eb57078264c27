# No user can blind tcpclose: an unprivileged user floods 5000 throwaway
# ports (listen, connect, close) into a table of 64 while a service
# handles 200 connections. The service's rows stay exact, nothing is
# dropped, and every column adds up over the rows and "other" (port 0),
# where the events of ports without room, and of ports evicted to make
# room (the least active first), are counted.
N=200 F=5000
rmmod tcpclose || fail rmmod "rmmod failed"
insmod $KO max_ports=64 || fail insmod "insmod failed"
sysctl -qw net.ipv4.tcp_max_tw_buckets=100000
tcw as -u 65534 tcw spread -n $F -p 20000 >/tmp/flood.out 2>&1 &
FLOOD=$!
tcw server-first -n $N -p 9000 >/dev/null || fail service.workload "tcw failed"
wait $FLOOD || fail flood.workload "$(cat /tmp/flood.out)"
expect service 9000 server active_closes=$N passive_closes=0 time_wait=$N
expect service.client 9000 client passive_closes=$N active_closes=0
cat $PROC >/tmp/flood.snap
check dropped "$(tc_meta dropped /tmp/flood.snap)" 0
check bounded "$([ "$(tc_meta ports /tmp/flood.snap)" -le 64 ] && echo ok)" ok
check other.row "$(tc_rows /tmp/flood.snap | awk '$1 == 0' | wc -l)" 2
check totals.active "$(tc_sum active_closes /tmp/flood.snap)" $((F + N))
check totals.passive "$(tc_sum passive_closes /tmp/flood.snap)" $((F + N))
# Every timewait socket of the namespace is on a row or on "other".
check totals.time_wait "$(($(tc_sum time_wait /tmp/flood.snap) + $(tc_meta tw_fin_wait2 /tmp/flood.snap)))" \
	"$(tc_meta sockstat_tw /tmp/flood.snap)"
rmmod tcpclose
insmod $KO
