#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kroot.sh: the build roots and kernels of the kernel matrix (kernels.list).
# Debian's 5.10, 6.12 and 7.x headers were built with a gcc and glibc this
# Debian 12 host lacks, so the module is compiled for them in a chroot of
# their Debian release, made once with mmdebstrap and cached outside the
# clone. The host's apt sources and default kernel are never touched.
#
# kroot.sh list               the matrix: name, suites, root, role, release
# kroot.sh prepare NAME       NAME's build root (one per Debian release), the
#                             newest linux-headers-NAME.* in it and, for a
#                             core kernel, its image unpacked in the cache; a
#                             rerun with the same inputs returns at once
# kroot.sh update NAME        the same after apt update and upgrade in the
#                             root, the newest release resolved again
# kroot.sh env NAME           shell-safe KEY=value lines: KVER_NAME KRELEASE
#                             KROOT KDIR (as seen inside KROOT) VM_KERNEL
#                             VM_MODULES (empty: the guest root's own
#                             /lib/modules) VM_ROOTFS (the guest's root: /,
#                             or KROOT for a kernel whose guest is its root)
# kroot.sh build NAME OUTDIR  vaddr.ko built out of tree from the files `make
#                             dkms-source` installs, as DKMS would, with W=1
#                             KCFLAGS=-Werror: OUTDIR/build.log and, when it
#                             built (exit 0), OUTDIR/vaddr.ko
#
# Env: VADDR_CACHE (default /var/cache/vaddr: roots/DEBIAN-RELEASE and
# kernels/KRELEASE), VADDR_MIRROR (default http://deb.debian.org/debian),
# VADDR_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
# Progress goes to stderr as "# kroot: " lines, with each step's time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
list=$here/kernels.list
cache=${VADDR_CACHE:-/var/cache/vaddr}
mirror=${VADDR_MIRROR:-http://deb.debian.org/debian}
security=${VADDR_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# What every root holds besides minbase; the headers bring their own gcc.
# perl: W=1 runs scripts/kernel-doc, which up to 6.x is perl using Pod::Usage.
base=gcc,make,libc6-dev,kmod,dwarves,ca-certificates,xz-utils,perl
# A root only compiles against headers: signatures are checked, but a mirror
# lagging behind sid's one-week Valid-Until must not stop the matrix.
aptopts=(--aptopt='APT::Install-Recommends "false"'
	--aptopt='Acquire::Check-Valid-Until "false"')
export LC_ALL=C
cleanup=()
trap 'rm -rf "${cleanup[@]}"' EXIT

say() { echo "# kroot: $*" >&2; }
die() {
	say "$*"
	exit 1
}

entries() { grep -Ev '^[[:space:]]*(#|$)' "$list"; }

# lookup NAME: suites, rel (the root's Debian release, or host), role and
# guest.
lookup() {
	local n s r o g
	while read -r n s r o g; do
		if [ "$n" = "$1" ]; then
			suites=$s rel=$r role=$o guest=$g
			return 0
		fi
	done < <(entries)
	die "no kernel '$1' in ${list#"$repo"/} (known: $(entries | awk '{ print $1 }' | paste -sd' '))"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "build roots need root (mmdebstrap, chroot, mounts): run as root"
	command -v mmdebstrap >/dev/null || die "no mmdebstrap: apt-get install mmdebstrap"
}

# The apt sources of REL's root: every suite of the kernels built in it.
root_sources() {
	local s
	entries | awk -v r="$1" '$3 == r { n = split($2, s, ",")
		for (i = 1; i <= n; i++) if (!seen[s[i]]++) print s[i] }' |
		while read -r s; do
			case $s in
			*-security) echo "deb $security $s main" ;;
			*) echo "deb $mirror $s main" ;;
			esac
		done
}

# remove DIR...: rm -rf, but never through a mount left below DIR (a killed
# mmdebstrap's /dev, say): that would delete the host's files.
remove() {
	local d
	for d; do
		! findmnt -rn -o TARGET | grep -q "^$d\(/\|\$\)" ||
			die "something is still mounted under $d: umount it, then run again"
		rm -rf "$d"
	done
}

# step WHAT CMD...: run CMD, its output appended to $log, and time it.
step() {
	local what=$1 t0=$SECONDS
	shift
	say "$what ..."
	if ! "$@" >>"$log" 2>&1; then
		say "$what: failed after $((SECONDS - t0))s (log: $log)"
		tail -n 20 "$log" | sed 's/^/# | /' >&2
		exit 1
	fi
	say "$what: done in $((SECONDS - t0))s"
}

