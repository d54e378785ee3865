#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Table memory is charged to the caller's memory cgroup. An unprivileged
# user who owns a network namespace through a user namespace of their own
# may fill that namespace's table, but only as far as their cgroup's
# memory.max allows. The same batch without the limit goes through, and
# shows what the table cost the cgroup.
#
#  uid 1003: an unprivileged user, in cgroup full (no limit), then lim.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"

N=20000		# domains the batch creates, one request each

module_load
netns_add n
T=$(mktemp -d)
chmod 755 "$T"
for ((i = 0; i < N; i++)); do
	printf 'domain add d%d.example addr 2001:db8:1::%x\n' "$i" "$i"
done >"$T/batch"
chmod 644 "$T/batch"

grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
# The programs' pages come from the host over 9p: read them once outside
# the cgroups, so that page cache charged there does not blur the figures.
"$VADDRCTL" help >/dev/null 2>&1
unshare --help >/dev/null
tail --version >/dev/null
jq --version >/dev/null

# in_cgroup CG CMD: CMD as uid 1003 in cgroup CG, root of a user and a
# network namespace of its own.
in_cgroup() {
	mkdir -p "/sys/fs/cgroup/$1"
	"$NSEXEC" -c "/sys/fs/cgroup/$1" -u 1003 -- unshare -U -r -n sh -c "$2"
}

# Without a limit: the whole batch goes in, and the cgroup pays for it.
mapfile -t got < <(in_cgroup full "
	cat /sys/fs/cgroup/full/memory.current
	'$VADDRCTL' -b '$T/batch' || echo 'batch failed'
	cat /sys/fs/cgroup/full/memory.current
	'$VADDRCTL' -j domain show | jq length")
diag "no limit: memory.current before/after, domains: ${got[*]}"
expect_eq "without a limit the batch creates all $N domains" "${got[2]:-}" "$N"
before=${got[0]:-0}
table=$(( ${got[1]:-0} - before ))
diag "charged to the cgroup for $N domains: $table bytes ($((table / N)) per domain)"
check "the table's memory is charged to the caller's cgroup (>= 64 B a domain)" \
	test "$table" -ge $((N * 64))
rmdir /sys/fs/cgroup/full

# With room for half of it the batch cannot complete. What stops it is the
# table's allocation failing with ENOMEM (VADDR_GFP: no OOM killer for it)
# or, when the cgroup is so full that the loader's own next page fault is
# the one over the limit, the cgroup's OOM killer: either way the user, not
# the host, runs out.
limit=$((before + table / 2))
mkdir /sys/fs/cgroup/lim
echo "$limit" >/sys/fs/cgroup/lim/memory.max
echo 0 >/sys/fs/cgroup/lim/memory.swap.max 2>/dev/null
kmsg_mark
got=$(in_cgroup lim "'$VADDRCTL' -b '$T/batch' 2>&1 | tail -n 2")
events=/sys/fs/cgroup/lim/memory.events
kills=$(awk '$1 == "oom_kill" { print $2 }' "$events")
line=$(sed -n 's/^.*:\([0-9]*\): .*Cannot allocate memory.*/\1/p' <<<"$got" | head -n 1)
diag "memory.max=$limit: '$got', oom_kill $kills"
check "under memory.max the batch stops part way: ENOMEM (at line ${line:-none}) or the cgroup's OOM killer ($kills kills)" \
	test "${line:-0}" -gt 1 -a "${line:-0}" -le "$N" -o "$kills" -gt 0
expect_eq "the cgroup hit its limit (memory.events max > 0)" \
	"$(awk '$1 == "max" { print ($2 > 0) }' "$events")" 1
check "its usage never went past memory.max" \
	test "$(cat /sys/fs/cgroup/lim/memory.peak)" -le "$limit"
kmsg_clean "kernel log clean after the limit was hit (a cgroup's OOM report aside)"
check "the host's table is untouched" sh -c "
	'$VADDRCTL' -j domain show | jq -e 'length == 0'"
# The namespace went with its last process, its table with it, and the
# cgroup can go: nothing of the table stays charged to it.
wait_for "rmdir of the cgroup, whose namespace is going" 20 \
	rmdir /sys/fs/cgroup/lim
check "the cgroup can be removed once its namespace is gone" \
	test ! -d /sys/fs/cgroup/lim
module_unload
