# A server that exits leaves its TIME_WAITs behind for 60 s. Whether or
# not tcpclose saw its listener, they stay on the server's port: a
# client's ephemeral port never becomes a row, even with the widest port
# range, where the server's port is inside it too (the lower port of two
# in the range is the service). Clients bind known ports above the
# server's (-b), so every expected number is exact.
N=20
sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
sysctl -qw net.ipv4.tcp_max_tw_buckets=100000

# 1. Loaded after the server exited: nothing seen but the TIME_WAITs.
rmmod tcpclose || fail rmmod "rmmod failed"
tcw server-first -n $N -p 7000 -b 20000 >/dev/null || fail unseen.workload "tcw failed"
insmod $KO || fail insmod "insmod failed"
expect unseen 7000 server time_wait=$N active_closes=0
check unseen.rows "$(tc_rows | wc -l)" 1
check unseen.untracked "$(tc_meta untracked)" 0

# 2. Loaded before the server exits: its listener was seen.
tcw server-first -n $N -p 7001 -b 21000 >/dev/null || fail seen.workload "tcw failed"
expect seen 7001 server time_wait=$N active_closes=$N
check seen.rows "$(tc_rows | wc -l)" 3

# 3. 5000 such TIME_WAITs and room for 64 ports: they take one row, and a
# service started afterwards is counted exactly.
rmmod tcpclose || fail rmmod.many "rmmod failed"
tcw server-first -n 5000 -p 7002 -b 30000 >/dev/null || fail many.workload "tcw failed"
insmod $KO max_ports=64 || fail insmod.many "insmod failed"
expect many 7002 server time_wait=5000
tcw server-first -n $N -p 9001 >/dev/null || fail many.service "tcw failed"
expect many.service 9001 server active_closes=$N time_wait=$N
expect many.service.client 9001 client passive_closes=$N
check many.dropped "$(tc_meta dropped)" 0
check many.untracked "$(tc_meta untracked)" 0
check many.no-client-port-rows "$(tc_rows | awk '$1 >= 20000' | wc -l)" 0
rmmod tcpclose
insmod $KO
