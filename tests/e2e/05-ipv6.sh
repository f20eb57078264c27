# The same accounting over IPv6 (::1), server first and client first.
N=20
start_tcw v6sf server-first -6 -n $N -p 5005 || return
expect server-first.server 5005 server active_closes=$N passive_closes=0 time_wait=$N
expect server-first.client 5005 client passive_closes=$N active_closes=0 time_wait=0
expect_rows server-first.rows 2
stop_tcw
start_tcw v6cf client-first -6 -n $N -p 5006 || return
expect client-first.server 5006 server passive_closes=$N active_closes=0 time_wait=0
expect client-first.client 5006 client active_closes=$N passive_closes=0 time_wait=$N
expect_rows client-first.rows 4
stop_tcw
