# The body of 31-reader-all-netns, PID 1 of a new PID namespace with its
# own /proc (a hostPID DaemonSet sees the host's the same way). Its exit
# status is 0 once it ran to the end; the checks print their own lines.
. ./lib.sh
CG=/sys/fs/cgroup
CID=8f14e45fceea167a5a36dedd4bea2543b2c7d8e9f0a1b2c3d4e5f60718293a4b
PUID=1f3c5a2e-8b4d-4c6e-9f0a-2b3c4d5e6f70
POD=$CG/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$(echo $PUID | tr - _).slice
CGC=$POD/cri-containerd-$CID.scope
mkdir -p $CGC || { fail cgroup "cannot make $CGC"; exit 1; }

# wait_file FILE: until it exists (at most 60 s).
wait_file() {
	local i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -ge 600 ] && return 1
		sleep 0.1
	done
}

# netns_of PID: the inode of its network namespace.
netns_of() {
	readlink /proc/$1/ns/net | tr -dc 0-9
}

# T, this namespace (the "host" here): a server that closes first.
start_tcw at server-first -n 3 -p 5101 || exit 1
# B: clients that close first.
rm -f /tmp/ready.nb /tmp/ready.nc /tmp/ready.nd /tmp/ready.ne
unshare -n sh -c "ip link set lo up; exec tcw client-first -n 4 -p 5102 -r /tmp/ready.nb -h 600" \
	>/tmp/tcw.nb 2>&1 &
B=$!
# C, in the pod's container cgroup: a server that never closes, 12 times
# (over --min-close-wait: a finding) (its
# clients' orphans wait in FIN_WAIT2: give them 120 s there).
sh -c "echo \$\$ >$CGC/cgroup.procs && exec unshare -n sh -c 'ip link set lo up; sysctl -qw net.ipv4.tcp_fin_timeout=120; exec tcw leak -n 12 -p 5103 -r /tmp/ready.nc -h 600'" \
	>/tmp/tcw.nc 2>&1 &
C=$!
wait_file /tmp/ready.nb || fail workload.b "$(cat /tmp/tcw.nb)"
wait_file /tmp/ready.nc || fail workload.c "$(cat /tmp/tcw.nc)"
NT=$(netns_of 1) NB=$(netns_of $B) NC=$(netns_of $C)
check three-namespaces "$(printf '%s\n' "$NT" "$NB" "$NC" | sort -u | grep -c '^[0-9][0-9]*$')" 3
check c.cgroup "$(cat /proc/$C/cgroup)" "0::${CGC#$CG}"

# The rows of the table, field by field, sorted; re-read for up to 10 s
# while sockets settle (as expect does).
rows() {
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ { for (i = 1; i <= 14; i++) printf "%s%s", $i, i < 14 ? " " : "\n" }' "$1" | sort
}
want=$(sort <<W
$NT 5101 server 3 0 0 0 3 0 0 0 0 0 0
$NT 5101 client 0 3 0 0 0 0 0 0 0 0 0
$NB 5102 client 4 0 0 0 4 0 0 0 0 0 0
$NB 5102 server 0 4 0 0 0 0 0 0 0 0 0
$NC 5103 server 0 12 0 0 0 12 0 0 0 0 0
$NC 5103 client 12 0 0 0 0 0 0 12 0 0 0
W
)
i=0
while :; do
	tcpclose --all-netns >/tmp/an.out 2>/tmp/an.err
	st=$?
	[ "$(rows /tmp/an.out)" = "$want" ] && break
	i=$((i + 1))
	[ $i -ge 50 ] && break
	sleep 0.2
done
check table.status "$st $(cat /tmp/an.err)" "0 "
check table.count "$(head -n 1 /tmp/an.out)" "3 network namespaces"
check table.rows "$(rows /tmp/an.out)" "$want"
check table.heading "$(grep -m 1 ' PORT ' /tmp/an.out | awk '{ for (i = 1; i <= 14; i++) printf "%s%s", $i, i < 14 ? " " : "\n" }')" \
	"NETNS PORT ROLE ACTIVE PASSIVE SIMULT RESETS TIME_WAIT CLOSE_WAIT FIN_WAIT1 FIN_WAIT2 LAST_ACK CLOSING ESTAB"
