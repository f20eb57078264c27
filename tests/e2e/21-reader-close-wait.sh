# The reader reports a server that never calls close(); its clients'
# orphans in FIN_WAIT2 are not a finding.
N=20 P=5021
t0=$(date +%s)
start_tcw rcw leak -n $N -p $P || return
expect settled $P server close_wait=$N
tcpclose --diagnose >/tmp/r.out 2>&1
check diagnose.status $? 0
# This module reports close_wait_oldest_s (12-close-timing checks it): the
# age ends the sentence, at most the seconds since the workload started
# (0 or 1 on a quiet host; more when the emulator is slowed down).
age=$(sed -n '1s/.*; the oldest has waited \([0-9]*\) s\.$/\1/p' /tmp/r.out)
el=$(($(date +%s) - t0 + 1))
check diagnose.age "$([ -n "$age" ] && [ "$age" -le "$el" ] && echo ok || echo "'$age' (elapsed $el s)")" ok
check diagnose.finding "$(sed -n 1p /tmp/r.out | sed 's/; the oldest has waited [0-9]* s\././')" \
	"port $P: CLOSE_WAIT is accumulating on the server side: $N sockets whose peer closed, but the application has not called close()."
check diagnose.advice "$(sed -n 2p /tmp/r.out)" \
	"    Fix the missing close(): once read() returns 0 the peer is gone, and the socket stays until the application closes it."
check diagnose.only "$(grep -c '^port ' /tmp/r.out)" 1
tcpclose >/tmp/r.out 2>&1
check table.status $? 0
check table.summary "$(tail -n 2 /tmp/r.out | sed 's/, the oldest for [0-9]* s//')" "1 finding (tcpclose --diagnose explains):
  port $P: $N server sockets in CLOSE_WAIT (close() missing?)"
check sort.close-wait "$(tcpclose --sort close_wait | sed -n 3p | reader_v1)" \
	"$P server 0 $N 0 0 0 $N 0 0 0 0 0"
# Below the threshold: a few sockets pass through CLOSE_WAIT on busy servers.
check min-close-wait "$(tcpclose --min-close-wait $((N + 1)) --diagnose)" "No problems found (2 rows checked)."
check json "$(tcpclose --json | grep -c "\"kind\":\"close_wait\",\"port\":$P,\"role\":\"server\",\"close_wait\":$N,")" 1
stop_tcw
