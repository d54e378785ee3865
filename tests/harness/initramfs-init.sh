#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the harness initramfs (busybox sh). Loads the virtio/9p/overlay
# modules, stacks a tmpfs overlay on the host's root (read-only 9p) and
# switches into it to run guest-init.sh. vm.sh passes vaddr_init=PATH (and
# vaddr_repo=PATH, the tree, when the root is not the host's) on the kernel
# command line; the kernel hands such words to init as environment.
export PATH=/bin

die() {
	echo "initramfs: $*"
	# PID 1 exiting panics the kernel; with panic=-1 and -no-reboot qemu stops.
	exit 1
}

mount -t proc proc /proc
mount -t devtmpfs dev /dev

# Dependency order, written by vm.sh.
while read -r ko; do
	insmod "/lib/modules/$ko" || die "insmod $ko failed"
done </etc/modules

# mount9p TAG DIR: the share TAG, read-only. A share's transport appears
# once virtio_pci has probed its device; normally at once.
mount9p() {
	i=0
	until mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose \
		"$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || return 1
		sleep 0.1
	done
}

mkdir -p /lower /rw /newroot
mount9p hostroot /lower || die "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
	overlay /newroot || die "cannot mount the overlay root"

# A root other than the host's (vm.sh VM_ROOTFS): the tree, at its path.
if [ -n "$vaddr_repo" ]; then
	mkdir -p /repo /rw/repo-upper /rw/repo-work "/newroot$vaddr_repo"
	mount9p vaddrrepo /repo || die "cannot mount the tree over 9p"
	mount -t overlay -o lowerdir=/repo,upperdir=/rw/repo-upper,workdir=/rw/repo-work \
		overlay "/newroot$vaddr_repo" || die "cannot mount the tree's overlay"
fi

if [ -z "$vaddr_init" ] || [ ! -f "/newroot$vaddr_init" ]; then
	die "no guest init '$vaddr_init' in the host root"
fi
umount /proc
umount /dev
exec switch_root /newroot /bin/bash "$vaddr_init"
