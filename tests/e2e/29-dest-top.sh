# /proc/tcpclose_dest keeps max_dests rows: the top ones exact, "other" the
# sum of the rest; 40 destinations each at 5 % of a 200-port range all
# shown. max_dests refuses bad values and changes nothing then.
sysctl -qw net.ipv4.ip_local_port_range="40000 40199"
K=/sys/module/tcpclose/parameters/max_dests
check param.default "$(cat $K)" 64
for v in 0 1025 -1 abc ""; do
	echo "$v" >$K 2>/dev/null && fail "param.refuse.$v" "accepted"
	check "param.unchanged.$v" "$(cat $K)" 64
done
echo 3 >$K || fail param.set "refused 3"

# hold_dests PREFIX N...: held connections to PREFIX.1, PREFIX.2 ..., N each
# (on port 8000; 8002 for 127.0.2).
PIDS=
hold_dests() {
	local pre=$1 i=1 n port=8000
	shift
	[ "$pre" = 127.0.2 ] && port=8002
	for n in "$@"; do
		rm -f /tmp/ready.h$i
		tcw dest -s "$pre.$i" -p $port -n "$n" -c hold -r /tmp/ready.h$i -h 600 >/dev/null 2>&1 &
		PIDS="$PIDS $!"
		i=$((i + 1))
	done
	for i in $(seq 1 $#); do
		local end
		end=$(deadline 120)
		while [ ! -e /tmp/ready.h$i ] && ! past "$end"; do sleep 0.1; done
		[ -e /tmp/ready.h$i ] || fail "workload.$pre.$i" "tcw $pre.$i not ready after 120 s"
	done
}
stop_dests() { kill $PIDS 2>/dev/null; wait $PIDS 2>/dev/null; PIDS=; }

hold_dests 127.0.1 5 4 3 2 1
cat $DEST >/tmp/dest.snap
check top.rows "$(dest_rows /tmp/dest.snap | awk '{ printf "%s:%s=%s ", $2, $3, $4 }')" \
	"127.0.1.1:8000=5 127.0.1.2:8000=4 127.0.1.3:8000=3 *:0=3 "
check top.other.established "$(dest_get '*' 0 established /tmp/dest.snap)" 3
check top.dests "$(dest_meta dests /tmp/dest.snap)" 5
check top.max_dests "$(dest_meta max_dests /tmp/dest.snap)" 3
stop_dests
echo 64 >$K

# 40 destinations at 10 of 200 ports each (5 %), on port 8002: 40 rows of
# 10, all shown (the first part's clients may still be in TIME_WAIT, on 8000).
hold_dests 127.0.2 $(for i in $(seq 40); do echo 10; done)
cat $DEST >/tmp/dest.snap
check spread.rows "$(dest_rows /tmp/dest.snap | awk '$2 ~ /^127\.0\.2\./ && $3 == 8002 && $4 == 10 && $6 == 10' | wc -l)" 40
check spread.shown "$(dest_rows /tmp/dest.snap | awk '$2 != "*"' | wc -l)" "$(dest_meta dests /tmp/dest.snap)"
check spread.other "$(dest_get '*' 0 in_use /tmp/dest.snap)" 0
check spread.failures "$(dest_meta connect_failures /tmp/dest.snap)" 0
# Many destinations, each far from its capacity: no finding.
tcpclose --diagnose >/tmp/spread.diag
check spread.reader.destinations "$(grep -c ' -> ' /tmp/spread.diag)" 0
check spread.reader.local-ports "$(grep -c '^local ports' /tmp/spread.diag)" 0
stop_dests

# An orphan's FIN_WAIT2 lives on in a timewait socket: in use, not in
# TIME_WAIT (as /proc/net/tcp shows its substate).
start_tcw o dest -s 127.0.0.8 -p 8000 -n 10 -c orphan || return
dest_settle orphan 0800007F:1F40 127.0.0.8 8000
check orphan.in_use "$(dest_get 127.0.0.8 8000 in_use /tmp/dest.snap)" 10
check orphan.time_wait "$(dest_get 127.0.0.8 8000 time_wait /tmp/dest.snap)" 0
check orphan.fin_wait2 "$(tcp_count /tmp/tcp.snap 0800007F:1F40 05)" 10
stop_tcw
