# max_ports_netns_total: the entries (and 256-port blocks) of all
# namespaces but the initial one share one bound, so that no number of
# namespaces pins unbounded memory. A namespace that finds no unit left
# counts its new ports on port 0, exactly, as a full table does; the
# initial namespace is outside the bound; a namespace that goes gives its
# units back. All ports here are in one block (6000..6255), so a namespace
# with k entries holds k + 1 units.
CAP=8
rmmod tcpclose || fail rmmod "rmmod failed"
insmod $KO max_ports_netns_total=$CAP || fail insmod "max_ports_netns_total=$CAP refused"
check param.value "$(cat /sys/module/tcpclose/parameters/max_ports_netns_total)" $CAP
check start.total "$(tc_meta netns_total)" 0
check start.max "$(tc_meta max_ports_netns_total)" $CAP

# holders NAME PORTS...: in this netns, one held server-first workload (2
# connections, listener kept) per port, one after the other; their pids
# in /tmp/nt.NAME.pids.
holders() {
	local name=$1 p
	shift
	: >/tmp/nt.$name.pids
	for p in "$@"; do
		rm -f /tmp/nt.$name.$p
		tcw server-first -n 2 -p $p -r /tmp/nt.$name.$p -h 600 >/dev/null 2>&1 &
		echo $! >>/tmp/nt.$name.pids
		wait_until 120 test -e /tmp/nt.$name.$p || return 1
	done
}

# ns_start NAME: a new netns holding five ports 6001..6005 (its listeners
# keep its entries from eviction), as holders does; its pid in NS_PID.
ns_start() {
	rm -f /tmp/nt.$1.ready /tmp/nt.$1.600[1-5]
	: >/tmp/nt.$1.pids
	unshare -n sh -c "ip link set lo up
		for p in 6001 6002 6003 6004 6005; do
			tcw server-first -n 2 -p \$p -r /tmp/nt.$1.\$p -h 600 >/dev/null 2>&1 &
			echo \$! >>/tmp/nt.$1.pids
			while [ ! -e /tmp/nt.$1.\$p ]; do sleep 0.1; done
		done
		touch /tmp/nt.$1.ready
		exec sleep 600" >/tmp/nt.$1.out 2>&1 &
	NS_PID=$!
	wait_until 300 test -e /tmp/nt.$1.ready ||
		fail "$1.workload" "not ready after 300 s: $(cat /tmp/nt.$1.out)"
}

ns_stop() {
	kill $(cat /tmp/nt.$1.pids) "$2" 2>/dev/null
	wait "$2" 2>/dev/null
}

# ns_check NAME PID: 1 block + 3 entries of the 4 units left; ports 6004
# and 6005 on port 0 (2 connections each, server closes first), every
# column still adding up. Judged on closes, which stay: a slow start of
# the five workloads may outlast their first TIME_WAIT sockets (60 s).
ns_check() {
	local n=$1 f=/tmp/nt.$1.snap
	settled() {
		nsenter -t "$2" -n cat $PROC >$f
		[ "$(tc_sum active_closes $f) $(tc_sum passive_closes $f)" = "10 10" ]
	}
	wait_until 30 settled "$@"
	check $n.rows "$(tc_rows $f | wc -l)" 8
	check $n.ports "$(tc_meta ports $f)" 3
	check $n.total "$(tc_meta netns_total $f)" $CAP
	check $n.max "$(tc_meta max_ports_netns_total $f)" $CAP
	check $n.dropped "$(tc_meta dropped $f)" 0
	for p in 6001 6002 6003; do
		check $n.$p "$(tc_get $p server active_closes $f) $(tc_get $p client passive_closes $f)" "2 2"
	done
	check $n.no-6004 "$(tc_get 6004 server port $f)" absent
	check $n.other "$(tc_get 0 server active_closes $f) $(tc_get 0 client passive_closes $f)" "4 4"
	check $n.totals "$(tc_sum active_closes $f) $(tc_sum passive_closes $f)" "10 10"
}

