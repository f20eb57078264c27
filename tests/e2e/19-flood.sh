# No user can blind tcpclose: an unprivileged user floods 5000 throwaway
# ports (listen, connect, close) into a table of 64 while a service
# handles connections. The service's rows stay exact, nothing is
# dropped, and every column adds up over the rows and "other" (port 0),
# where the events of ports without room, and of ports evicted to make
# room (the least active first), are counted.
F=5000
# has_row NAME PORT: wait up to 30 s for a server row of PORT with closes.
row_of() {
	tc_rows | awk -v p="$1" '$1 == p && $2 == "server" && $3 > 0 { f = 1 } END { exit !f }'
}
has_row() {
	wait_until 30 row_of "$2" || { fail "$1" "no row for $2 after 30 s"; return 1; }
	pass "$1"
}
rmmod tcpclose || fail rmmod "rmmod failed"
insmod $KO max_ports=64 || fail insmod "insmod failed"
sysctl -qw net.ipv4.tcp_max_tw_buckets=100000
# The service: a listener on 9000, one connection after another for 20 s;
# the flood starts once it has a row.
tcw churn -d 20 -p 9000 >/tmp/svc.out 2>&1 &
SVC=$!
has_row service.started 9000
tcw as -u 65534 tcw spread -n $F -p 20000 >/tmp/flood.out 2>&1 ||
	fail flood.workload "$(cat /tmp/flood.out)"
wait $SVC || fail service.workload "$(cat /tmp/svc.out)"
N=$(sed -n 's/^tcw: churn done \([0-9]*\)/\1/p' /tmp/svc.out)
check service.ran "$([ "${N:-0}" -gt 0 ] && echo yes)" yes
expect service 9000 server active_closes=$N passive_closes=0
expect service.client 9000 client passive_closes=$N active_closes=0
cat $PROC >/tmp/flood.snap
check dropped "$(tc_meta dropped /tmp/flood.snap)" 0
check bounded "$([ "$(tc_meta ports /tmp/flood.snap)" -le 64 ] && echo ok)" ok
check other.row "$(tc_rows /tmp/flood.snap | awk '$1 == 0' | wc -l)" 2
check totals.active "$(tc_sum active_closes /tmp/flood.snap)" $((F + N))
check totals.passive "$(tc_sum passive_closes /tmp/flood.snap)" $((F + N))
echo "# flood: service made $N connections; $(tc_meta ports /tmp/flood.snap) ports with rows"
# Every timewait socket of the namespace is on a row or on "other".
check totals.time_wait "$(($(tc_sum time_wait /tmp/flood.snap) + $(tc_meta tw_fin_wait2 /tmp/flood.snap)))" \
	"$(tc_meta sockstat_tw /tmp/flood.snap)"
# A service that starts after the flood, the table full of its ports: its
# first event finds no room (on "other"), eviction frees the flood's
# entries, and the rest of its closes have a row of their own.
tcw server-first -n 20 -p 9100 >/dev/null || fail late.workload "tcw failed"
has_row late.row 9100
cat $PROC >/tmp/flood.snap
check late.totals "$(tc_sum active_closes /tmp/flood.snap)" $((F + N + 20))
check late.service-kept "$(tc_get 9000 server active_closes /tmp/flood.snap)" $N
rmmod tcpclose
insmod $KO
