# Every error of the reader: one line on stderr, a distinct exit status,
# nothing on stdout (a textfile collector must not get half a file).
P=5025
start_tcw re client-first -n 3 -p $P || return
stop_tcw
# Anyone may read the table.
tcw as -u 65534 tcpclose --port $P >/tmp/e.out 2>&1
check user.status $? 0
check user.rows "$(grep -c "^ *$P " /tmp/e.out)" 2
check netfile "$(tcpclose --file /proc/net/tcpclose --port $P | grep -c "^ *$P ")" 2

# err_case NAME STATUS STDERR CMD...
err_case() {
	local name=$1 want=$2 msg=$3 st
	shift 3
	"$@" >/tmp/e.out 2>/tmp/e.err
	st=$?
	check $name.status $st $want
	check $name.stderr "$(cat /tmp/e.err)" "$msg"
	check $name.stdout "$(wc -c </tmp/e.out)" 0
}

err_case bad-flag 2 "tcpclose: unknown option '--bogus' (see tcpclose --help)" tcpclose --bogus
echo secret >/tmp/secret
chmod 600 /tmp/secret
err_case unreadable 4 "tcpclose: cannot read /tmp/secret: Permission denied" \
	tcw as -u 65534 tcpclose --file /tmp/secret
printf '# tcpclose 2 version=9.0.0\n port role\n' >/tmp/v2
err_case version 5 "tcpclose: /tmp/v2: line 1: unknown format version 2 (this tcpclose reads format 1)" \
	tcpclose --file /tmp/v2
rmmod tcpclose
NL="tcpclose: /proc/tcpclose not found: the tcpclose module is not loaded (sudo modprobe tcpclose, or sudo insmod module/tcpclose.ko)"
err_case not-loaded 3 "$NL" tcpclose
err_case not-loaded.json 3 "$NL" tcpclose --json
# A textfile collector gets "down" instead of a failed write.
tcpclose --prometheus >/tmp/down.prom 2>/tmp/down.err
check not-loaded.prometheus "$? $(cat /tmp/down.err)$(grep -v '^#' /tmp/down.prom)" \
	"0 tcpclose_up{netns=\"$(readlink /proc/self/ns/net | tr -dc 0-9)\"} 0"
check not-loaded.prometheus.comment "$(grep -c '^# tcpclose: the tcpclose module is not loaded' /tmp/down.prom)" 1
err_case not-loaded.all-netns 3 "$NL" tcpclose --all-netns
tcpclose --all-netns --prometheus >/tmp/down.prom 2>/tmp/down.err
check not-loaded.all-netns.prometheus "$? $(cat /tmp/down.err)$(grep -v '^#' /tmp/down.prom)" "0 tcpclose_up 0"
err_case not-loaded.diagnose 3 "$NL" tcpclose --diagnose
insmod $KO
check reloaded "$(tcpclose >/dev/null 2>&1; echo $?)" 0
