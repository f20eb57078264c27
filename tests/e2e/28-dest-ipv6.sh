# Port exhaustion per destination over IPv6: fd00::2 and fd00::3 on lo, a
# 200-port range; the same figures as 27 against /proc/net/tcp6.
sysctl -qw net.ipv4.ip_local_port_range="40000 40199"
sysctl -qw net.ipv4.tcp_tw_reuse=0
ip -6 addr add fd00::2/128 dev lo || fail addr "ip -6 addr add failed"
ip -6 addr add fd00::3/128 dev lo || fail addr "ip -6 addr add failed"
# Loopback sends no DAD probes, but an address stays tentative (bind()
# fails with EADDRNOTAVAIL) until addrconf's work runs, which a loaded
# host delayed past the first bind once. Busybox ip has no nodad: wait for
# IFA_F_TENTATIVE (0x40) to clear in /proc/net/if_inet6.
addrs_ready() {
	local n=0 a f
	while read -r a _ _ _ f _; do
		case $a in
		fd00000000000000000000000000000[23]) [ $((0x$f & 0x40)) = 0 ] && n=$((n + 1)) ;;
		esac
	done </proc/net/if_inet6
	[ $n = 2 ]
}
wait_until 30 addrs_ready || fail addr.ready "fd00::2 and fd00::3 not ready after 30 s: $(grep fd00 /proc/net/if_inet6)"
# fd00::2 and fd00::3 as /proc/net/tcp6 prints them (32-bit words, host order).
H2=000000FD000000000000000002000000:1F40
H3=000000FD000000000000000003000000:1F40

start_tcw d3 dest -6 -s fd00::3 -p 8000 -n 20 -c hold || return
check held.workload "$(cat /tmp/tcw.out)" "tcw: dest connected 20 eaddrnotavail 0 eaddrinuse 0"
tcw dest -6 -s fd00::2 -p 8000 -f 5 -c client >/tmp/d2.out 2>&1
check client-first.workload "$(cat /tmp/d2.out)" "tcw: dest connected 200 eaddrnotavail 5 eaddrinuse 0"

dest_settle client-first $H2 fd00::2 8000 /proc/net/tcp6
check client-first.in_use.all "$(dest_get fd00::2 8000 in_use /tmp/dest.snap)" 200
check client-first.time_wait.all "$(dest_get fd00::2 8000 time_wait /tmp/dest.snap)" 200
check client-first.connect_failures "$(dest_get fd00::2 8000 connect_failures /tmp/dest.snap)" 5
# The source a connect() to a local address takes is that address (RFC 6724 rule 1).
check client-first.local "$(dest_rows /tmp/dest.snap | awk '$2 == "fd00::2" { print $1 }')" fd00::2
dest_settle held $H3 fd00::3 8000 /proc/net/tcp6
check held.in_use.all "$(dest_get fd00::3 8000 in_use /tmp/dest.snap)" 20
check held.connect_failures "$(dest_get fd00::3 8000 connect_failures /tmp/dest.snap)" 0
check header.connect_failures "$(dest_meta connect_failures /tmp/dest.snap)" 5
check header.dests "$(dest_meta dests /tmp/dest.snap)" 2
check header.local_ports_in_use "$(dest_meta local_ports_in_use /tmp/dest.snap)" 200
check rows "$(dest_rows /tmp/dest.snap | awk '{ printf "%s:%s ", $2, $3 }')" "fd00::2:8000 fd00::3:8000 *:0 "
stop_tcw
