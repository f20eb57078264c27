# The server closes first: it inherits TIME_WAIT, its clients see CLOSE_WAIT.
N=20 P=5001
start_tcw sf server-first -n $N -p $P || return
expect server $P server active_closes=$N passive_closes=0 simultaneous_closes=0 \
	resets=0 time_wait=$N close_wait=0 fin_wait2=0
expect client $P client active_closes=0 passive_closes=$N simultaneous_closes=0 \
	resets=0 time_wait=0 close_wait=0 last_ack=0
# Only this port has rows; the netns-wide figures agree with sockstat.
check rows "$(tc_rows | wc -l)" 2
check sockstat_tw "$(tc_meta sockstat_tw)" $N
check tw_fin_wait2 "$(tc_meta tw_fin_wait2)" 0
check_sockstat sockstat-invariant
stop_tcw
