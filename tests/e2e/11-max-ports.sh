# The max_ports bound: events of ports beyond it are dropped and counted,
# never silently lost. Runs in its own netns, so only its ports exist.
rmmod tcpclose
insmod $KO max_ports=2 || fail insmod "max_ports=2 refused"
check param.value "$(cat /sys/module/tcpclose/parameters/max_ports)" 2
for p in 5014 5015 5016; do
	tcw server-first -n 5 -p $p >/dev/null || fail "workload.$p" "tcw failed"
done
expect bound.first 5014 server active_closes=5
expect bound.second 5015 server active_closes=5
check bound.third "$(tc_get 5016 server active_closes)" 0
# 5 active closes + 5 passive closes + 5 timewait sockets created.
check bound.dropped "$(tc_meta dropped)" 15
check bound.untracked "$(tc_meta untracked)" 5
check bound.ports "$(tc_meta ports)" 2
rmmod tcpclose
insmod $KO || fail insmod "reload failed"
