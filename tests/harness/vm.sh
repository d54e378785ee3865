#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the Debian kernel matching $KDIR in QEMU over the host's root (9p,
# read-only, tmpfs overlay) and run tests/vm/NAME.sh for each NAME given
# (none: all of them). Results land in build/vm/out/results. Exit status:
# 0 when the guest wrote its completion marker; 1 when it stopped or hung
# after it booted (a test's doing: a panic, a hang; the console tail
# says); 2 when the harness failed: no kernel, no initramfs, an unknown
# test, or a VM that aborted or did not boot within its budget (the reason,
# with QEMU's error, is also written to build/vm/harness-error). A TCG VM
# that ends on its own before the guest's init is booted once more, and
# the console of the first boot is kept.
#
# KVM is used only where tests/harness/accel.sh proved it with a probe
# boot; a KVM boot that fails anyway is retried once under TCG.
#
# Watchdogs: the guest must reach its init within VM_KVM_BOOT_TIMEOUT
# seconds under KVM (default 60) and VM_BOOT_TIMEOUT under TCG (default
# 300: a KASAN kernel on a busy host is slow); after that, guest-init.sh names
# each test and its limit in out/current before running it, and the VM is
# stopped when a test overruns its limit by 120 s (the guest's own timeout
# should have stopped it first). VM_TIMEOUT, if set, caps the whole run.
#
# Env: KDIR (required), VM_TEST_TIMEOUT (per test, default 600 seconds on
# an idle 2-CPU host under TCG; the guest scales it by the speed it
# measures before each test, see guest-init.sh), VM_ACCEL (kvm or tcg: no
# probe), VADDR_KO (module to test, default $repo/vaddr.ko),
# VM_LOG_LINES (console lines shown on failure, default 150), VM_SUITE (the
# directory under tests/ holding the scripts: vm, or bench for `make bench`),
# VM_DIR (work directory, default build/vm; `make bench` uses its own, so it
# never collides with a `make check` running at the same time), VM_ICOUNT
# (TCG only: a shift N for QEMU's -icount: guest time becomes instructions x
# 2^N ns, deterministic whatever else the host runs; for benchmarks; with
# QEMU 7.2 the guest hangs bringing up a second vCPU: set VM_SMP=1 too),
# VM_SMP (vCPUs, default 2), VM_MAXCPUS (possible CPUs, default VM_SMP:
# what per-CPU allocations are sized by; `make bench` takes 64),
# VM_KERNEL + VM_MODULES (boot this image with this modules directory, for
# `make check-debug`'s own kernel and the kernel matrix; KDIR then only
# names its release, or VM_RELEASE does and KDIR is not needed), VM_ROOTFS
# (the guest's root, read-only under a tmpfs overlay: default /, the
# host's own; a matrix kernel's build root boots with its own userland,
# and the tree is then shared into it at the same path), VM_MEM (guest
# MiB, default 1024), VM_APPEND (more kernel command line), VM_PASS (names of host variables the guest's tests
# see with their values, e.g. "QUICK STRESS_SECONDS"; unset ones are left
# out), VM_QEMU (the QEMU binary, default qemu-system-x86_64).
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

[ -n "${KDIR:-}" ] || [ -n "${VM_RELEASE:-}" ] || { say "KDIR is not set"; exit 2; }
release=${VM_RELEASE:-$(kernel_release)}
if [ -n "${VM_KERNEL:-}" ]; then
	image=$VM_KERNEL
	[ -r "$image" ] || { say "no readable VM_KERNEL $image"; exit 2; }
else
	kernel=/boot/vmlinuz-$release
	[ -r "$kernel" ] || { say "no readable $kernel (release '$release'): run 'make deps'"; exit 2; }
	image=$("$here/vmlinux.sh" "$release" "$vmdir")
fi
rootfs=${VM_ROOTFS:-/}
modules=${VM_MODULES:-}
[ -n "$modules" ] || [ "$rootfs" = / ] || modules=$rootfs/lib/modules/$release
initrd=$(MODULES_DIR=$modules "$here/mkinitramfs.sh" "$release" "$vmdir") ||
	{ say "cannot build the initramfs"; exit 2; }
