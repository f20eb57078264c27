# Each network namespace sees only its own rows.
N=10
start_tcw a server-first -n $N -p 5008 || return
A_PID=$TCW_PID
rm -f /tmp/ready.b
unshare -n sh -c "ip link set lo up; exec tcw client-first -n $N -p 5009 -r /tmp/ready.b -h 600" \
	>/tmp/tcw.b 2>&1 &
B_PID=$!
wait_until 120 test -e /tmp/ready.b || fail b.workload "tcw in B not ready after 120 s: $(cat /tmp/tcw.b)"
expect a.own 5008 server active_closes=$N time_wait=$N
check a.not-b "$(grep -c '^ *5009 ' $PROC)" 0
nsenter -t $B_PID -n cat $PROC >/tmp/b.snap
check b.own "$(tc_get 5009 client time_wait /tmp/b.snap)" $N
check b.own-active "$(tc_get 5009 client active_closes /tmp/b.snap)" $N
check b.not-a "$(grep -c '^ *5008 ' /tmp/b.snap)" 0
check b.sockstat "$(tc_meta sockstat_tw /tmp/b.snap)" $N
# A reset in B leaves A alone.
nsenter -t $B_PID -n sh -c "echo reset > $PROC"
nsenter -t $B_PID -n cat $PROC >/tmp/b.snap
check b.reset "$(tc_get 5009 client active_closes /tmp/b.snap)" 0
check a.after-b-reset "$(tc_get 5008 server active_closes)" $N
kill $B_PID; wait $B_PID 2>/dev/null
stop_tcw
