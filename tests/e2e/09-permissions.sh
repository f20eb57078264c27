# Anyone may read; reset needs CAP_NET_ADMIN over the netns, held by the
# process that opened the file and by the one writing. The files are 0644,
# owned by the namespace's root: another user cannot even open them for
# writing (EACCES); root without the capability can, and is refused at
# write (EPERM), and so is any writer of a descriptor it opened.
N=10 P=5011
start_tcw p client-first -n $N -p $P || return
expect before $P client active_closes=$N
expect_rows rows 2
check user.read "$(tcw as -u 65534 cat $PROC | grep -c "^ *$P ")" 2
check nocap.read "$(tcw as -k cat $PROC | grep -c "^ *$P ")" 2
check user.reset "$(tcw write -u 65534 $PROC reset)" "err EACCES"
check user.garbage "$(tcw write -u 65534 $PROC garbage)" "err EACCES"
check nocap.garbage "$(tcw write -k $PROC garbage)" "err EPERM"
check nocap.reset "$(tcw write -k $PROC reset)" "err EPERM"
# The opener counts: its descriptor handed to a privileged writer.
check nocap-opener.passed "$(tcw pass -k $PROC reset)" "err EPERM"
check user-opener.passed "$(tcw pass -u 65534 $PROC reset)" "open err EACCES"
# The writer counts: root's descriptor written without the capability.
check nocap-writer "$(tcw as -k sh -c 'echo reset >&3 2>/dev/null; echo rc=$?' 3>$PROC)" rc=1
check unchanged "$(tc_get $P client active_closes)" $N
# Privileged on both ends, passing the descriptor works.
check root.passed "$(tcw pass $PROC reset)" "ok 5"
check zeroed "$(tc_get $P client active_closes)" 0
check gauge-kept "$(tc_get $P client time_wait)" $N
tcw client-first -n 1 -p $((P + 1)) >/dev/null || fail workload2 "tcw failed"
check root.reset "$(tcw write $PROC reset)" "ok 5"
check zeroed2 "$(tc_get $((P + 1)) client active_closes)" 0
stop_tcw
# /proc/tcpclose is the opener's /proc/net/tcpclose.
check symlink "$(readlink $PROC)" self/net/tcpclose
for f in tcpclose tcpclose_hist; do
	check "mode.$f" "$(stat -c '%a %u' /proc/net/$f)" "644 0"
done
