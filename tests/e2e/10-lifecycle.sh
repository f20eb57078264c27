# rmmod/insmod under traffic, and bad parameters.
# Room for every TIME_WAIT the churn makes, so that the exact check below
# is not cut short by tcp_max_tw_buckets (4096 in a new netns).
sysctl -qw net.ipv4.tcp_max_tw_buckets=1000000
tcw churn -p 5012 -d 8 >/tmp/churn.out 2>&1 &
CHURN=$!
ok=0
for i in 1 2 3 4 5; do
	sleep 0.5
	rmmod tcpclose && ! test -e $PROC && insmod $KO && cat $PROC >/dev/null && ok=$((ok + 1))
done
wait $CHURN
# Thousands of TIME_WAITs, and still exactly what sockstat says.
check_sockstat churn.sockstat-invariant
check reload-cycles $ok 5
check churn-ok "$(grep -c '^tcw: churn done' /tmp/churn.out)" 1
# After reloading, counting is exact again.
start_tcw lc server-first -n 10 -p 5013 || return
expect exact 5013 server active_closes=10 time_wait=10
stop_tcw
# Bad parameters are refused and leave nothing behind.
rmmod tcpclose
# Refused for the stated reason: the module's own error line, not any
# insmod failure.
for bad in max_ports=0 max_ports=65537 max_ports=abc max_ports=-1 tw_probes=bogus tw_probes=; do
	if insmod_bad $bad; then
		fail "param.$bad" "accepted"
		rmmod tcpclose
	else
		check "param.$bad" "$(is_loaded && echo loaded || echo refused)" refused
		check "param.$bad.einval" "$(echo "$INSMOD_OUT" | grep -c 'Invalid argument')" 1
		check "param.$bad.why" "$(dmesg | grep -q "tcpclose: $bad: must be" && echo said)" said
	fi
done
# tw_probes: off, force, the boolean spellings; this kernel is a verified
# one, so auto attaches all four and nothing says otherwise.
for p in off:none 0:none n:none force:created,expired,killed,overflow,fin \
	auto:created,expired,killed,overflow,fin 1:created,expired,killed,overflow,fin; do
	dmesg_clear
	insmod $KO tw_probes=${p%%:*} || { fail "param.tw_probes=${p%%:*}" "insmod failed"; continue; }
	check "param.tw_probes=${p%%:*}" "$(tc_meta tw_probes)" "${p#*:}"
	check "param.tw_probes=${p%%:*}.quiet" "$(dmesg | grep -c 'not one they were verified on')" 0
	rmmod tcpclose
done
insmod $KO || fail insmod "reload failed"
