# TIME_WAIT sockets and a listener that exist before the module loads are
# seen: gauges come from the socket tables, roles from the listening hash.
N=20 P=5007
rmmod tcpclose || fail rmmod "rmmod failed"
check unloaded "$(test -e $PROC && echo present || echo absent)" absent
start_tcw pre server-first -n $N -p $P || return
insmod $KO || fail insmod "insmod failed"
# Counters start at load (nothing closed since), gauges see the past.
expect server $P server time_wait=$N active_closes=0 passive_closes=0
# The clients closed before the load and hold no TIME_WAIT: no row at all.
expect_absent client $P client
expect_rows rows 1
stop_tcw