# This netns (the test's own, not the initial one): 3 entries, 4 units.
holders a 6001 6002 6003 || fail a.workload "not ready: $(cat /tmp/tcw.out)"
expect a.6003 6003 server active_closes=2 time_wait=2
check a.total "$(tc_meta netns_total)" 4
check a.ports "$(tc_meta ports)" 3
# The reader carries both to JSON and Prometheus.
check a.json "$(tcpclose --json | grep -c '"netns_total":4,"max_ports_netns_total":'$CAP'}')" 1
check a.prom "$(tcpclose --prometheus | grep -c '^tcpclose_netns_shared_entries{netns="[0-9]*"} 4$')" 1

# A second namespace takes the 4 units left, then finds none.
ns_start b
B_PID=$NS_PID
ns_check b "$B_PID"
check a.unaffected "$(tc_get 0 server active_closes)" absent

# The initial namespace is outside the bound: 10 new ports, 10 entries.
for p in $(seq 6101 6110); do
	nsenter -t 1 -n tcw server-first -n 1 -p $p >/dev/null || fail "init.workload.$p" "tcw failed"
done
nsenter -t 1 -n cat $PROC >/tmp/nt.init.snap
check init.rows "$(tc_rows /tmp/nt.init.snap | awk '$1 >= 6101 && $1 <= 6110 && $2 == "server" && $3 == 1' | wc -l)" 10
check init.other "$(tc_get 0 server active_closes /tmp/nt.init.snap)" absent
check init.total "$(tc_meta netns_total /tmp/nt.init.snap)" $CAP

# The second namespace goes: its 4 units come back, exactly, and a third
# gets as many as it had.
ns_stop b "$B_PID"
back() { [ "$(tc_meta netns_total)" = 4 ]; }
wait_until 60 back
check b.gone.total "$(tc_meta netns_total)" 4
ns_start c
C_PID=$NS_PID
ns_check c "$C_PID"
ns_stop c "$C_PID"
wait_until 60 back
check c.gone.total "$(tc_meta netns_total)" 4

# Hostile: an unprivileged user floods 300 throwaway ports in each of
# three namespaces at once (listeners closed: their entries are evicted to
# make room, units given back and taken again). Every close is counted,
# the bound holds, and once they go only this netns's units remain.
for i in 1 2 3; do
	unshare -n sh -c "ip link set lo up
		tcw as -u 65534 tcw spread -n 300 -p 20000 >/tmp/nt.f$i.out 2>&1 &&
		cat $PROC" >/tmp/nt.f$i.snap &
	eval F$i=\$!
done
wait $F1 $F2 $F3
for i in 1 2 3; do
	f=/tmp/nt.f$i.snap
	check flood$i.totals "$(tc_sum active_closes $f) $(tc_sum passive_closes $f)" "300 300"
	check flood$i.dropped "$(tc_meta dropped $f)" 0
	check flood$i.bounded "$([ "$(tc_meta netns_total $f)" -le $CAP ] &&
		[ "$(tc_meta ports $f)" -le 3 ] && echo ok)" ok
done
wait_until 60 back
check flood.gone.total "$(tc_meta netns_total)" 4
kill $(cat /tmp/nt.a.pids) 2>/dev/null
wait $(cat /tmp/nt.a.pids) 2>/dev/null

# 0: every namespace but the initial one counts on port 0 only.
rmmod tcpclose
insmod $KO max_ports_netns_total=0 || fail insmod "max_ports_netns_total=0 refused"
tcw server-first -n 3 -p 6201 >/dev/null || fail zero.workload "tcw failed"
expect zero.other 0 server active_closes=3
check zero.rows "$(tc_rows | wc -l) $(tc_meta ports) $(tc_meta netns_total)" "2 0 0"

# Out of range: refused, for this parameter's reason.
rmmod tcpclose
for bad in 4194305 -1 abc ''; do
	if insmod_bad max_ports_netns_total=$bad; then
		fail "param.bad.$bad" "accepted"
		rmmod tcpclose
	else
		check "param.bad.$bad" "$(is_loaded && echo loaded || echo refused)" refused
		check "param.bad.$bad.why" "$(dmesg | grep -q "tcpclose: max_ports_netns_total=$bad: must be 0..4194304" && echo said)" said
	fi
done
insmod $KO || fail insmod "reload failed"
check param.default "$(cat /sys/module/tcpclose/parameters/max_ports_netns_total)" 16384
