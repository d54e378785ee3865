#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make bench` runs: builds, then one VM that runs tests/bench/NAME.sh
# for each name in T (empty: every tests/bench/*.sh but this one and lib-*),
# then prints each benchmark's figures and writes docs/benchmarks.md (with
# tests/bench/doc/mkdoc.sh) from them. Not TAP and not part of `make check`:
# a benchmark that fails says so in its figures and makes the exit status 1.
#
# Env: KDIR (from the Makefile), T, QUICK (non-empty: each benchmark's
# quick mode, fewer and shorter runs), BENCH_PAIRS (pairs per comparison,
# for every benchmark), BENCH_PASS (names of more variables a benchmark
# reads, e.g. COST_SYSTEMS), VM_ICOUNT (see tests/harness/vm.sh; default 3
# without KVM, and then VM_SMP=1; VM_ICOUNT= measures wall-clock time),
# VADDR_KO (measure this prebuilt module instead of building vaddr.ko),
# VM_TIMEOUT / VM_TEST_TIMEOUT (whole VM / per benchmark, seconds; defaults
# 3600 / 2400, see tests/harness/vm.sh), NOBUILD=1 (measure the binaries
# already built, e.g. while the tree is half-way through a change).
# Figures are kept in build/bench/NAME.txt, guest logs in build/vm-bench/out.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
logs=$repo/build/logs
results=$repo/build/bench
vmdir=$repo/build/vm-bench
mkdir -p "$logs" "$results"
cd "$repo" || exit 1

say() { echo "# bench: $*"; }

if ! tests/harness/deps.sh check bench >"$logs/deps.log"; then
	sed 's/^/# /' "$logs/deps.log"
	say "dependencies missing: run 'make deps'"
	exit 1
fi

build() {
	local name=$1
	shift
	say "build: $name"
	"$@" >"$logs/bench-build-$name.log" 2>&1 && return 0
	tail -n 15 "$logs/bench-build-$name.log" | sed 's/^/# | /'
	say "build of $name failed (log: build/logs/bench-build-$name.log)"
	exit 1
}
if [ -n "${NOBUILD:-}" ]; then
	say "build: skipped (NOBUILD)"
else
	if [ -n "${VADDR_KO:-}" ]; then
		say "build: module skipped, measuring VADDR_KO=$VADDR_KO"
	else
		build module make module
	fi
	build vaddrctl make vaddrctl
	build tools make -C tests/tools
	build loop make -C tests/bench
fi

