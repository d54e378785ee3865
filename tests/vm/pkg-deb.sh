#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (make deb, built on the host by make check): they
# install with apt on the guest's Debian 12, DKMS builds the module for the
# guest's kernel, the example configuration works through the unit's own
# command lines, and purge leaves nothing behind.
#
#  ns h ("host")                           ns r ("remote")
#  h0 198.51.100.1/24, 198.51.100.70/32  -- r0 198.51.100.2/24
#  uid 1001 "b1" -> bcd.example (the example vaddr.conf)
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../pkg-lib.sh"
pkg_reset

rel=$(uname -r)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$VADDR_ROOT/dkms.conf")
debs=("$VADDR_ROOT"/build/deb/vaddr-dkms_"$version"_all.deb
	"$VADDR_ROOT"/build/deb/vaddrctl_"$version"_amd64.deb)
for deb in "${debs[@]}"; do
	check "built: ${deb##*/}" test -f "$deb" || exit 1
done

log=/tmp/apt.log
# man-db's trigger re-indexes every manual page on the system: minutes
# under emulation, and nothing here reads the index.
rm -f /var/lib/man-db/auto-update
start=$SECONDS
if ! check "apt-get install ./vaddr-dkms ./vaddrctl" \
	sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y ${debs[*]} >$log 2>&1"; then
	tail -n 30 "$log" | sed 's/^/# | /' >&2
	exit 1
fi
diag "apt-get install took $((SECONDS - start)) s (DKMS compiles the module); ccache: $(pkg_ccache_hits)"
check "dkms built the module for $rel" \
	sh -c "dkms status -m vaddr -v $version -k $rel | grep -q ': installed'"
check "vaddr.service is enabled" \
	test -L /etc/systemd/system/multi-user.target.wants/vaddr.service
check "man vaddrctl(8) installed" test -f /usr/share/man/man8/vaddrctl.8.gz
check "man vaddr.conf(5) installed" test -f /usr/share/man/man5/vaddr.conf.5.gz
check "bash completion installed" \
	test -f /usr/share/bash-completion/completions/vaddrctl
check "/etc/vaddr.conf installed" test -f /etc/vaddr.conf
check "modprobe.d file installed" test -f /lib/modprobe.d/vaddr-blocklist.conf
check_fails "  ... and it keeps rds_tcp from loading" modprobe rds_tcp
check "the shipped /etc/vaddr.conf loads (an empty table)" \
	sh -c "modprobe vaddr && ip netns add e && ip netns exec e /usr/sbin/vaddrctl load /etc/vaddr.conf; rc=\$?; ip netns del e; modprobe -r vaddr; exit \$rc"

# The unit's command lines, run in ns h as systemd would run them in the
# host's namespace.
unit=/lib/systemd/system/vaddr.service
unit_cmd() {
	sed -n "s/^$1=//p" "$unit"
}
pkg_topology
pkg_example_conf /etc/vaddr.conf
for key in ExecStartPre ExecStart; do
	cmd=$(unit_cmd $key)
	# shellcheck disable=SC2086 # the unit's words
	check "$key: $cmd" ip netns exec h $cmd
done
_module_loaded=1
# Compressed as the kernel's own modules are (Debian's 7.x: xz).
expect_eq "the module is the DKMS one" \
	"$(modinfo -n vaddr | sed -E 's/\.(gz|xz|zst)$//')" \
	"/lib/modules/$rel/updates/dkms/vaddr.ko"
expect_eq "ExecStart: the peer saw bcd.example's address" \
	"$(tcp_seen h 1001 $PKG_R4)" "$PKG_BCD4 $PKG_BCD4"
by_unit=$(/usr/sbin/vaddrctl -n h save)
/usr/sbin/vaddrctl -n h flush
check "vaddrctl load of the same file" /usr/sbin/vaddrctl -n h load /etc/vaddr.conf
expect_eq "ExecStart gives the same table as vaddrctl load" \
	"$(/usr/sbin/vaddrctl -n h save)" "$by_unit"

echo "domain bad..example" >>/etc/vaddr.conf
# shellcheck disable=SC2046 # the unit's words
check_fails "ExecReload with a bad file fails" ip netns exec h $(unit_cmd ExecReload)
expect_eq "and keeps the running table" \
	"$(/usr/sbin/vaddrctl -n h save)" "$by_unit"
# shellcheck disable=SC2046 # the unit's words
check "ExecStop" ip netns exec h $(unit_cmd ExecStop)
expect_eq "ExecStop empties the table" \
	"$(/usr/sbin/vaddrctl -n h -j show | jq '.domains | length')" 0
check "and leaves the module loaded" test -d /sys/module/vaddr
check "modprobe -r vaddr" modprobe -r vaddr
_module_loaded=

if ! check "apt-get purge vaddrctl vaddr-dkms" \
	sh -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y vaddrctl vaddr-dkms >$log 2>&1"; then
	tail -n 30 "$log" | sed 's/^/# | /' >&2
fi
check_fails "modprobe vaddr fails after purge" modprobe vaddr
check_fails "dkms knows no vaddr" sh -c "dkms status -m vaddr | grep -q ."
for f in /usr/src/vaddr-"$version" /usr/sbin/vaddrctl /etc/vaddr.conf \
	"$unit" /etc/systemd/system/multi-user.target.wants/vaddr.service \
	/var/lib/dkms/vaddr /lib/modprobe.d/vaddr-blocklist.conf; do
	check_fails "purged: $f" test -e "$f"
done
