#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make matrix` runs: for every kernel of kernels.list, its build root
# (kroot.sh prepare), vaddr.ko built out of tree against its headers with
# W=1 KCFLAGS=-Werror (kroot.sh build), and, for a "core" kernel, the core
# tests in a VM booting it (with the userland kernels.list names). Prints
# TAP lines "ok - matrix NAME: ...", then one table
#
#   kernel | release | build | tests passed/failed | kernel log
#
# which it also writes to docs/kernels.md with the date, the commit and
# each step's time, and as its last line "N passed, M failed".
#
# Env: MATRIX (kernel names, default every one), MATRIX_TESTS (the core
# set: default below), MATRIX_ROWS (rows of kernels tested elsewhere, one
# a line, "name|release|build|tests|kernel log|seconds": .ci/run gives the
# default kernel's, whose whole suite make check ran), and what vm.sh
# reads. The VMs' work directories are
# build/vm-matrix-NAME, the builds build/matrix/NAME.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
logs=$repo/build/logs
cd "$repo" || exit 1
mkdir -p "$logs"

# Auto-bind v4/v6/mapped, TFO and UDP (autobind), source NAT (nat),
# isolation and fail-closed (isolation), the netlink family and its fuzzer
# (netlink, fuzz), load/unload (harness), unload under traffic with every
# hook in use (unload), and the end of rewritten flows at nat off and
# unload, whose socket lookups differ between kernels (natflow).
tests=${MATRIX_TESTS:-harness autobind nat isolation netlink fuzz unload natflow}
tap=$logs/matrix.tap
: >"$tap"
rows=()
while IFS= read -r row; do
	[ -z "$row" ] || rows+=("$row")
done <<<"${MATRIX_ROWS:-}"

say() { echo "# matrix: $*"; }
record() { echo "$*" | tee -a "$tap"; }

# What the guests run besides the module: built once, here.
for what in vaddrctl "-C tests/tools"; do
	# shellcheck disable=SC2086 # make's words
	if ! make $what >"$logs/matrix-build.log" 2>&1; then
		record "not ok - matrix: make $what"
		tail -n 10 "$logs/matrix-build.log" | sed 's/^/# | /'
		echo "$(grep -c '^ok ' "$tap") passed, $(grep -c '^not ok ' "$tap") failed"
		exit 1
	fi
done

