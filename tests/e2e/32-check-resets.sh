# Resets piling up: 150 clients abort (SO_LINGER 0), so the server's 150
# connections end in an RST: at least --min-resets (100), at more than
# --reset-rate (1 per second) over the time since this namespace's counting
# started (since_boot_s against /proc/uptime; a few seconds here). --check
# exits 10 with that finding alone (the clients' local_aborts are none).
N=150 P=5066
tcw abort -n $N -p $P >/tmp/w.out 2>&1 || fail workload "$(cat /tmp/w.out)"
expect settled $P server resets=$N
expect settled.client $P client local_aborts=$N resets=0
tcpclose --check >/tmp/c.out 2>&1
check status $? 10
check lines "$(wc -l </tmp/c.out)" 1
# The span and the rate are the run's: their form, then the rate from the
# span the same line states.
check finding "$(sed 's/in the last [0-9.]* s, [0-9.]* per second$/in the last S s, R per second/' /tmp/c.out)" \
	"warning: port $P: $N server resets in the last S s, R per second"
# (A fresh namespace: the span can be under a second, printed as 0.4.)
span=$(sed -n 's/.*in the last \([0-9.]*\) s, .*/\1/p' /tmp/c.out)
check span "$(echo "$span" | awk -v n=$N '$1 > 0 && $1 <= n { print "ok"; exit } { print "'"'"'" $0 "'"'"'" }')" ok
tcpclose --json >/tmp/c.out 2>&1
check json "$(grep -c "^ {\"kind\":\"resets\",\"port\":$P,\"role\":\"server\",\"resets\":$N,\"window_s\":[0-9.]*,\"rate_per_s\":[0-9.e+]*,\"severity\":\"warning\"," /tmp/c.out)" 1
# Below a higher --reset-rate: no finding, no output.
check slow "$(tcpclose --check --reset-rate 1000)" ""
