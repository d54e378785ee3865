# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by the packaging tests (tests/vm/pkg-*.sh), after lib.sh: the
# topology and the check that an installed vaddr works with the example
# configuration.

PKG_H4=198.51.100.1 PKG_R4=198.51.100.2 PKG_BCD4=198.51.100.70

# The module is compiled in the guest once per run, not once per test:
# DKMS and make call gcc through ccache, whose cache (in the guest's
# tmpfs root) lives as long as the VM. The second DKMS build of the same
# source in the same directory is all cache hits; what DKMS, Kbuild and
# the packages do is unchanged.
export PATH=/usr/lib/ccache:$PATH

# pkg_ccache_hits: ccache's hits and misses so far in this VM.
pkg_ccache_hits() {
	ccache -s 2>/dev/null | awk '/^ *(Hits|Misses):/ { printf "%s %s ", $1, $2 }
		/cache hit \(direct\)|cache miss/ { printf "%s ", $0 }'
}

# pkg_reset: nothing of vaddr left by an earlier test, one killed half-way
# through included: no package, no DKMS tree or source, no installed
# module or tool, the module unloaded.
pkg_reset() {
	local rel pkg
	rel=$(uname -r)
	rmmod vaddr 2>/dev/null
	for pkg in vaddrctl vaddr-dkms; do
		dpkg-query -W "$pkg" >/dev/null 2>&1 || continue
		DEBIAN_FRONTEND=noninteractive dpkg --purge \
			--force-remove-reinstreq "$pkg" >/dev/null 2>&1
	done
	dkms remove -m vaddr --all >/dev/null 2>&1
	rm -rf /var/lib/dkms/vaddr /usr/src/vaddr-* \
		/lib/modules/"$rel"/updates/vaddr.ko* \
		/lib/modules/"$rel"/updates/dkms/vaddr.ko* \
		/usr/local/sbin/vaddrctl /etc/vaddr.conf
	depmod -a "$rel"
}

# pkg_topology: ns h (host address and bcd.example's) and ns r (a peer);
# user b1 (uid 1001), the example configuration's bcd.example user.
pkg_topology() {
	topo_host_remote $PKG_H4/24 $PKG_BCD4/32 -- $PKG_R4/24
	passwd_add b1 1001
}

# pkg_example_conf FILE: the example vaddr.conf with its sample domain
# switched on. The shipped file has it commented out, since on a real host
# it would name users and addresses that do not exist: its lines are "#"
# and the line itself, where prose is "# " and text.
pkg_example_conf() {
	sed 's/^#\([^ ]\)/\1/' "$VADDR_ROOT/userspace/vaddr.conf.example" >"$1"
}

# pkg_example_works VADDRCTL WHAT: the example configuration loads with
# that vaddrctl and a connect of its user leaves from the domain address.
pkg_example_works() {
	local ctl=$1 what=$2 conf=/tmp/pkg-vaddr.conf
	pkg_example_conf "$conf"
	check "$what: vaddrctl load of the example configuration" \
		"$ctl" -n h load "$conf"
	expect_eq "$what: the peer saw bcd.example's address" \
		"$(tcp_seen h 1001 $PKG_R4)" "$PKG_BCD4 $PKG_BCD4"
}
