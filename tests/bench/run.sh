#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make bench` runs: builds, then one VM that runs tests/bench/NAME.sh
# for each name in T (empty: every tests/bench/*.sh but this one and lib-*),
# then prints each benchmark's figures. Not TAP and not part of `make check`:
# a benchmark that fails says so in its figures and makes the exit status 1.
#
# Env: KDIR (from the Makefile), T, VADDR_KO (measure this prebuilt module
# instead of building vaddr.ko), VM_TIMEOUT / VM_TEST_TIMEOUT (whole VM /
# per benchmark, seconds; defaults 1200 / 900, see tests/harness/vm.sh),
# NOBUILD=1 (measure the binaries already built, e.g. while the tree is
# half-way through a change).
# Figures are kept in build/bench/NAME.txt, guest logs in build/vm-bench/out.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
logs=$repo/build/logs
results=$repo/build/bench
vmdir=$repo/build/vm-bench
out=$vmdir/out
mkdir -p "$logs" "$results"
cd "$repo" || exit 1

say() { echo "# bench: $*"; }

if ! tests/harness/deps.sh check >"$logs/deps.log"; then
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

say "vm: ${names[*]}"
VM_SUITE=bench VM_DIR=$vmdir VM_TIMEOUT=${VM_TIMEOUT:-1200} \
	VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-900} \
	tests/harness/vm.sh "${names[@]}"
rc=$?
[ "$rc" -eq 2 ] && exit 1	# the VM did not start; vm.sh said why
hz=$(getconf CLK_TCK)
elapsed=$(($(date +%s) - start))
other=$(( ($(cpu_busy) - busy0 - ($(cpu_children) - own0)) / hz ))
steal=$(( ($(cpu_steal) - steal0) / hz ))

# The figures, one block per benchmark, after the command that made them.
echo
echo "make bench T=\"${names[*]}\"    # $(date -u '+%Y-%m-%d %H:%M UTC')," \
	"host: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
for name in "${names[@]}"; do
	echo
	if [ -s "$out/$name.out" ]; then
		cp "$out/$name.out" "$results/$name.txt"
		cat "$out/$name.out"
	else
		echo "== $name: no figures (log: ${out#"$repo"/}/$name.log)"
	fi
done
echo
[ -f "$out/times" ] && say "VM time per benchmark: $(paste -sd' ' "$out/times")"
# A busy host slows the emulated CPUs unevenly: the spread (min, max) grows.
say "host: the VM ran ${elapsed}s; meanwhile other processes used ${other}" \
	"and steal ${steal} of the host's $(($(nproc) * elapsed)) CPU-seconds"
if [ "$rc" -ne 0 ]; then
	say "the guest did not finish (see above)"
	exit 1
fi
if grep -q '^not ok' "$out/results"; then
	say "failures:"
	sed 's/^/# /' "$out/results" | grep -v '^# ok '
	exit 1
fi
