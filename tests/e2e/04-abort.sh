# SO_LINGER {1, 0}: the client aborts with RST, the server receives it.
# Both sides go ESTABLISHED -> CLOSE; no TIME_WAIT anywhere.
N=20 P=5004
start_tcw ab abort -n $N -p $P || return
expect server $P server resets=$N active_closes=0 passive_closes=0 time_wait=0 close_wait=0
expect client $P client resets=$N active_closes=0 passive_closes=0 time_wait=0 close_wait=0
check sockstat_tw "$(tc_meta sockstat_tw)" 0
stop_tcw
