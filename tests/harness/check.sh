#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make check` runs: dependencies, builds, host unit tests, the VM suite.
# Progress and diagnostics are "# " lines; then one TAP stream of everything
# and, as the very last line, "N passed, M failed". Exit 1 when M > 0.
#
# Env: KDIR (from the Makefile), T (test names, empty: all of tests/vm),
# KVER (a kernel of tests/harness/kernels.list, e.g. 7.3: build for it and
# boot it instead of the default kernel),
# VADDR_KO (test this prebuilt module instead of building vaddr.ko), VM_DIR
# (the VM's work directory, default build/vm; the TAP stream is kept there
# as check.tap), and what tests/harness/vm.sh reads.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
logs=$repo/build/logs
# A matrix kernel's run has a directory of its own.
[ -z "${KVER:-}" ] || export VM_DIR=${VM_DIR:-$repo/build/vm-$KVER}
vmdir=${VM_DIR:-$repo/build/vm}
tap=$vmdir/check.tap
mkdir -p "$logs" "$vmdir"
: >"$tap"
cd "$repo" || exit 1

say() { echo "# $*"; }
record() { echo "$*" >>"$tap"; }

# The end of LOG as diagnostics in the TAP stream.
record_tail() {
	tail -n "${2:-15}" "$1" | sed 's/^/# | /' >>"$tap"
}

summary() {
	local pass fail
	pass=$(grep -c '^ok ' "$tap")
	fail=$(grep -c '^not ok ' "$tap")
	echo "1..$((pass + fail))"
	awk '/^(ok|not ok) - / { n++; sub(/ - /, " " n " - ") } { print }' "$tap"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

# (a) Dependencies: install them when we can, else say how.
if ! "$here/deps.sh" check >"$logs/deps.log"; then
	if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ]; then
		say "installing missing packages (log: build/logs/deps-install.log)"
		if ! "$here/deps.sh" install >"$logs/deps-install.log" 2>&1; then
			record "not ok - dependencies: apt-get install failed"
			record_tail "$logs/deps-install.log"
			summary
		fi
		# There may have been no kernel headers before.
		[ -d "${KDIR:-}" ] || KDIR=$("$here/kdir.sh")
	else
		record "not ok - dependencies installed"
		sed 's/^/# /' "$logs/deps.log" >>"$tap"
		summary
	fi
fi
export KDIR

# (b) Builds; a failure is a failed test and skips the VM run.
build() {
	local name=$1
	shift
	say "build: $name"
	if "$@" >"$logs/build-$name.log" 2>&1; then
		record "ok - build: $name"
	else
		record "not ok - build: $name"
		record_tail "$logs/build-$name.log"
		return 1
	fi
}
built=1
if [ -n "${KVER:-}" ]; then
	# A kernel of the matrix: built in its Debian release's root, booted
	# with the userland kernels.list gives it.
	say "kernel: $KVER (tests/harness/kroot.sh; log: build/logs/build-module.log)"
	if build module tests/harness/kroot.sh build "$KVER" "build/matrix/$KVER"; then
		env=$(tests/harness/kroot.sh env "$KVER")
		eval "$env"
		export VM_KERNEL VM_MODULES VM_ROOTFS VM_RELEASE=$KRELEASE
		export VADDR_KO=$repo/build/matrix/$KVER/vaddr.ko
		say "kernel: $KRELEASE, userland ${VM_ROOTFS:-/}"
	else
		built=
	fi
elif [ -n "${VADDR_KO:-}" ]; then
	say "build: module skipped, testing VADDR_KO=$VADDR_KO"
else
	say "kernel: $(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$KDIR/include/generated/utsrelease.h" 2>/dev/null) (KDIR=$KDIR)"
	build module make module W=1 KCFLAGS=-Werror || built=