check table.t "$(grep -c "^netns $NT: pid 1, module " /tmp/an.out)" 1
check table.b "$(grep -c "^netns $NB: pid $B, module " /tmp/an.out)" 1
check table.c "$(grep -c "^netns $NC: pid $C, container $(echo $CID | cut -c1-12), pod $PUID, module " /tmp/an.out)" 1
# 3 TIME_WAIT on the server of 5101 are below the default --min-time-wait.
check table.findings "$(grep -c '^1 finding (tcpclose --all-netns --diagnose explains):$' /tmp/an.out) $(grep -c '^  netns ' /tmp/an.out)" "1 1"
# The oldest CLOSE_WAIT's age depends on the emulator's speed.
check table.finding-c "$(grep -c "^  netns $NC: port 5103: 12 server sockets in CLOSE_WAIT, the oldest for [0-9]* s (close() missing?)$" /tmp/an.out)" 1
# --check over all namespaces: worst first, the status from the worst of
# any namespace, --top the N worst of them all.
CW="netns $NC: port 5103: 12 server sockets in CLOSE_WAIT, the oldest for [0-9]* s (close() missing?)"
tcpclose --all-netns --check --min-time-wait 3 >/tmp/an.chk 2>&1
check check.status $? 11
check check.lines "$(sed "s/the oldest for [0-9]* s/the oldest for N s/" /tmp/an.chk)" \
	"critical: netns $NC: port 5103: 12 server sockets in CLOSE_WAIT, the oldest for N s (close() missing?)
warning: netns $NT: port 5101: the server closes first (3 TIME_WAIT)"
tcpclose --all-netns --check --min-time-wait 3 --top 1 >/tmp/an.chk 2>&1
check check.top "$? $(sed -n 2p /tmp/an.chk) $(grep -c "^critical: $CW$" /tmp/an.chk)" "11 and 1 more finding (--top 1) 1"
tcpclose --all-netns --check --min-time-wait 3 --min-close-wait 13 --close-wait-age 100000 >/tmp/an.chk 2>&1
check check.warning "$? $(cat /tmp/an.chk)" "10 warning: netns $NT: port 5101: the server closes first (3 TIME_WAIT)"
tcpclose --all-netns --check --min-close-wait 13 --close-wait-age 100000 >/tmp/an.chk 2>&1
check check.quiet "$? $(wc -c </tmp/an.chk)" "0 0"
artefact 31-reader-all-netns.table /tmp/an.out

# Prometheus: exact samples and labels, no series twice; promtool on the host.
tcpclose --all-netns --prometheus >/tmp/an.prom 2>/tmp/an.err
check prom.status "$? $(cat /tmp/an.err)" "0 "
check prom.up "$(grep '^tcpclose_up' /tmp/an.prom)" "tcpclose_up 1"
LC="netns=\"$NC\",container_id=\"$CID\",pod_uid=\"$PUID\""
check prom.t "$(grep -c "^tcpclose_time_wait_sockets{netns=\"$NT\",port=\"5101\",role=\"server\"} 3$" /tmp/an.prom)" 1
check prom.b "$(grep -c "^tcpclose_active_closes_total{netns=\"$NB\",port=\"5102\",role=\"client\"} 4$" /tmp/an.prom)" 1
check prom.c "$(grep -c "^tcpclose_close_wait_sockets{$LC,port=\"5103\",role=\"server\"} 12$" /tmp/an.prom)" 1
check prom.c-info "$(grep -c "^tcpclose_info{$LC,version=\"[^\"]*\"} 1$" /tmp/an.prom)" 1
# Histograms: every close of T and B timed, labelled with its namespace.
check prom.hist "$(grep -c "^tcpclose_close_duration_seconds_count{netns=\"$NT\",port=\"5101\",role=\"server\"} 3$" /tmp/an.prom) $(grep -c "^tcpclose_close_duration_seconds_count{netns=\"$NB\",port=\"5102\",role=\"client\"} 4$" /tmp/an.prom)" "1 1"
check prom.labels "$(grep -v '^#' /tmp/an.prom | grep -v '^tcpclose_up ' | grep -vc "{netns=\"\($NT\|$NB\|$NC\)\"")" 0
check prom.unique "$(grep -v '^#' /tmp/an.prom | sed 's/ [^ ]*$//' | sort | uniq -d | wc -l)" 0
check prom.namespaces "$(grep -c '^tcpclose_info{' /tmp/an.prom)" 3
artefact 31-reader-all-netns.prom /tmp/an.prom
tcpclose --all-netns --json >/tmp/an.json 2>&1
check json.status $? 0
check json.c "$(grep -c "^\"pid\":$C,$" /tmp/an.json) $(grep -c "^\"container_id\":\"$CID\",$" /tmp/an.json) $(grep -c "^\"pod_uid\":\"$PUID\",$" /tmp/an.json)" "1 1 1"
check json.skipped "$(tail -n 1 /tmp/an.json)" '"skipped":0}'
artefact 31-reader-all-netns.json /tmp/an.json

