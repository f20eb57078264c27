#!/bin/bash
# The benchmarks, inside the fat guest (scripts/fatvm.sh). Writes one record
# per line to $TCPCLOSE_OUT/results.txt; bench/run.sh turns them into tables.
#
#   guest-bench.sh full|quick TPBENCH_KO [SECTION...]
#
# Sections: mem probe read dest churn (default: all, in that order: memory is
# read first, on a quiet system). Records:
#   meta KEY VALUE...
#   churn REGIME MIX CONFIG ROUND RATE CONNS SECS EPOCH
#                       REGIME: below (every first closer enters TIME_WAIT,
#                       which expire during the round) or limit
#                       (tcp_max_tw_buckets full: most closes overflow)
#                       CONFIG: unloaded loaded counts notw bpftrace bpfkfunc ref
#                       (counts: timing=0 tw_probes=0; notw: tw_probes=0;
#                       bpfkfunc: bench/peer-kfunc.bt)
#   tw REGIME MIX CONFIG ROUND OVERFLOW TW KILLED RECYCLED TW_BEFORE TW_AFTER
#                       the round's TcpExt TCPTimeWaitOverflow, TW (timewait
#                       sockets made: counted when their timer is armed),
#                       TWKilled, TWRecycled, and sockstat's tw before and
#                       after: expired = made + before - after - killed
#   tc REGIME MIX CONFIG ROUND TW_CREATED TW_EXPIRED TW_OVERFLOW
#                       the same from /proc/tcpclose (module configurations
#                       with the kprobes)
#   hits REGIME MIX HITS_PER_CONNECTION
#   probe LABEL VARIANT NS_PER_HIT             LABEL: none empty tcpclose counts notw bpftrace ref
#   part NAME NS_PER_OP                        a piece of a closing step (tpbench parts=1)
#   clock NAME NS_PER_READ                     ktime_get_ns and other kernel clocks
#   read N METHOD MIN_NS MEDIAN_NS             METHOD: tcpclose ss proc
#   count N METHOD COUNT                       METHOD: tcpclose ss proc sockstat
#   mem KEY VALUE                              bytes unless the key says otherwise
#   check NAME ok|bad DETAIL                   correctness, not speed
#   step SECTION begin|end                     bench/run.sh fails a section without its end
# Environment (bench/run.sh passes them on): BENCH_ROUNDS, BENCH_SECS,
# BENCH_CONFIGS, BENCH_MIXES, BENCH_REGIMES narrow or widen the full churn.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# BENCH_BIN, BENCH_KO, BENCH_REF_KO, BENCH_BT: the tmpfs copies of
# sec_churn, for the namespace it runs its second regime in.
B=${BENCH_BIN:-$TCPCLOSE_BIN}
KO=${BENCH_KO:-$TCPCLOSE_KO}
BT=${BENCH_BT:-$here}
# A reference build of the module (bench/run.sh with BENCH_REF=REV), measured
# as one more configuration, "ref", in the churn and probe sections.
REF=${BENCH_REF_KO:-$TCPCLOSE_OUT/bench/ref.ko}
[ -e "$REF" ] || REF=
# BENCH_* settings of bench/run.sh, if any.
[ ! -e "$here/env" ] || . "$here/env"
# Records go to tmpfs, copied to the host at the end of each section: a
# write to the shared 9p directory waits for the host, and under icount
# every wait moves the guest clock from timer to timer (seen: 15 minutes
# of guest time between two churn rounds on a loaded host, every timewait
# socket expired in between).
R=/dev/shm/bench-results.txt
R_OUT=$TCPCLOSE_OUT/results.txt
T=/sys/kernel/tracing

rec() {
	echo "$*" >>"$R"
	echo "$*"
}

check() {	# check NAME ACTUAL EXPECTED [DETAIL]
	if [ "$2" = "$3" ]; then
		rec check "$1" ok "$2 ${4:-}"
	else
		rec check "$1" bad "got $2, want $3 ${4:-}"
	fi
}

loaded() { grep -q '^tcpclose ' /proc/modules; }
unload() { loaded && rmmod tcpclose; }

