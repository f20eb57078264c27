# The server never calls close(): its sockets rot in CLOSE_WAIT, and the
# clients' orphans wait in FIN_WAIT2, which is not TIME_WAIT.
N=20 P=5003
start_tcw leak leak -n $N -p $P || return
expect server $P server active_closes=0 passive_closes=$N resets=0 close_wait=$N time_wait=0
expect client $P client active_closes=$N passive_closes=0 resets=0 time_wait=0 fin_wait2=$N
# sockstat counts most orphans as "tw" (those already handed to a timewait
# socket; one whose ACK raced with close() stays a full socket for a while):
# tcpclose tells them apart, and the sum still matches.
expect_rows rows 2
check_sockstat sockstat-invariant
check sockstat-field "$(tc_meta sockstat_tw)" "$(sockstat_tw)"
check no-time-wait "$(tc_sum time_wait)" 0
stop_tcw
