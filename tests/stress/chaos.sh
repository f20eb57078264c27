# Everything at once, on both CPUs: connection churn of every close kind,
# readers of every table in tight loops, resets, fuzzed writes, rmmod/insmod
# cycles ($MOD_CYCLES) and network namespaces created, used and destroyed
# ($NS_CYCLES). Numbers cannot be exact here (resets and reloads race with
# the counting); what must hold is that nothing splats, every load and
# unload succeeds, every workload completes, every read is well-formed and
# every fuzzed write is rejected.
STOP=$ST/c.stop
rm -f $STOP
# Room for every TIME_WAIT the churn makes.
sysctl -qw net.ipv4.tcp_max_tw_buckets=1000000

# worker NAME CMD...: CMD again and again until STOP; counts the rounds.
# The load runs at nice 10, so that the load/unload and namespace cycles,
# which decide how long this lasts, still get the CPU when they want it.
worker() {
	local name=$1
	shift
	(
		n=0
		while [ ! -e $STOP ]; do
			niced "$@" >>$ST/tcw.out 2>&1 || echo "$name" >>$ST/c.fail
			n=$((n + 1))
		done
		echo $n >$ST/c.rounds.$name
	) &
}

if [ $MODE = quick ]; then
	# Expedited grace periods: each unload waits for several (the full run
	# keeps normal ones, and their wider windows).
	echo 1 >/sys/kernel/rcu_expedited
	# Fewer processes, taking turns at every close kind (one short run a
	# round, so that they stop soon after STOP).
	WORKERS="mix4 mix6 churn reset timing"
	worker mix4 sh -c 'case $((RANDOM % 5)) in
		0) exec tcw server-first -n 10 -p 6001 ;;
		1) exec tcw client-first -n 10 -p 6002 ;;
		2) exec tcw leak -n 5 -p 6003 ;;
		3) exec tcw tw-rst -n 5 -p 6009 ;;
		*) exec tcw abort -n 10 -p 6004 ;;
		esac'
	worker mix6 sh -c 'case $((RANDOM % 3)) in
		0) exec tcw server-first -6 -n 10 -p 6005 ;;
		1) exec tcw client-first -6 -n 10 -p 6006 ;;
		*) exec tcw abort -6 -n 5 -p 6007 ;;
		esac'
	worker churn tcw churn -d 2 -p 6008
else
	WORKERS="sf cf leak abort twrst v6sf v6cf v6ab churn reset timing"
	worker sf tcw server-first -n 20 -p 6001
	worker cf tcw client-first -n 20 -p 6002
	worker leak tcw leak -n 10 -p 6003
	worker abort tcw abort -n 20 -p 6004
	# TIME_WAIT killed by an RST: the kill probe names its caller.
	worker twrst tcw tw-rst -n 10 -p 6009
	worker v6sf tcw server-first -6 -n 20 -p 6005
	worker v6cf tcw client-first -6 -n 20 -p 6006
	worker v6ab tcw abort -6 -n 10 -p 6007
	worker churn tcw churn -d 3 -p 6008
fi
i=0
for f in $(tables) /proc/net/tcpclose /proc/tcpclose_dest; do
	i=$((i + 1))
	niced tcfuzz read -c -t $STOP -s $((i + 100)) $f >$ST/c.read$i 2>&1 &
done
niced tcfuzz write -c -t $STOP -s 101 $PROC >$ST/c.write 2>&1 &
worker reset sh -c "echo reset 2>/dev/null >$PROC; sleep 0.05; true" 2>/dev/null
# Close timing off and on under all of it: turning it off empties the
# tracker while probes run and while the module loads and unloads.
worker timing sh -c 'echo $((RANDOM % 2)) 2>/dev/null >/sys/module/tcpclose/parameters/timing
	sleep 0.1; true' 2>/dev/null