# in_root CMD...: CMD in $root with /proc and /dev mounted in a private mount
# namespace, so the mounts go away with it whatever happens.
in_root() {
	# shellcheck disable=SC2016 # expanded by that sh
	unshare -m -- sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
		exec chroot "$0" "$@"' "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

# Hold REL's lock: -x to make or change the root, -s to build in it.
lock_root() {
	mkdir -p "$cache/roots"
	exec 8>>"$cache/roots/$rel.lock"
	flock -n "$1" 8 && return 0
	say "waiting for another kroot.sh on roots/$rel"
	flock "$1" 8
}

root_key() {
	{
		echo "$rel $base ${aptopts[*]}"
		root_sources "$rel"
	} | sha256sum | cut -d' ' -f1
}

# The root of $rel, made when missing or when its inputs changed.
make_root() {
	local key srcs
	key=$(root_key)
	[ -d "$root" ] && [ "$(cat "$root.stamp" 2>/dev/null)" = "$key" ] && return 0
	mapfile -t srcs < <(root_sources "$rel")
	[ ! -d "$root" ] || say "roots/$rel: its inputs changed, making it again"
	remove "$root" "$root.new" "$root.stamp"
	step "roots/$rel: mmdebstrap $rel (${srcs[*]})" mmdebstrap --variant=minbase \
		--include="$base" "${aptopts[@]}" \
		"$rel" "$root.new" "${srcs[@]}"
	mkdir -p "$root.new/build"
	mv "$root.new" "$root"
	echo "$key" >"$root.stamp"
}

# The newest linux-image-NAME.*-amd64 the root's apt offers (no rt, cloud).
resolve() {
	local re=${name//./\\.}
	in_root apt-cache pkgnames "linux-image-$name" |
		grep -E "^linux-image-${re}[.-][0-9][^[:space:]]*-amd64\$" |
		grep -Ev -- '-(rt|cloud)-amd64$' | sort -V | tail -n 1
}

# The packages holding the image: linux-image-$krel and, from 7.x on, where
# it only depends on them, its linux-{base,binary,modules}-$krel.
image_packages() {
	echo "linux-image-$krel"
	in_root apt-cache depends --important "linux-image-$krel" |
		awk -v s="-$krel" '$1 ~ /Depends:$/ && length($2) > length(s) &&
			substr($2, length($2) - length(s) + 1) == s { print $2 }'
}

# Unpack the image into $cache/kernels/$krel and index its modules.
fetch_image() {
	local dir=$cache/kernels/$krel dl=$root/var/tmp/kroot-image pkgs f
	rm -rf "$dl" "$dir.new"
	mkdir -p "$dl"
	cleanup+=("$dl" "$dir.new")
	mapfile -t pkgs < <(image_packages)
	# shellcheck disable=SC2016 # expanded by that sh
	step "$name: apt-get download ${pkgs[*]}" \
		in_root sh -c 'cd /var/tmp/kroot-image && apt-get download "$@"' sh "${pkgs[@]}"
	# shellcheck disable=SC2016 # expanded by that sh
	step "$name: dpkg-deb -x to kernels/$krel" sh -c \
		'for deb; do dpkg-deb -x "$deb" "$0" || exit; done' "$dir.new" "$dl"/*.deb
	# A merged-/usr package ships usr/lib/modules; depmod looks in lib/.
	[ -e "$dir.new/lib" ] || ln -s usr/lib "$dir.new/lib"
	# 7.x keeps the image and config there too: link them where 6.x has them.
	mkdir -p "$dir.new/boot"
	for f in vmlinuz config System.map; do
		[ -e "$dir.new/boot/$f-$krel" ] || [ ! -e "$dir.new/lib/modules/$krel/$f" ] ||
			ln -s "../lib/modules/$krel/$f" "$dir.new/boot/$f-$krel"
	done
	step "$name: depmod -b kernels/$krel" depmod -b "$dir.new" "$krel"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
}

# After an update brought a new release: drop the old one's headers and image.
drop_old() {
	local old
	old=$(sed -n 's/^KRELEASE=//p' "$state" 2>/dev/null || true)
	[ -n "$old" ] && [ "$old" != "$krel" ] || return 0
	if in_root dpkg-query -W "linux-headers-$old" >/dev/null 2>&1; then
		step "$name: apt-get purge linux-headers-$old in roots/$rel" \
			in_root apt-get purge -y --autoremove "linux-headers-$old"
	fi
	rm -rf "${cache:?}/kernels/$old"
}

# The host's kernel: the release linux-image-amd64 depends on.
host_env() {
	local dep kdir
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null) ||
		die "no linux-image-amd64 on the host: run 'make deps'"
	krel=${dep%%[ ,]*}
	krel=${krel#linux-image-}
	case $krel in
	"$name".* | "$name"-*) ;;
	*) die "the host's linux-image-amd64 is $krel, not $name" ;;
	esac
	kdir=/lib/modules/$krel/build
	[ -d "$kdir" ] || kdir=/usr/src/linux-headers-$krel
	[ -d "$kdir" ] || die "no headers for $krel on the host: run 'make deps'"
	[ -f "/boot/vmlinuz-$krel" ] || die "no /boot/vmlinuz-$krel on the host: run 'make deps'"
	printf '%s=%q\n' KVER_NAME "$name" KRELEASE "$krel" KROOT "" KDIR "$kdir" \
		VM_KERNEL "/boot/vmlinuz-$krel" VM_MODULES "" VM_ROOTFS /
}

kernel_key() {
	{
		entries | awk -v n="$name" '$1 == n'
		root_key
		[ "$guest" != root ] || "$here/deps.sh" guest-packages
	} | sha256sum | cut -d' ' -f1
}

# The kernel and what the tests need, installed in the root it boots with.
guest_root() {
	local pkgs
	read -ra pkgs < <("$here/deps.sh" guest-packages)
	# Postfix asks nothing; no service may start in a chroot.
	echo "postfix postfix/main_mailer_type select No configuration" |
		in_root debconf-set-selections
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2046 # one package a word
	step "$name: the kernel and the tests' packages in roots/$rel" in_root \
		apt-get install -y --no-install-recommends -t "${suites##*,}" \
		$(image_packages) "${pkgs[@]}"
	rm -f "$root/usr/sbin/policy-rc.d"
	kernel=$root/boot/vmlinuz-$krel
	[ -e "$kernel" ] || kernel=$root/lib/modules/$krel/vmlinuz
	[ -e "$kernel" ] || die "$name: no vmlinuz-$krel in roots/$rel"
}

# NAME was prepared from the inputs it has now, and its headers are there.
fresh() {
	[ "$(cat "$state.stamp" 2>/dev/null)" = "$(kernel_key)" ] &&
		[ -d "$root$(sed -n 's/^KDIR=//p' "$state" 2>/dev/null)/include" ]
}

# prepare_kernel [update]: NAME's headers (and image) ready, $state written.
prepare_kernel() {
	local key pkg target krel kernel="" modules="" rootfs=/
	key=$(kernel_key)
	[ -n "${1:-}" ] || ! fresh || return 0
	need_root
	mkdir -p "$cache/kernels"
	log=$cache/kernels/$name.log
	: >"$log"
	make_root
	cp -L /etc/resolv.conf "$root/etc/resolv.conf"
	step "$name: apt-get update in roots/$rel" in_root apt-get update
	[ -z "${1:-}" ] || step "$name: apt-get upgrade in roots/$rel" in_root apt-get -y upgrade
	pkg=$(resolve) || true
	[ -n "$pkg" ] || die "$name: roots/$rel offers no linux-image-$name.*-amd64 (suites $suites)"
	krel=${pkg#linux-image-}
	target=${suites##*,}
	say "$name: newest is $krel"
	step "$name: linux-headers-$krel (-t $target) in roots/$rel" in_root apt-get install -y \
		--no-install-recommends -t "$target" "linux-headers-$krel"
	[ -f "$root/usr/src/linux-headers-$krel/Makefile" ] ||
		die "$name: no /usr/src/linux-headers-$krel in roots/$rel after installing it"
	if [ "$guest" = root ]; then
		guest_root
		rootfs=$root
	elif [ "$role" = core ]; then
		fetch_image
		kernel=$cache/kernels/$krel/boot/vmlinuz-$krel
		modules=$(readlink -f "$cache/kernels/$krel/lib/modules/$krel")
	fi
	in_root apt-get clean
	drop_old
	printf '%s=%q\n' KVER_NAME "$name" KRELEASE "$krel" KROOT "$root" \
		KDIR "/usr/src/linux-headers-$krel" VM_KERNEL "$kernel" \
		VM_MODULES "$modules" VM_ROOTFS "$rootfs" >"$state"
	echo "$key" >"$state.stamp"
}

# build OUTDIR: vaddr.ko for NAME, from a copy of the DKMS sources.
build() {
	local out=$1 tmp src dir vars t0=$SECONDS rc=0 warnings errors
	local KRELEASE KROOT KDIR
	[ "$rel" = host ] || need_root
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	rm -f "$out/vaddr.ko"
	tmp=$(mktemp -d)
	cleanup+=("$tmp")
	# KDIR= : the Makefile need not look for a kernel to copy sources.
	make -s -C "$repo" KDIR= dkms-source DESTDIR="$tmp" >/dev/null
	src=$(echo "$tmp"/usr/src/vaddr-*)
	vars=$(env_of)
	eval "$vars"
	say "$name: building vaddr.ko against $KRELEASE${KROOT:+ in roots/$rel}"
	if [ "$rel" = host ]; then
		make -C "$KDIR" M="$src" W=1 KCFLAGS=-Werror modules >"$out/build.log" 2>&1 || rc=$?
		dir=$src
	else
		lock_root -s
		dir=$(mktemp -d "$root/build/vaddr.XXXXXX")
		cleanup+=("$dir")
		cp -a "$src/." "$dir"
		in_root make -C "$KDIR" M="${dir#"$root"}" W=1 KCFLAGS=-Werror modules \
			>"$out/build.log" 2>&1 || rc=$?
	fi
	warnings=$(grep -c 'warning:' "$out/build.log" || true)
	errors=$(grep -c 'error:' "$out/build.log" || true)
	if [ "$rc" -eq 0 ] && [ -f "$dir/vaddr.ko" ]; then
		cp "$dir/vaddr.ko" "$out/vaddr.ko"
		say "$name: built in $((SECONDS - t0))s, $warnings warnings: $out/vaddr.ko"
		return 0
	fi
	say "$name: build failed in $((SECONDS - t0))s: $errors errors, $warnings warnings (log: $out/build.log)"
	return 1
}

# The KEY=value lines of NAME (prepared first when it is not).
env_of() {
	if [ "$rel" = host ]; then
		host_env
		return
	fi
	prepare_locked
	cat "$state"
}

# The check first, so that builds sharing a root do not wait for each other.
prepare_locked() {
	[ -n "${1:-}" ] || ! fresh || return 0
	lock_root -x
	prepare_kernel "$@"
}

# The matrix as a table, with each kernel's release once prepared.
table() {
	local name suites rel role guest krel
	echo "name suites root role guest release"
	while read -r name suites rel role guest; do
		krel=
		if [ "$rel" = host ]; then
			krel=$(host_env 2>/dev/null | sed -n 's/^KRELEASE=//p')
		elif [ -f "$cache/kernels/$name.env" ]; then
			krel=$(sed -n 's/^KRELEASE=//p' "$cache/kernels/$name.env")
		fi
		echo "$name $suites $rel $role $guest ${krel:--}"
	done < <(entries)
}

cmd=${1:-}
case $cmd in
list)
	table | column -t
	exit 0
	;;
prepare | update | env | build) ;;
*)
	sed -n '/^# kroot.sh list/,/^#$/s/^# //p' "$0" >&2
	exit 2
	;;
esac
[ $# -ge 2 ] || die "usage: $0 $cmd NAME"
[ "$cmd" != build ] || [ $# -ge 3 ] || die "usage: $0 build NAME OUTDIR"
name=$2
lookup "$name"
root=$cache/roots/$rel
state=$cache/kernels/$name.env

case $cmd in
prepare | update)
	if [ "$rel" = host ]; then
		host_env >/dev/null
		say "$name: the host's own kernel, from its apt: nothing to prepare"
		exit 0
	fi
	t0=$SECONDS
	if [ "$cmd" = update ]; then prepare_locked update; else prepare_locked; fi
	say "$name: ready ($(sed -n 's/^KRELEASE=//p' "$state")) after $((SECONDS - t0))s"
	;;
env) env_of ;;
build) build "$3" ;;
esac
