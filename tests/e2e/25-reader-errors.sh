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
err_case not-loaded.prometheus 3 "$NL" tcpclose --prometheus
err_case not-loaded.diagnose 3 "$NL" tcpclose --diagnose
insmod $KO
check reloaded "$(tcpclose >/dev/null 2>&1; echo $?)" 0
