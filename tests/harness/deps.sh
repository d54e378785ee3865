#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh check    exit 0 when everything to build and test is installed,
#                  else print the apt-get line that installs it and exit 1
# deps.sh install  apt-get update + install the missing packages (Debian, root)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packages=(
	linux-image-amd64 linux-headers-amd64	# the kernel the VM boots, its headers
	gcc make libc6-dev pkg-config libmnl-dev	# module, vaddrctl, tests/tools
	ccache					# one module compile per VM run (pkg-lib.sh)
	qemu-system-x86 busybox-static cpio kmod	# the VM and its initramfs
	iproute2 nftables procps util-linux python3	# tests: ip/ss, nft, sysctl, setpriv
	socat tcpdump iputils-ping jq		# tests: peers, observers, JSON
	gnuplot-nox				# make bench: docs/benchmarks.md's plot
	dkms dh-dkms debhelper dpkg-dev lintian	# make dkms-install, make deb
	postfix postfix-policyd-spf-python swaks	# the hosting scenario: mail,
	nginx curl wget dnsmasq-base bind9-dnsutils	# web, DNS (tests/scenario-lib.sh)
)

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Print the packages still needed, one per line.
missing() {
	local p kdir release
	for p in "${packages[@]}"; do
		installed "$p" || echo "$p"
	done
	# The VM boots the kernel the module is built against: its image must
	# be installed too, even when the metapackage points at a newer one.
	# (Not when it boots a kernel of its own: VM_KERNEL, check-debug.)
	[ -z "${VM_KERNEL:-}" ] || return 0
	kdir=${KDIR:-$("$here/kdir.sh" 2>/dev/null || true)}
	[ -n "$kdir" ] || return 0
	release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$kdir/include/generated/utsrelease.h" 2>/dev/null || true)
	if [ -n "$release" ] && [ ! -f "/boot/vmlinuz-$release" ]; then
		echo "linux-image-$release"
	fi
}

case ${1:-check} in
check)
	need=$(missing | tr '\n' ' ')
	[ -z "$need" ] && exit 0
	echo "missing packages; as root run:"
	echo "apt-get install -y ${need% }"
	exit 1
	;;
install)
	need=$(missing | tr '\n' ' ')
	[ -z "$need" ] && { echo "deps: everything is installed"; exit 0; }
	export DEBIAN_FRONTEND=noninteractive
	# Postfix asks nothing and configures nothing: the tests run their own
	# instances. No service may start on this machine: where there is no
	# policy-rc.d yet, one refuses every start until apt is done.
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get update
	# shellcheck disable=SC2086 # one package per word
	apt-get install -y $need
	;;
*)
	echo "usage: $0 check|install" >&2
	exit 2
	;;
esac
