#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh RELEASE DIR: print the path of a tiny initramfs (busybox-static,
# the virtio/9p/overlay modules of RELEASE, initramfs-init.sh as /init), built
# under DIR and rebuilt only when one of its inputs changed. Env MODULES_DIR:
# the modules directory of RELEASE when not /lib/modules/RELEASE.
set -euo pipefail

release=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=${MODULES_DIR:-/lib/modules/$release}
busybox=$(command -v busybox) || { echo "mkinitramfs: no busybox" >&2; exit 1; }
# What the initramfs needs to mount its root; dependencies are added below.
wanted=(virtio_pci 9pnet_virtio 9p overlay)

[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no $moddir/modules.dep" >&2; exit 1; }

# Emit module paths (relative to $moddir) dependencies first, each once.
declare -A seen=()
order=()
add() {
	local path=$1 deps dep
	[ -z "${seen[$path]:-}" ] || return 0
	seen[$path]=1
	deps=$(awk -v m="$path:" '$1 == m { $1 = ""; print; exit }' "$moddir/modules.dep")
	for dep in $deps; do
		add "$dep"
	done
	order+=("$path")
}
for m in "${wanted[@]}"; do
	path=$(awk -F: -v re="/${m}[.]ko([.](xz|zst|gz))?\$" '$1 ~ re { print $1; exit }' \
		"$moddir/modules.dep")
	if [ -z "$path" ]; then
		# Built into the kernel: nothing to load.
		grep -q "/$m.ko" "$moddir/modules.builtin" 2>/dev/null ||
			{ echo "mkinitramfs: module $m not found for $release" >&2; exit 1; }
		continue
	fi
	add "$path"
done

# Cache key: every input's identity.
key=$({
	echo "$release"
	cat "$here/initramfs-init.sh" "$0"
	stat -L -c '%n %s %Y' "$busybox"
	for p in "${order[@]}"; do stat -L -c '%n %s %Y' "$moddir/$p"; done
} | sha256sum | cut -d' ' -f1)
img=$dir/initramfs-$release.cpio
if [ -f "$img" ] && [ "$(cat "$img.key" 2>/dev/null)" = "$key" ]; then
	echo "$img"
	exit 0
fi

mkdir -p "$dir"
stage=$(mktemp -d "$dir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,etc,proc,lib/modules,lower,rw,newroot}
cp "$busybox" "$stage/bin/busybox"
for app in sh mount umount insmod mkdir sleep switch_root; do
	ln -s busybox "$stage/bin/$app"
done
install -m 0755 "$here/initramfs-init.sh" "$stage/init"
for p in "${order[@]}"; do
	src=$moddir/$p
	ko=$(basename "$p")
	ko=${ko%.xz} ko=${ko%.zst} ko=${ko%.gz}
	# busybox insmod cannot decompress; the kernel may not either.
	case $p in
	*.xz) xz -dc "$src" ;;
	*.zst) zstd -qdc "$src" ;;
	*.gz) gzip -dc "$src" ;;
	*) cat "$src" ;;
	esac >"$stage/lib/modules/$ko"
	echo "$ko"
done >"$stage/etc/modules"
# Uncompressed: unpacking is faster than decompressing under TCG.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) >"$img.tmp"
mv "$img.tmp" "$img"
echo "$key" >"$img.key"
echo "$img"
