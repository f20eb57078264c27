# Unloading while readers open the per-netns files directly (not through
# /proc/tcpclose, the symlink that goes first), with CLOSE_WAIT sockets
# whose age the open looks up in the close tracker. Each open gets a whole
# table, or ENOENT, or EIO once unloading revoked it; the kernel stays
# clean. Regression: the tracker was freed before the per-netns files were
# removed, and an open in between read freed memory (general protection
# fault in tcpclose_track_find).
P=5301
start_tcw rl leak -n 20 -p $P || return
expect close-wait $P server close_wait=20
ok=0 i=0
while [ $i -lt $RELOADS ]; do
	i=$((i + 1))
	rm -f $ST/r.stop
	readers=
	for f in /proc/net/tcpclose /proc/net/tcpclose /proc/net/tcpclose_hist /proc/net/tcpclose_dest; do
		[ -e $f ] || continue
		niced tcfuzz read -c -t $ST/r.stop -s $i $f >>$ST/r.read 2>&1 &
		readers="$readers $!"
	done
	sleep 0.3
	rmmod tcpclose && insmod $KO && ok=$((ok + 1))
	sleep 0.3
	touch $ST/r.stop
	wait $readers
done
check reloads "$ok of $RELOADS" "$RELOADS of $RELOADS"
grep ' ops=' $ST/r.read >$ST/r.sum
check readers "$(grep -c ' bad=0$' $ST/r.sum) of $(grep -c . $ST/r.sum)" \
	"$(grep -c . $ST/r.sum) of $((RELOADS * 4))"
grep -v ' ops=' $ST/r.read | head -n 5
echo $ok >>$ST/mod.cycles
sed -n 's/^tcfuzz: .* ops=\([0-9]*\).*/\1/p' $ST/r.sum >>$ST/fuzz.reads
expect after $P server close_wait=20
stop_tcw

# TIME_WAIT events of a port the table has no entry for: orphans in
# FIN_WAIT2 made while the module is unloaded time out once it is loaded
# again. Their kprobe handler runs in NMI context (int3; run.sh turned jump
# optimization off) and must neither allocate nor lock: such events count
# on "other" (port 0), without an entry. Regression: it allocated the port's entry
# (lockdep: inconsistent {INITIAL USE} -> {IN-NMI} usage of kmemleak_lock,
# from tcpclose_tw_timer).
# The orphans' timers run tcp_fin_timeout (30 s) from their close: insmod
# must be done by then, which a loaded host can delay by seconds on a debug
# kernel (5 s was too short; 15 s left too little for a host 3-5x slower);
# it is checked, not assumed.
P=5302
FT=30
sysctl -qw net.ipv4.tcp_fin_timeout=$FT
rmmod tcpclose || fail nmi.rmmod "rmmod failed"
start_tcw rl2 leak -n 4 -p $P || return
t0=$(up_cs)
insmod $KO || fail nmi.insmod "insmod failed"
took=$(($(up_cs) - t0))
check nmi.insmod-in-time "$([ $took -lt $((FT * 100 - 100)) ] && echo yes || echo "insmod took $((took / 100)) s of the ${FT} s")" yes
# Nothing may read the table before the timers fire: a snapshot would
# create the entry. Wait (at most 60 s) until the kernel has no orphan of
# port $P left in FIN_WAIT2 (its own table, /proc/net/tcp: state 05,
# remote port $P); then all 4 are seen, as timeouts on "other" or (a read
# came first after all) on their own row.
orphans() {
	awk -v p="$(printf '%04X' $P)" '$4 == "05" && substr($3, length($3) - 3) == p' \
		/proc/net/tcp /proc/net/tcp6 | wc -l
}
no_orphans() { [ "$(orphans)" = 0 ]; }
wait_until 60 no_orphans || fail nmi.orphans "$(orphans) orphans of $P still in FIN_WAIT2 after 60 s"
# A row that does not exist holds no timeout (either may be absent).
fw2() {
	local v
	v=$(tc_get "$1" client fin_wait2_timeouts)
	[ "$v" = absent ] && v=0
	echo "$v"
}
all_seen() { [ $((n = $(fw2 0) + $(fw2 $P))) -ge 4 ]; }
wait_until 30 all_seen
check nmi.fin_wait2-timeouts "$n" 4
check nmi.dropped "$(tc_meta dropped)" 0
stop_tcw
