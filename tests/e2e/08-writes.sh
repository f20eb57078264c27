# Only "reset" (with or without a newline) is accepted; anything else is
# EINVAL and changes nothing.
N=10 P=5010
start_tcw w server-first -n $N -p $P || return
expect before $P server active_closes=$N time_wait=$N
expect_rows rows 2
tc_rows >/tmp/before
i=0
for s in 'garbage' '' 'rese' 'resetx' 'reset extra' 'reset\n\n' 'reset\0' '\0reset' \
	' reset' 'RESET' 'reset\r\n' '\n'; do
	i=$((i + 1))
	check "bad$i" "$(tcw write $PROC "$s")" "err EINVAL"
done
check overlong-17 "$(tcw write -s 17 $PROC)" "err EINVAL"
check overlong-4096 "$(tcw write -s 4096 $PROC)" "err EINVAL"
check overlong-1M "$(tcw write -s 1048576 $PROC)" "err EINVAL"
tc_rows >/tmp/after
check unchanged "$(cmp -s /tmp/before /tmp/after && echo same || echo changed)" same
# Then a good one: counters drop to zero, the live TIME_WAIT gauge stays.
check reset "$(tcw write $PROC 'reset\n')" "ok 6"
expect after-reset $P server active_closes=0 time_wait=$N
# The clients' row held counters only (no TIME_WAIT on that side): the
# reset removes it.
expect_absent after-reset.client $P client
check reset-no-newline "$(tcw write $PROC reset)" "ok 5"
stop_tcw
