# bind() before connect(): the port comes from bind(port 0), unique across
# every destination, so the range runs out for the client as a whole while
# each destination is below its share. local_ports_in_use and
# bind_failures say so.
sysctl -qw net.ipv4.ip_local_port_range="40000 40199"
start_tcw b1 dest -s 127.0.0.6 -p 8000 -B 127.0.0.7 -n 150 -c hold || return
check first.workload "$(cat /tmp/tcw.out)" "tcw: dest connected 150 eaddrnotavail 0 eaddrinuse 0"
B1=$TCW_PID
start_tcw b2 dest -s 127.0.0.6 -p 8001 -B 127.0.0.7 -f 3 -c hold || return
check second.workload "$(cat /tmp/tcw.out)" "tcw: dest connected 50 eaddrnotavail 0 eaddrinuse 3"
cat $DEST >/tmp/dest.snap
check first.in_use "$(dest_get 127.0.0.6 8000 in_use /tmp/dest.snap)" 150
check first.local "$(dest_rows /tmp/dest.snap | awk '$3 == 8000 { print $1 }')" 127.0.0.7
check second.in_use "$(dest_get 127.0.0.6 8001 in_use /tmp/dest.snap)" 50
check header.local_ports_in_use "$(dest_meta local_ports_in_use /tmp/dest.snap)" 200
check header.capacity "$(dest_meta capacity /tmp/dest.snap)" 200
check header.bind_failures "$(dest_meta bind_failures /tmp/dest.snap)" 3
check header.connect_failures "$(dest_meta connect_failures /tmp/dest.snap)" 0
# The reader: the range is used up across destinations, no destination is.
tcpclose --diagnose >/tmp/bind.diag
check reader.local-ports "$(grep -c '^local ports: 200 of the 200 ' /tmp/bind.diag)" 1
check reader.bind-failures "$(grep '^local ports' /tmp/bind.diag | grep -c ' 3 bind() failures')" 1
check reader.destinations "$(grep -c ' -> ' /tmp/bind.diag)" 0
# Reserved ports leave the range: capacity follows ip_local_reserved_ports.
sysctl -qw net.ipv4.ip_local_reserved_ports="40000-40009,50000"
check reserved.capacity "$(dest_meta capacity)" 190
check reserved.count "$(dest_meta reserved_ports)" 10
sysctl -qw net.ipv4.ip_local_reserved_ports=""
stop_tcw
kill $B1 2>/dev/null
wait $B1 2>/dev/null
