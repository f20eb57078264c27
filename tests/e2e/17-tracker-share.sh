# One namespace cannot take every close-tracker slot. With max_tracked=256
# and max_tracked_share=10, namespace A (this test's) holds at most 25: its
# 200 leaked CLOSE_WAIT sockets and their clients' 200 orphans (400 closes
# under way) leave the other 231 to everyone else, and namespace B's closes
# are all timed. Without the share, A's closes would fill every slot.
hget() { sed -n "1s/.* $1=\([0-9]*\).*/\1/p" "${2:-/proc/tcpclose_hist}"; }
rmmod tcpclose || fail rmmod "rmmod failed"
insmod $KO max_tracked=256 max_tracked_share=10 || fail insmod "insmod failed"
check param "$(cat /sys/module/tcpclose/parameters/max_tracked_share)" 10
start_tcw leak leak -n 200 -p 5050 || return
expect a.leak 5050 server close_wait=200
check a.max "$(hget netns_max_tracked)" 25
check a.held "$(hget netns_tracked)" 25
check a.untracked "$(hget untracked_closes)" 375
rm -f /tmp/b.hist
unshare -n sh -c "ip link set lo up; tcw server-first -n 10 -p 5051 >/dev/null &&
	cat /proc/tcpclose_hist >/tmp/b.hist"
bcount() {
	awk -v r="$1" '$1 == 5051 && $2 == r && $3 == "total" { print $4 }' /tmp/b.hist
}
check b.server.timed "$(bcount server)" 10
check b.client.timed "$(bcount client)" 10
check b.untracked "$(hget untracked_closes /tmp/b.hist)" 0
check b.held "$(hget netns_tracked /tmp/b.hist)" 0
stop_tcw
# Out of range: refused.
rmmod tcpclose
for bad in 0 101 x; do
	if insmod_bad max_tracked_share=$bad; then
		fail "param.bad.$bad" "insmod accepted it"
		rmmod tcpclose
	else
		# Refused for the stated reason, not any insmod failure.
		check "param.bad.$bad" "$(dmesg | grep -q "tcpclose: max_tracked_share=$bad: must be" && echo said)" said
	fi
done
insmod $KO
