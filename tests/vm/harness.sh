#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The harness's own test: the module loads and unloads cleanly, carries its
# metadata, survives load/unload cycles, and the two-namespace topology every
# other test builds on carries a TCP connection from host to remote.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"

kmsg_mark
# What modprobe would load first; this test may be the first of the run.
# None on a kernel with them built in (make check-debug's).
deps=$(modinfo -F depends "$VADDR_KO" | tr , ' ')
if [ -n "$deps" ]; then
	# shellcheck disable=SC2086 # one module name per word
	check "the modules vaddr needs load ($deps)" modprobe -a $deps
else
	diag "vaddr depends on no module here: they are built in"
fi
check "module loads" insmod "$VADDR_KO"
check "module is listed in /proc/modules" grep -q '^vaddr ' /proc/modules
check "module unloads" rmmod vaddr
check_fails "module is gone from /proc/modules" grep -q '^vaddr ' /proc/modules
kmsg_clean "load and unload leave a clean kernel log"

for field in license version description author; do
	expect_ne "modinfo shows $field" "$(modinfo -F "$field" "$VADDR_KO")" ""
done

kmsg_mark
failed=0
for i in $(seq 50); do
	if ! { insmod "$VADDR_KO" && rmmod vaddr; }; then
		failed=$i
		break
	fi
done
expect_eq "50 load/unload cycles (first failing cycle, or 0)" "$failed" 0
kmsg_clean "50 load/unload cycles leave a clean kernel log"

# Topology smoke test (topo_host_remote): h 198.51.100.1 -- veth -- r
# 198.51.100.2.
topo_host_remote 198.51.100.1/24 -- 198.51.100.2/24
bg_start /tmp/remote.out nsrun r "$PEER" tcp-listen 198.51.100.2 7000 1
got=$(nsrun h "$PEER" tcp-connect 198.51.100.2 7000)
expect_eq "host connects from 198.51.100.1" "$got" 198.51.100.1
wait
expect_eq "remote saw 198.51.100.1" "$(sed -n 2p /tmp/remote.out)" 198.51.100.1
