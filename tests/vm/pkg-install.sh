#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall: staged with DESTDIR (what a packager
# gets), then on the guest's own system, where modprobe finds the module
# by name and the installed vaddrctl applies the example configuration.
#
#  ns h ("host")                           ns r ("remote")
#  h0 198.51.100.1/24, 198.51.100.70/32  -- r0 198.51.100.2/24
#  uid 1001 "b1" -> bcd.example (the example vaddr.conf)
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../pkg-lib.sh"
pkg_reset

rel=$(uname -r)
log=/tmp/make-install.log
# make_in LOG ARGS...: make in the tree (the guest's writable overlay of it).
make_in() {
	local log=$1
	shift
	make -C "$VADDR_ROOT" "$@" >"$log" 2>&1 && return 0
	tail -n 20 "$log" | sed 's/^/# | /' >&2
	return 1
}

# As a user would: `make` first when the tree's vaddr.ko is for another
# kernel (the debug kernel of make check-debug); make install refuses it.
if [ "$(modinfo -F vermagic "$VADDR_ROOT/vaddr.ko" | cut -d' ' -f1)" != "$rel" ]; then
	check "make module, for $rel" make_in $log module
fi

stage=/tmp/stage
check "make install DESTDIR=$stage PREFIX=/usr" \
	make_in $log install DESTDIR=$stage PREFIX=/usr
# modules_install compresses the module as the kernel's own are
# (CONFIG_MODULE_COMPRESS_*: Debian's 7.x kernels use xz).
check "staged: /lib/modules/$rel/updates/vaddr.ko (.gz, .xz, .zst)" \
	sh -c "ls '$stage/lib/modules/$rel/updates' | grep -Eqx 'vaddr\.ko(\.(gz|xz|zst))?'"
for f in usr/sbin/vaddrctl \
	usr/share/man/man8/vaddrctl.8 usr/share/man/man5/vaddr.conf.5 \
	usr/share/bash-completion/completions/vaddrctl \
	usr/lib/systemd/system/vaddr.service etc/vaddr.conf \
	lib/modprobe.d/vaddr-blocklist.conf; do
	check "staged: /$f" test -f "$stage/$f"
done
expect_eq "the unit runs the installed vaddrctl on /etc/vaddr.conf" \
	"$(sed -n 's/^ExecStart=//p' $stage/usr/lib/systemd/system/vaddr.service)" \
	"/usr/sbin/vaddrctl load /etc/vaddr.conf"
echo "# my own configuration" >$stage/etc/vaddr.conf
check "a second make install" make_in $log install DESTDIR=$stage PREFIX=/usr
expect_eq "keeps an existing /etc/vaddr.conf" "$(cat $stage/etc/vaddr.conf)" \
	"# my own configuration"
check "make uninstall DESTDIR=$stage PREFIX=/usr" \
	make_in $log uninstall DESTDIR=$stage PREFIX=/usr
expect_eq "leaves only /etc/vaddr.conf" \
	"$(cd $stage && find . -type f)" "./etc/vaddr.conf"

# A vaddr.ko built for another kernel is refused by name, before anything
# is installed (it would install, then fail to load: Exec format error).
other=$(mktemp -d)
mkdir -p "$other/include/generated"
echo '#define UTS_RELEASE "9.9.9-other"' >"$other/include/generated/utsrelease.h"
check_fails "make install refuses a vaddr.ko built for another kernel" \
	make_in $log install-module KDIR="$other" DESTDIR=/tmp/stage-other
expect_eq "and says which kernels" \
	"$(grep -o "not 9.9.9-other (KDIR=$other): run 'make' first" $log)" \
	"not 9.9.9-other (KDIR=$other): run 'make' first"
check_fails "and installs nothing" test -e /tmp/stage-other
rm -rf "$other"

# The real thing, PREFIX=/usr/local as by default.
check "make install" make_in $log install
expect_eq "modinfo -n vaddr finds the installed module" \
	"$(modinfo -n vaddr 2>&1 | sed -E 's/\.(gz|xz|zst)$//')" \
	"/lib/modules/$rel/updates/vaddr.ko"
check "modprobe vaddr" modprobe vaddr
_module_loaded=1
pkg_topology
pkg_example_works /usr/local/sbin/vaddrctl "make install"
check "modprobe -r vaddr" modprobe -r vaddr
_module_loaded=
check "make uninstall" make_in $log uninstall
check_fails "modprobe vaddr fails after make uninstall" modprobe vaddr
check_fails "no /usr/local/sbin/vaddrctl" test -e /usr/local/sbin/vaddrctl
