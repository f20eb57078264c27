# The TIME_WAIT lifecycle, seen by kprobes: created, expired by the timer,
# killed early (reuse by connect), refused (tcp_max_tw_buckets), and
# orphans whose FIN_WAIT2 timed out.
check probes "$(tc_meta tw_probes)" created,expired,killed,overflow

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
expect reuse 5032 client tw_created=3 tw_killed=2 time_wait=1 active_closes=3
sysctl -qw net.ipv4.ip_local_port_range="32768 60999"

# 4. Orphans in FIN_WAIT2 whose peer (a server that never closes) sends no
# FIN: with tcp_fin_timeout 2 s they time out, whether the kernel kept them
# as timewait sockets or as full sockets.
sysctl -qw net.ipv4.tcp_fin_timeout=2
start_tcw fw2 leak -n 4 -p 5033 || return
expect fin_wait2-timeouts 5033 client fin_wait2_timeouts=4 fin_wait2=0 active_closes=4
stop_tcw

# 5. TIME_WAIT lasts 60 s: the five from step 1 expire by their timer.
left=$((t0 + 61 - $(date +%s)))
[ $left -gt 0 ] && sleep $left
expect expired 5030 server tw_created=5 tw_expired=5 time_wait=0 tw_killed=0
