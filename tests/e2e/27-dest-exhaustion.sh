# Port exhaustion per destination (/proc/tcpclose_dest): a 200-port range,
# a client that churns to 127.0.0.2:8000 until connect() fails, one whose
# server closes first to 127.0.0.4:8000, 20 held connections to
# 127.0.0.3:8000. Every figure is compared with /proc/net/tcp and with the
# workload's own count of EADDRNOTAVAIL.
sysctl -qw net.ipv4.ip_local_port_range="40000 40199"
# Loopback reuses TIME_WAIT ports after 1 s by default (tcp_tw_reuse=2).
sysctl -qw net.ipv4.tcp_tw_reuse=0

# Server closes first, the client keeps its sockets: 200 CLOSE_WAIT, 4 failures.
start_tcw d4 dest -s 127.0.0.4 -p 8000 -f 4 -c server || return
check server-first.workload "$(cat /tmp/tcw.out)" "tcw: dest connected 200 eaddrnotavail 4 eaddrinuse 0"
D4=$TCW_PID
# 20 held towards another address: its own 200 ports, no failure.
start_tcw d3 dest -s 127.0.0.3 -p 8000 -n 20 -c hold || return
check held.workload "$(cat /tmp/tcw.out)" "tcw: dest connected 20 eaddrnotavail 0 eaddrinuse 0"
# Client closes first: 200 TIME_WAIT, then 7 connect()s find no port (last:
# its TIME_WAIT sockets last 60 s, the checks below need them all).
tcw dest -s 127.0.0.2 -p 8000 -f 7 -c client >/tmp/d2.out 2>&1
check client-first.workload "$(cat /tmp/d2.out)" "tcw: dest connected 200 eaddrnotavail 7 eaddrinuse 0"

dest_settle client-first 0200007F:1F40 127.0.0.2 8000
check client-first.in_use.all "$(dest_get 127.0.0.2 8000 in_use /tmp/dest.snap)" 200
check client-first.time_wait.all "$(dest_get 127.0.0.2 8000 time_wait /tmp/dest.snap)" 200
check client-first.connect_failures "$(dest_get 127.0.0.2 8000 connect_failures /tmp/dest.snap)" 7
check client-first.local "$(dest_rows /tmp/dest.snap | awk '$2 == "127.0.0.2" { print $1 }')" 127.0.0.1
dest_settle server-first 0400007F:1F40 127.0.0.4 8000
check server-first.in_use.all "$(dest_get 127.0.0.4 8000 in_use /tmp/dest.snap)" 200
check server-first.close_wait "$(tcp_count /tmp/tcp.snap 0400007F:1F40 08)" 200
check server-first.connect_failures "$(dest_get 127.0.0.4 8000 connect_failures /tmp/dest.snap)" 4
dest_settle held 0300007F:1F40 127.0.0.3 8000
check held.in_use.all "$(dest_get 127.0.0.3 8000 in_use /tmp/dest.snap)" 20
check held.connect_failures "$(dest_get 127.0.0.3 8000 connect_failures /tmp/dest.snap)" 0

check header.port_range "$(dest_meta port_range /tmp/dest.snap)" 40000-40199
check header.capacity "$(dest_meta capacity /tmp/dest.snap)" 200
check header.connect_failures "$(dest_meta connect_failures /tmp/dest.snap)" 11
check header.bind_failures "$(dest_meta bind_failures /tmp/dest.snap)" 0
check header.dests "$(dest_meta dests /tmp/dest.snap)" 3
check header.failure_dests "$(dest_meta failure_dests /tmp/dest.snap)" 2
check header.local_ports_in_use "$(dest_meta local_ports_in_use /tmp/dest.snap)" 200
check header.ungrouped "$(dest_meta ungrouped /tmp/dest.snap)" 0
check header.failure_probes "$(dest_meta failure_probes /tmp/dest.snap)" connect,bind
# Three destinations and the "other" row, last and empty; sorted by in_use.
check rows "$(dest_rows /tmp/dest.snap | awk '{ printf "%s:%s ", $2, $3 }')" \
	"127.0.0.2:8000 127.0.0.4:8000 127.0.0.3:8000 *:0 "
check other "$(dest_rows /tmp/dest.snap | tail -n 1 | awk '{ print $1, $2, $3, $4, $5, $6, $7 }')" "* * 0 0 0 0 0"
# The server side of these connections is no client: no row towards a client port.
check no-server-rows "$(dest_rows /tmp/dest.snap | awk '$3 != 8000 && $3 != 0' | wc -l)" 0

# The reader names the two exhausted destinations, and only them.
check reader.findings "$(tcpclose --diagnose | grep ' -> ' | awk -F': ' '{ printf "%s;", $1 }')" \
	"127.0.0.1 -> 127.0.0.2:8000;127.0.0.1 -> 127.0.0.4:8000;"
tcpclose --dest | sed 's/^/    dest-reader| /'

# The file as it is now, on the console (README's worked example).
sed 's/^/    dest| /' /tmp/dest.snap

# reset zeroes the failures, not the sockets.
echo reset >$DEST || fail reset.write "write refused"
cat $DEST >/tmp/dest.snap
check reset.connect_failures "$(dest_meta connect_failures /tmp/dest.snap)" 0
check reset.row_failures "$(dest_get 127.0.0.2 8000 connect_failures /tmp/dest.snap)" 0
check reset.in_use "$(dest_get 127.0.0.2 8000 in_use /tmp/dest.snap)" 200
check reset.failure_dests "$(dest_meta failure_dests /tmp/dest.snap)" 0
tcw dest -s 127.0.0.2 -p 8000 -f 2 -c client >/tmp/d2.out 2>&1
cat $DEST >/tmp/dest.snap
check after-reset.connect_failures "$(dest_get 127.0.0.2 8000 connect_failures /tmp/dest.snap)" 2

# Another namespace's destinations never appear here, nor ours there.
unshare -n sh -c 'ip link set lo up
	tcw dest -s 127.0.0.9 -p 9000 -n 10 -c hold -r /tmp/ready.ns2 -h 600 >/dev/null 2>&1 &
	i=0; while [ ! -e /tmp/ready.ns2 ] && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.1; done
	cat /proc/tcpclose_dest >/tmp/ns2.dest; kill $!'
cat $DEST >/tmp/dest.snap
check netns.theirs "$(dest_get 127.0.0.9 9000 in_use /tmp/ns2.dest)" 10
check netns.theirs.dests "$(dest_meta dests /tmp/ns2.dest)" 1
check netns.theirs.failures "$(dest_meta connect_failures /tmp/ns2.dest)" 0
check netns.ours "$(dest_get 127.0.0.9 9000 in_use /tmp/dest.snap)" absent
check netns.ours.dests "$(dest_meta dests /tmp/dest.snap)" 3

stop_tcw
kill $D4 2>/dev/null
wait $D4 2>/dev/null