# tc_sum COLUMN FILE: a column of /proc/tcpclose added up over all rows.
tc_sum() {
	awk -v c="$1" '/^#/ { next } !h { for (i = 1; i <= NF; i++) x[$i] = i; h = 1; next }
		{ s += $(x[c]) } END { print s + 0 }' "$2"
}

SOCKSTAT_TW='$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }'
sockstat_tw() {
	awk "$SOCKSTAT_TW" /proc/net/sockstat
}

now_ns() { echo $((${EPOCHREALTIME/./} * 1000)); }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ---- bpftrace, the peer ----

# kload ARGS...: insmod, and a failed check if it fails (a section or a
# round that cannot load its module must not end as if it had run).
kload() {
	insmod "$@" && return 0
	# To stderr: some callers are inside $(...), whose value this is not.
	rec check "insmod/${1##*/}" bad "insmod $* failed" >&2
	return 1
}

BT_PID=
bt_start() {	# [PROGRAM]: bench/peer.bt by default
	BPFTRACE_MAP_KEYS_MAX=65536 bpftrace "$BT/${1:-peer.bt}" >/tmp/bt.out 2>&1 &
	BT_PID=$!
	local i=0
	until grep -q '^ready' /tmp/bt.out; do
		i=$((i + 1))
		if [ $i -ge 1200 ] || ! kill -0 $BT_PID 2>/dev/null; then
			echo "bpftrace did not start: $(cat /tmp/bt.out)"
			# Not left attached to skew every later round.
			kill -KILL $BT_PID 2>/dev/null
			wait $BT_PID
			return 1
		fi
		sleep 0.1
	done
}

# bt_stop: BT_ACTIVE is set to the sum of @active over all ports. (Not
# meant for $(...): only the shell that started bpftrace can wait for it.)
bt_stop() {
	local i=0
	kill -INT $BT_PID
	# bpftrace 0.17 once sat idle after SIGINT, never exiting (a wall-clock
	# boot, after a churn round below the limit): a failed check then, and
	# where it slept, not a bench that waits until its 2 h timeout.
	while kill -0 $BT_PID 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 600 ]; then
			rec check bpftrace-exit bad "bpftrace still running 60 s after SIGINT: state $(cut -d' ' -f3 /proc/$BT_PID/stat) wchan $(cat /proc/$BT_PID/wchan) stack $(tr '\n' '|' </proc/$BT_PID/stack 2>/dev/null | cut -c1-300)"
			kill -KILL $BT_PID
			break
		fi
		sleep 0.1
	done
	wait $BT_PID
	BT_ACTIVE=$(awk -F': ' '/^@active\[/ { s += $2 } END { print s + 0 }' /tmp/bt.out)
}

# ---- 1. churn ----

# tcpext NAME...: those TcpExt counters of this namespace, in that order.
tcpext() {
	awk -v want="$*" '$1 == "TcpExt:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "TcpExt:" { n = split(want, w, " "); for (i = 1; i <= n; i++) printf "%s%s", $(col[w[i]]), i < n ? " " : "\n" }' \
		/proc/net/netstat
}

TWX="TCPTimeWaitOverflow TW TWKilled TWRecycled"
CHURN_ARGS=

