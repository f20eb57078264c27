# SO_LINGER {1, 0}: the client aborts with RST, the server receives it.
# Both sides go ESTABLISHED -> CLOSE; no TIME_WAIT anywhere. The client's
# end is its application's doing (local_aborts), the server's a reset.
N=20 P=5004
start_tcw ab abort -n $N -p $P || return
expect server $P server resets=$N local_aborts=0 active_closes=0 passive_closes=0 time_wait=0 close_wait=0
expect client $P client local_aborts=$N resets=0 active_closes=0 passive_closes=0 time_wait=0 close_wait=0
expect_rows rows 2
check sockstat_tw "$(tc_meta sockstat_tw)" 0
stop_tcw