names=${MATRIX:-$(grep -Ev '^[[:space:]]*(#|$)' "$here/kernels.list" | awk '{ print $1 }')}
start=$(date +%s)
for name in $names; do
	t0=$(date +%s)
	role=$(awk -v n="$name" '$1 == n { print $4 }' "$here/kernels.list")
	log=$logs/matrix-$name.log
	release=- build=- result=- klog=-
	if ! "$here/kroot.sh" prepare "$name" >"$log" 2>&1; then
		record "not ok - matrix $name: build root and headers (log: build/logs/matrix-$name.log)"
		tail -n 5 "$log" | sed 's/^/# | /'
		rows+=("$name|-|no headers|-|-|$(($(date +%s) - t0))")
		continue
	fi
	env=$("$here/kroot.sh" env "$name" 2>>"$log")
	release=$(sed -n 's/^KRELEASE=//p' <<<"$env")
	out=$repo/build/matrix/$name
	if "$here/kroot.sh" build "$name" "$out" >>"$log" 2>&1; then
		warnings=$(grep -c 'warning:' "$out/build.log")
		build="ok, $warnings warnings"
		if [ "$warnings" -eq 0 ]; then
			record "ok - matrix $name: builds with W=1, no warning ($release)"
		else
			record "not ok - matrix $name: builds with W=1, $warnings warnings ($release)"
			grep 'warning:' "$out/build.log" | head -n 5 | sed 's/^/# | /'
		fi
	else
		build="FAILED, $(grep -c 'error:' "$out/build.log") errors"
		record "not ok - matrix $name: builds with W=1 ($release)"
		grep -m 5 'error:' "$out/build.log" | sed 's/^/# | /'
		rows+=("$name|$release|$build|-|-|$(($(date +%s) - t0))")
		continue
	fi
	if [ "$role" != core ]; then
		rows+=("$name|$release|$build|build only|-|$(($(date +%s) - t0))")
		continue
	fi

	say "$name: the core tests in a VM booting $release"
	vmdir=$repo/build/vm-matrix-$name
	# shellcheck disable=SC2086 # one test a word
	(
		eval "$env"
		export VM_KERNEL VM_MODULES VM_ROOTFS VM_RELEASE=$release
		VADDR_KO=$out/vaddr.ko VM_DIR=$vmdir "$here/vm.sh" $tests
	) >>"$log" 2>&1
	rc=$?
	grep '^# vm:' "$log" | tail -n 3 | sed 's/^/# /'
	if [ "$rc" -eq 2 ]; then
		# What the console said: in CI, the log is gone with the clone.
		grep '^# | ' "$log" | tail -n 20 | sed 's/^/# /'
		record "not ok - matrix $name: harness: $(cat "$vmdir/harness-error" 2>/dev/null || echo 'the VM could not start')"
		rows+=("$name|$release|$build|VM did not start|-|$(($(date +%s) - t0))")
		continue
	fi
	[ "$rc" -eq 0 ] || record "not ok - matrix $name: guest ran to completion"
	sed -nE "s/^(ok|not ok) - /\1 - matrix $name: /p" "$vmdir/out/results" >>"$tap"
	grep -A 20 '^not ok' "$vmdir/out/results" 2>/dev/null | head -n 40 |
		sed -E "s/^(not ok) - /\1 - matrix $name: /"
	pass=$(grep -c '^ok - ' "$vmdir/out/results" 2>/dev/null)
	fail=$(grep -c '^not ok - ' "$vmdir/out/results" 2>/dev/null)
	result="$pass passed, $fail failed"
	if grep -q '^ok - kernel log clean' "$vmdir/out/results" 2>/dev/null; then
		klog=clean
	else
		klog="NOT clean (build/vm-matrix-$name/out/dmesg)"
	fi
	rows+=("$name|$release|$build|$result|$klog|$(($(date +%s) - t0))")
	say "$name: $result, kernel log $klog, $(($(date +%s) - t0)) s"
done

# The rows in kernels.list's order.
table() {
	echo "| kernel | release | build (W=1) | core tests | kernel log | time |"
	echo "|---|---|---|---|---|---|"
	local name r
	for name in $(grep -Ev '^[[:space:]]*(#|$)' "$here/kernels.list" | awk '{ print $1 }'); do
		for r in "${rows[@]}"; do
			[ "${r%%|*}" = "$name" ] || continue
			IFS='|' read -r n rel b res k secs <<<"$r"
			echo "| $n | $rel | $b | $res | $k | ${secs} s |"
		done
	done
}

# Whether the rows cover every kernel of kernels.list.
every_kernel() {
	local name r
	for name in $(grep -Ev '^[[:space:]]*(#|$)' "$here/kernels.list" | awk '{ print $1 }'); do
		for r in "${rows[@]}"; do
			[ "${r%%|*}" = "$name" ] && continue 2
		done
		return 1
	done
}
table | sed 's/^/# /'

# docs/kernels.md: the latest table, only when it has every kernel.
if every_kernel; then
	commit=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)
	{
		echo "# The kernel matrix"
		echo
		echo "What \`make matrix\` found on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit,"
		echo "in $(($(date +%s) - start)) s on $(nproc) CPUs ($("$here/accel.sh" 2>/dev/null))."
		echo "Each kernel: its Debian build root and headers, \`vaddr.ko\` built out of"
		echo "tree with \`W=1 KCFLAGS=-Werror\`, then, unless it is build-only, the"
		echo "core tests ($tests) in a VM booting it, ending with the kernel log check"
		echo "(any WARNING, oops, lockdep or RCU report fails it; the VM runs with"
		echo "\`panic_on_warn=1\`). Kernels and userlands: \`tests/harness/kernels.list\`."
		echo "A row whose tests say \"whole suite\" ran every VM test instead, in"
		echo "\`make check\` (\`.ci/run\` runs that on the default kernel, then the matrix"
		echo "on the others); its time is that of \`make check\`."
		echo
		table
	} >"$repo/docs/kernels.md"
	say "wrote docs/kernels.md"
fi

pass=$(grep -c '^ok ' "$tap")
fail=$(grep -c '^not ok ' "$tap")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
