# A server that closes first by the hundred (600 TIME_WAIT sockets, above
# the default --min-time-wait of 500): --check exits 10 (a warning) with
# that finding alone. Each client binds its own port (-b), so no new SYN
# can reuse, and kill, a server's TIME_WAIT: the count is exact.
sysctl -qw net.ipv4.tcp_max_tw_buckets=100000
N=600 P=5064
tcw server-first -n $N -p $P -b 40000 >/tmp/w.out 2>&1 || fail workload "$(cat /tmp/w.out)"
expect settled $P server active_closes=$N passive_closes=0 time_wait=$N
expect settled.client $P client passive_closes=$N time_wait=0
tcpclose --check >/tmp/c.out 2>&1
check status $? 10
check finding "$(cat /tmp/c.out)" "warning: port $P: the server closes first ($N TIME_WAIT)"
tcpclose --check --json >/tmp/c.out 2>&1
check json.status $? 10
check json.finding "$(grep -c "^ {\"kind\":\"server_closes_first\",\"port\":$P,\"role\":\"server\",\"time_wait\":$N,\"active_closes\":$N,\"passive_closes\":0,\"active_share\":1,\"severity\":\"warning\"," /tmp/c.out)" 1
check json.total "$(grep -c '^"diagnoses_total":1,$' /tmp/c.out)" 1
