# SPDX-License-Identifier: GPL-2.0
# awk -f kernel-log-bad.awk PATTERNS LOG: the lines of LOG that match one of
# PATTERNS (extended regexps, one a line), except those of a memory
# cgroup's OOM report: a cgroup at its memory.max having a task of its own
# killed is the limit at work, not a kernel bug (tests/vm/limits.sh does it
# on purpose). A global OOM report is kept.
function bad(line,	i) {
	for (i = 1; i <= npat; i++)
		if (line ~ pat[i])
			return 1
	return 0
}
function flush_report(	i) {
	if (!memcg)
		for (i = 1; i <= nbuf; i++)
			if (bad(buf[i]))
				print buf[i]
	inoom = memcg = nbuf = 0
}
FNR == NR { if ($0 != "") pat[++npat] = $0; next }
/invoked oom-killer:/ { if (inoom) flush_report(); inoom = 1 }
inoom {
	buf[++nbuf] = $0
	if ($0 ~ /oom-kill:constraint=CONSTRAINT_MEMCG/)
		memcg = 1
	if ($0 ~ /out of memory: Killed process|Out of memory and no killable/)
		flush_report()
	next
}
bad($0)
END { if (inoom) flush_report() }
