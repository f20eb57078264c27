# The reader names a server that closes first, with the numbers behind it,
# in the table's summary, in --diagnose, --json and --prometheus. 20
# TIME_WAIT sockets are below the default --min-time-wait (500: a keep-alive
# server closing idle connections is no problem), so it is lowered here;
# 32-check-server-first makes the default's hundreds.
N=20 P=5020
start_tcw rsf server-first -n $N -p $P || return
expect settled $P server active_closes=$N time_wait=$N
check default-quiet "$(tcpclose --diagnose)" "No problems found (2 rows checked)."
tcpclose --min-time-wait $N --diagnose >/tmp/r.out 2>&1
check diagnose.status $? 0
check diagnose.finding "$(sed -n 1p /tmp/r.out)" \
	"port $P: the server closes first: $N of its $N closes were active (100%), and it holds $N sockets in TIME_WAIT."
check diagnose.advice "$(sed -n 2p /tmp/r.out)" \
	"    Let the client close first (the TIME_WAIT then stays with it), or use keep-alive so that fewer connections are closed."
check diagnose.only "$(grep -c '^port ' /tmp/r.out)" 1
# The table: sorted by TIME_WAIT, the server's row first, then the summary.
tcpclose --min-time-wait $N >/tmp/r.out 2>&1
check table.status $? 0
check table.heading "$(sed -n 2p /tmp/r.out | reader_v1)" \
	"PORT ROLE ACTIVE PASSIVE SIMULT RESETS TIME_WAIT CLOSE_WAIT FIN_WAIT1 FIN_WAIT2 LAST_ACK CLOSING ESTAB"
check table.first "$(sed -n 3p /tmp/r.out | reader_v1)" "$P server $N 0 0 0 $N 0 0 0 0 0 0"
check table.second "$(sed -n 4p /tmp/r.out | reader_v1)" "$P client 0 $N 0 0 0 0 0 0 0 0 0"
check table.summary "$(tail -n 2 /tmp/r.out)" "1 finding (tcpclose --diagnose explains):
  port $P: the server closes first ($N TIME_WAIT)"
# Filters and thresholds.
check role-client "$(tcpclose --min-time-wait $N --role client --diagnose)" "No problems found (1 row checked)."
check min-time-wait "$(tcpclose --min-time-wait $((N + 1)) --diagnose)" "No problems found (2 rows checked)."
check top "$(tcpclose --top 1 | grep -cE '^ *[0-9]+ (client|server) ')" 1
# Machine outputs carry the same numbers.
check json "$(tcpclose --min-time-wait $N --json | grep -c "\"kind\":\"server_closes_first\",\"port\":$P,\"role\":\"server\",\"time_wait\":$N,\"active_closes\":$N,\"passive_closes\":0")" 1
check prometheus "$(tcpclose --prometheus | grep -cx "tcpclose_time_wait_sockets{netns=\"$(tc_meta netns)\",port=\"$P\",role=\"server\"} $N")" 1
check prometheus.up "$(tcpclose --prometheus | grep -x "tcpclose_up{netns=\"$(tc_meta netns)\"} 1")" "tcpclose_up{netns=\"$(tc_meta netns)\"} 1"
stop_tcw
# Since when: the counters' age from since_boot_s and /proc/uptime, in the
# table, JSON and Prometheus; a reset starts it again.
since=$(tc_meta since_boot_s)
up0=$(cut -d. -f1 /proc/uptime)
t0=$(date +%s)
tcpclose >/tmp/r.out
tcpclose --json >/tmp/r.json
tcpclose --prometheus >/tmp/r.prom
up1=$(cut -d. -f1 /proc/uptime)
t1=$(date +%s)
# in_range NAME VALUE LO HI
in_range() {
	check "$1" "$([ "$2" -ge "$3" ] 2>/dev/null && [ "$2" -le "$4" ] && echo ok || echo "$2 not in $3..$4")" ok
}
age=$(sed -n 's/^"counting_s":\([0-9]*\),$/\1/p' /tmp/r.json)
in_range since.json "$age" $((up0 - since - 1)) $((up1 - since + 1))
check since.json-meta "$(grep -c "\"since_boot_s\":$since,\"netns_total\":" /tmp/r.json)" 1
check since.table "$(sed -n 1p /tmp/r.out | grep -c ', counting for [0-9hmds]*$')" 1
check since.table-avg "$(grep -c ' CLOSES/S$' /tmp/r.out)" 1
ts=$(sed -n "s/^tcpclose_counting_since_timestamp_seconds{netns=\"$(tc_meta netns)\"} \([0-9]*\)$/\1/p" /tmp/r.prom)
in_range since.prom "$ts" $((t0 - (up1 - since) - 2)) $((t1 - (up0 - since) + 2))
echo reset >$PROC
in_range since.reset "$(tc_meta since_boot_s)" $up0 $(($(cut -d. -f1 /proc/uptime) + 1))
in_range since.reset-json "$(tcpclose --json | sed -n 's/^"counting_s":\([0-9]*\),$/\1/p')" 0 2
