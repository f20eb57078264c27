# The client closes first (the healthy pattern): TIME_WAIT stays on the client.
N=20 P=5002
start_tcw cf client-first -n $N -p $P || return
expect server $P server active_closes=0 passive_closes=$N resets=0 time_wait=0 close_wait=0
expect client $P client active_closes=$N passive_closes=0 resets=0 time_wait=$N close_wait=0
expect_rows rows 2
check sockstat_tw "$(tc_meta sockstat_tw)" $N
stop_tcw
