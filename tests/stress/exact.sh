# The quiet final phase: workloads of every close kind at once, on distinct
# ports (so both CPUs count into the same tables), with readers and
# rejected writes alongside but no reset and no reload. Afterwards every
# counter is exactly what the workloads did: no event lost or counted
# twice.
N=$EXACT_N
sysctl -qw net.ipv4.tcp_max_tw_buckets=1000000
rm -f $ST/e.stop
for f in $(tables); do
	tcfuzz read -t $ST/e.stop -s 7 $f >$ST/e.read.${f##*/} 2>&1 &
done
tcfuzz write -t $ST/e.stop -s 8 $PROC >$ST/e.write 2>&1 &
for w in "sf server-first -p 8001" "cf client-first -p 8002" "ab abort -p 8003" \
	 "lk leak -p 8004" "v6sf server-first -6 -p 8005" "v6cf client-first -6 -p 8006" \
	 "v6ab abort -6 -p 8007"; do
	set -- $w
	name=$1
	shift
	rm -f $ST/e.ready.$name
	tcw "$@" -n $N -r $ST/e.ready.$name -h 600 >$ST/e.out.$name 2>&1 &
	eval pid_$name=$!
done
tcw churn -d $EXACT_CHURN -p 8008 >$ST/e.out.churn 2>&1
end=$(deadline 240)
for name in sf cf ab lk v6sf v6cf v6ab; do
	while [ ! -e $ST/e.ready.$name ] && ! past "$end"; do sleep 0.1; done
	[ -e $ST/e.ready.$name ] || fail ready.$name "tcw $name not ready after 240 s: $(cat $ST/e.out.$name)"
done
touch $ST/e.stop
sleep 1
cat $ST/e.out.* >>$ST/tcw.out
C=$(sed -n 's/^tcw: churn done \([0-9]*\)/\1/p' $ST/e.out.churn)
check churn.ran "$(test "${C:-0}" -gt 0 && echo yes)" yes

# Counters are exact; of the gauges only CLOSE_WAIT is (the leak's server
# holds its sockets): TIME_WAIT and orphans time out after 60 s, which a
# slow debug kernel may reach by now.
z="simultaneous_closes=0"
expect sf 8001 server active_closes=$N passive_closes=0 resets=0 $z
expect sf.client 8001 client passive_closes=$N active_closes=0 resets=0 $z
expect cf 8002 client active_closes=$N passive_closes=0 resets=0 $z
expect cf.server 8002 server passive_closes=$N active_closes=0 resets=0 $z
expect abort 8003 client local_aborts=$N resets=0 active_closes=0 passive_closes=0 $z
expect abort.server 8003 server resets=$N local_aborts=0 active_closes=0 passive_closes=0 $z
expect leak 8004 server passive_closes=$N active_closes=0 resets=0 $z close_wait=$N
expect leak.client 8004 client active_closes=$N passive_closes=0 resets=0 $z
expect v6sf 8005 server active_closes=$N passive_closes=0 resets=0 $z
expect v6sf.client 8005 client passive_closes=$N active_closes=0 resets=0 $z
expect v6cf 8006 client active_closes=$N passive_closes=0 resets=0 $z
expect v6cf.server 8006 server passive_closes=$N active_closes=0 resets=0 $z
expect v6abort 8007 client local_aborts=$N resets=0 active_closes=0 passive_closes=0 $z
expect v6abort.server 8007 server resets=$N local_aborts=0 active_closes=0 passive_closes=0 $z
expect churn 8008 server active_closes=$C passive_closes=0 resets=0 $z
expect churn.client 8008 client passive_closes=$C active_closes=0 resets=0 $z
cat $PROC >$ST/e.snap
check dropped "$(tc_meta dropped $ST/e.snap)" 0
check untracked "$(tc_meta untracked $ST/e.snap)" 0
check rows "$(tc_rows $ST/e.snap | wc -l)" 16
check totals.active "$(tc_sum active_closes $ST/e.snap)" $((5 * N + C))
check totals.passive "$(tc_sum passive_closes $ST/e.snap)" $((5 * N + C))
check totals.resets "$(tc_sum resets $ST/e.snap)" $((2 * N))
check totals.local_aborts "$(tc_sum local_aborts $ST/e.snap)" $((2 * N))
check totals.simultaneous "$(tc_sum simultaneous_closes $ST/e.snap)" 0
# A reset zeroes every counter, and the gauges stay.
check reset "$(tcw write $PROC reset)" "ok 5"
cat $PROC >$ST/e.snap
check reset.counters "$(($(tc_sum active_closes $ST/e.snap) + $(tc_sum passive_closes $ST/e.snap) + $(tc_sum resets $ST/e.snap)))" 0
check reset.gauges "$(tc_get 8004 server close_wait $ST/e.snap)" $N
wait_readers() {
	for f in $(tables); do
		check_fuzz "reads.${f##*/}" $ST/e.read.${f##*/} reads
	done
	check_fuzz writes $ST/e.write writes
}
eval kill $(for n in sf cf ab lk v6sf v6cf v6ab; do echo \$pid_$n; done)
wait
wait_readers