# Not root: other processes' namespaces cannot be inspected; an error, not
# a partial view.
tcw as -u 65534 tcpclose --all-netns >/tmp/an.out 2>/tmp/an.err
check nonroot "$? $(cat /tmp/an.err) $(wc -c </tmp/an.out)" \
	"4 tcpclose: --all-netns: cannot inspect /proc/1/ns/net: Permission denied (run as root) 0"

# A namespace that ends while being read is skipped: the reader is stopped
# (tcw pause-open) as it opens D's table, after it listed D; D's only
# process is killed and reaped; then the reader goes on.
unshare -n sh -c "ip link set lo up; exec tcw server-first -n 2 -p 5104 -r /tmp/ready.nd -h 600" \
	>/tmp/tcw.nd 2>&1 &
D=$!
wait_file /tmp/ready.nd || fail workload.d "$(cat /tmp/tcw.nd)"
ND=$(netns_of $D)
check teardown.listed "$(tcpclose --all-netns | grep -c "^netns $ND: pid $D, ")" 1
# teardown NAME FILE MODE: pause the reader at FILE, end D, let it go on.
teardown() {
	rm -f /tmp/paused
	tcw pause-open "$2" /tmp/paused tcpclose --all-netns $3 >/tmp/td.out 2>/tmp/td.err &
	P=$!
	if wait_file /tmp/paused; then
		kill -9 $D
		wait $D 2>/dev/null
		check $1.gone "$([ -e /proc/$D ] && echo still there || echo gone)" gone
	else
		fail $1.paused "the reader never opened $2: $(cat /tmp/td.err)"
	fi
	rm -f /tmp/paused
	wait $P
	check $1.status "$? $(cat /tmp/td.err)" "0 "
}
teardown teardown.table /proc/$D/net/tcpclose --json
check teardown.table.skipped "$(tail -n 1 /tmp/td.out)" '"skipped":1}'
check teardown.table.others "$(grep -c '^"netns":' /tmp/td.out) $(grep -c "^\"netns\":$ND,$" /tmp/td.out)" "3 0"
# E: the same when its table was read but not yet its histograms.
unshare -n sh -c "ip link set lo up; exec tcw server-first -n 2 -p 5105 -r /tmp/ready.ne -h 600" \
	>/tmp/tcw.ne 2>&1 &
D=$!
wait_file /tmp/ready.ne || fail workload.e "$(cat /tmp/tcw.ne)"
ND=$(netns_of $D)
teardown teardown.hist /proc/$D/net/tcpclose_hist --prometheus
check teardown.hist.skipped "$(grep -c '^# tcpclose: 1 network namespace ended while being read (skipped)\.$' /tmp/td.out)" 1
check teardown.hist.series "$(grep -c "netns=\"$ND\"" /tmp/td.out) $(grep -c '^tcpclose_info{' /tmp/td.out)" "0 3"

kill $B $C 2>/dev/null
stop_tcw
exit 0
