# Anyone may read; reset needs CAP_NET_ADMIN over the netns.
N=10 P=5011
start_tcw p client-first -n $N -p $P || return
expect before $P client active_closes=$N
check user.read "$(tcw as -u 65534 cat $PROC | grep -c "^ *$P ")" 2
check nocap.read "$(tcw as -k cat $PROC | grep -c "^ *$P ")" 2
check user.reset "$(tcw write -u 65534 $PROC reset)" "err EPERM"
check user.garbage "$(tcw write -u 65534 $PROC garbage)" "err EPERM"
check nocap.reset "$(tcw write -k $PROC reset)" "err EPERM"
check unchanged "$(tc_get $P client active_closes)" $N
check root.reset "$(tcw write $PROC reset)" "ok 5"
check zeroed "$(tc_get $P client active_closes)" 0
check gauge-kept "$(tc_get $P client time_wait)" $N
stop_tcw
