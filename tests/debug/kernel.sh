#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel.sh DIR: build (once) the debug kernel of `make check-debug` from
# Debian's linux-source-6.1 with tests/debug/kernel.config, in DIR. Prints
# the kernel release; DIR/bzImage is the image, DIR/root/lib/modules/RELEASE
# its modules directory, DIR/linux-source-6.1 the tree to build modules
# against. Rebuilt only when the configuration or the source changed.
set -euo pipefail
export LC_ALL=C

dir=$(realpath -m "$1")
here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/kernel.config
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
[ -n "$tarball" ] || { echo "kernel.sh: no /usr/src/linux-source-6.1.tar.*: apt-get install linux-source-6.1" >&2; exit 1; }
src=$dir/linux-source-6.1
log=$dir/build.log

key=$({ cat "$fragment" "$0"; stat -L -c '%n %s %Y' "$tarball"; } | sha256sum | cut -d' ' -f1)
if [ -f "$dir/bzImage" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ]; then
	cat "$dir/release"
	exit 0
fi

mkdir -p "$dir"
if [ ! -f "$src/Makefile" ]; then
	echo "kernel.sh: unpacking $tarball" >&2
	tar -C "$dir" -xf "$tarball"
fi
echo "kernel.sh: configuring (log: $log)" >&2
: >"$log"
make -C "$src" KCONFIG_ALLCONFIG="$fragment" allnoconfig >>"$log" 2>&1
# allnoconfig drops what a dependency forbids without a word: check.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	grep -qxF "$line" "$src/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "kernel.sh: not in the resulting .config:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
echo "kernel.sh: building with $(nproc) jobs (log: $log)" >&2
make -C "$src" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; exit 1; }
release=$(make -s -C "$src" kernelrelease)
rm -rf "$dir/root"
make -C "$src" INSTALL_MOD_PATH="$dir/root" modules_install >>"$log" 2>&1
ln -sfn "$src" "$dir/root/lib/modules/$release/build"
# Not the ELF through PVH, as vm.sh does for Debian's kernel: with KASAN
# it dies before its first console line.
cp "$src/arch/x86/boot/bzImage" "$dir/bzImage.tmp"
mv "$dir/bzImage.tmp" "$dir/bzImage"
rm -f "$dir/vmlinux"
echo "$release" >"$dir/release"
echo "$key" >"$dir/key"
echo "$release"