churn_round() {	# REGIME MIX CONFIG ROUND SECONDS
	local reg=$1 mix=$2 cfg=$3 r=$4 d=$5 line conns rate secs tw0 tw1
	# At the limit, a second refills the timewait sockets a wait for the
	# host may have let expire (below it the round records how many there
	# were: a minute of them is the steady state). Before the probe is
	# attached: its closes are not the round's, and the checks below
	# compare the probe's counts with the round's connections.
	[ "$reg" != limit ] || "$B/churn" -d 1 -m "$mix" $CHURN_ARGS >/dev/null
	case $cfg in
	loaded) kload "$KO" || return ;;
	counts) kload "$KO" timing=0 tw_probes=0 || return ;;
	notw) kload "$KO" tw_probes=0 || return ;;
	ref) kload "$REF" || return ;;
	bpftrace) bt_start || { rec check "bpftrace/$reg/$r" bad "bpftrace did not start"; return 1; } ;;
	bpfkfunc) bt_start peer-kfunc.bt || { rec check "bpfkfunc/$reg/$r" bad "bpftrace did not start"; return 1; } ;;
	esac
	tw0="$(tcpext $TWX) $(sockstat_tw)"
	line=$("$B/churn" -d "$d" -m "$mix" $CHURN_ARGS)
	tw1="$(tcpext $TWX) $(sockstat_tw)"
	conns=$(echo "$line" | sed 's/.* conns=\([0-9]*\).*/\1/')
	rate=$(echo "$line" | sed 's/.* rate=\([0-9.]*\).*/\1/')
	secs=$(echo "$line" | sed 's/.* secs=\([0-9.]*\).*/\1/')
	rec churn "$reg" "$mix" "$cfg" "$r" "$rate" "$conns" "$secs" "${EPOCHREALTIME%.*}"
	rec tw "$reg" "$mix" "$cfg" "$r" $(echo "$tw0 $tw1" |
		awk '{ n = NF / 2; for (i = 1; i < n; i++) printf "%d ", $(n + i) - $i; print $n, $NF }')
	case $cfg in
	loaded | counts | notw | ref)
		# Every connection has exactly one active and one passive close.
		cat /proc/tcpclose >/tmp/tc.churn
		check "churn/$reg/$mix/r$r/$cfg-active" "$(tc_sum active_closes /tmp/tc.churn)" "$conns"
		check "churn/$reg/$mix/r$r/$cfg-passive" "$(tc_sum passive_closes /tmp/tc.churn)" "$conns"
		if grep -q 'tw_probes=created' /tmp/tc.churn; then
			rec tc "$reg" "$mix" "$cfg" "$r" "$(tc_sum tw_created /tmp/tc.churn)" \
				"$(tc_sum tw_expired /tmp/tc.churn)" "$(tc_sum tw_overflow /tmp/tc.churn)"
			# Below the limit every first closer's timewait socket is made.
			[ "$reg" != below ] ||
				check "churn/$reg/$mix/r$r/$cfg-tw-created" "$(tc_sum tw_created /tmp/tc.churn)" "$conns"
		fi
		unload
		;;
	bpftrace | bpfkfunc)
		bt_stop
		check "churn/$reg/$mix/r$r/$cfg-active" "$BT_ACTIVE" "$conns"
		;;
	esac
}

# Events per connection, counted by ftrace (no probe of ours involved).
hits_per_conn() {	# REGIME MIX
	local n=2000 hits
	echo 8192 >$T/buffer_size_kb
	echo >$T/trace
	echo 1 >$T/events/sock/inet_sock_set_state/enable
	"$B/churn" -n $n -j 1 -m "$2" -p 29000 $CHURN_ARGS >/dev/null
	echo 0 >$T/events/sock/inet_sock_set_state/enable
	hits=$(grep -c 'inet_sock_set_state:.*protocol=IPPROTO_TCP' $T/trace)
	echo >$T/trace
	echo 1408 >$T/buffer_size_kb
	rec hits "$1" "$2" "$(awk -v h="$hits" -v n=$n 'BEGIN { printf "%.2f", h / n }')"
}

