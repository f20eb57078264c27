# Anyone may read; reset needs CAP_NET_ADMIN over the netns. The file is
# 0666: the capability check, not the mode, refuses others (EPERM).
N=10 P=5011
start_tcw p client-first -n $N -p $P || return
expect before $P client active_closes=$N
check user.read "$(tcw as -u 65534 cat $PROC | grep -c "^ *$P ")" 2
check nocap.read "$(tcw as -k cat $PROC | grep -c "^ *$P ")" 2
check user.reset "$(tcw write -u 65534 $PROC reset)" "err EPERM"
check user.garbage "$(tcw write -u 65534 $PROC garbage)" "err EPERM"
check nocap.garbage "$(tcw write -k $PROC garbage)" "err EPERM"
check nocap.reset "$(tcw write -k $PROC reset)" "err EPERM"
check unchanged "$(tc_get $P client active_closes)" $N
check root.reset "$(tcw write $PROC reset)" "ok 5"
check zeroed "$(tc_get $P client active_closes)" 0
check gauge-kept "$(tc_get $P client time_wait)" $N
stop_tcw
# /proc/tcpclose is the opener's /proc/net/tcpclose.
check symlink "$(readlink $PROC)" self/net/tcpclose
check mode "$(stat -c %a /proc/net/tcpclose)" 666
