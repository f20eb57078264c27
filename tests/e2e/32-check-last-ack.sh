# LAST_ACK piling up: 120 clients half-close, then lo drops every segment
# (netem loss) and the servers close: their FINs are never acknowledged,
# as behind a peer or middlebox that forgot the connections. At least
# --min-last-ack (100): --check exits 10 with that finding alone (the
# clients wait in FIN_WAIT2, not orphans: no timeout, no finding).
grep -q '^sch_netem ' /proc/modules || insmod /lib/kmod/sch_netem.ko ||
	fail modules "insmod sch_netem failed"
N=120 P=5067
start_tcw la last-ack-pile -n $N -p $P || return
expect settled $P server passive_closes=$N last_ack=$N close_wait=0
expect settled.client $P client active_closes=$N fin_wait2=$N
tcpclose --check >/tmp/c.out 2>&1
check status $? 10
check finding "$(cat /tmp/c.out)" \
	"warning: port $P: $N server sockets in LAST_ACK (the peer does not acknowledge our FIN)"
check json "$(tcpclose --json | grep -c "^ {\"kind\":\"last_ack\",\"port\":$P,\"role\":\"server\",\"last_ack\":$N,\"severity\":\"warning\",")" 1
check threshold "$(tcpclose --check --min-last-ack $((N + 1)))" ""
stop_tcw