# The rounds of one regime: WARMUP ROUNDS SECONDS "CONFIGS" MIX...
churn_rounds() {
	local reg=$1 warm=$2 rounds=$3 d=$4 cfgs=($5) mix r i n
	shift 5
	# Warm-up, discarded: at the limit, TIME_WAIT fills to
	# tcp_max_tw_buckets and stays there; below it, it runs longer than
	# TIME_WAIT lasts (60 s), so that from the first round on timewait
	# sockets expire as fast as they are made.
	"$B/churn" -d "$warm" -m "$1" $CHURN_ARGS >/dev/null
	for mix in "$@"; do
		n=${#cfgs[@]}
		for r in $(seq 1 "$rounds"); do
			# Rotate the order so no configuration always goes first.
			for i in $(seq 0 $((n - 1))); do
				churn_round "$reg" "$mix" "${cfgs[$(((i + r - 1) % n))]}" "$r" "$d"
			done
		done
		hits_per_conn "$reg" "$mix"
	done
}

# Below tcp_max_tw_buckets, in a namespace of its own (run by sec_churn
# through unshare): its own established hash, sized for a minute of
# timewait sockets (a shared 16k-bucket one would make every lookup walk
# chains of dozens and measure those), tcp_max_tw_buckets far above that,
# no recycling (tcp_tw_reuse=0) and 64 destination addresses with the whole
# port range, so that no 4-tuple repeats within 60 s: every first closer
# enters TIME_WAIT and stays there until its timer expires.
churnbelow() {	# ROUNDS SECONDS "CONFIGS" MIX...
	ip link set lo up
	sysctl -qw net.ipv4.tcp_max_tw_buckets=4194304 net.ipv4.tcp_tw_reuse=0 \
		net.ipv4.ip_local_port_range="1024 65535"
	CHURN_ARGS="-a 64"
	rec meta churn_below "$(sysctl -n net.ipv4.tcp_max_tw_buckets) tw buckets, tw_reuse $(sysctl -n net.ipv4.tcp_tw_reuse), ehash $(sysctl -n net.ipv4.tcp_ehash_entries), 64 addresses"
	rec meta churn_below_warmup "${BENCH_BELOW_WARMUP:-65}"
	churn_rounds below "${BENCH_BELOW_WARMUP:-65}" "$@"
}

sec_churn() {	# ROUNDS SECONDS "CONFIGS" "REGIMES" MIX...
	local rounds=$1 d=$2 cfgs=$3 regs=$4 reg
	shift 4
	rec meta churn_secs "$d"
	# Everything a round runs, on tmpfs or read once from the host's 9p
	# root first: under icount a wait for the host moves the guest clock
	# from timer to timer (an insmod from 9p moved it by 85 to 400 s,
	# long enough for every timewait socket of the warm-up to expire).
	mkdir -p /dev/shm/bench
	cp "$KO" "$B/churn" "$BT"/peer*.bt /dev/shm/bench/
	export BENCH_KO=/dev/shm/bench/${KO##*/} BENCH_BIN=/dev/shm/bench BENCH_BT=/dev/shm/bench
	KO=$BENCH_KO B=$BENCH_BIN BT=$BENCH_BT
	if [ -n "$REF" ]; then
		cp "$REF" /dev/shm/bench/ref.ko
		export BENCH_REF_KO=/dev/shm/bench/ref.ko
		REF=$BENCH_REF_KO
	fi
	insmod "$KO" && unload
	[ -z "$REF" ] || { insmod "$REF" && unload; }
	case " $cfgs " in *" bpftrace "*) { bt_start && bt_stop; } || rec check warmup/bpftrace bad "bpftrace did not start" ;; esac
	case " $cfgs " in *" bpfkfunc "*) { bt_start peer-kfunc.bt && bt_stop; } || rec check warmup/bpfkfunc bad "bpftrace did not start" ;; esac
	"$B/churn" -n 10 -m mixed >/dev/null
	for reg in $regs; do
		case $reg in
		limit)
			rec meta churn_limit "$(sysctl -n net.ipv4.tcp_max_tw_buckets) tw buckets, tw_reuse $(sysctl -n net.ipv4.tcp_tw_reuse)"
			churn_rounds limit "$d" "$rounds" "$d" "$cfgs" "$@"
			;;
		below)
			sysctl -qw net.ipv4.tcp_child_ehash_entries=1048576
			unshare -n "$0" churnbelow "$rounds" "$d" "$cfgs" "$@"
			sysctl -qw net.ipv4.tcp_child_ehash_entries=0
			;;
		esac
	done
}

# ---- 2. probe cost, measured in the kernel ----

