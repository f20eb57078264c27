# Close timing: how long sockets sit in each closing state, and how old the
# oldest CLOSE_WAIT is. Expectations are log2 buckets (le = upper bound in
# microseconds). Each controlled delay is a lower bound of what is measured
# (a slow guest only adds to it), and sits near the middle of its bucket in
# log terms, so that an emulator slowed down by the host's load (timers
# firing late, processes scheduled late) stays inside: 6 s in (4.2 s,
# 8.4 s], whose log middle is 5.9 s; 700 ms in (524 ms, 1049 ms], middle
# 741 ms, with 349 ms of room above. FIN_WAIT2 is shorter than the delay by
# the peer's delayed ACK of our FIN (40 ms and up, up to 200 ms and more in
# the kernel's pingpong mode, later when a loaded host delays the guest's
# timer: once 176 ms and more), so it is checked over two buckets, (262 ms,
# 1049 ms].
N=5
HIST=/proc/tcpclose_hist

# hist_get PORT ROLE PHASE FIELD: count, sum_us, or the count of bucket
# le=FIELD (0 if the row has no such bucket); "absent" if there is no row.
hist_get() {
	awk -v p="$1" -v r="$2" -v ph="$3" -v f="$4" '
		/^#/ || $1 == "port" { next }
		$1 == p && $2 == r && $3 == ph {
			found = 1
			if (f == "count") v = $4
			else if (f == "sum_us") v = $5
			else for (i = 6; i <= NF; i++) { split($i, kv, ":"); if (kv[1] == f) v = kv[2] }
		}
		END { print found ? v + 0 : "absent" }' $HIST
}
# hist_is PORT ROLE PHASE FIELD VALUE: for wait_until. A close's last step
# (the ACK of a LAST_ACK, the FIN that ends a FIN_WAIT2) can be processed
# after the workload returned, on a busy emulator in ksoftirqd.
hist_is() { [ "$(hist_get "$1" "$2" "$3" "$4")" = "$5" ]; }

# 1. A server that holds its CLOSE_WAIT sockets for 6 s, then closes them;
# read 2 s in, which leaves 4 s for the read itself.
start=$(date +%s)
tcw leak -n $N -p 5020 -h 6 -r /tmp/ready.cw >/tmp/tcw.cw 2>&1 &
CW=$!
wait_until 120 test -e /tmp/ready.cw || fail cw.workload "tcw leak not ready after 120 s: $(cat /tmp/tcw.cw)"
sleep 2
age=$(tc_get 5020 server close_wait_oldest_s)
elapsed=$(($(date +%s) - start))
check cw.count "$(tc_get 5020 server close_wait)" $N
check cw.untracked "$(tc_get 5020 server close_wait_untracked)" 0
# The age is whole seconds since the FIN arrived, read 2-3 s after it.
check cw.oldest-age "$([ "$age" -ge 2 ] && [ "$age" -le "$elapsed" ] && echo ok || echo "$age (elapsed $elapsed)")" ok
wait $CW
# All N spent 6 s and a little more in CLOSE_WAIT: bucket (4.2 s, 8.4 s].
expect cw.gone 5020 server close_wait=0
wait_until 30 hist_is 5020 server last_ack count $N
wait_until 30 hist_is 5020 client total count $N
check cw.hist.count "$(hist_get 5020 server close_wait count)" $N
check cw.hist.bucket "$(hist_get 5020 server close_wait 8388608)" $N
check cw.hist.last_ack "$(hist_get 5020 server last_ack count)" $N
check cw.hist.total "$(hist_get 5020 server total 8388608)" $N
# The clients' close was quick: orphaned at once, timed until the orphan
# became a timewait socket.
check cw.client.fin_wait1 "$(hist_get 5020 client fin_wait1 count)" $N
check cw.client.total "$(hist_get 5020 client total count)" $N

# 2. A peer that sends its FIN 700 ms after ours: FIN_WAIT2 lasts 700 ms
# less the peer's delayed ACK of our FIN, in (262 ms, 1049 ms]; the
# server's CLOSE_WAIT and the client's whole close last the 700 ms and what
# a slow guest adds, in bucket (524 ms, 1049 ms]. Both ways a
# client ends: shutdown() keeps its socket in FIN_WAIT2; close(), what most
# applications do, hands the orphan's FIN_WAIT2 to a timewait socket,
# whose wait is timed to the peer's FIN all the same.
H=10
hc_check() {
	wait_until 30 hist_is "$2" client total count $H
	check "$1.fin_wait2" "$(($(hist_get "$2" client fin_wait2 524288) + $(hist_get "$2" client fin_wait2 1048576)))" $H
	check "$1.fin_wait2.count" "$(hist_get "$2" client fin_wait2 count)" $H
	check "$1.close_wait" "$(hist_get "$2" server close_wait 1048576)" $H
	check "$1.total" "$(hist_get "$2" client total 1048576)" $H
	check "$1.total.count" "$(hist_get "$2" client total count)" $H
	# The whole close, from our FIN, lasts at least the 700 ms.
	sum=$(hist_get "$2" client total sum_us)
	check "$1.sum" "$([ "$sum" -ge $((H * 700000)) ] && [ "$sum" -le $((H * 1048576)) ] && echo ok || echo "$sum")" ok
}
tcw half-close -w 700 -n $H -p 5021 >/dev/null || fail hc.workload "tcw failed"
hc_check hc 5021
tcw orphan-close -w 700 -n $H -p 5028 >/dev/null || fail orphan.workload "tcw failed"
hc_check orphan 5028
check orphan.untracked_closes "$(sed -n '1s/.* untracked_closes=\([0-9]*\).*/\1/p' $HIST)" 0

