# Partly blind: with max_ports=2, three ports' closes do not all get a row
# of their own; those land on "other" (port 0), where no finding can name
# them. --check exits 10 with that finding alone, counting what /proc/
# tcpclose shows on "other" (closes: active, passive, resets, local aborts;
# live sockets: the gauges).
rmmod tcpclose
insmod $KO max_ports=2 || fail insmod "max_ports=2 refused"
for p in 5068 5069 5070; do
	tcw server-first -n 5 -p $p >/dev/null || fail "workload.$p" "tcw failed"
done
i=0
while :; do
	cat $PROC >/tmp/b.snap
	[ "$(tc_sum passive_closes /tmp/b.snap)" = 15 ] || [ $i -ge 50 ] || { i=$((i + 1)); sleep 0.2; continue; }
	break
done
check settled "$(tc_sum passive_closes /tmp/b.snap) $(tc_sum time_wait /tmp/b.snap)" "15 15"
# other_sum COLUMN...: those columns added up over the rows of port 0.
other_sum() {
	awk -v cols="$*" '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) idx[$i] = i; hdr = 1; next }
		$1 == 0 { n = split(cols, c, " "); for (k = 1; k <= n; k++) s += $(idx[c[k]]) }
		END { print s + 0 }
	' /tmp/b.snap
}
closes=$(other_sum active_closes passive_closes resets local_aborts)
sockets=$(other_sum time_wait close_wait fin_wait1 fin_wait2 last_ack closing established)
check other "$([ "$closes" -gt 0 ] && echo yes)" yes
tcpclose -f /tmp/b.snap --check >/tmp/c.out 2>&1
check status $? 10
check finding "$(cat /tmp/c.out)" \
	"warning: this namespace: tcpclose is partly blind: $closes closes and $sockets live sockets on ports without a row (other)"
check json "$(tcpclose -f /tmp/b.snap --json | grep -c "^ {\"kind\":\"partly_blind\",\"port\":null,\"role\":null,\"dropped\":0,\"untracked\":0,\"other_closes\":$closes,\"other_sockets\":$sockets,\"severity\":\"warning\",")" 1
rmmod tcpclose
insmod $KO || fail insmod "reload failed"