tpbench() {	# LABEL [empty=1]
	unshare -n insmod "$TPBENCH" label="$1" ${2:-}
	rmmod tpbench
	dmesg | sed -n "s/.*tpbench: $1 \([a-z]*\) \([0-9.]*\)\$/\1 \2/p" >/tmp/tpbench.out
	[ -s /tmp/tpbench.out ] || rec check "probe/$1" bad "tpbench $1 gave no figures"
	while read -r v ns; do
		rec probe "$1" "$v" "$ns"
	done </tmp/tpbench.out
}

# One vCPU online: under icount the clock also counts what another vCPU
# executes meanwhile, and with bpftrace attached that varied from run to
# run (up to 2x); on one vCPU every figure repeats to the tenth of a ns.
sec_probe() {	# [bpftrace]
	local c
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do echo 0 >"$c"; done
	tpbench none
	tpbench empty empty=1
	unshare -n insmod "$TPBENCH" clocks=1 && rmmod tpbench
	dmesg | sed -n 's/.*tpbench: clock \([a-z_]*\) \([0-9.]*\)$/\1 \2/p' | while read -r c ns; do
		rec clock "$c" "$ns"
	done
	kload "$KO" && tpbench tcpclose
	# Optimized (a jump) or int3 (a trap per hit): it shows in the churn.
	rec meta kprobes "$(awk '{ n++; k = $NF ~ /^\[/ ? $NF : "[int3]"; c[k]++ }
		END { for (k in c) printf "%s%d %s", (s++ ? ", " : ""), c[k], k; printf " of %d\n", n }' \
		/sys/kernel/debug/kprobes/list)"
	unload
	kload "$KO" timing=0 tw_probes=0 && tpbench counts && unload
	kload "$KO" tw_probes=0 && tpbench notw && unload
	# The pieces of a closing step, with tcpclose's own code (tpbench parts=1).
	insmod "$TPBENCH" parts=1 && rmmod tpbench
	dmesg | sed -n 's/.*tpbench: part \([a-z_]*\) \([0-9.]*\)$/\1 \2/p' | while read -r c ns; do
		rec part "$c" "$ns"
	done
	rec meta tpbench_kprobe "$(dmesg | sed -n 's/.*tpbench: kprobe //p' | tail -n 1)"
	if [ -n "$REF" ]; then
		kload "$REF" && tpbench ref && unload
	fi
	if [ "${1:-}" = bpftrace ] && [[ " ${BENCH_CONFIGS:-bpftrace} " = *" bpftrace "* ]]; then
		if bt_start; then
			tpbench bpftrace
			bt_stop
		else
			rec check probe/bpftrace bad "bpftrace did not start"
		fi
	fi
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do echo 1 >"$c"; done
}

# ---- 3. read cost at scale ----

