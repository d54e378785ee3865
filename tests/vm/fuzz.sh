#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing: tests/tools/fuzz sends random, valid and mutated requests
# to the vaddr family and checks every answer and, at the end, the whole
# table against its model. Three passes on the same namespace:
#
#   root                      its table is the fuzzer's to change
#   uid 1003                  every change refused (EPERM), reads allowed;
#                             the table is the same afterwards
#   uid 1003, root of a user  a table of its own: the full fuzz again, with
#   namespace owning a new    only uid 0 valid in its uid map, and the
#   network namespace         module's max_entries at 8 so that it fills
#
#  ns fz: no links, no traffic; only its table is used.
#  cgroups /sys/fs/cgroup/vaddr-fuzz/{a/b,c}: the fuzzer runs in a/b and maps
#  its own cgroup, its ancestors and c.
#
# FUZZ_MESSAGES (default 20000): messages of the root pass; each other pass
# sends a quarter of that. FUZZ_SEED: the root pass's seed (default random),
# printed; the other passes use SEED+1 and SEED+2. Afterwards the kernel
# log is clean and, where the kernel has kmemleak, nothing of vaddr leaked.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"

FUZZ=$VADDR_ROOT/tests/tools/fuzz
CG=/sys/fs/cgroup/vaddr-fuzz
KMEMLEAK=/sys/kernel/debug/kmemleak
n=${FUZZ_MESSAGES:-20000}
seed=${FUZZ_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}
diag "FUZZ_SEED=$seed FUZZ_MESSAGES=$n (replay: FUZZ_SEED=$seed FUZZ_MESSAGES=$n VM_PASS='FUZZ_SEED FUZZ_MESSAGES' make check T=fuzz)"

cleanup_fuzz() {
	rmdir "$CG/a/b" "$CG/a" "$CG/c" "$CG" 2>/dev/null
	return 0
}
trap 'cleanup; cleanup_fuzz' EXIT

netns_add fz
mkdir -p "$CG/a/b" "$CG/c"
cgroups=(-c /sys/fs/cgroup -c "$CG" -c "$CG/a" -c "$CG/a/b" -c "$CG/c")

# kmemleak (debug kernel): forget what was suspected before this test.
[ -e "$KMEMLEAK" ] || mountpoint -q /sys/kernel/debug ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
kmemleak=
if [ -e "$KMEMLEAK" ] && echo clear >"$KMEMLEAK" 2>/dev/null; then
	kmemleak=1
fi

module_load
kmsg_mark

# fuzz_pass DESC LOG CMD...: run the fuzzer, show its summary, time it.
fuzz_pass() {
	local desc=$1 log=$2 start=$SECONDS rc=0
	shift 2
	"$@" >"$log" 2>&1 || rc=$?
	sed 's/^/# /' "$log" | grep -v '^# # fuzz:' >&2
	grep '^# fuzz:' "$log" >&2
	diag "$desc: $((SECONDS - start)) s"
	if [ "$rc" -eq 0 ] && grep -q '^fuzz: ok:' "$log"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "fuzzer exited with status $rc"
		return 1
	fi
}

fuzz_pass "root: $n messages, every answer as the model says, table matches" \
	/tmp/fuzz-root.log \
	"$NSEXEC" -n fz -c "$CG/a/b" -- "$FUZZ" -n "$n" -s "$seed" "${cgroups[@]}"
check "root: the fuzzer sent mutated messages" \
	grep -Eq ' [1-9][0-9]* mutated' /tmp/fuzz-root.log
check "root: the fuzzer compared dumps with its model" \
	grep -Eq 'dumps [1-9]' /tmp/fuzz-root.log

before=$("$VADDRCTL" -n fz -j show)
expect_ne "root: the fuzzer left domains for the next passes to leave alone" \
	"$(jq '.domains | length' <<<"$before")" 0
quarter=$(((n + 3) / 4))
fuzz_pass "uid 1003: $quarter messages, every change refused with EPERM" \
	/tmp/fuzz-user.log \
	"$NSEXEC" -n fz -c "$CG/a/b" -u 1003 -- \
	"$FUZZ" -n "$quarter" -s "$((seed + 1))" "${cgroups[@]}"
check "uid 1003: the fuzzer knew it may not change the table" \
	grep -q 'may not change the table' /tmp/fuzz-user.log
# Its table is small (uid 0 is its only uid): with max_entries at 8, it
# runs into the cap too (ENOSPC), which the fuzzer is told of.
echo 8 >/sys/module/vaddr/parameters/max_entries
fuzz_pass "uid 1003 as root of a user namespace: $quarter messages on its own table of at most 8 entries" \
	/tmp/fuzz-userns.log \
	"$NSEXEC" -n fz -c "$CG/a/b" -u 1003 -- unshare -U -r -n \
	"$FUZZ" -n "$quarter" -s "$((seed + 2))" -m 8 "${cgroups[@]}"
check "user namespace: the table filled up (ENOSPC answered)" \
	grep -q ' ENOSPC [1-9]' /tmp/fuzz-userns.log
check "user namespace: the fuzzer could change its own table" \
	grep -q 'may change the table' /tmp/fuzz-userns.log
expect_eq "the unprivileged passes left the namespace's table alone" \
	"$("$VADDRCTL" -n fz -j show)" "$before"

kmsg_clean "kernel log clean after fuzzing (no WARNING, BUG, KASAN, UBSAN, leak)"

# A last request after all that: the family still answers, and a flush
# leaves an empty table.
check "the family still answers a flush" "$VADDRCTL" -n fz flush
expect_eq "  ... and the table is empty" "$("$VADDRCTL" -n fz -j domain show)" "[]"

if [ -z "$kmemleak" ]; then
	diag "kmemleak: not in this kernel"
	module_unload
	exit 0
fi
# Suspects are reported once unreferenced through two scans and 5 s old;
# scanned with the module loaded, their back traces name its functions.
echo scan >"$KMEMLEAK"
sleep 6
echo scan >"$KMEMLEAK"
module_unload
sleep 6
echo scan >"$KMEMLEAK"
sleep 6
echo scan >"$KMEMLEAK"
leaks=$(cat "$KMEMLEAK")
total=$(grep -c 'unreferenced object' <<<"$leaks")
# Back traces through vaddr, or through a module unloaded since (no symbol).
ours=$(awk '/unreferenced object/ { if (r && hit) n++; r = 1; hit = 0 }
	/vaddr|\] 0xffffffff/ { hit = 1 }
	END { if (r && hit) n++; print n + 0 }' <<<"$leaks")
[ "$total" -eq 0 ] || diag "kmemleak: $total suspects in all; the first ones:"
[ "$total" -eq 0 ] || head -n 40 <<<"$leaks" | sed 's/^/# | /' >&2
expect_eq "kmemleak: nothing of vaddr leaked" "$ours" 0
