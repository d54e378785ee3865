#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make demo` runs: builds, then one VM that plays tests/demo/demo.sh
# (the hosting scenario, without and with vaddr), its output shown here as
# it comes. Exit 0 only when every step showed what it should and the
# guest's kernel log stayed clean.
#
# Env: KDIR (from the Makefile), VADDR_KO (show this prebuilt module),
# VM_TIMEOUT (seconds, default 600). Guest logs: build/vm-demo/out.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
logs=$repo/build/logs
vmdir=$repo/build/vm-demo
out=$vmdir/out
mkdir -p "$logs"
cd "$repo" || exit 1

say() { echo "# demo: $*"; }
start=$(date +%s)

if ! tests/harness/deps.sh check >"$logs/deps.log"; then
	if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ]; then
		say "installing missing packages (log: build/logs/deps-install.log)"
		tests/harness/deps.sh install >"$logs/deps-install.log" 2>&1 ||
			{ tail -n 15 "$logs/deps-install.log"; say "apt-get install failed"; exit 1; }
		[ -d "${KDIR:-}" ] || KDIR=$(tests/harness/kdir.sh)
		export KDIR
	else
		sed 's/^/# /' "$logs/deps.log"
		say "dependencies missing: run 'make deps'"
		exit 1
	fi
fi

build() {
	local name=$1
	shift
	"$@" >"$logs/demo-build-$name.log" 2>&1 && return 0
	tail -n 15 "$logs/demo-build-$name.log" | sed 's/^/# | /'
	say "build of $name failed (log: build/logs/demo-build-$name.log)"
	exit 1
}
say "building vaddr.ko, vaddrctl and the test tools"
# The flags of `make check`, so that neither rebuilds after the other.
[ -n "${VADDR_KO:-}" ] || build module make module W=1 KCFLAGS=-Werror
build vaddrctl make vaddrctl
build tools make -C tests/tools

rm -f "$out/demo.out"	# never show the last run's
say "booting the VM (Debian's kernel in QEMU; no KVM here means emulation: patience)"
VM_SUITE=demo VM_DIR=$vmdir VM_TIMEOUT=${VM_TIMEOUT:-600} \
	tests/harness/vm.sh demo >"$logs/demo-vm.log" 2>&1 &
vm=$!
# Show the guest's output as it grows (the out share is a host directory).
shown=0
show() {
	local size
	size=$(stat -c %s "$out/demo.out" 2>/dev/null) || return 0
	[ "$size" -gt "$shown" ] || return 0
	tail -c +$((shown + 1)) "$out/demo.out" | head -c $((size - shown))
	shown=$size
}
while kill -0 "$vm" 2>/dev/null; do
	show
	sleep 0.5
done
wait "$vm"
rc=$?
show
echo
sed 's/^/# /' "$logs/demo-vm.log"
if [ "$rc" -ne 0 ]; then
	say "the VM did not finish (log: build/logs/demo-vm.log, build/vm-demo/console.log)"
	exit 1
fi
if grep -q '^not ok' "$out/results"; then
	say "failures:"
	grep -v '^ok ' "$out/results" | sed 's/^/# /'
	exit 1
fi
say "done in $(($(date +%s) - start)) s, every step as it should be"
