# Hostile input, on a quiet netns with known rows: fuzzed writes are all
# rejected with the documented error and change nothing; readers with tiny
# buffers, rereads and seeks see one consistent snapshot per open; every
# module parameter refuses out-of-range values at insmod and cannot be
# written once loaded.
P=5101
start_tcw h server-first -n 10 -p $P || return
expect rows $P server active_closes=10
cat $PROC >$ST/h.before
for f in $(tables); do cat $f >$ST/h.before.${f##*/}; done

# Readers run all along, on each table.
rm -f $ST/h.stop
i=0 readers=
for f in $(tables); do
	i=$((i + 1))
	tcfuzz read -t $ST/h.stop -s $i $f >$ST/h.read$i 2>&1 &
	readers="$readers $!"
done
# As root: EINVAL (EFAULT for a buffer running into an unmapped page,
# ESPIPE for pwrite).
tcfuzz write -n $FUZZ -s 1 $PROC >$ST/h.w.root 2>&1
check_fuzz fuzz.root $ST/h.w.root writes
# The histogram file too (always there: its absence is a failure here).
tcfuzz write -n $((FUZZ / 4)) -s 2 $HIST >$ST/h.w.hist 2>&1
check_fuzz fuzz.hist $ST/h.w.hist writes
# Root without CAP_NET_ADMIN: EPERM for every write, whatever the bytes.
tcw as -k tcfuzz write -n $((FUZZ / 4)) -s 3 -e EPERM $PROC >$ST/h.w.nocap 2>&1
check_fuzz fuzz.nocap $ST/h.w.nocap writes
# Another user: cannot open for writing (EACCES, mode 0644).
tcw as -u 65534 tcfuzz write -n $((FUZZ / 8)) -s 4 -e EACCES $PROC >$ST/h.w.user 2>&1
check_fuzz fuzz.user $ST/h.w.user writes
touch $ST/h.stop
wait $readers
i=0
for f in $(tables); do
	i=$((i + 1))
	check_fuzz "reads.${f##*/}" $ST/h.read$i reads
done
# Nothing changed: the counters of every row are those of before.
cat $PROC >$ST/h.after
counters $ST/h.before >$ST/h.cb
counters $ST/h.after >$ST/h.ca
check unchanged "$(cmp -s $ST/h.cb $ST/h.ca && echo same || { cat $ST/h.cb $ST/h.ca; echo changed; })" same
grep -v '^#' $ST/h.before.${HIST##*/} >$ST/h.hb
grep -v '^#' $HIST >$ST/h.ha
check unchanged.hist "$(cmp -s $ST/h.hb $ST/h.ha && echo same || echo changed)" same
# ... and not because it was empty: the 10 closes were timed.
check hist.rows "$(awk -v p=$P '$1 == p && $2 == "server" && $3 == "total" { print $4 }' $ST/h.ha)" 10
check dropped "$(tc_meta dropped $ST/h.after)" 0
# Opens of a quiet table read the same, whatever the buffer size (thrice
# in a row, in case a TIME_WAIT expires in between).
same=differ
for i in 1 2 3; do
	cat $PROC >$ST/h.cat
	dd if=$PROC bs=1 2>/dev/null >$ST/h.dd1
	dd if=$PROC bs=7 2>/dev/null >$ST/h.dd7
	cmp -s $ST/h.cat $ST/h.dd1 && cmp -s $ST/h.cat $ST/h.dd7 && same=same && break
done
check tiny-reads $same same
# A seek past the end reads nothing; SEEK_END is not supported by seq_file.
check seek-past-end "$(dd if=$PROC bs=1 skip=1000000 2>/dev/null | wc -c)" 0
stop_tcw

# Module parameters: out-of-range and malformed values fail insmod with
# EINVAL and leave nothing loaded; valid bounds load and read back; a
# loaded parameter cannot be written, but timing and max_dests, which only
# root may write, and only with a value their parsers take.
params=$(ls /sys/module/tcpclose/parameters)
check params.present "$(echo $params | grep -c max_ports)" 1
for p in $params; do
	f=/sys/module/tcpclose/parameters/$p
	val=$(cat $f)
	if [ $p = timing ] || [ $p = max_dests ]; then
		check "param.$p.user" "$(tcw write -u 1000 $f 0)" "err EACCES"
		case $p in
		timing) bad="2 abc -1 maybe" ;;
		*) bad="0 1025 abc -1" ;;
		esac
		for v in $bad; do
			check "param.$p.write=$v" "$(tcw write $f "$v")" "err EINVAL"
		done
	else
		check "param.$p.readonly" "$(tcw write $f 1)" "err EACCES"
	fi
	check "param.$p.kept" "$(cat $f)" "$val"
done
rmmod tcpclose
junk="-1 abc '' ' ' 1x 0x 99999999999999999999 4294967296 '\"1 2\"' 1.5 +-3"
for p in $params; do
	case $p in
	max_ports) bad="0 65537 4294967295 $junk" good="1 65536 0x100" ;;
	max_tracked) bad="0 7 4194305 $junk" good="8 4194304" ;;
	max_tracked_share) bad="0 101 $junk" good="1 100" ;;
	max_dests) bad="0 1025 $junk" good="1 1024" ;;
	max_ports_netns_total) bad="4194305 $junk" good="0 4194304" ;;
	*) bad="2 -1 abc '' x" good= ;;	# a bool: what no parser takes
	esac
	eval "set -- $bad"
	# The quick run tries the bounds and one malformed value.
	[ $MODE = quick ] && [ $# -gt 4 ] && set -- "$1" "$2" "$3" "$4" && good=${good%% *}
	for v in "$@"; do
		# In a cleared log (kept for the final scan), so the line found
		# below is this insmod's.
		insmod_bad "$p=$v"
		msg=$INSMOD_OUT
		if is_loaded; then
			fail "param.$p=$v" "accepted"
			rmmod tcpclose
		elif echo "$msg" | grep -q 'Invalid argument'; then
			# EINVAL, and for this parameter (the kernel's own line
			# after the parser refused it), not for anything else.
			check "param.$p=$v" "$(dmesg | grep -qF "invalid for parameter \`$p'" && echo refused || echo "no refusal of $p in dmesg")" refused
		else
			fail "param.$p=$v" "refused, but not with EINVAL: $msg"
		fi
		check "param.$p=$v.no-proc" "$(test -e $PROC && echo present || echo absent)" absent
	done
	for v in $good; do
		if insmod $KO "$p=$v"; then
			check "param.$p=$v" "$(cat /sys/module/tcpclose/parameters/$p)" "$(printf %d $v)"
			rmmod tcpclose
		else
			fail "param.$p=$v" "refused"
		fi
	done
done
insmod $KO || fail insmod "reload failed"
