# Every abnormal end of a close has one name, counted once: a reset
# received (resets), this side's application aborting (local_aborts), the
# peer's FIN never coming (fin_wait2_timeouts), no room for a timewait
# socket (tw_overflow). Each workload below ends N closes one way; both
# rows of each port must show exactly that and nothing else.
N=6
ENDS="resets=0 local_aborts=0 fin_wait2_timeouts=0 tw_overflow=0"

# ends PORT ROLE col=val...: the four end columns, the given ones changed.
ends() {
	local p=$1 r=$2 kv want=$ENDS
	shift 2
	for kv in "$@"; do
		want=$(echo "$want" | sed "s/${kv%%=*}=[0-9]*/$kv/")
		case " $want " in *" ${kv%%=*}="*) ;; *) want="$want $kv" ;; esac
	done
	# shellcheck disable=SC2086
	expect "$p.$r" "$p" "$r" $want
}

# 1. Half-closed (FIN_WAIT2, a socket the application holds), then closed
# with SO_LINGER {1, 0}: an RST. Not a timeout: the client aborted.
tcw fw2-abort -n $N -p 5040 >/dev/null || fail linger0.workload "tcw failed"
ends 5040 client active_closes=$N local_aborts=$N
ends 5040 server passive_closes=$N resets=$N

# 2. Half-closed, then closed with data unread: the kernel sends an RST.
tcw fw2-unread -n $N -p 5041 >/dev/null || fail unread.workload "tcw failed"
ends 5041 client active_closes=$N local_aborts=$N
ends 5041 server passive_closes=$N resets=$N

# 3. An RST received in FIN_WAIT2 (the peer aborted instead of closing):
# a reset, not a normal end. The peer's side is its own local abort.
tcw fw2-rst -n $N -p 5042 >/dev/null || fail fw2rst.workload "tcw failed"
ends 5042 client active_closes=$N resets=$N
ends 5042 server passive_closes=$N local_aborts=$N

# 4. An RST received in LAST_ACK: the client's timewait socket is
# destroyed (SOCK_DESTROY, as ss -K does) before the server closes, so the
# server's FIN is answered with an RST.
for m in inet_diag tcp_diag; do
	grep -q "^$m " /proc/modules || insmod /lib/kmod/$m.ko || fail modules "insmod $m failed"
done
tcw last-ack-rst -n $N -p 5043 >/dev/null || fail lastack.workload "tcw failed"
ends 5043 server passive_closes=$N resets=$N last_ack=0
ends 5043 client active_closes=$N tw_created=$N tw_killed=$N tw_killed_abort=$N

# 5. tcp_max_tw_buckets reached: orphans in FIN_WAIT2 (the server never
# closes) and, on another port, TIME_WAITs are refused a timewait socket.
# Each refusal is a tw_overflow, as the kernel's TCPTimeWaitOverflow counts
# it, and nothing else: no fin_wait2 timeout, no abort.
tw_overflows() {
	awk '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) k[i] = $i; n = 1 }
		else for (i = 2; i <= NF; i++) if (k[i] == "TCPTimeWaitOverflow") print $i }' \
		/proc/net/netstat
}
sysctl -qw net.ipv4.tcp_max_tw_buckets=0
o0=$(tw_overflows)
# -a: the clients close in FIN_WAIT2, so each goes to tcp_time_wait() at
# once (a plain close() on a loaded host may leave one on a FIN_WAIT2
# timer, and its refusal lands in the next part: 5 and 7, not 6 and 6).
start_tcw ovf leak -a -n $N -p 5044 || return
o1=$(tw_overflows)
ends 5044 client active_closes=$N tw_overflow=$N tw_created=0 fin_wait2=0
check overflow.fw2.kernel "$((o1 - o0))" $N
stop_tcw
tcw server-first -n $N -p 5045 >/dev/null || fail ovf.tw.workload "tcw failed"
o2=$(tw_overflows)
ends 5045 server active_closes=$N tw_overflow=$N tw_created=0 time_wait=0
check overflow.tw.kernel "$((o2 - o1))" $N
sysctl -qw net.ipv4.tcp_max_tw_buckets=100000

# 6. A normal close of each kind ends with no abnormal name at all.
tcw server-first -n $N -p 5046 >/dev/null || fail normal.workload "tcw failed"
ends 5046 server active_closes=$N time_wait=$N
ends 5046 client passive_closes=$N
tcw orphan-close -w 50 -n $N -p 5047 >/dev/null || fail orphan.workload "tcw failed"
ends 5047 client active_closes=$N time_wait=$N
ends 5047 server passive_closes=$N
