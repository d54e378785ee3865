#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A stand-in for qemu-system-x86_64 that plays a broken KVM, for
# selftest.sh. Under -accel kvm it misbehaves as FAKE_QEMU_MODE says;
# under TCG (and for --version) it runs the real QEMU. Each call appends
# its accelerator ("kvm", "tcg" or "probe" for accel.sh's probe boot) to
# FAKE_QEMU_CALLS.
#
#   abort      QEMU's abort on a nested KVM that refuses an MSR
#   hang       a guest that never prints anything
#   probe-ok   the probe boot works (run under TCG), real boots hang with
#              "KVM internal error", as a KVM that fails only later
#   works      every boot works (run under TCG), as a good KVM
#   broken     QEMU fails whatever the accelerator
#   dies-once  the first TCG boot ends before init, as a kernel panic
#              does; later ones work
set -u

real=qemu-system-x86_64
accel=tcg probe=
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--version) exec "$real" --version ;;
	-accel)
		accel=$2
		shift 2
		continue
		;;
	-cpu)
		shift 2	# -cpu host needs a real KVM: always max
		continue
		;;
	-append)
		case $2 in *rdinit=/init*) probe=1 ;; esac
		;;
	esac
	args+=("$1")
	shift
done
echo "${probe:+probe-}$accel" >>"${FAKE_QEMU_CALLS:-/dev/null}"

tcg() {
	exec "$real" -accel tcg -cpu max "${args[@]}"
}

if [ "${FAKE_QEMU_MODE:-}" = broken ]; then
	echo "qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory" >&2
	exit 1
fi
if [ "${FAKE_QEMU_MODE:-}" = dies-once ] && [ "$(grep -c tcg "$FAKE_QEMU_CALLS")" -eq 1 ]; then
	for ((i = 0; i < ${#args[@]}; i++)); do
		[ "${args[i]}" != -serial ] || serial=${args[i + 1]#file:}
	done
	echo "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100" >"$serial"
	exit 0
fi
[ "$accel" = kvm ] || tcg
case ${FAKE_QEMU_MODE:-} in
abort)
	echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
	echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed." >&2
	kill -ABRT $$
	;;
hang)
	exec sleep 3600
	;;
probe-ok)
	[ -z "$probe" ] || tcg
	echo "KVM internal error. Suberror: 1" >&2
	echo "emulation failure" >&2
	exec sleep 3600
	;;
works)
	tcg
	;;
esac
echo "fake-qemu: unknown FAKE_QEMU_MODE '${FAKE_QEMU_MODE:-}'" >&2
exit 1
