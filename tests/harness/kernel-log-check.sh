#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel-log-check.sh OUTDIR (in the guest, after all tests): the "kernel log
# clean" test. Saves dmesg to OUTDIR/dmesg and prints one TAP line, with the
# offending lines as "# " diagnostics. panic_on_warn already stops the VM on a
# WARN; this catches what only prints (lockdep, RCU, BUG: sleeping..., leaks).
out=$1
name="kernel log clean"
patterns=$(dirname "$0")/kernel-log.patterns

# Debug kernels: ask kmemleak for a fresh scan before reading the log.
leaks=
kml=/sys/kernel/debug/kmemleak
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ -e "$kml" ]; then
	# An object younger than 5 s is never reported: scan again after that.
	echo scan >"$kml" && sleep 6 && echo scan >"$kml"
	leaks=$(cat "$kml")
	printf '%s\n' "$leaks" >"$out/kmemleak"
fi

dmesg >"$out/dmesg"
found=$(awk -f "$(dirname "$0")/kernel-log-bad.awk" "$patterns" "$out/dmesg")
if [ -z "$found" ] && [ -z "$leaks" ]; then
	echo "ok - $name"
	exit 0
fi
echo "not ok - $name"
[ -z "$found" ] || printf '%s\n' "$found" | head -n 20 | sed 's/^/# | /'
[ -z "$leaks" ] || printf '%s\n' "$leaks" | head -n 20 | sed 's/^/# kmemleak | /'
exit 1
