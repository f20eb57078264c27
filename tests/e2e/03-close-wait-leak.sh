# The server never calls close(): its sockets rot in CLOSE_WAIT, and the
# clients' orphans wait in FIN_WAIT2, which is not TIME_WAIT.
N=20 P=5003
start_tcw leak leak -n $N -p $P || return
expect server $P server active_closes=0 passive_closes=$N resets=0 close_wait=$N time_wait=0
expect client $P client active_closes=$N passive_closes=0 resets=0 time_wait=0 fin_wait2=$N
# sockstat counts the orphans as "tw"; tcpclose tells them apart.
check sockstat_tw "$(tc_meta sockstat_tw)" $N
check tw_fin_wait2 "$(tc_meta tw_fin_wait2)" $N
check_sockstat sockstat-invariant
check sockstat-real "$(sockstat_tw)" $N
stop_tcw