# 3. Reset zeroes the histograms too.
tcw write $PROC reset >/dev/null
check reset "$(grep -vc '^#\| port ' $HIST)" 0

# 4. CLOSE_WAIT that predates the module: counted, age unknown, said so.
rmmod tcpclose
start_tcw old leak -n $N -p 5022 || return
insmod $KO
expect pre.count 5022 server close_wait=$N close_wait_untracked=$N close_wait_oldest_s=0
stop_tcw

# 5. Memory stays bounded under a flood of half-closed sockets: with 8
# tracker slots, 20 CLOSE_WAIT sockets fill them and the rest are counted,
# not lost. The clients' orphans share the 8 slots while they last, so at
# least 12 and fewer than 20 servers go untracked.
rmmod tcpclose
insmod $KO max_tracked=8
start_tcw flood leak -n 20 -p 5023 || return
expect flood.count 5023 server close_wait=20
u=$(tc_get 5023 server close_wait_untracked)
check flood.untracked "$([ "$u" -ge 12 ] && [ "$u" -lt 20 ] && echo ok || echo "$u")" ok
uc=$(sed -n '1s/.* untracked_closes=\([0-9]*\).*/\1/p' $HIST)
check flood.untracked_closes "$([ "$uc" -ge "$u" ] && echo ok || echo "$uc < $u")" ok
stop_tcw
rmmod tcpclose
insmod $KO

# 6. timing=0 turns the tracker off at runtime: closes are still counted,
# not timed; CLOSE_WAIT sockets tracked so far become untracked (the
# tracker is emptied); turned on again, only closes that start afterwards
# are timed. Bad values are refused and change nothing.
P=/sys/module/tcpclose/parameters/timing
check param.default "$(cat $P)" Y
start_tcw rt leak -n $N -p 5024 || return
expect rt.on 5024 server close_wait=$N close_wait_untracked=0
echo 0 >$P || fail param.off "write refused"
check param.off "$(cat $P)" N
expect rt.off.emptied 5024 server close_wait=$N close_wait_untracked=$N close_wait_oldest_s=0
tcw server-first -n $N -p 5025 >/dev/null || fail rt.off.workload "tcw failed"
expect rt.off.counted 5025 server active_closes=$N
check rt.off.untimed "$(hist_get 5025 server total count)" absent
for bad in 2 x maybe -1; do
	if echo "$bad" >$P 2>/dev/null; then fail "param.bad.$bad" "accepted"; else pass "param.bad.$bad"; fi
done
check param.bad.unchanged "$(cat $P)" N
echo 1 >$P || fail param.on "write refused"
check param.on "$(cat $P)" Y
expect rt.on.still-untracked 5024 server close_wait=$N close_wait_untracked=$N
tcw server-first -n $N -p 5026 >/dev/null || fail rt.on.workload "tcw failed"
wait_until 30 hist_is 5026 server total count $N
wait_until 30 hist_is 5026 client total count $N
check rt.on.timed "$(hist_get 5026 server total count)" $N
check rt.on.timed.client "$(hist_get 5026 client total count)" $N
stop_tcw
# At load: timing=0 times nothing; a bad value fails insmod.
rmmod tcpclose
insmod $KO timing=0 || fail load.off "insmod timing=0 failed"
check load.off "$(cat $P)" N
tcw server-first -n $N -p 5027 >/dev/null || fail load.off.workload "tcw failed"
expect load.off.counted 5027 server active_closes=$N
check load.off.untimed "$(grep -vc '^#\| port ' $HIST)" 0
rmmod tcpclose
# Refused for the stated reason, not any insmod failure.
if insmod_bad timing=maybe; then
	fail load.bad "insmod timing=maybe succeeded"
	rmmod tcpclose
else
	check load.bad "$(echo "$INSMOD_OUT" | grep -c 'Invalid argument')" 1
	check load.bad.why "$(dmesg | grep -q 'tcpclose: timing=maybe: must be' && echo said)" said
	check load.bad.unloaded "$(is_loaded && echo loaded || echo refused)" refused
fi
insmod $KO