read -ra names <<<"${T:-}"
if [ ${#names[@]} -eq 0 ]; then
	for f in tests/bench/*.sh; do
		case $(basename "$f") in
		run.sh | lib-*) ;;
		*) names+=("$(basename "$f" .sh)") ;;
		esac
	done
fi
# A benchmark with a line "# bench-host: yes" also measures on the host,
# natively, before the VM: run with BENCH_HOST=1, its output goes to
# build/bench/NAME.host, where the guest (which sees this tree) reads it.
for name in "${names[@]}"; do
	rm -f "$results/$name.host"
	grep -q '^# bench-host: yes$' "tests/bench/$name.sh" 2>/dev/null || continue
	say "host: $name"
	BENCH_HOST=1 "tests/bench/$name.sh" >"$results/$name.host" \
		2>"$logs/bench-host-$name.log" ||
		say "host part of $name failed (log: build/logs/bench-host-$name.log)"
done
# Host CPU time, busy (all processes) and this script's children (the VM):
# the rest is what other work took from the VM's vCPUs during the run; and
# steal, what the host's own hypervisor took.
cpu_busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat
}
cpu_steal() {
	awk '$1 == "cpu" { print $9; exit }' /proc/stat
}
cpu_children() {
	# Fields 16 and 17 of /proc/PID/stat, after the parenthesised name.
	sed 's/^.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }'
}
busy0=$(cpu_busy) own0=$(cpu_children) steal0=$(cpu_steal) start=$(date +%s)

# Without KVM: guest time counts instructions (-icount), on one vCPU, since
# QEMU 7.2 hangs bringing up a second one with -icount (see
# docs/benchmarks.md). VM_ICOUNT= (set, empty) measures wall-clock time.
# Decided once here (tests/harness/accel.sh: KVM only where a probe boot
# proved it), so that the figures and the accelerator go together.
VM_ACCEL=$(tests/harness/accel.sh) || exit 1
export VM_ACCEL
icount_default=
if [ "$VM_ACCEL" = tcg ] && [ -z "${VM_ICOUNT+set}" ]; then
	export VM_ICOUNT=3
	icount_default=1
fi
[ -n "${VM_ICOUNT:-}" ] && [ "$VM_ACCEL" = tcg ] && export VM_SMP=${VM_SMP:-1}
# A host of 64 possible CPUs, as large servers are, whatever runs: per-CPU
# memory is allocated for each possible CPU (table.sh's memory figures).
export VM_MAXCPUS=${VM_MAXCPUS-64}

# A benchmark with a line "# bench-clock: wall" measures what one vCPU
# cannot show (two CPUs at once): where the others get -icount by default,
# it runs after them in a VM of its own, on two vCPUs, in wall-clock time.
icount_names=() wall_names=()
for name in "${names[@]}"; do
	if [ -n "$icount_default" ] &&
		grep -q '^# bench-clock: wall$' "tests/bench/$name.sh" 2>/dev/null; then
		wall_names+=("$name")
	else
		icount_names+=("$name")
	fi
done

# vm DIR NAME...: run the benchmarks NAME... in one VM, working in DIR.
vm() {
	local dir=$1
	shift
	say "vm: $*${VM_ICOUNT:+ (icount shift $VM_ICOUNT)}"
	VM_SUITE=bench VM_DIR=$dir VM_TIMEOUT=${VM_TIMEOUT:-3600} \
		VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-2400} \
		VM_PASS="QUICK BENCH_PAIRS VM_ICOUNT ${BENCH_PASS:-}" \
		tests/harness/vm.sh "$@"
}
rc=0 dirs=()
if [ ${#icount_names[@]} -gt 0 ]; then
	vm "$vmdir" "${icount_names[@]}" || rc=$?
	dirs+=("$vmdir")
fi
[ "$rc" -eq 2 ] && exit 1	# the VM did not start; vm.sh said why
if [ ${#wall_names[@]} -gt 0 ]; then
	VM_ICOUNT='' VM_SMP=2 vm "$vmdir-wall" "${wall_names[@]}" || rc=$?
	dirs+=("$vmdir-wall")
fi
[ "$rc" -eq 2 ] && exit 1
hz=$(getconf CLK_TCK)
elapsed=$(($(date +%s) - start))
other=$(( ($(cpu_busy) - busy0 - ($(cpu_children) - own0)) / hz ))
steal=$(( ($(cpu_steal) - steal0) / hz ))

# The figures, one block per benchmark, after the command that made them.
# Each build/bench/NAME.txt ends with the conditions of its run, so that
# docs/benchmarks.md, made of those files, says them for each benchmark.
cmd="make bench${T:+ T=\"$T\"}${QUICK:+ QUICK=$QUICK}${VM_ICOUNT:+ VM_ICOUNT=$VM_ICOUNT}"
when=$(date -u '+%Y-%m-%d %H:%M UTC')
host="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
times=$(cat "${dirs[@]/%//out/times}" 2>/dev/null | paste -sd' ')
# A busy host slows the emulated CPUs unevenly: the spread (min, max) grows.
load="the VMs ran ${elapsed}s; meanwhile other processes used ${other}"
load+=" and steal ${steal} of the host's $(($(nproc) * elapsed)) CPU-seconds"
echo
echo "$cmd    # $when, host: $host"
for name in "${names[@]}"; do
	echo
	how=$cmd dir=$vmdir
	if [[ " ${wall_names[*]} " == *" $name "* ]]; then
		how+=" (this one: its own VM, two vCPUs, wall clock)"
		dir=$vmdir-wall
	fi
	if [ -s "$dir/out/$name.out" ]; then
		{
			cat "$dir/out/$name.out"
			echo "   run: $how, $when; host $host; guest-clock time per benchmark: ${times:-?}; $load"
		} >"$results/$name.txt"
		cat "$dir/out/$name.out"
	else
		echo "== $name: no figures (log: ${dir#"$repo"/}/out/$name.log)"
	fi
done
echo
[ -n "$times" ] && say "guest-clock time per benchmark: $times"
say "host: $load"
# The document, from every benchmark's latest figures (this run's and
# earlier ones'), and its plot.
if tests/bench/doc/mkdoc.sh >"$logs/bench-doc.log" 2>&1; then
	say "docs/benchmarks.md written"
else
	sed 's/^/# | /' "$logs/bench-doc.log"
	say "docs/benchmarks.md not written (log: build/logs/bench-doc.log)"
	doc_failed=1
fi
if [ "$rc" -ne 0 ]; then
	say "a guest did not finish (see above)"
	exit 1
fi
if cat "${dirs[@]/%//out/results}" | grep -q '^not ok'; then
	say "failures:"
	cat "${dirs[@]/%//out/results}" | grep '^not ok' | sed 's/^/# /'
	exit 1
fi
[ -z "${doc_failed:-}" ] || exit 1
