# The max_ports bound never loses an event: events of ports beyond it go to
# port 0, "other", eviction makes room for new ports, and every column adds
# up over the rows. Runs in its own netns, so only its ports exist.
rmmod tcpclose
insmod $KO max_ports=2 || fail insmod "max_ports=2 refused"
check param.value "$(cat /sys/module/tcpclose/parameters/max_ports)" 2
for p in 5014 5015 5016; do
	tcw server-first -n 5 -p $p >/dev/null || fail "workload.$p" "tcw failed"
done
# Sockets settle asynchronously: read until the totals are reached (at
# most 30 s; the checks judge the last read).
settled() {
	cat $PROC >/tmp/mp.snap
	[ "$(tc_sum passive_closes /tmp/mp.snap)" = 15 ]
}
wait_until 30 settled
check bound.active "$(tc_sum active_closes /tmp/mp.snap)" 15
check bound.passive "$(tc_sum passive_closes /tmp/mp.snap)" 15
check bound.time_wait "$(tc_sum time_wait /tmp/mp.snap)" 15
check bound.tw_created "$(tc_sum tw_created /tmp/mp.snap)" 15
check bound.dropped "$(tc_meta dropped /tmp/mp.snap)" 0
check bound.untracked "$(tc_meta untracked /tmp/mp.snap)" 0
check bound.ports "$([ "$(tc_meta ports /tmp/mp.snap)" -le 2 ] && echo ok)" ok
check bound.other "$(tc_rows /tmp/mp.snap | awk '$1 == 0 && $3 + $4 > 0' | wc -l | tr -d ' ')" 2
rmmod tcpclose
insmod $KO || fail insmod "reload failed"
