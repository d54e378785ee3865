#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# accel.sh [IMAGE]: print the QEMU accelerator the VMs use, "kvm" or "tcg".
# accel.sh --forget: a VM boot under KVM failed after the probe passed:
# cache "tcg" instead.
#
# A writable /dev/kvm is no proof that KVM can run a guest: nested KVM may
# make QEMU abort setting an MSR, fail with "KVM internal error", or run a
# guest that hangs before its first console line. So KVM is used only once
# a probe boot proved it: IMAGE (default: a kernel of /boot) with a tiny
# initramfs whose init prints a marker and powers off, under -accel kvm
# -cpu host, within VM_PROBE_TIMEOUT seconds (default 20; a working KVM
# needs 2 or 3). The verdict is cached per machine, outside the tree, so
# every clone and every CI run on the machine reuses it: in
# $VADDR_CACHE/accel (default /var/cache/vaddr, else ~/.cache/vaddr),
# keyed by QEMU's version, the host kernel, the CPU and /dev/kvm itself.
#
# Env: VM_ACCEL=kvm|tcg decides without a probe; VM_PROBE_TIMEOUT;
# VM_QEMU (the QEMU binary, default qemu-system-x86_64) and VM_KVM_DEV
# (default /dev/kvm): the harness's own test points them at fakes. When
# KVM is not used although /dev/kvm is there, one line on stderr says why.
set -euo pipefail

qemu=${VM_QEMU:-qemu-system-x86_64}

say() { echo "# vm: $*" >&2; }

# save VERDICT REASON
save() {
	printf '%s\n%s\n%s\n' "$key" "$1" "$2" >"$file.tmp"
	mv "$file.tmp" "$file"
}

case ${VM_ACCEL:-} in
kvm | tcg)
	echo "$VM_ACCEL"
	exit 0
	;;
"") ;;
*)
	say "VM_ACCEL must be kvm or tcg, not '$VM_ACCEL'"
	exit 2
	;;
esac
kvm=${VM_KVM_DEV:-/dev/kvm}
if [ ! -w "$kvm" ]; then
	echo tcg
	exit 0
fi

cache=${VADDR_CACHE:-/var/cache/vaddr}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/vaddr
	mkdir -p "$cache"
fi
file=$cache/accel
key=$({
	"$qemu" --version 2>/dev/null | head -n 1
	uname -r
	grep -m 1 '^model name' /proc/cpuinfo || true
	stat -L -c '%n %t:%T' "$kvm"
	cat "$0"
} | sha256sum | cut -d' ' -f1)

if [ "${1:-}" = --forget ]; then
	save tcg "KVM passed its probe but a VM did not boot under it: using TCG"
	exit 0
fi
if [ -f "$file" ] && [ "$(head -n 1 "$file")" = "$key" ]; then
	verdict=$(sed -n 2p "$file")
	[ "$verdict" = kvm ] || say "$(sed -n 3p "$file") (cached in $file)"
	echo "$verdict"
	exit 0
fi

image=${1:-}
if [ -z "$image" ]; then
	image=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
fi
busybox=$(command -v busybox || true)
if [ ! -r "$image" ] || [ -z "$busybox" ]; then
	say "no kernel image or busybox to probe KVM with: using TCG"
	echo tcg
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/dev"
cp "$busybox" "$work/root/bin/busybox"
ln -s busybox "$work/root/bin/sh"
printf '#!/bin/sh\necho VADDR-PROBE-OK\n/bin/busybox poweroff -f\n' \
	>"$work/root/init"
chmod 755 "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc -R 0:0 --quiet) >"$work/initrd"

budget=${VM_PROBE_TIMEOUT:-20}
start=$(date +%s%N)
rc=0
# A subshell: bash's own "Aborted" notice is not for the user to read.
(timeout -k 2 "$budget" setpriv --pdeathsig KILL -- "$qemu" -accel kvm \
	-cpu host -m 256 -smp 1 -nodefaults -display none -no-reboot \
	-serial "file:$work/console" -kernel "$image" -initrd "$work/initrd" \
	-append "console=ttyS0 panic=-1 rdinit=/init quiet" \
	>"$work/qemu.log" 2>&1
	exit) 2>/dev/null || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))

if grep -q VADDR-PROBE-OK "$work/console" 2>/dev/null; then
	verdict=kvm
	reason="KVM probe boot reached init in $ms ms"
else
	verdict=tcg
	err=$(grep -v -e '^[[:space:]]*$' -e 'terminating on signal' \
		"$work/qemu.log" 2>/dev/null | head -n 1 || true)
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		reason="KVM probe boot did not reach init in ${budget} s${err:+ (qemu: $err)}"
	else
		reason="KVM probe boot failed, qemu exit status $rc${err:+ (qemu: $err)}"
	fi
	reason="$reason: using TCG"
	say "$reason"
fi
save "$verdict" "$reason"
echo "$verdict"
