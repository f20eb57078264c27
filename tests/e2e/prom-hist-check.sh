#!/bin/sh
# prom-hist-check.sh FILE: checks the Prometheus histograms of FILE (text
# exposition format) beyond what promtool does, and prints "ok" or the first
# line that is wrong. In every series of a histogram family the buckets
# are cumulative, every series has the family's bounds in the same order,
# +Inf comes last and equals _count. Plain POSIX awk: the host's tests
# (tests/userspace/run.sh) and the guest's busybox run it alike.
awk '
	/^# TYPE .* histogram$/ { hist[$3] = 1; next }
	/^#/ { next }
	{
		name = $1; sub(/[{].*/, "", name)
		lab = $1; sub(/^[^{]*[{]/, "", lab); sub(/[}]$/, "", lab)
		le = ""
		if (match(lab, /,le="[^"]*"/)) {
			le = substr(lab, RSTART + 5, RLENGTH - 6)
			lab = substr(lab, 1, RSTART - 1) substr(lab, RSTART + RLENGTH)
		}
		if (name ~ /_bucket$/) {
			fam = substr(name, 1, length(name) - 7)
			k = fam SUBSEP lab
			if (!(fam in hist)) { print "bucket of a non-histogram: " $0; bad = 1; exit }
			if (le == "") { print "bucket without le: " $0; bad = 1; exit }
			if (k in inf) { print "bucket after +Inf: " $0; bad = 1; exit }
			if ($2 + 0 < last[k] + 0) { print "not cumulative: " $0; bad = 1; exit }
			last[k] = $2
			seq[k] = seq[k] " " le
			if (le == "+Inf") {
				inf[k] = $2
				if (!(fam in bounds))
					bounds[fam] = seq[k]
				if (bounds[fam] != seq[k]) { print "other bounds: " $0; bad = 1; exit }
			}
		} else if (name ~ /_count$/) {
			fam = substr(name, 1, length(name) - 6)
			k = fam SUBSEP lab
			if ((fam in hist) && (!(k in inf) || inf[k] != $2)) { print "+Inf is not _count: " $0; bad = 1; exit }
		}
	}
	END { if (!bad) print "ok" }' "$1"
