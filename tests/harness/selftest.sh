#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The harness's own tests, on the host: a /dev/kvm that cannot run a guest
# never stops a run. A fake QEMU (fake-qemu.sh) plays each way KVM has
# been seen to break, with a fake /dev/kvm and a cache of its own, and
# accel.sh and vm.sh must fall back to TCG, say why in one line, cache the
# verdict, and still run a VM test to the end; a TCG VM that ends before
# its init is booted once more; a QEMU that fails whatever the
# accelerator is a harness failure naming QEMU's error. Prints TAP
# lines "ok - harness: ..."; exit status 1 when one failed.
#
# Env: KDIR (as vm.sh), VADDR_KO.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

ok() { echo "ok - harness: $*"; }
not_ok() {
	echo "not ok - harness: $*"
	failed=1
}
# expect DESC CMD...: ok when CMD succeeds.
expect() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

kvm=$work/kvm
: >"$kvm"
export VM_QEMU=$here/fake-qemu.sh VM_KVM_DEV=$kvm FAKE_QEMU_CALLS=$work/calls
unset VM_ACCEL

# probe MODE: run accel.sh with a fresh cache; its stdout in $work/verdict,
# its stderr in $work/said.
probe() {
	rm -rf "$work/cache" "$work/calls"
	FAKE_QEMU_MODE=$1 VADDR_CACHE=$work/cache VM_PROBE_TIMEOUT=${2:-5} \
		"$here/accel.sh" >"$work/verdict" 2>"$work/said"
}
verdict() { [ "$(cat "$work/verdict")" = "$1" ]; }
said() { grep -q -- "$1" "$work/said"; }
one_line() { [ "$(wc -l <"$work/said")" -eq 1 ]; }
calls() { [ "$(paste -sd' ' "$work/calls" 2>/dev/null)" = "$1" ]; }

probe abort
expect "QEMU aborting under KVM: TCG" verdict tcg
expect "and one line says why, with QEMU's error" \
	eval 'one_line && said "failed to set MSR 0x10a"'
FAKE_QEMU_MODE=abort VADDR_CACHE=$work/cache "$here/accel.sh" >"$work/verdict" 2>"$work/said"
expect "the verdict is cached: no second probe" eval 'verdict tcg && calls probe-kvm'

probe hang 3
expect "a guest that prints nothing under KVM: TCG" verdict tcg
expect "after the probe's time budget, said in one line" \
	eval 'one_line && said "did not reach init in 3 s"'

probe works 120
expect "a KVM that boots the probe to init is used" verdict kvm
expect "silently" test ! -s "$work/said"

rm -f "$work/calls"
VM_ACCEL=tcg "$here/accel.sh" >"$work/verdict" 2>&1
expect "VM_ACCEL=tcg: no probe" eval 'verdict tcg && ! test -e "$work/calls"'
expect "VM_ACCEL=other is refused" eval '! VM_ACCEL=hvf "$here/accel.sh" >/dev/null 2>&1'

# Whole runs of the harness's VM test, in a directory of their own.
# run MODE [SECS]: vm.sh with the fake, SECS for a KVM boot to reach init
# (the TCG retry keeps vm.sh's default: under make check-debug it boots a
# KASAN kernel); its output in $work/vm.out.
run() {
	rm -f "$work/calls"
	FAKE_QEMU_MODE=$1 VADDR_CACHE=$work/cache VM_DIR=$work/vm \
		VM_PROBE_TIMEOUT=120 VM_KVM_BOOT_TIMEOUT=${2:-300} \
		"$here/vm.sh" harness >"$work/vm.out" 2>&1
}
passed() {
	[ -f "$work/vm/out/results" ] && grep -q '^ok - harness: remote saw' "$work/vm/out/results" &&
		! grep -q '^not ok' "$work/vm/out/results"
}

rm -rf "$work/cache"
run abort
rc=$?
expect "make check's VM runs to the end under TCG when QEMU aborts under KVM" \
	eval '[ $rc -eq 0 ] && passed && calls "probe-kvm tcg"'
grep '^# vm:' "$work/vm.out" | sed 's/^/# /'

# The probe passes, the real boot does not: forget KVM, retry under TCG.
rm -rf "$work/cache"
run probe-ok 45
rc=$?
expect "a KVM boot that hangs after a good probe is retried under TCG" \
	eval '[ $rc -eq 0 ] && passed && calls "probe-kvm kvm tcg"'
expect "and says so" grep -q 'KVM boot failed (KVM internal error' "$work/vm.out"
FAKE_QEMU_MODE=probe-ok VADDR_CACHE=$work/cache "$here/accel.sh" >"$work/verdict" 2>/dev/null
expect "and the machine's verdict is now TCG" verdict tcg
grep '^# vm:' "$work/vm.out" | sed 's/^/# /'

# Under TCG, a VM that ends before its init is booted once more.
rm -rf "$work/calls"
FAKE_QEMU_MODE=dies-once VM_ACCEL=tcg VM_DIR=$work/vm "$here/vm.sh" harness >"$work/vm.out" 2>&1
rc=$?
expect "a TCG VM that dies before its init is booted once more" \
	eval '[ $rc -eq 0 ] && passed && calls "tcg tcg"'
expect "and the first console is shown" grep -q '^# | Kernel panic - not syncing: Attempted to kill init' "$work/vm.out"
grep '^# vm:' "$work/vm.out" | sed 's/^/# /'

run broken
rc=$?
expect "a QEMU that fails under TCG too is a harness failure (exit 2)" \
	eval '[ $rc -eq 2 ]'
expect "naming QEMU's error" grep -q 'did not boot.*Cannot allocate memory' \
	"$work/vm/harness-error"
exit "$failed"
