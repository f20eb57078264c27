# A healthy mix: clients that close first (as pools do) and aborts. The
# reader says nothing alarming.
start_tcw rh1 client-first -n 25 -p 5023 || return
W1=$TCW_PID
start_tcw rh2 abort -n 5 -p 5123 || return
expect settled.client-first 5023 client active_closes=25 time_wait=25
expect settled.abort 5123 client local_aborts=5
tcpclose --diagnose >/tmp/r.out 2>&1
check diagnose.status $? 0
check diagnose "$(cat /tmp/r.out)" "No problems found (4 rows checked)."
tcpclose >/tmp/r.out 2>&1
check table.status $? 0
check table.rows "$(grep -cE '^ *[0-9]+ (client|server) ' /tmp/r.out)" 4
check table.summary "$(tail -n 1 /tmp/r.out)" "No problems found."
check json.diagnoses "$(tcpclose --json | grep -c '^"diagnoses":\[\],$')" 1
stop_tcw
TCW_PID=$W1
stop_tcw
