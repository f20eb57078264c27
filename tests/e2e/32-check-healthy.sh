# --check on a healthy mix: no output, exit 0. Clients that close first (as
# pools do), a keep-alive server that closes a few idle connections itself,
# clients that abort (SO_LINGER 0), a server with two sockets in CLOSE_WAIT
# in passing: each below its threshold (tcpclose(8) says why).
start_tcw ch1 client-first -n 25 -p 5060 || return
W1=$TCW_PID
tcw server-first -n 10 -p 5061 >/tmp/w.out 2>&1 || fail workload.keepalive "$(cat /tmp/w.out)"
tcw abort -n 5 -p 5062 >/tmp/w.out 2>&1 || fail workload.abort "$(cat /tmp/w.out)"
start_tcw ch4 leak -n 2 -p 5063 || return
expect settled.client-first 5060 client active_closes=25 time_wait=25
expect settled.keepalive 5061 server active_closes=10 time_wait=10
expect settled.abort 5062 server resets=5
expect settled.leak 5063 server close_wait=2
expect_rows settled.rows 8
tcpclose --check >/tmp/c.out 2>&1
check check.status $? 0
check check.silent "$(cat /tmp/c.out)" ""
tcpclose --check --diagnose >/tmp/c.out 2>&1
check diagnose.status $? 0
check diagnose "$(cat /tmp/c.out)" "No problems found (8 rows checked)."
tcpclose --check --json >/tmp/c.out 2>&1
check json.status $? 0
check json.none "$(grep -c '^"diagnoses_total":0,$' /tmp/c.out) $(grep -c '^"diagnoses":\[\],$' /tmp/c.out)" "1 1"
stop_tcw
TCW_PID=$W1
stop_tcw
