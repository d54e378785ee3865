#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the Debian kernel matching $KDIR in QEMU over the host's root (9p,
# read-only, tmpfs overlay) and run tests/vm/NAME.sh for each NAME given
# (none: all of them). Results land in build/vm/out/results; the exit status
# is 1 when the guest did not write its completion marker, 2 when the VM
# could not be started (no kernel, no initramfs, unknown test).
#
# Env: KDIR (required), VM_TIMEOUT (seconds; default: 120 for the boot and
# the kernel log check plus VM_TEST_TIMEOUT for each test, so a suite of
# slow tests never hits it), VM_TEST_TIMEOUT (per test, default 600),
# VADDR_KO (module to test, default $repo/vaddr.ko),
# VM_LOG_LINES (console lines shown on failure, default 150), VM_SUITE (the
# directory under tests/ holding the scripts: vm, or bench for `make bench`),
# VM_DIR (work directory, default build/vm; `make bench` uses its own, so it
# never collides with a `make check` running at the same time), VM_ICOUNT
# (TCG only: a shift N for QEMU's -icount: guest time becomes instructions x
# 2^N ns, deterministic whatever else the host runs; for benchmarks; with
# QEMU 7.2 the guest hangs bringing up a second vCPU: set VM_SMP=1 too),
# VM_SMP (vCPUs, default 2),
# VM_KERNEL + VM_MODULES (boot this image with this modules directory, for
# `make check-debug`'s own kernel; KDIR then only names its release), VM_MEM
# (guest MiB, default 1024), VM_APPEND (more kernel command line), VM_PASS (names of host variables the guest's tests see with their values,
# e.g. "QUICK STRESS_SECONDS"; unset ones are left out).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
vmdir=${VM_DIR:-$repo/build/vm}
suite=${VM_SUITE:-vm}
out=$vmdir/out

say() { echo "# vm: $*"; }

# The release: utsrelease.h holds what the kernel reports (Debian's
# kernel.release holds the upstream version, e.g. 6.1.192, instead).
kernel_release() {
	local r
	r=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$KDIR/include/generated/utsrelease.h" 2>/dev/null || true)
	[ -n "$r" ] || r=$(cat "$KDIR/include/config/kernel.release" 2>/dev/null || true)
	[ -f "/boot/vmlinuz-$r" ] || r=$(basename "$(readlink -f "$KDIR")" | sed 's/^linux-headers-//')
	echo "$r"
}

[ -n "${KDIR:-}" ] || { say "KDIR is not set"; exit 2; }
release=$(kernel_release)
if [ -n "${VM_KERNEL:-}" ]; then
	image=$VM_KERNEL
	[ -r "$image" ] || { say "no readable VM_KERNEL $image"; exit 2; }
else
	kernel=/boot/vmlinuz-$release
	[ -r "$kernel" ] || { say "no readable $kernel (release '$release'): run 'make deps'"; exit 2; }
	image=$("$here/vmlinux.sh" "$release" "$vmdir")
fi
initrd=$(MODULES_DIR=${VM_MODULES:-} "$here/mkinitramfs.sh" "$release" "$vmdir") ||
	{ say "cannot build the initramfs"; exit 2; }

# Test list: arguments, or every tests/$suite/*.sh in sorted order.
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for f in "$repo/tests/$suite"/*.sh; do
		[ -e "$f" ] && tests+=("$(basename "$f" .sh)")
	done
fi
for t in "${tests[@]}"; do
	[ -f "$repo/tests/$suite/$t.sh" ] || { say "no test tests/$suite/$t.sh"; exit 2; }
done
# Each test has its own timeout; this one only stops a guest that hangs.
test_timeout=${VM_TEST_TIMEOUT:-600}
timeout_s=${VM_TIMEOUT:-$((120 + test_timeout * ${#tests[@]}))}

mkdir -p "$vmdir"
# One run at a time per tree: they share the out dir and console log.
exec 9>"$vmdir/lock"
flock -n 9 || { say "another run is using $vmdir"; exit 2; }
rm -rf "$out"
mkdir -p "$out"
printf '%s\n' "${tests[@]}" >"$out/tests"
accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	[ -w /dev/kvm ] && accel=kvm
fi
icount=()
if [ "$accel" = tcg ] && [ -n "${VM_ICOUNT:-}" ]; then
	# Not sleep=off: a guest idle while the host serves its 9p requests
	# would see its clock race to its timeouts.
	icount=(-icount "shift=$VM_ICOUNT")
fi
# Settings for guest-init.sh; VADDR_KO lets a prebuilt module stand in.
{
	printf 'VADDR_KO=%q\n' "${VADDR_KO:-$repo/vaddr.ko}"
	printf 'TEST_TIMEOUT=%d\n' "$test_timeout"
	printf 'SUITE=%q\n' "$suite"
	printf 'VM_ACCEL=%q\n' "$accel${icount:+ icount}"
	printf 'VM_MODULES=%q\n' "${VM_MODULES:-}"
	for v in ${VM_PASS:-}; do
		[ -z "${!v+set}" ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
} >"$out/env"

log=$vmdir/console.log
cmdline="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1"
cmdline+=" mitigations=off random.trust_cpu=on tsc=reliable no_timer_check"
cmdline+=" 8250.nr_uarts=1 vaddr_init=$here/guest-init.sh ${VM_APPEND:-}"

# pdeathsig: qemu dies with this script even if it is SIGKILLed.
qemu=(setpriv --pdeathsig KILL -- qemu-system-x86_64 -accel "$accel" -cpu max -m "${VM_MEM:-1024}" -smp "${VM_SMP:-2}"
	"${icount[@]}" -nodefaults -display none -no-reboot -serial "file:$log"
	-kernel "$image" -initrd "$initrd" -append "$cmdline"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$out,mount_tag=vaddrout,security_model=none,multidevs=remap")

start=$(date +%s)
"${qemu[@]}" 2>"$vmdir/qemu.log" &
qpid=$!
# Never leave a qemu behind, whatever ends this script.
trap 'kill "$qpid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
while kill -0 "$qpid" 2>/dev/null; do
	if [ $(($(date +%s) - start)) -ge "$timeout_s" ]; then
		say "timeout after ${timeout_s}s, killing qemu"
		kill "$qpid" 2>/dev/null || true
		break
	fi
	sleep 0.5
done
wait "$qpid" 2>/dev/null || true
elapsed=$(($(date +%s) - start))

if [ -f "$out/done" ]; then
	say "guest finished in ${elapsed}s ($accel${icount:+ icount}, boot $(cat "$out/boot_time" 2>/dev/null || echo '?')s)"
	exit 0
fi
say "guest did not finish (no completion marker) after ${elapsed}s"
sed 's/^/# qemu: /' "$vmdir/qemu.log"
say "console tail (all: ${log#"$repo"/}):"
tail -n "${VM_LOG_LINES:-150}" "$log" | sed 's/^/# | /'
exit 1
