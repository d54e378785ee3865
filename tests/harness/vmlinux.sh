#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmlinux.sh RELEASE DIR: print the kernel image for QEMU to boot. Under TCG
# decompressing the bzImage takes ~3 s of every boot, so when the kernel can
# boot through PVH (CONFIG_PVH) the uncompressed ELF is extracted once and
# cached in DIR; otherwise, or if extraction fails, the bzImage itself.
set -euo pipefail
export LC_ALL=C

release=$1
dir=$2
bz=/boot/vmlinuz-$release
elf=$dir/vmlinux-$release

if ! grep -qx 'CONFIG_PVH=y' "/boot/config-$release" 2>/dev/null; then
	echo "$bz"
	exit 0
fi
if [ -f "$elf" ] && [ "$(cat "$elf.key" 2>/dev/null)" = "$(stat -L -c '%s %Y' "$bz")" ]; then
	echo "$elf"
	exit 0
fi

# The payload is the first stream with a known magic (as extract-vmlinux).
extract() {
	local magic=$1 off
	shift
	off=$(grep -abo -m1 "$magic" "$bz" | head -n 1 | cut -d: -f1) || return 1
	[ -n "$off" ] || return 1
	tail -c +$((off + 1)) "$bz" | "$@" >"$elf.tmp" 2>/dev/null
	[ "$(head -c 4 "$elf.tmp")" = $'\x7fELF' ]
}
mkdir -p "$dir"
if extract $'\xfd7zXZ\x00' xz -dc --single-stream ||
	extract $'\x28\xb5\x2f\xfd' zstd -qdc ||
	extract $'\x1f\x8b\x08' gzip -dc; then
	mv "$elf.tmp" "$elf"
	stat -L -c '%s %Y' "$bz" >"$elf.key"
	echo "$elf"
else
	rm -f "$elf.tmp"
	echo "$bz"
fi