# In a fresh netns (run by sec_read through unshare): build up N TIME_WAIT
# sockets for each N, and time the readers at each level.
readcost() {
	local have=0 n add k base tw0 tw1 i t ss_ns ss_med c_tc c_ss c_proc
	ip link set lo up
	sysctl -qw net.ipv4.tcp_max_tw_buckets=262144 net.ipv4.ip_local_port_range="1024 65535"
	kload "$KO" || return
	ss_copy
	ss_tw >/dev/null	# loads inet_diag and tcp_diag
	for n in "$@"; do
		# 10k connections per listening port, client ports never
		# reused on one: no 4-tuple repeats, so none is recycled.
		add=$((n - have))
		k=$((add / 10000))
		base=$((21000 + have / 10000))
		"$B/churn" -n 10000 -j "$k" -m server-first -p "$base" -c 32768 >/dev/null
		have=$n
		# Counts first, right after the build, by binaries on tmpfs
		# only (as destcost): an exec from the 9p root can move the
		# icount clock by seconds, by over 60 s on a loaded host, and
		# the sockets expire 60 s after they were made (make check
		# under load: sockstat 0 after the reads, 10000 before).
		tw0=$(sockstat_tw_tmpfs)
		c_tc=$(ss_awk -v c=time_wait '/^#/ { next } !h { for (i = 1; i <= NF; i++) x[$i] = i; h = 1; next }
			{ s += $(x[c]) } END { print s + 0 }' /proc/tcpclose)
		c_ss=$(ss_tw)
		c_proc=$(ss_awk '$4 == "06" { n++ } END { print n + 0 }' /proc/net/tcp /proc/net/tcp6)
		tw1=$(sockstat_tw_tmpfs)
		rec count "$n" sockstat "$tw0"
		rec count "$n" tcpclose "$c_tc"
		rec count "$n" ss "$c_ss"
		rec count "$n" proc "$c_proc"
		set -- $("$B/rdtime" -r 5 /proc/tcpclose | sed 's/[a-z_]*=//g')
		rec read "$n" tcpclose "$3" "$4"
		set -- $("$B/rdtime" -r 3 /proc/net/tcp /proc/net/tcp6 | sed 's/[a-z_]*=//g')
		rec read "$n" proc "$3" "$4"
		ss_ns=
		for i in 1 2 3; do
			t=$(now_ns)
			ss_tw >/dev/null
			ss_ns="$ss_ns $(($(now_ns) - t))"
		done
		ss_med=$(echo $ss_ns | tr ' ' '\n' | median)
		rec read "$n" ss "$(echo $ss_ns | tr ' ' '\n' | sort -n | head -n 1)" "$ss_med"
		check "read/$n/sockstat-stable" "$tw1" "$tw0"
		check "read/$n/created" "$tw0" "$n"
		check "read/$n/tcpclose-vs-ss" "$c_tc" "$c_ss"
		check "read/$n/tcpclose-vs-proc" "$c_tc" "$c_proc"
	done
	unload
}

# ss and wc with every library they load, copied to tmpfs and run through
# the dynamic loader there: an exec from the 9p root waits on the host, and
# under icount a wait moves the guest clock to the next timer tick.
SSD=/dev/shm/ss
ss_copy() {
	local f l
	mkdir -p $SSD
	for f in "$(command -v ss)" "$(command -v wc)" "$(command -v awk)"; do
		cp -L "$f" $SSD/
		for l in $(ldd "$f" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
			cp -L "$l" $SSD/
		done
	done
	cp -L "$(ldd "$(command -v ss)" | sed -n 's/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) .*/\1/p')" $SSD/ld.so
}

# awk from tmpfs (ss_copy), for what must run before an exec from 9p.
ss_awk() {
	LC_ALL=C $SSD/ld.so --library-path $SSD $SSD/awk "$@"
}

sockstat_tw_tmpfs() {
	ss_awk "$SOCKSTAT_TW" /proc/net/sockstat
}

ss_tw() {	# prints the number of TIME_WAIT sockets, as ss counts them
	LC_ALL=C $SSD/ld.so --library-path $SSD $SSD/ss -Htan state time-wait |
		LC_ALL=C $SSD/ld.so --library-path $SSD $SSD/wc -l
}

sec_read() {
	unshare -n "$0" readcost "$@"
}

# ---- 3b. destinations at scale ----

# In a fresh netns (sec_dest runs one per level): N client TIME_WAIT sockets
# towards N/10000 destinations. /proc/tcpclose_dest read in-process against
# ss piped into awk doing the same grouping (TIME_WAIT sockets by peer
# address:port). Counts first, right after the build: only binaries copied
# to tmpfs run until then (an exec from the 9p root can move the icount
# clock by seconds, and the sockets expire 60 s after they were made).
destcost() {
	local n=$1 i t ss_ns c_tc c_ss rows peak cur cg
	ip link set lo up
	sysctl -qw net.ipv4.tcp_max_tw_buckets=262144 net.ipv4.ip_local_port_range="1024 65535"
	kload "$KO" || return
	ss_copy
	ss_tw >/dev/null
	"$B/churn" -n 10000 -j $((n / 10000)) -m client-first -p 31000 -c 32768 >/dev/null
	c_ss=$(ss_dest | $SSD/ld.so --library-path $SSD $SSD/awk '{ s += $1; n++ } END { print s + 0, n + 0 }')
	c_tc=$($SSD/ld.so --library-path $SSD $SSD/awk '/^#/ { next } !h { h = 1; next }
		{ s += $5; n++ } END { print s + 0, n - 1 }' /proc/tcpclose_dest)
	set -- $("$B/rdtime" -r 5 /proc/tcpclose_dest | sed 's/[a-z_]*=//g')
	rec read "$n" dest "$3" "$4"
	ss_ns=
	for i in 1 2 3; do
		t=$(now_ns)
		ss_dest >/dev/null
		ss_ns="$ss_ns $(($(now_ns) - t))"
	done
	rec read "$n" ssawk "$(echo $ss_ns | tr ' ' '\n' | sort -n | head -n 1)" \
		"$(echo $ss_ns | tr ' ' '\n' | median)"
	rec count "$n" dest "${c_tc% *}"
	rec count "$n" ssawk "${c_ss% *}"
	check "dest/$n/tcpclose-vs-ss" "$c_tc" "$c_ss"
	check "dest/$n/created" "${c_tc% *}" "$n"
	# What a read holds only while it groups: an open in a fresh memory
	# cgroup, then its peak less what stays charged (the rows), read by
	# shell builtins so that no other process is charged.
	cg=/sys/fs/cgroup/tcpclose-bench-$$
	grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $cg
	set -- $(sh -c "echo \$\$ >$cg/cgroup.procs
		exec 3</proc/tcpclose_dest
		read -r p <$cg/memory.peak; read -r c <$cg/memory.current; echo \$p \$c")
	rmdir $cg
	rec mem dest_read_transient $(($1 - $2)) "$n"
	unload
}

# TIME_WAIT sockets per peer address:port, as an operator would group them.
ss_dest() {
	LC_ALL=C $SSD/ld.so --library-path $SSD $SSD/ss -Htan state time-wait |
		LC_ALL=C $SSD/ld.so --library-path $SSD $SSD/awk '{ n[$4]++ } END { for (d in n) print n[d], d }'
}

sec_dest() {
	local n
	for n in "$@"; do
		unshare -n "$0" destcost "$n"
	done
}

# ---- 4. memory ----

# Unreclaimable slab (which includes kmalloc()s too large for a slab) plus
# per-CPU memory, in bytes, with the per-CPU vmstat deltas folded in first.
kmem() {
	echo 1 >/proc/sys/vm/stat_refresh
	awk '$1 == "SUnreclaim:" || $1 == "Percpu:" { s += $2 } END { print s * 1024 }' /proc/meminfo
}

# Until two readings a second apart agree within 16 KiB (RCU callbacks and
# namespace cleanup run late); prints the last reading.
settle() {
	local a b i
	b=$(kmem)
	for i in $(seq 1 20); do
		sync
		echo 3 >/proc/sys/vm/drop_caches
		sleep 1
		a=$b
		b=$(kmem)
		[ $((a - b)) -lt 16384 ] && [ $((b - a)) -lt 16384 ] && break
	done
	echo "$b"
}

# insmod_delta ARGS...: kernel memory taken by loading tcpclose (its tables
# for every namespace that exists, and its global state), module text aside.
insmod_delta() {
	local m0 m1
	m0=$(settle)
	kload "$KO" "$@" || return
	m1=$(settle)
	echo $((m1 - m0))
}

# memdelta ARGS...: kernel memory grown while "memload ARGS" holds.
memdelta() {
	local m0 m1 fd
	m0=$(settle)
	coproc ML { "$B/memload" "$@"; }
	read -r _ <&"${ML[0]}"
	m1=$(settle)
	fd=${ML[1]}
	exec {fd}>&-
	wait "$ML_PID"
	echo $((m1 - m0))
}

memports() {	# N: run in a fresh netns
	ip link set lo up
	memdelta ports 10000 "$1"
}

# Holds NETNS namespaces while tcpclose is loaded on top of them.
nsload() {
	local fd d
	coproc NS { "$B/memload" netns "$1"; }
	read -r _ <&"${NS[0]}"
	d=$(insmod_delta)
	unload
	fd=${NS[1]}
	exec {fd}>&-
	wait "$NS_PID"
	echo "$d"
}

sec_mem() {	# ROUNDS NETNS PORTS...
	local rounds=$1 nns=$2 r cfg d p i
	shift 2
	# TIME_WAIT sockets of earlier work would expire under the readings.
	for i in $(seq 1 70); do
		[ "$(sockstat_tw)" = 0 ] && break
		sleep 1
	done
	kload "$KO" || return
	rec mem module_size "$(awk '$1 == "tcpclose" { print $2 }' /proc/modules)"
	unload
	for r in $(seq 1 "$rounds"); do
		# The slope between 1 and 1 + NNS namespaces is the cost of one.
		d=$(insmod_delta)
		unload
		rec mem insmod_netns "$d" 1
		rec mem insmod_netns "$(nsload "$nns")" $((nns + 1))
		# Ports: the same workload with and without the module.
		for p in "$@"; do
			for cfg in unloaded loaded; do
				[ $cfg = loaded ] && { kload "$KO" max_ports=65536 || return; }
				d=$(unshare -n "$0" memports "$p")
				rec mem "ports_${cfg}" "$d" "$p"
				unload
			done
		done
	done
}

# ---- main ----

case $1 in
readcost | destcost | memports | churnbelow)
	f=$1
	shift
	$f "$@"
	exit
	;;
esac

mode=$1
TPBENCH=$2
shift 2
# quick has no dest section (make bench's full run measures it).
case $mode in
quick) sections=${*:-mem probe read churn} ;;
*) sections=${*:-mem probe read dest churn} ;;
esac
: >"$R"
rec meta kernel "$(uname -r)"
rec meta clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
rec meta cpus "$(nproc)"
rec meta mode "$mode"
rec meta bpftrace "$(bpftrace --version | awk '{ print $2 }')"
rec meta ss "$(ss -V | awk '{ print $NF }')"
rec meta tcpclose "$(modinfo -F version "$KO")"
# Return thunks and retpolines are instructions too: they are in every call.
rec meta mitigations "$(cd /sys/devices/system/cpu/vulnerabilities &&
	for f in spectre_v2 retbleed spec_rstack_overflow; do echo "$f: $(cat $f)"; done | paste -sd ';')"
