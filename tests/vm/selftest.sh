#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module's own self-test (module/selftest.c). tests/harness/check.sh
# builds a second vaddr.ko from the same sources with VADDR_SELFTEST=y
# (build/selftest/vaddr.ko, passed in as VADDR_SELFTEST_KO); it tests its
# table as it loads and prints one kernel log line per check:
#
#   vaddr: selftest: ok - name check accepts 'bcd.example'
#   vaddr: selftest: not ok - ...
#   vaddr: selftest: 41 passed, 0 failed
#
# Each check line becomes a TAP line of this test, as WireGuard's
# tests/qemu/init.c counts its self-test lines. The module must load (a
# failed check fails the load), its summary must count the lines it
# printed, and it must unload leaving a clean log. The module under test
# ($VADDR_KO) must carry none of it.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"

check_fails "the module under test has no self-test" \
	grep -qa 'vaddr: selftest: ' "$VADDR_KO"

ko=${VADDR_SELFTEST_KO:-}
if [ -z "$ko" ] || [ ! -f "$ko" ]; then
	ok "self-test module # SKIP none built for this kernel (VADDR_SELFTEST_KO)"
	exit 0
fi
check "the self-test module carries the self-test" grep -qa 'vaddr: selftest: ' "$ko"

deps=$(modinfo -F depends "$ko" | tr , ' ')
# shellcheck disable=SC2086 # one module name per word
[ -z "$deps" ] || modprobe -a $deps
kmsg_mark
if insmod "$ko"; then
	_module_loaded=1
	loaded=yes
else
	loaded=no
fi
lines=$(dmesg -t | tail -n +$((_kmsg_lines + 1)) |
	sed -n 's/^vaddr: selftest: //p')
# The checks, as the module said them.
printf '%s\n' "$lines" | grep -E '^(ok|not ok) - '
passed=$(printf '%s\n' "$lines" | grep -c '^ok - ')
failed=$(printf '%s\n' "$lines" | grep -c '^not ok - ')
summary=$(printf '%s\n' "$lines" | sed -n 's/^\([0-9]* passed, [0-9]* failed\)$/\1/p')
expect_eq "the self-test's summary counts its checks" \
	"$summary" "$passed passed, $failed failed"
expect_ne "the self-test made checks" "$passed" 0
expect_eq "the self-test module loads only when every check passed" \
	"$loaded" "$([ "$failed" -eq 0 ] && echo yes || echo no)"
if [ "$loaded" = yes ]; then
	check "the self-test module unloads" module_unload
fi
kmsg_clean "the self-test leaves a clean kernel log"
