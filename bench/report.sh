#!/bin/bash
# Turn the records of bench/guest-bench.sh into Markdown tables.
#   bench/report.sh RESULTS.txt
# Prints the report; the last section, "Targets", says which were met.
set -euo pipefail
awk '
function median(key,   n, i, j, t, v) {
	n = cnt[key]
	if (!n) return ""
	for (i = 1; i <= n; i++) v[i] = val[key, i]
	for (i = 2; i <= n; i++) {	# insertion sort, n is small
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
		v[j + 1] = t
	}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function add(key, x) { val[key, ++cnt[key]] = x }
# "min / median / max" of the values of key, with fmt for each.
function spread(key, fmt,   n, i, j, t, v) {
	n = cnt[key]
	if (!n) return "-"
	for (i = 1; i <= n; i++) v[i] = val[key, i]
	for (i = 2; i <= n; i++) {
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
		v[j + 1] = t
	}
	return sprintf(fmt " / " fmt " / " fmt, v[1], median(key), v[n])
}
function pct(r) { return sprintf("%.3f (%+.1f%%)", r, (r - 1) * 100) }
function ms(ns) { return ns >= 1e8 ? sprintf("%.0f ms", ns / 1e6) : ns >= 1e7 ? sprintf("%.1f ms", ns / 1e6) : sprintf("%.2f ms", ns / 1e6) }
function kib(b) { return sprintf("%.1f KiB", b / 1024) }
function target(name, res, ok) {
	tn++; tname[tn] = name; tres[tn] = res
	tok[tn] = ok < 0 ? "inconclusive: the rounds disagree" : ok ? "yes" : "**no**"
}
# lo(KEY), hi(KEY): the smallest and largest of its values (per-round ratios).
function lo(key,   i, v) {
	v = val[key, 1]
	for (i = 2; i <= cnt[key]; i++) if (val[key, i] < v) v = val[key, i]
	return v
}
function hi(key,   i, v) {
	v = val[key, 1]
	for (i = 2; i <= cnt[key]; i++) if (val[key, i] > v) v = val[key, i]
	return v
}
# A wall-clock verdict is inconclusive (-1) when the rounds do not agree on
# it: per-round ratios on both sides of the threshold (judged_ge), or two
# configurations with overlapping per-round ratios (judged_gt). Under a host
# whose load moves they can spread over tens of points; icount rounds
# spread under one and are judged by their medians.
function judged_ge(ok, key, t) {
	return !icount && cnt[key] && lo(key) < t && hi(key) >= t ? -1 : ok
}
function judged_gt(ok, k1, k2) {
	return !icount && cnt[k1] && cnt[k2] && hi(k2) >= lo(k1) && hi(k1) >= lo(k2) ? -1 : ok
}
# The cost of one connection in tpbench, piece by piece (instructions under
# icount), for counts only, timing without the TIME_WAIT kprobes, and the
# default; the kprobes, which tpbench cannot fire, from the churn.
function breakdown(   z, e, fnc, acc, cntg, tim, tclk, ttrk, thist, trest, tw, kp, mid, g, m, rg, x, k, n, r, tv, tcsum) {
	z = probe["none", "conn"]
	e = 10 * (probe["empty", "conn"] - z)
	fnc = probe["counts", "nonclose"] - probe["empty", "nonclose"]
	acc = probe["counts", "listener"] - probe["empty", "listener"]
	cntg = 10 * (probe["counts", "conn"] - z) - e - 5 * fnc - acc
	tim = 10 * (probe["notw", "conn"] - probe["counts", "conn"])
	tclk = 6 * part["clock"]
	ttrk = 2 * part["track_start_end"] + 4 * part["track_find_hit"]
	thist = 6 * part["hist_add"]
	# Without timing the middle steps are filtered out: with it, their filter is in the rest.
	trest = tim + 2 * fnc - tclk - ttrk - thist
	tw = 10 * (probe["tcpclose", "conn"] - probe["notw", "conn"])
	kp = part["call_kprobed"] - part["call"]
	print "### What each piece costs per connection"
	print ""
	printf "%s per connection (10 tracepoint hits: an accept, two first FINs, two middle steps, two ends, three others), from tpbench in this boot: the configurations above less each other, and the pieces timed one by one with tcpclose'"'"'s own code (`tpbench parts=1`: tracker from track.c, histogram add from hist.h). The TIME_WAIT kprobes never fire in tpbench: their cost is the churn'"'"'s, below.\n", icount ? "Instructions" : "ns of wall time (this boot does not count instructions: every figure moves with the host)"
	print ""
	print "| piece | counts only (timing=0 tw_probes=0) | timing=1 tw_probes=0 | default | what it pays for (parameter that turns it off) |"
	print "|---|---:|---:|---:|---|"
	printf "| empty probe, 10 hits | %.0f | %.0f | %.0f | being attached to the tracepoint at all |\n", e, e, e
	printf "| filter: hits that are no part of a close (%.0f each) | %.0f | %.0f | %.0f | - |\n", fnc, 5 * fnc, 3 * fnc, 3 * fnc
	printf "| accept: the listening-port bitmaps (LISTEN -> SYN_RECV) | %.0f | %.0f | %.0f | telling client from server on ports outside the ephemeral range |\n", acc, acc, acc
	printf "| counting: 2 first FINs, 2 ends (role rule, table lookup, per-CPU increment) | %.0f | %.0f | %.0f | the counters of /proc/tcpclose |\n", cntg, cntg, cntg
	printf "| clock reads: 6 x %.0f | - | %.0f | %.0f | close durations (timing=0) |\n", part["clock"], tclk, tclk
	printf "| tracker: 2 claims and ends (%.0f), 4 finds (%.0f) | - | %.0f | %.0f | close durations, CLOSE_WAIT age (timing=0) |\n", part["track_start_end"], part["track_find_hit"], ttrk, ttrk
	printf "| histogram adds: 6 x %.0f (4 phases, 2 totals) | - | %.0f | %.0f | /proc/tcpclose_hist (timing=0) |\n", part["hist_add"], thist, thist
	if (("notw", "middle") in probe) {
		mid = probe["notw", "middle"] - probe["empty", "middle"] - part["clock"] - part["track_find_hit"] - part["hist_add"]
		printf "| the 2 middle steps beyond those (filtered out without timing): out-of-line probe, histogram lookup, %.0f each | - | %.0f | %.0f | close durations (timing=0) |\n", mid, 2 * mid, 2 * mid
		printf "| the rest at the first FIN and the end: per-namespace share (2 atomics), the step at CLOSE, its histogram lookup | - | %.0f | %.0f | close durations (timing=0) |\n", trest - 2 * mid, trest - 2 * mid
	} else
		printf "| rest of timing: the 2 middle steps'"'"' probe path (filtered without timing), histogram lookups, per-namespace share | - | %.0f | %.0f | close durations (timing=0) |\n", trest, trest
	printf "| tw_probes on the tracepoint path (handoff check) | - | - | %.0f | FIN_WAIT2 timeouts told from handoffs (tw_probes=0) |\n", tw
	printf "| **total in tpbench** | **%.0f** | **%.0f** | **%.0f** | |\n", 10 * (probe["counts", "conn"] - z), 10 * (probe["notw", "conn"] - z), 10 * (probe["tcpclose", "conn"] - z)
	# The kprobes, from the churn: default less tw_probes=0, per round and of the medians.
	for (g = 1; g <= nreg; g++)
		for (m = 1; m <= nmix[regs[g]]; m++) {
			rg = regs[g]; x = mixes[rg, m]
			if (!((rg, x, "loaded") in med) || !((rg, x, "notw") in med)) continue
			k = rg " " x; n = 0; delete tcsum
			for (r = 1; r <= rounds; r++) {
				if (!(((k " loaded"), r) in rate) || !(((k " notw"), r) in rate)) continue
				val["kpc " k, ++n] = 1e9 * (1 / rate[k " loaded", r] - 1 / rate[k " notw", r])
				if (((k " loaded"), r) in tcr) {
					split(tcr[k " loaded", r], tv, " ")
					tcsum[1] += tv[1]; tcsum[2] += tv[2]; tcsum[3] += tv[3]; tcsum[4] += conns[k " loaded", r]
				}
			}
			cnt["kpc " k] = n
			printf "| TIME_WAIT kprobes, churn %s, %s (default less tw_probes=0; per-round min / median / max: %s; tw_created, tw_expired, tw_overflow per connection: %.2f, %.2f, %.2f) | - | - | %.0f | TIME_WAIT lifecycle columns, FIN_WAIT2 timing through the timewait socket (tw_probes=0) |\n", rg, x, spread("kpc " k, "%.0f"), tcsum[4] ? tcsum[1] / tcsum[4] : 0, tcsum[4] ? tcsum[2] / tcsum[4] : 0, tcsum[4] ? tcsum[3] / tcsum[4] : 0, 1e9 * (1 / med[rg, x, "loaded"] - 1 / med[rg, x, "notw"])
		}
	print ""
	printf "One kprobe hit (%s-based) with an empty handler costs %.0f instructions (tpbench), a bare ftrace_ops callback on the same function %s; an empty rcu_read_lock() section %s. Alternatives timed with the same code: a histogram add on per-CPU counters %s (atomic: %s); a tracker lookup in a bucket of packed tags %s hit / %s miss (the 8 slots of today: %s / %s).\n\n", meta["tpbench_kprobe"], kp, ("call_ftrace_ops" in part) ? sprintf("%.0f", part["call_ftrace_ops"] - part["call"]) : "-", part["rcu_lock_unlock"], part["hist_add_percpu"], part["hist_add"], part["tags_find_hit"], part["tags_find_miss"], part["track_find_hit"], part["track_find_miss"]
}
$1 == "meta" { meta[$2] = $3; for (i = 4; i <= NF; i++) meta[$2] = meta[$2] " " $i }
$1 == "churn" {
	k = $2 " " $3 " " $4
	add("churn " k, $6); rate[k, $5] = $6; conns[k, $5] = $7; rounds = $5 > rounds ? $5 : rounds
	if (!($2 in seenreg)) { seenreg[$2] = 1; regs[++nreg] = $2 }
	if (!(($2, $3) in seenmix)) { seenmix[$2, $3] = 1; mixes[$2, ++nmix[$2]] = $3 }
	if (!($4 in seencfg)) { seencfg[$4] = 1; cfgs[++ncfg] = $4 }
}
$1 == "tw" { k = $2 " " $3 " " $4; add("ovf " k, $6); add("exp " k, $7 + $10 - $11 - $8 - $9); add("twend " k, $11); add("twbefore " k, $10) }
$1 == "tc" { k = $2 " " $3 " " $4; add("tcexp " k, $7); tcr[k, $5] = $6 " " $7 " " $8 }
$1 == "load" { add("load " $2, $6) }
$1 == "hits" { hits[$2, $3] = $4 }
$1 == "probe" { probe[$2, $3] = $4 }
$1 == "clock" { clk[++nclk] = $2; clkns[$2] = $3 }
$1 == "part" { part[$2] = $3 }
$1 == "meta" && $2 == "clocksource" { clocksource = $3 }
$1 == "read" { rmin[$2, $3] = $4; rmed[$2, $3] = $5; if (!($2 in seenn)) { seenn[$2] = 1; ns[++nn] = $2 } }
$1 == "count" { count[$2, $3] = $4 }
$1 == "mem" && $2 == "module_size" { modsize = $3 }
$1 == "mem" && $2 == "insmod_netns" { add("insmod " $4, $3); if (!($4 in seenk)) { seenk[$4] = 1; ks[++nk] = $4 } }
$1 == "mem" && $2 ~ /^ports_/ { add($2 " " $4, $3); if (!($4 in seenp)) { seenp[$4] = 1; ps[++np] = $4 } }
$1 == "mem" && $2 == "dest_read_transient" { dpeak[$4] = $3 }
$1 == "check" { nchk++; if ($3 != "ok") { bad[++nbad] = $0 } }
END {
	printf "Guest: Linux %s, %s vCPUs, QEMU TCG (%s clock); tcpclose %s, bpftrace %s, ss %s.\n",
		meta["kernel"], meta["cpus"], meta["clock"], meta["tcpclose"], meta["bpftrace"], meta["ss"]
	if (meta["clock"] == "icount")
		print "Guest time advances 1 ns per emulated instruction: times are instruction counts, ratios do not depend on the load of the host."
	if (meta["mitigations"] != "") print "Mitigations in the guest: " meta["mitigations"] "."
	if (meta["kprobes"] != "") print "TIME_WAIT lifecycle kprobes (tw_probes=1): " meta["kprobes"] "."
	print ""

	cname["unloaded"] = "not loaded"
	cname["loaded"] = "**tcpclose** (default: timing=1 tw_probes=auto)"
	cname["counts"] = "counts only (timing=0 tw_probes=0)"
	cname["notw"] = "timing, no TIME_WAIT kprobes (tw_probes=0)"
	cname["bpftrace"] = "bpftrace, tracepoint (bench/peer.bt)"
	cname["bpfkfunc"] = "bpftrace, kfunc on tcp_set_state (bench/peer-kfunc.bt)"
	cname["ref"] = "ref: tcpclose at " meta["ref"]
	rname["limit"] = "at the tcp_max_tw_buckets limit (" meta["churn_limit"] "): almost every first closer overflows, no timewait socket is made"
	rname["below"] = "below tcp_max_tw_buckets (" meta["churn_below"] "): every first closer enters TIME_WAIT; after a warm-up longer than TIME_WAIT (60 s), as many expire per round as are made"
	icount = meta["clock"] == "icount"
	for (g = 1; g <= nreg; g++) {
		reg = regs[g]
		printf "### Churn %s\n\n", rname[reg]
		printf "Connections per second (%s), %d rounds of %s s, the configurations alternating in rotating order in one boot. Ratios are to the module not loaded: the ratio of the medians, then the spread of the per-round ratios (each round against the unloaded run of the same round).", icount ? "guest time: instruction counts" : "wall clock", rounds, meta["churn_secs"]
		if (!icount && cnt["load " reg]) printf " Host load (1-minute average) during these rounds: %s.", spread("load " reg, "%.2f")
		print "\n"
		print "| mix | configuration | conn/s min / median / max | ratio | per-round ratios min / median / max | cost per connection | TCPTimeWaitOverflow per round min / median / max | timewait sockets at the start of a round min / median / max | expired per round min / median / max |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
		for (m = 1; m <= nmix[reg]; m++) {
			x = mixes[reg, m]
			u = median("churn " reg " " x " unloaded")
			for (c = 1; c <= ncfg; c++) {
				cf = cfgs[c]; k = reg " " x " " cf
				if (!cnt["churn " k]) continue
				l = median("churn " k)
				delete pr
				for (r = 1; r <= rounds; r++)
					if (((k, r) in rate) && ((reg " " x " unloaded", r) in rate))
						val["pr " k, ++pr[1]] = rate[k, r] / rate[reg " " x " unloaded", r]
				cnt["pr " k] = pr[1]
				per = (1 / l - 1 / u) * 1e9
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", x, cname[cf], spread("churn " k, "%.0f"),
					cf == "unloaded" ? "1" : sprintf("%.3f", l / u), cf == "unloaded" ? "-" : spread("pr " k, "%.3f"),
					cf == "unloaded" ? "-" : sprintf("%.0f ns%s", per, hits[reg, x] ? sprintf(" (%s hits: %.0f per hit)", hits[reg, x], per / hits[reg, x]) : ""),
					spread("ovf " k, "%.0f"), spread("twbefore " k, "%.0f"), spread("exp " k, "%.0f")
				ratio[reg, x, cf] = l / u; med[reg, x, cf] = l
				if (cf == "loaded") target("churn " reg ", " x ": tcpclose >= 99% of unloaded (" (icount ? "icount" : "wall clock") ")", sprintf("%.3f (rounds %s)", l / u, spread("pr " k, "%.3f")), judged_ge(l / u >= 0.99, "pr " k, 0.99))
				if (cf == "counts") target("churn " reg ", " x ": counts only >= 99% of unloaded (" (icount ? "icount" : "wall clock") ")", sprintf("%.3f (rounds %s)", l / u, spread("pr " k, "%.3f")), judged_ge(l / u >= 0.99, "pr " k, 0.99))
			}
			for (c = 1; c <= ncfg; c++) {
				cf = cfgs[c]
				if (cf != "bpftrace" && cf != "bpfkfunc") continue
				if (!((reg, x, cf) in ratio) || !((reg, x, "loaded") in ratio)) continue
				target("churn " reg ", " x ": tcpclose cheaper than " cname[cf], sprintf("%.3f vs %.3f", ratio[reg, x, "loaded"], ratio[reg, x, cf]),
					judged_gt(ratio[reg, x, "loaded"] > ratio[reg, x, cf], "pr " reg " " x " loaded", "pr " reg " " x " " cf))
			}
		}
		print ""
	}
	if (nreg) {
		print "Cost per connection = 1/rate (loaded) - 1/rate (unloaded), from the medians" (icount ? ", in instructions (1 ns of guest time each)" : ", in ns of wall time") "; hits are the inet_sock_set_state hits per connection, counted with ftrace. Timewait sockets expired per round = made (TcpExt TW, counted when the timer is armed) + sockstat tw before - after - TWKilled - TWRecycled."
		print ""
	}

	if (("none", "conn") in probe) {
		print "### Probe cost per tracepoint hit, measured in the kernel"
		print ""
		print "ns per hit (guest time) above the same call with no probe attached; bench/tpbench calls the tracepoint iterator in a loop with the transitions of one connection (best of 7 runs, one vCPU online)."
		print ""
		pref = ("ref", "conn") in probe
		pcts = ("counts", "conn") in probe
		pnotw = ("notw", "conn") in probe
		printf "| transitions | empty probe | tcpclose |%s%s bpftrace |%s tcpclose / empty |\n", pcts ? " counts only |" : "", pnotw ? " timing, tw_probes=0 |" : "", pref ? " ref |" : ""
		printf "|---|---:|---:|%s%s---:|%s---:|\n", pcts ? "---:|" : "", pnotw ? "---:|" : "", pref ? "---:|" : ""
		split("conn nonclose listener active passive middle", vs, " ")
		vn["middle"] = "FIN_WAIT1 -> FIN_WAIT2 of a close under way (a middle step)"
		vn["conn"] = "one whole connection (10 hits), per hit"
		vn["nonclose"] = "SYN_RECV -> ESTABLISHED (not a close)"
		vn["listener"] = "LISTEN -> SYN_RECV (an accept)"
		vn["active"] = "active close, 3 steps, per hit"
		vn["passive"] = "passive close, 3 steps, per hit"
		for (i = 1; i <= 6; i++) {
			v = vs[i]; z = probe["none", v]
			if (!(("tcpclose", v) in probe)) continue
			e = probe["empty", v] - z; t = probe["tcpclose", v] - z
			bb = (("bpftrace", v) in probe) ? sprintf("%.1f", probe["bpftrace", v] - z) : "-"
			printf "| %s | %.1f | %.1f |", vn[v], e, t
			if (pcts) printf " %.1f |", probe["counts", v] - z
			if (pnotw) printf " %.1f |", probe["notw", v] - z
			printf " %s |", bb
			if (pref) printf " %.1f |", probe["ref", v] - z
			printf " %.1fx |\n", (e > 0 ? t / e : 0)
			if (v == "conn") { pconn = t; pempty = e }
		}
		print ""
		printf "Per connection tcpclose adds %.0f ns here. Natively an empty probe costs about 15 ns (NOTES); at the same ratio tcpclose would cost about %.0f ns per hit.\n\n", pconn * 10, (pempty > 0 ? 15 * pconn / pempty : 0)
		target("probe: tens of ns per hit natively (est. 15 ns x ratio to empty)", sprintf("%.0f ns", pempty > 0 ? 15 * pconn / pempty : 0), pempty > 0 && 15 * pconn / pempty < 100)
		if (pcts) {
			pc = probe["counts", "conn"] - probe["none", "conn"]
			target("probe, counts only: tens of ns per hit natively (est. 15 ns x ratio to empty)", sprintf("%.0f ns", pempty > 0 ? 15 * pc / pempty : 0), pempty > 0 && 15 * pc / pempty < 100)
		}
		if (nclk) {
			printf "One read of each kernel clock (clocksource %s), ns:", clocksource
			for (i = 1; i <= nclk; i++)
				printf "%s %s %s", (i > 1 ? "," : ""), clk[i], clkns[clk[i]]
			print ".\n"
		}
		if (pcts && pnotw && ("clock" in part)) breakdown()
	}

	if (("10000", "tcpclose") in rmed) {
		print "### Reading TIME_WAIT at scale"
		print ""
		print "Median time to read everything once (guest time): /proc/tcpclose and /proc/net/tcp+tcp6 read in-process by bench/rdtime (as an agent such as node_exporter would), `ss -Htan state time-wait | wc -l` as a command."
		print ""
		print "| TIME_WAIT sockets | /proc/tcpclose | ss | /proc/net/tcp+tcp6 | ss / tcpclose | proc / tcpclose | counts: tcpclose, ss, proc, sockstat |"
		print "|---:|---:|---:|---:|---:|---:|---|"
		for (i = 1; i <= nn; i++) {
			n = ns[i]
			if (!((n, "tcpclose") in rmed))
				continue	# a level of the destinations section only
			t = rmed[n, "tcpclose"]; s = rmed[n, "ss"]; p = rmed[n, "proc"]
			agree = count[n, "tcpclose"] == count[n, "ss"] && count[n, "ss"] == count[n, "proc"] && count[n, "proc"] == count[n, "sockstat"]
			printf "| %d | %s | %s | %s | %.0fx | %.0fx | %d, %d, %d, %d (%s) |\n", n, ms(t), ms(s), ms(p), s / t, p / t,
				count[n, "tcpclose"], count[n, "ss"], count[n, "proc"], count[n, "sockstat"], agree ? "equal" : "**differ**"
			target("read " n " TIME_WAIT: >= 10x faster than ss", sprintf("%.0fx", s / t), s / t >= 10)
			target("read " n " TIME_WAIT: counts agree exactly", agree ? "equal" : "differ", agree)
		}
		print ""
	}

	if (("10000", "dest") in rmed) {
		print "### Destinations at scale"
		print ""
		print "Median time to group client TIME_WAIT sockets by destination (guest time): /proc/tcpclose_dest read in-process by bench/rdtime, against `ss -Htan state time-wait | awk` counting sockets per peer address:port, as a command."
		print ""
		print "| client TIME_WAIT sockets | /proc/tcpclose_dest | ss + awk | ss+awk / tcpclose | sockets counted: tcpclose, ss+awk | memory held only while grouping (peak less rows) |"
		print "|---:|---:|---:|---:|---|---:|"
		for (i = 1; i <= nn; i++) {
			n = ns[i]
			if (!((n, "dest") in rmed))
				continue
			t = rmed[n, "dest"]; s = rmed[n, "ssawk"]
			printf "| %d | %s | %s | %.0fx | %d, %d (%s) | %s |\n", n, ms(t), ms(s), s / t,
				count[n, "dest"], count[n, "ssawk"], count[n, "dest"] == count[n, "ssawk"] ? "equal" : "**differ**",
				(n in dpeak) ? sprintf("%.0f KiB", dpeak[n] / 1024) : "-"
		}
		print ""
	}

	if (modsize) {
		print "### Memory"
		print ""
		print "Unreclaimable slab (including large kmallocs) plus per-CPU memory, from /proc/meminfo after vm.stat_refresh; median of 3 rounds."
		print ""
		print "| what | memory |"
		print "|---|---:|"
		printf "| module text and data (lsmod) | %s |\n", kib(modsize)
		if (nk >= 2) {
			k1 = ks[1]; k2 = ks[2]; d1 = median("insmod " k1); d2 = median("insmod " k2)
			pern = (d2 - d1) / (k2 - k1)
			printf "| loaded, one namespace (tables, tracker, everything allocated at insmod) | %s |\n", kib(d1)
			printf "| each further idle namespace (slope from %d to %d namespaces) | %s |\n", k1, k2, kib(pern)
			target("memory: <= 64 KiB per idle netns", kib(pern), pern <= 65536)
		}
		for (i = 1; i <= np; i++) {
			p = ps[i]; l = median("ports_loaded " p); u = median("ports_unloaded " p)
			printf "| %d active ports in one namespace (with tcpclose minus without) | %s, %.0f B per port |\n", p, kib(l - u), (l - u) / p
		}
		print ""
	}

	print "### Targets"
	print ""
	print "| target | result | met |"
	print "|---|---|---|"
	for (i = 1; i <= tn; i++) printf "| %s | %s | %s |\n", tname[i], tres[i], tok[i]
	printf "| correctness checks (counts under churn, exact counts at scale, clean dmesg) | %d of %d ok | %s |\n", nchk - nbad, nchk, nbad ? "**no**" : "yes"
	for (i = 1; i <= nbad; i++) print "\n    " bad[i]
}
' "$1"
