# A port counts as a server port while a listener exists on it (and for
# one TIME_WAIT period after its last accept), not forever: bind(0) +
# listen() + close() marks nothing once closed, so a
# client later given that port (here the range is that one port) is a
# client of the service it connects to, not a "server" row of its own
# ephemeral port.
sysctl -qw net.ipv4.ip_local_port_range="40000 40000"
check listen0 "$(tcw listen0)" "tcw: listened on 40000"
tcw client-first -n 1 -p 9002 >/dev/null || fail workload "tcw failed"
expect client 9002 client active_closes=1 time_wait=1
expect server 9002 server passive_closes=1
check no-ephemeral-row "$(tc_rows | awk '$1 == 40000' | wc -l)" 0
check rows "$(tc_rows | wc -l)" 2