dmesg -C
for s in $sections; do
	start=$(now_ns)
	rec step "$s" begin
	# quick: what make check needs, in well under a minute; no bpftrace.
	case $mode/$s in
	full/churn)
		sec_churn "${BENCH_ROUNDS:-5}" "${BENCH_SECS:-3}" \
			"${BENCH_CONFIGS:-unloaded loaded counts notw bpftrace bpfkfunc${REF:+ ref}}" \
			"${BENCH_REGIMES:-limit below}" ${BENCH_MIXES:-server-first client-first}
		;;
	quick/churn) sec_churn 1 1 "unloaded loaded" limit mixed ;;
	full/probe) sec_probe bpftrace ;;
	quick/probe) sec_probe ;;
	full/read) sec_read 10000 50000 100000 ;;
	full/dest) sec_dest 10000 100000 ;;
	quick/read) sec_read 10000 ;;
	full/mem) sec_mem 3 50 1000 10000 ;;
	quick/mem) sec_mem 1 20 ;;
	*) rec check "section/$s" bad "no section $s in $mode mode" ;;
	esac
	rec meta "time_$s" $((($(now_ns) - start) / 1000000))
	rec step "$s" end
	cp "$R" "$R_OUT"
done
if dmesg -l emerg,alert,crit,err,warn | grep -v 'loading out-of-tree\|module verification failed\|taints kernel' | grep -q .; then
	rec check dmesg bad "$(dmesg -l emerg,alert,crit,err,warn | tr '\n' '|' | cut -c1-300)"
else
	rec check dmesg ok clean
fi
# The one list of kernel-log error patterns (tests/kernel-log-errors), at
# every level.
bad=$(dmesg | grep -E -f "$here/kernel-log-errors" | tr '\n' '|' | cut -c1-300)
if [ -n "$bad" ]; then
	rec check dmesg-errors bad "$bad"
else
	rec check dmesg-errors ok clean
fi
cp "$R" "$R_OUT"
