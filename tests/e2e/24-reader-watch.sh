# tcpclose --watch: rates against the previous snapshot, a reset shown as
# what was counted since (never negative), rmmod/insmod survived, Ctrl-C.
P=5024

# wait_line FILE PATTERN: until a line of FILE matches (at most 10 s).
wait_line() {
	local i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.1
	done
}

# watch_start FILE ARGS...: tcpclose --watch ARGS >FILE in the background,
# returning once its first frame is there (its signal handlers with it).
watch_start() {
	local f=$1
	shift
	rm -f "$f"
	tcpclose --watch "$@" >"$f" 2>&1 &
	WP=$!
	wait_line "$f" '^No problems\|^[0-9]* finding'
}

# watch_end: WS becomes the exit status of the watch, or "hung" if it has
# not ended within 10 s (then it is killed, not waited for forever).
watch_end() {
	local i=0 st
	while st=$(cut -d' ' -f3 /proc/$WP/stat 2>/dev/null) && [ "$st" != Z ]; do
		i=$((i + 1))
		if [ $i -ge 100 ]; then
			kill -9 $WP
			wait $WP
			WS=hung
			return
		fi
		sleep 0.1
	done
	wait $WP
	WS=$?
}

# frame_row FILE N: the row of port $P in frame N.
frame_row() {
	awk -v n="$2" -v p="$P" '/^tcpclose --watch/ { f++ } f == n && $1 == p' "$1" | reader_v1
}

start_tcw rw1 server-first -n 10 -p $P || return
stop_tcw
expect before $P server active_closes=10 time_wait=10
watch_start /tmp/w.out 1 --count 3 --port $P --role server || fail reset.start "no first frame"
# Between the first and the second refresh: reset, then 5 more closes.
echo reset >$PROC
start_tcw rw2 server-first -n 5 -p $P || return
stop_tcw
watch_end
check reset.status "$WS" 0
check reset.frames "$(grep -c '^tcpclose --watch 1: refresh' /tmp/w.out)" 3
check reset.heading "$(grep -m 1 'PORT' /tmp/w.out | reader_v1)" \
	"PORT ROLE ACTIVE/s PASSIVE/s SIMULT/s RESETS/s TIME_WAIT CLOSE_WAIT FIN_WAIT1 FIN_WAIT2 LAST_ACK CLOSING ESTAB"
check reset.first "$(frame_row /tmp/w.out 1)" "$P server - - - - 10 0 0 0 0 0 0"
check reset.since "$(frame_row /tmp/w.out 2)" "$P server 5.0 0.0 0.0 0.0 15 0 0 0 0 0 0"
check reset.quiet "$(frame_row /tmp/w.out 3)" "$P server 0.0 0.0 0.0 0.0 15 0 0 0 0 0 0"

# Unloaded under the watch: it waits, then starts again from "-".
watch_start /tmp/w2.out 0.5 --count 6 --port $P || fail unload.start "no first frame"
rmmod tcpclose
wait_line /tmp/w2.out '^module not loaded' || fail unload.wait "no waiting line"
insmod $KO
watch_end
check unload.status "$WS" 0
check unload.waiting "$(grep -m 1 '^module not loaded' /tmp/w2.out)" \
	"module not loaded (/proc/tcpclose missing), waiting"
# The first frame after the wait: gauges at once, rates unknown.
check unload.reloaded "$(awk -v p=$P '/^module not loaded/ { w = 1; next }
	w && $1 == p { print; exit }' /tmp/w2.out | reader_v1)" \
	"$P server - - - - 15 0 0 0 0 0 0"
check unload.loaded "$(is_loaded && echo yes)" yes

# SIGINT and SIGTERM end a watch cleanly.
for sig in INT TERM; do
	watch_start /tmp/w.$sig 0.2 || fail sig$sig.start "no frame"
	kill -$sig $WP
	watch_end
	check sig$sig.status "$WS" 0
done