fi
# The self-test variant of the module (module/selftest.c), for
# tests/vm/selftest.sh: the same sources, copied aside as DKMS gets them
# and built with VADDR_SELFTEST=y against the kernel the VM boots (not a
# KVER kernel's: that one builds in its root), as build/selftest/vaddr.ko.
# shellcheck disable=SC2317 # run by build()
selftest_module() {
	local dir=$repo/build/selftest src
	rm -rf "$dir" && make -s dkms-source DESTDIR="$dir/src" || return
	src=$(echo "$dir"/src/usr/src/vaddr-*)
	make -C "$KDIR" M="$src" VADDR_SELFTEST=y W=1 KCFLAGS=-Werror modules &&
		cp "$src/vaddr.ko" "$dir/vaddr.ko"
}
case " ${T:- selftest } " in
*" selftest "*)
	if [ -n "$built" ] && [ -z "${KVER:-}" ] &&
		build module-selftest selftest_module; then
		export VADDR_SELFTEST_KO=$repo/build/selftest/vaddr.ko
		export VM_PASS="VADDR_SELFTEST_KO ${VM_PASS:-}"
	fi
	;;
esac
build vaddrctl make vaddrctl || built=
build tools make -C tests/tools || built=
# The Debian packages, for tests/vm/pkg-deb.sh; lintian's findings in the log.
case " ${T:- pkg-deb } " in
*" pkg-deb "*) build packages make deb ;;
esac

# (c) Host unit tests, when userspace has them; their TAP numbers are dropped.
if grep -q '^test:' userspace/Makefile 2>/dev/null; then
	say "unit tests: make -C userspace test"
	make -s -C userspace test >"$logs/unit.log" 2>&1
	rc=$?
	sed -nE 's/^(ok|not ok) [0-9]+ - /\1 - unit: /p' "$logs/unit.log" >>"$tap"
	if [ "$rc" -ne 0 ]; then
		grep -q '^not ok' "$logs/unit.log" ||
			record "not ok - unit: make -C userspace test exited with status $rc"
		record_tail "$logs/unit.log"
	fi
fi

# (c2) The harness's own test (a broken KVM never stops a run), with every
# VM test: it boots three small VMs of its own.
if [ -z "${T:-}" ] || [[ " $T " == *" selftest "* ]]; then
	say "harness self-test: tests/harness/selftest.sh"
	"$here/selftest.sh" >"$logs/selftest.log" 2>&1
	grep -E '^(ok|not ok) - ' "$logs/selftest.log" >>"$tap"
	[ $? -eq 0 ] || record "not ok - harness: selftest.sh printed no result"
	grep '^# ' "$logs/selftest.log" | sed 's/^/# /'
fi

# (d) The VM suite.
if [ -z "$built" ]; then
	say "VM run skipped: a build failed"
	summary
fi
# "selftest" is (c2) and the module's self-test, tests/vm/selftest.sh.
read -ra names <<<"${T:-}"
say "vm: ${names[*]:-all tests}"
"$here/vm.sh" "${names[@]}"
rc=$?
out=$vmdir/out
[ -f "$out/results" ] && cat "$out/results" >>"$tap"
[ -f "$out/times" ] && say "vm: test times: $(paste -sd' ' "$out/times")"
if [ "$rc" -eq 2 ]; then
	# The harness's failure, not a test's: say what QEMU said.
	record "not ok - harness: $(cat "$vmdir/harness-error" 2>/dev/null ||
		echo "the VM could not start (see the '# vm:' lines above)")"
elif [ "$rc" -ne 0 ]; then
	record "not ok - vm: guest ran to completion$(sed -n 's/^\([^ ]*\) .*/ (stopped during \1)/p' "$out/current" 2>/dev/null)"
elif grep -q '^not ok' "$out/results"; then
	say "guest kernel log, last 25 lines (all: ${out#"$repo"/}/dmesg; per test: ${out#"$repo"/}/NAME.log):"
	tail -n 25 "$out/dmesg" | sed 's/^/# | /'
fi

# (e) The TAP stream and the summary line.
summary
