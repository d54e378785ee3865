#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The administrator's path with DKMS, on the guest's own kernel: make
# dkms-install, modprobe by name, the example configuration applied with
# vaddrctl load, a connect from the right address; make dkms-uninstall.
#
#  ns h ("host")                           ns r ("remote")
#  h0 198.51.100.1/24, 198.51.100.70/32  -- r0 198.51.100.2/24
#  uid 1001 "b1" -> bcd.example (the example vaddr.conf)
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../pkg-lib.sh"
pkg_reset

rel=$(uname -r)
log=/tmp/dkms-install.log
start=$SECONDS
if ! check "make dkms-install" sh -c "make -C '$VADDR_ROOT' dkms-install >$log 2>&1"; then
	tail -n 30 "$log" | sed 's/^/# | /' >&2
	exit 1
fi
diag "make dkms-install took $((SECONDS - start)) s; ccache: $(pkg_ccache_hits)"
check "dkms status: installed for $rel" \
	sh -c "dkms status -m vaddr -k $rel | grep -q ': installed'"
path=$(modinfo -n vaddr 2>/dev/null)
expect_eq "modinfo -n vaddr finds the DKMS module" \
	"${path%.ko*}" "/lib/modules/$rel/updates/dkms/vaddr"
expect_eq "its version is dkms.conf's" "$(modinfo -F version vaddr)" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$VADDR_ROOT/dkms.conf")"
check "modprobe vaddr" modprobe vaddr
_module_loaded=1

pkg_topology
pkg_example_works "$VADDRCTL" "DKMS module"

check "modprobe -r vaddr" modprobe -r vaddr
_module_loaded=
if ! check "make dkms-uninstall" sh -c "make -C '$VADDR_ROOT' dkms-uninstall >$log 2>&1"; then
	tail -n 30 "$log" | sed 's/^/# | /' >&2
fi
check_fails "modprobe vaddr fails after dkms-uninstall" modprobe vaddr
check_fails "no source left in /usr/src" test -e "/usr/src/vaddr-$(modinfo -F version "$VADDR_KO")"
