#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make check-debug` runs: the debug kernel of tests/debug/kernel.config
# (built once, cached in build/debug-kernel), vaddr.ko built out of tree
# against it, then the whole `make check` suite booting that kernel, with
# the fuzzer and the stress test in their long forms. The guest's last test
# is the kernel log check, which on this kernel includes a kmemleak scan.
# Ends with "N passed, M failed" like make check.
#
# Env: T (test names, as make check), FUZZ_MESSAGES (default 100000),
# STRESS_SECONDS (default 180), VM_TEST_TIMEOUT (per test, default 2400:
# KASAN and lockdep make everything slower, emulation more so).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=$repo/build/debug-kernel
logs=$repo/build/logs
mkdir -p "$logs" "$dir"
cd "$repo" || exit 1

say() { echo "# check-debug: $*"; }
fail() {
	echo "1..1"
	echo "not ok 1 - $1"
	[ -z "${2:-}" ] || tail -n 20 "$2" | sed 's/^/# | /'
	echo "0 passed, 1 failed"
	exit 1
}

if ! ls /usr/src/linux-source-6.1.tar.* >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || fail "no linux-source-6.1: apt-get install linux-source-6.1"
	say "installing linux-source-6.1"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
		linux-source-6.1; } >"$logs/debug-source.log" 2>&1 ||
		fail "apt-get install linux-source-6.1" "$logs/debug-source.log"
fi

start=$(date +%s)
say "kernel: tests/debug/kernel.sh build/debug-kernel (cached after the first run)"
release=$("$here/kernel.sh" "$dir" 2> >(sed 's/^/# /' >&2)) ||
	fail "debug kernel build (log: build/debug-kernel/build.log)" "$dir/build.log"
say "kernel $release ready after $(($(date +%s) - start))s"
ksrc=$dir/linux-source-6.1

# The module's own copy of the sources, so the regular vaddr.ko (built for
# Debian's kernel in the repository) is left alone; in this clone's build/,
# not beside the kernel, which clones may share.
mod=$repo/build/debug-module
rm -rf "$mod"
make -s dkms-source DESTDIR="$mod" >/dev/null || fail "copy of the module sources"
modsrc=$(echo "$mod"/usr/src/vaddr-*)
say "module: built against $release in ${modsrc#"$repo"/}"
make -C "$ksrc" M="$modsrc" W=1 KCFLAGS=-Werror modules >"$logs/debug-module.log" 2>&1 ||
	fail "build: module against the debug kernel" "$logs/debug-module.log"

export KDIR=$ksrc VADDR_KO=$modsrc/vaddr.ko
export VM_KERNEL=$dir/bzImage VM_MODULES=$dir/root/lib/modules/$release
export VM_DIR=$repo/build/vm-debug VM_MEM=2048
# PCI interrupt routing from the BIOS table, not ACPI's _PRT method: under
# emulation KASAN and lockdep slow the AML interpreter past its 30 s loop
# limit, and virtio then gets no interrupt.
export VM_APPEND="pci=noacpi ${VM_APPEND:-}"
export VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-2400}
export FUZZ_MESSAGES=${FUZZ_MESSAGES:-100000} STRESS_SECONDS=${STRESS_SECONDS:-180}
export VM_PASS="FUZZ_MESSAGES STRESS_SECONDS ${VM_PASS:-}"
exec env T="${T:-}" "$repo/tests/harness/check.sh"