shares=(-virtfs "local,path=$rootfs,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
if [ "$rootfs" != / ]; then
	shares+=(-virtfs "local,path=$repo,mount_tag=vaddrrepo,security_model=none,readonly=on,multidevs=remap")
	VM_APPEND="vaddr_repo=$repo ${VM_APPEND:-}"
fi

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
test_timeout=${VM_TEST_TIMEOUT:-600}

mkdir -p "$vmdir"
# One run at a time per tree: they share the out dir and console log.
exec 9>"$vmdir/lock"
flock -n 9 || { say "another run is using $vmdir"; exit 2; }
rm -f "$vmdir/harness-error"

# harness_error MSG: the run failed for the harness's reasons, not a test's.
harness_error() {
	say "$1"
	echo "$1" >"$vmdir/harness-error"
	exit 2
}

accel=$("$here/accel.sh" "$image") || harness_error "cannot choose a QEMU accelerator"
log=$vmdir/console.log
cmdline="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1"
cmdline+=" mitigations=off random.trust_cpu=on tsc=reliable no_timer_check"
cmdline+=" 8250.nr_uarts=1 vaddr_init=$here/guest-init.sh ${VM_APPEND:-}"

# The first line QEMU wrote that says something (not our own SIGTERM).
qemu_error() {
	grep -v -e '^[[:space:]]*$' -e 'terminating on signal' "$vmdir/qemu.log" |
		head -n 1 || true
}

# boot ACCEL: run the VM; sets $booted when the guest reached its init,
# $finished when it wrote its completion marker, $stopped when a watchdog
# stopped QEMU and $qstatus to QEMU's exit status.
boot() {
	local accel=$1 cpu=max icount=() start now limit name lim since
	[ "$accel" = kvm ] && cpu=host
	if [ "$accel" = tcg ] && [ -n "${VM_ICOUNT:-}" ]; then
		# Not sleep=off: a guest idle while the host serves its 9p
		# requests would see its clock race to its timeouts.
		icount=(-icount "shift=$VM_ICOUNT")
	fi
	rm -rf "$out"
	mkdir -p "$out"
	printf '%s\n' "${tests[@]}" >"$out/tests"
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

	# pdeathsig: qemu dies with this script even if it is SIGKILLed.
	setpriv --pdeathsig KILL -- "${VM_QEMU:-qemu-system-x86_64}" \
		-accel "$accel" -cpu "$cpu" -m "${VM_MEM:-1024}" \
		-smp "${VM_SMP:-2}${VM_MAXCPUS:+,maxcpus=$VM_MAXCPUS}" "${icount[@]}" -nodefaults -display none \
		-no-reboot -serial "file:$log" \
		-kernel "$image" -initrd "$initrd" -append "$cmdline" \
		"${shares[@]}" \
		-virtfs "local,path=$out,mount_tag=vaddrout,security_model=none,multidevs=remap" \
		2>"$vmdir/qemu.log" &
	qpid=$!
	start=$(date +%s)
	limit=${VM_BOOT_TIMEOUT:-300}
	[ "$accel" != kvm ] || limit=${VM_KVM_BOOT_TIMEOUT:-60}
	booted= finished= stopped= cur= since=$start
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s)
		if [ -z "$booted" ] && [ -f "$out/boot_time" ]; then
			booted=$now
			say "guest booted in $((now - start)) s ($accel${icount:+ icount})"
		fi
		if [ -z "$booted" ]; then
			if [ $((now - start)) -ge "$limit" ]; then
				say "no guest init after ${limit} s, stopping qemu"
				stopped=1
				break
			fi
		elif [ -f "$out/current" ]; then
			# "NAME LIMIT": a new test restarts the clock.
			read -r name lim <"$out/current" || true
			if [ "$name" != "$cur" ]; then
				cur=$name since=$now
			elif [ $((now - since)) -ge $((${lim:-$test_timeout} + 120)) ]; then
				say "$cur overran its ${lim} s limit by 120 s, stopping qemu"
				stopped=1
				break
			fi
		fi
		if [ -n "${VM_TIMEOUT:-}" ] && [ $((now - start)) -ge "$VM_TIMEOUT" ]; then
			say "timeout after ${VM_TIMEOUT}s, stopping qemu"
			stopped=1
			break
		fi
		sleep 0.5
	done
	kill "$qpid" 2>/dev/null || true
	qstatus=0
	wait "$qpid" 2>/dev/null || qstatus=$?
	[ -n "$booted" ] || [ ! -f "$out/boot_time" ] || booted=$(date +%s)
	[ ! -f "$out/done" ] || finished=1
	elapsed=$(($(date +%s) - start))
}

# console_tail N [WHAT]: say where the console is, then its last N lines.
console_tail() {
	say "console tail (${2:-all: ${log#"$repo"/}}):"
	tail -n "$1" "$log" | sed 's/^/# | /'
}

# Never leave a qemu behind, whatever ends this script.
qpid=
trap '[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

boot "$accel"
if [ -z "$booted" ] && [ "$accel" = kvm ] && [ -z "${VM_ACCEL:-}" ]; then
	# The probe passed, this boot did not: KVM is not to be trusted here.
	say "KVM boot failed ($(qemu_error)); forgetting the KVM verdict, retrying under TCG"
	"$here/accel.sh" --forget
	accel=tcg
	boot tcg
fi
if [ -z "$booted" ] && [ "$accel" = tcg ] && [ -z "$stopped" ]; then
	# QEMU ended on its own before the guest's init ran (a kernel panic,
	# an init that died: nothing of vaddr's has run yet). Once seen on a
	# cold CI machine, cause unknown: show what the console said, keep it,
	# and boot once more. Twice is the harness's failure.
	err=$(qemu_error)
	say "the VM ended before its init (qemu exit status $qstatus${err:+: $err}), booting once more"
	console_tail 20 "kept in ${log#"$repo"/}.first"
	cp "$log" "$log.first"
	boot tcg
fi
if [ -n "$finished" ]; then
	say "guest finished in ${elapsed}s ($accel${VM_ICOUNT:+ icount}, boot $(cat "$out/boot_time" 2>/dev/null || echo '?')s)"
	exit 0
fi
if [ -z "$booted" ]; then
	err=$(qemu_error)
	console_tail 20
	harness_error "the VM did not boot ($accel, ${elapsed} s)${err:+: qemu: $err}"
fi
say "guest did not finish (no completion marker) after ${elapsed}s${cur:+, during $cur}"
sed 's/^/# qemu: /' "$vmdir/qemu.log"
console_tail "${VM_LOG_LINES:-150}"
exit 1
