# Who may read and who may reset. This netns is A; its table has rows on
# port P. Anyone reads; only CAP_NET_ADMIN over the netns's user namespace,
# held by both the opener and the writer, resets; other namespaces see and
# reset only their own rows.
P=5201
start_tcw iso client-first -n 10 -p $P || return
expect rows $P client active_closes=10
A=$$	# a process of netns A, for /proc/A/net
U=1000
mkdir -p $ST/u && chown $U $ST/u

# An unprivileged user reads everything, resets nothing. What the workload
# makes, not what root reads: port P's client and server rows, and their
# close phases (client: fin_wait1, fin_wait2, total; server: close_wait,
# last_ack, total).
for f in $(tables); do
	case $f in
	$HIST) want=6 ;;
	*) want=2 ;;
	esac
	check "user.read.${f##*/}" "$(tcw as -u $U cat $f | grep -c "^ *$P ")" $want
	check "user.reset.${f##*/}" "$(tcw write -u $U $f reset)" "err EACCES"
done
check user.reset.net "$(tcw write -u $U /proc/net/tcpclose reset)" "err EACCES"
# ... not even with a descriptor that root opened for it (EPERM: the writer
# lacks the capability), nor root without CAP_NET_ADMIN.
check user.root-fd "$(tcw as -u $U sh -c 'echo reset >&3 2>/dev/null; echo rc=$?' 3>$PROC)" rc=1
check nocap.root-fd "$(tcw as -k sh -c 'echo reset >&3 2>/dev/null; echo rc=$?' 3>$PROC)" rc=1
check nocap.reset "$(tcw write -k $PROC reset)" "err EPERM"
check unchanged.user "$(tc_get $P client active_closes)" 10

# Another netns (B): sees and resets only its own rows.
unshare -n sh -c "
	ip link set lo up
	T=$T.netns-b; . /tests/lib.sh; . /tests/stress/lib.sh
	tcwn client-first -n 3 -p $((P + 1))
	for f in \$(tables); do
		check not-a.\${f##*/} \"\$(grep -c '^ *$P ' \$f)\" 0
	done
	check own \"\$(tc_get $((P + 1)) client active_closes)\" 3
	check reset \"\$(tcw write $PROC reset)\" 'ok 5'
	check own-reset \"\$(tc_get $((P + 1)) client active_closes)\" 0
	check netns-differs \"\$(tc_meta netns)\" \"\$(readlink /proc/self/ns/net | tr -dc 0-9)\"
" || fail netns-b.ran "its shell ended with status $?"
check unchanged.netns-b "$(tc_get $P client active_closes)" 10

# A user namespace root (uid U outside) with its own netns (C): resets C,
# not A, whichever way it tries. Both ways of making them: netns and userns
# in one unshare(2) (`unshare -Urn`: the netns exists before the uid map,
# so its /proc/net files fall back to the global root's ownership), and the
# netns made inside the userns once the map is written. Regression: with
# mode 0644 and the files owned by the global root, the first kind could
# not reset its own netns (EACCES): they belong to the userns's creator.
cat >$ST/userns.sh <<'INNER'
ip link set lo up
. /tests/lib.sh
tcw client-first -n 3 -p $Q >/dev/null
check uid "$(id -u)" 0
check own "$(tc_get $Q client active_closes)" 3
check reset "$(tcw write $PROC reset)" 'ok 5'
check own-reset "$(tc_get $Q client active_closes)" 0
check not-a "$(grep -c "^ *$P " $PROC)" 0
check reset-a "$(tcw write /proc/$A/net/tcpclose reset)" 'err EACCES'
check a-fd "$(echo reset 2>/dev/null >&3; echo rc=$?)" rc=1
INNER
export P A Q=$((P + 2))
T=$T.userns-1step tcw as -u $U unshare -U -r -n sh $ST/userns.sh 3>$PROC ||
	fail userns-1step.ran "its shell ended with status $?"
check unchanged.userns-1step "$(tc_get $P client active_closes)" 10
T=$T.userns-2step tcw as -u $U unshare -U -r unshare -n sh $ST/userns.sh 3>$PROC ||
	fail userns-2step.ran "its shell ended with status $?"
check unchanged.userns-2step "$(tc_get $P client active_closes)" 10
# ... and without a netns of its own, it is in A but not privileged over A.
tcw as -u $U unshare -U -r sh -c "
	T=$T.userns-in-a; . /tests/lib.sh
	check sees-a \"\$(grep -c '^ *$P ' $PROC)\" 2
	check reset \"\$(tcw write $PROC reset)\" 'err EACCES'
	check fd \"\$(echo reset 2>/dev/null >&3; echo rc=\$?)\" rc=1
" 3>$PROC || fail userns-in-a.ran "its shell ended with status $?"
check unchanged.userns-in-a "$(tc_get $P client active_closes)" 10
# Writable by the namespace's root only, and the capability check (see procfs.c).
check mode "$(stat -c %a /proc/net/tcpclose)" 644
# Finally root resets A.
check root.reset "$(tcw write $PROC reset)" "ok 5"
check root.zeroed "$(tc_get $P client active_closes)" 0
stop_tcw
