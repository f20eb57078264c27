# Simultaneous close: both ends shut down at once and their FINs cross
# (tcw simultaneous holds every segment on lo for 200 ms with netem, so
# that both FINs are in flight before either arrives). Each side goes
# FIN_WAIT1 -> CLOSING -> TIME_WAIT: a simultaneous close, also counted as
# active (each sent its FIN first), and TIME_WAIT on both sides.
grep -q '^sch_netem ' /proc/modules || insmod /lib/kmod/sch_netem.ko ||
	fail modules "insmod sch_netem failed"
N=10 P=5050
start_tcw sim simultaneous -n $N -p $P || return
expect server $P server simultaneous_closes=$N active_closes=$N passive_closes=0 \
	resets=0 local_aborts=0 time_wait=$N closing=0 fin_wait1=0
expect client $P client simultaneous_closes=$N active_closes=$N passive_closes=0 \
	resets=0 local_aborts=0 time_wait=$N closing=0 fin_wait1=0
expect_rows rows 2
check sockstat_tw "$(tc_meta sockstat_tw)" $((2 * N))
check_sockstat sockstat-invariant
stop_tcw
# The same over IPv6.
N=5 P=5051
start_tcw sim6 simultaneous -6 -n $N -p $P || return
expect v6.server $P server simultaneous_closes=$N active_closes=$N passive_closes=0 time_wait=$N
expect v6.client $P client simultaneous_closes=$N active_closes=$N passive_closes=0 time_wait=$N
expect_rows v6.rows 4
stop_tcw
