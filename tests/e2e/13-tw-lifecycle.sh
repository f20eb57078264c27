# The TIME_WAIT lifecycle, seen by kprobes: created, expired by the timer,
# killed early (reuse by connect, an RST from the peer, SOCK_DESTROY as
# sent by ss -K), refused (tcp_max_tw_buckets), and orphans whose
# FIN_WAIT2 timed out.
check probes "$(tc_meta tw_probes)" created,expired,killed,overflow,fin

# 1. Five TIME_WAIT sockets now; their expiry is checked at the end.
tcw server-first -n 5 -p 5030 >/dev/null || fail expiry.workload "tcw failed"
t0=$(date +%s)
expect created 5030 server tw_created=5 time_wait=5 tw_expired=0 tw_killed=0

# 2. Room for 8 timewait sockets in this netns, 5 taken: of 10 more, 3 are
# created and 7 refused (and close straight to CLOSED).
sysctl -qw net.ipv4.tcp_max_tw_buckets=8
tcw server-first -n 10 -p 5031 >/dev/null || fail overflow.workload "tcw failed"
expect overflow 5031 server tw_created=3 tw_overflow=7 time_wait=3 active_closes=10
sysctl -qw net.ipv4.tcp_max_tw_buckets=100000

# 3. One local port and tcp_tw_reuse: each connect after the first reuses
# the previous connection's TIME_WAIT (allowed once its timestamp is over
# a second old), killing it early.
sysctl -qw net.ipv4.ip_local_port_range="40000 40000"
sysctl -qw net.ipv4.tcp_tw_reuse=1
for i in 1 2 3; do
	tcw client-first -n 1 -p 5032 >/dev/null || fail "reuse.workload$i" "tcw failed"
	sleep 1.2
done
expect reuse 5032 client tw_created=3 tw_killed=2 tw_killed_reuse=2 tw_killed_rst=0 tw_killed_abort=0 time_wait=1 active_closes=3
sysctl -qw net.ipv4.ip_local_port_range="32768 60999"

# 3b. An in-window RST from the peer ends TIME_WAIT early (the "TIME_WAIT
# assassination" of RFC 1337, which Linux allows while tcp_rfc1337 is 0,
# the default). With tcp_rfc1337=1 the same RSTs are ignored.
tcw tw-rst -n 4 -p 5034 >/dev/null || fail rst.workload "tcw failed"
expect rst 5034 server tw_created=4 tw_killed=4 tw_killed_rst=4 tw_killed_reuse=0 tw_killed_abort=0 time_wait=0 active_closes=4
sysctl -qw net.ipv4.tcp_rfc1337=1
tcw tw-rst -n 3 -p 5035 >/dev/null || fail rst1337.workload "tcw failed"
expect rst1337 5035 server tw_created=3 tw_killed=0 tw_killed_rst=0 time_wait=3
sysctl -qw net.ipv4.tcp_rfc1337=0

# 3c. SOCK_DESTROY, what `ss -K` sends: tcp_abort() ends timewait sockets
# (Debian's 6.1 and 6.12 both do).
for m in inet_diag tcp_diag; do
	grep -q "^$m " /proc/modules || insmod /lib/kmod/$m.ko || fail kill.modules "insmod $m failed"
done
out=$(tcw tw-kill -n 4 -p 5036) || fail kill.workload "tcw failed"
check kill.result "$(echo "$out" | sed -n 's/^tcw: \(destroyed .*\)/\1/p')" "destroyed 4 of 4"
expect kill 5036 server tw_created=4 tw_killed=4 tw_killed_abort=4 tw_killed_rst=0 tw_killed_reuse=0 time_wait=0

# 4. Orphans in FIN_WAIT2 whose peer (a server that never closes) sends no
# FIN: with tcp_fin_timeout 3 s they time out, whether the kernel kept them
# as timewait sockets or as full sockets, and their FIN_WAIT2 lasted the
# 3 s (bucket (2.1 s, 4.2 s], near its middle in log terms, 2.97 s: the
# timer wheel fires up to 32 ms late on an idle guest, and a guest slowed
# down by the host's load later still; 2 s, 97 ms below a bucket's edge,
# was too close).
sysctl -qw net.ipv4.tcp_fin_timeout=3
start_tcw fw2 leak -n 4 -p 5033 || return
expect fin_wait2-timeouts 5033 client fin_wait2_timeouts=4 fin_wait2=0 active_closes=4 local_aborts=0 resets=0
fw2_hist() {
	awk -v ph="$1" -v f="$2" '$1 == 5033 && $2 == "client" && $3 == ph {
		if (f == "count") v = $4
		else for (i = 6; i <= NF; i++) { split($i, kv, ":"); if (kv[1] == f) v = kv[2] } }
		END { print v + 0 }' /proc/tcpclose_hist
}
check fin_wait2-timeouts.hist "$(fw2_hist fin_wait2 4194304)/$(fw2_hist fin_wait2 count)" 4/4
check fin_wait2-timeouts.total "$(fw2_hist total 4194304)/$(fw2_hist total count)" 4/4
stop_tcw

# 5. TIME_WAIT lasts 60 s: the five from step 1 expire by their timer.
left=$((t0 + 61 - $(date +%s)))
[ $left -gt 0 ] && sleep $left
expect expired 5030 server tw_created=5 tw_expired=5 time_wait=0 tw_killed=0 tw_killed_rst=0