# Namespaces, one after another (their teardown is asynchronous, so
# several die at once), in turn: plain, IPv6 with aborts, a user namespace
# root resetting its own, and one read from outside while it exits.
(
	ok=0 j=0
	while [ $j -lt $NS_CYCLES ]; do
		j=$((j + 1))
		p=$((7000 + j % 100))
		case $((j % 4)) in
		0) unshare -n sh -c "ip link set lo up && tcw server-first -n 5 -p $p &&
			tcw leak -n 3 -p $((p + 100)) && { cat $PROC >/dev/null 2>&1; true; }" ;;
		1) unshare -n sh -c "ip link set lo up && tcw client-first -6 -n 5 -p $p &&
			tcw abort -n 3 -p $p && { cat $PROC $HIST >/dev/null 2>&1; true; }" ;;
		2) tcw as -u 1000 unshare -U -r -n sh -c "ip link set lo up &&
			tcw server-first -n 5 -p $p && { echo reset >$PROC; cat $PROC >/dev/null; true; } 2>/dev/null" ;;
		3) unshare -n sh -c "ip link set lo up && exec tcw leak -n 5 -p $p" &
		   pid=$!
		   while kill -0 $pid 2>/dev/null; do cat /proc/$pid/net/tcpclose >/dev/null 2>&1; done
		   wait $pid ;;
		esac >>$ST/tcw.out 2>&1 && ok=$((ok + 1))
	done
	echo $ok >$ST/c.ns
	echo "# netns cycles done at $(now)"
) &
NS=$!

# Load/unload cycles, with parameters that exercise the bounds.
sleep 1
has_tracked=$(test -e /sys/module/tcpclose/parameters/max_tracked && echo 1)
ok=0 i=0
while [ $i -lt $MOD_CYCLES ]; do
	i=$((i + 1))
	case $((i % 4)) in
	0) arg= ;;
	1) arg=max_ports=2 ;;
	2) arg=max_ports=65536${has_tracked:+ max_tracked=8} ;;
	3) arg=max_ports=1 ;;
	esac
	t0=$(now)
	if ! rmmod tcpclose; then
		echo "rmmod in cycle $i failed" >>$ST/c.err
	elif [ -e $PROC ]; then
		echo "$PROC still there after rmmod in cycle $i" >>$ST/c.err
	elif ! insmod $KO $arg; then
		echo "insmod $arg in cycle $i failed" >>$ST/c.err
	else
		ok=$((ok + 1))
	fi
	echo "# cycle $i: rmmod+insmod from $t0 to $(now)"
	is_loaded || insmod $KO
	sleep 0.$((RANDOM % 5))
done
echo $ok >$ST/c.mod
echo "# load/unload cycles done at $(now)"
echo 0 >/sys/kernel/rcu_expedited
wait $NS
touch $STOP
wait
echo "# chaos stopped at $(now)"
is_loaded || insmod $KO
echo 1 >/sys/module/tcpclose/parameters/timing

check load-unload "$(cat $ST/c.mod) of $MOD_CYCLES" "$MOD_CYCLES of $MOD_CYCLES"
[ -s $ST/c.err ] && fail load-unload.errors "$(head -n 3 $ST/c.err | tr '\n' '|')"
check netns "$(cat $ST/c.ns) of $NS_CYCLES" "$NS_CYCLES of $NS_CYCLES"
check workloads-failed "$(cat $ST/c.fail 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')" ""
for w in $WORKERS; do
	check "rounds.$w" "$(test "$(cat $ST/c.rounds.$w)" -gt 0 && echo some)" some
done
i=0
for f in $(tables) /proc/net/tcpclose /proc/tcpclose_dest; do
	i=$((i + 1))
	check_fuzz "reads.${f##*/}.$i" $ST/c.read$i reads
done
check_fuzz writes $ST/c.write writes
sum $ST/c.mod >>$ST/mod.cycles
sum $ST/c.ns >>$ST/ns.cycles
cat $ST/c.rounds.reset >>$ST/resets
