# A server that never calls close(): 20 sockets in CLOSE_WAIT (default
# --min-close-wait 10). A leak only grows: --check exits 11 (critical) with
# that finding alone; its clients' orphans in FIN_WAIT2 are no finding.
N=20 P=5065
start_tcw cw leak -n $N -p $P || return
expect settled $P server passive_closes=$N close_wait=$N
tcpclose --check >/tmp/c.out 2>&1
check status $? 11
# The age is the workload's (0 to a few seconds here).
check age "$(grep -c "the oldest for [0-9]* s (close() missing?)$" /tmp/c.out)" 1
check finding "$(sed 's/, the oldest for [0-9]* s//' /tmp/c.out)" \
	"critical: port $P: $N server sockets in CLOSE_WAIT (close() missing?)"
check json "$(tcpclose --json | grep -c "^ {\"kind\":\"close_wait\",\"port\":$P,\"role\":\"server\",\"close_wait\":$N,.*\"close_wait_untracked\":0,\"severity\":\"critical\",")" 1
stop_tcw
