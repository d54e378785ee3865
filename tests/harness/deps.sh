#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh check    exit 0 when everything to build and test is installed,
#                  else print the apt-get line that installs it and exit 1
# deps.sh check bench   the same, for `make bench` too (the eBPF peer)
# deps.sh install  apt-get update + install the missing packages (Debian, root)
# deps.sh guest-packages  the packages the VM's tests need in the guest's root
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# What the VM's tests run. The guest's root is the host's own, or, for a
# kernel of the matrix booted with its Debian release's userland, that
# release's build root, where kroot.sh installs this same list
# (deps.sh guest-packages).
guest=(
	kmod iproute2 nftables procps util-linux python3	# ip/ss, nft, sysctl, setpriv
	socat tcpdump iputils-ping jq libmnl0	# peers, observers, JSON, vaddrctl
	busybox-static				# a static client (autobind.sh)
	gcc make libc6-dev ccache dkms		# the package tests build the module
	postfix postfix-policyd-spf-python swaks	# the hosting scenario: mail,
	nginx curl wget dnsmasq-base bind9-dnsutils	# web, DNS (tests/scenario-lib.sh)
)
packages=(
	linux-image-amd64 linux-headers-amd64	# the kernel the VM boots, its headers
	pkg-config libmnl-dev			# vaddrctl, tests/tools
	qemu-system-x86 cpio			# the VM and its initramfs (busybox)
	mmdebstrap				# the kernel matrix's build roots (kroot.sh)
	gnuplot-nox				# make bench: docs/benchmarks.md's plot
	dh-dkms debhelper dpkg-dev lintian	# make dkms-install, make deb
	"${guest[@]}"
)

# `make bench` only: the eBPF peer (tests/bench/bpf-peer*.c).
bench=(clang libbpf-dev)

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Print the packages still needed, one per line.
missing() {
	local p kdir release
	for p in "${packages[@]}" ${with_bench:+"${bench[@]}"}; do
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

with_bench=
[ "${1:-check}" = check ] && [ "${2:-}" != bench ] || with_bench=1

case ${1:-check} in
guest-packages)
	echo "${guest[*]}"
	;;
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
