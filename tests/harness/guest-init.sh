#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 inside the test VM (root: tmpfs overlay on the host's root). Runs the
# tests listed in the out share, then a kernel-log test of its own, writes
# results + completion marker to the out share and powers off at once.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C HOME=/root TERM=dumb
here=$(cd "$(dirname "$0")" && pwd)
export VADDR_ROOT=${here%/tests/harness}
out=/run/vaddr-out

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 5
	echo b >/proc/sysrq-trigger	# -no-reboot turns a reboot into an exit
}

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
# devtmpfs has no /dev/fd: bash process substitution needs it.
ln -sfn /proc/self/fd /dev/fd
mount -t tmpfs shm /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs -o mode=0755 run /run
mkdir -p "$out" /run/netns /run/lock
for i in $(seq 50); do
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 vaddrout "$out" \
		2>/dev/null && break
	[ "$i" -lt 50 ] || { echo "guest-init: cannot mount the out share"; poweroff_now; }
	sleep 0.1
done
cut -d' ' -f1 /proc/uptime >"$out/boot_time"
hostname vaddr-vm
ip link set lo up
echo 1 >/proc/sys/kernel/panic_on_warn
echo 0 >/proc/sys/kernel/dmesg_restrict
# As systemd sets it on Debian: ping sockets for every group.
sysctl -qw net.ipv4.ping_group_range="0 2147483647"

# VADDR_KO, TEST_TIMEOUT, SUITE, VM_ACCEL and VM_PASS's variables, written
# by vm.sh.
# shellcheck disable=SC1091
. "$out/env"
export VADDR_KO VM_ACCEL
# A kernel of our own (check-debug, the kernel matrix): its modules
# directory where modprobe, depmod and DKMS look for it. An overlay, not a
# copy (a Debian kernel's modules take hundreds of MB): the host's files
# read through the root's 9p, what depmod or DKMS writes (updates/) in tmpfs.
if [ -n "${VM_MODULES:-}" ]; then
	mods=/lib/modules/$(uname -r)
	mkdir -p "$mods" /run/modules/upper /run/modules/work
	mount -t overlay -o "lowerdir=$VM_MODULES,upperdir=/run/modules/upper,workdir=/run/modules/work" \
		modules "$mods" || { echo "guest-init: cannot mount $VM_MODULES on $mods"; poweroff_now; }
fi
# A kmemleak kernel: what boot left behind is not the tests' to answer for.
if [ -e /sys/kernel/debug/kmemleak ] ||
	{ mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null &&
		[ -e /sys/kernel/debug/kmemleak ]; }; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
	# Scans only when asked (the last test): a periodic scan of all
	# memory would take the emulated CPUs for minutes.
	echo scan=off >/sys/kernel/debug/kmemleak
fi
suite=${SUITE:-vm}
export VADDRCTL=$VADDR_ROOT/userspace/vaddrctl
export PEER=$VADDR_ROOT/tests/tools/peer
export NSEXEC=$VADDR_ROOT/tests/tools/nsexec
results=$out/results
: >"$results"

# The speed of this machine now, as a percentage of the time a fixed piece
# of work takes on an idle 2-CPU host under TCG, where the per-test limits
# were set (never below 100): a host twice as slow, busy with other VMs
# or emulating, gives its tests twice the time. Measured before each test,
# since a neighbour's load comes and goes.
CALIBRATION_MS=${CALIBRATION_MS:-450}
slowness() {
	local t0 t1 ms pct
	awk 'BEGIN { exit 0 }'	# awk itself read over 9p, not timed
	t0=$(date +%s%N)
	awk 'BEGIN { for (i = 0; i < 600000; i++) s += i * i; exit s < 0 }'
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	pct=$((ms * 100 / CALIBRATION_MS))
	[ "$pct" -ge 100 ] || pct=100
	[ "$pct" -le 800 ] || pct=800
	echo "$pct $ms"
}

# Run one test script; its "ok - X"/"not ok - X" lines become "ok - NAME: X".
# A benchmark (SUITE=bench) or the demo (SUITE=demo) is no test: its
# stdout, the figures or the show, goes to NAME.out and only its failures
# to results.
run_test() {
	local name=$1 log=$out/$1.log rc before start pct ms limit
	local script=$VADDR_ROOT/tests/$suite/$name.sh
	read -r pct ms < <(slowness)
	limit=$((TEST_TIMEOUT * pct / 100))
	echo "guest-init: running $name (limit ${limit} s: ${pct}% of the base, calibration ${ms} ms)"
	echo "$name $limit" >"$out/current"
	before=$(grep -c '^not ok' "$results")
	start=$SECONDS
	if [ "$suite" != vm ]; then
		(cd /tmp && timeout -k 5 "$limit" bash "$script") \
			</dev/null >"$out/$name.out" 2>"$log"
	else
		(cd /tmp && timeout -k 5 "$limit" bash "$script") \
			</dev/null >"$log" 2>&1
	fi
	rc=$?
	echo "$name $((SECONDS - start))s" >>"$out/times"
	[ "$suite" != vm ] ||
		sed -nE "s/^(ok|not ok) - /\1 - $name: /p" "$log" >>"$results"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - $name: script timed out after ${limit}s (limit ${TEST_TIMEOUT} s at speed ${pct}%)" >>"$results"
	elif [ "$rc" -ne 0 ]; then
		echo "not ok - $name: script exited with status $rc" >>"$results"
	fi
	# Each test starts without the module; a leftover is the test's bug.
	if grep -q '^vaddr ' /proc/modules; then
		echo "not ok - $name: left the vaddr module loaded" >>"$results"
		rmmod vaddr
	fi
	# On failure, the end of the script's output as TAP diagnostics.
	if [ "$(grep -c '^not ok' "$results")" -gt "$before" ]; then
		tail -n 20 "$log" | sed 's/^/# | /' >>"$results"
	fi
}

while read -r name; do
	[ -n "$name" ] && run_test "$name"
done <"$out/tests"

read -r pct ms < <(slowness)
echo "kernel-log $((600 * pct / 100))" >"$out/current"
"$here/kernel-log-check.sh" "$out" >>"$results"
touch "$out/done"
poweroff_now
