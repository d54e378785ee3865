#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation failures (failslab): every allocation a table-changing request
# makes is failed in turn; the request must answer a memory error and leave
# the table as it was, or succeed as if nothing had failed. Needs a kernel
# with fault injection: `make check-debug` builds one. Debian's kernel has
# none, so under `make check` this test says so and reports nothing.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"

fs=/sys/kernel/debug/failslab
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ ! -d "$fs" ] || [ ! -e /proc/self/fail-nth ]; then
	echo "# failslab: this kernel has no CONFIG_FAILSLAB; make check-debug runs this test"
	exit 0
fi
# The table's allocations may sleep; failslab skips those by default. No
# stack trace per failure: the kernel log check would take it for a bug.
echo N >"$fs/ignore-gfp-wait"
echo 0 >"$fs/verbose"

module_load
netns_add h
ip -n h link add dummy0 type dummy
ip -n h link set dummy0 up
addr_add h dummy0 192.0.2.1/24
mkdir -p /sys/fs/cgroup/fs1
CG=$(stat -c %i /sys/fs/cgroup/fs1)
T=$(mktemp -d)
cat >"$T/base.conf" <<CONF
domain a.example
	addr 192.0.2.10
	addr 2001:db8::10
	user 1001-1003
domain b.example
	addr 192.0.2.20
	user 1004
CONF
base="\$VADDRCTL load $T/base.conf; \$VADDRCTL set nat on isolation off; \$VADDRCTL set isolation disallow 1005 2>/dev/null || true"

cat >"$T/scenarios" <<EOF
name domain add
reset $base
req DOMAIN_NEW DOMAIN:str:c.example ADDR4:in4:192.0.2.30 ADDR6:in6:2001:db8::30

name domain del
reset $base
req DOMAIN_DEL DOMAIN:str:a.example

name domain set fail-closed
reset $base
req DOMAIN_SET DOMAIN:str:b.example FAIL_CLOSED:u8:1

name uid add
reset $base
req UID_ADD UID:u32:1010 DOMAIN:str:b.example

name uid list add (20 uids: the uid array is rebuilt for them first)
reset $base
req UID_ADD UIDS:uids:$(seq -s, 1010 1029) DOMAIN:str:b.example

name uid del
reset $base
req UID_DEL UID:u32:1002

name cgroup add
reset $base
req CGROUP_ADD CGROUP_ID:u64:$CG DOMAIN:str:a.example

name allow add
reset $base
req ALLOW_ADD UID:u32:1005

name isolation on
reset $base
req SETTINGS_SET ISOLATION:u8:1

name nat off
reset $base
req SETTINGS_SET NAT:u8:0

name flush
reset $base
req FLUSH

name staged replacement
reset $base
req REPLACE_BEGIN
req DOMAIN_NEW DOMAIN:str:d.example ADDR4:in4:192.0.2.40 FAIL_CLOSED:u8:1 STAGED:flag:
req UID_ADD UID:u32:1020 DOMAIN:str:d.example STAGED:flag:
req CGROUP_ADD CGROUP_ID:u64:$CG DOMAIN:str:d.example STAGED:flag:
req REPLACE_COMMIT
EOF

kmsg_mark
ip netns exec h python3 "$VADDR_ROOT/tests/tools/failslab.py" "$VADDRCTL" h "$T/scenarios" ||
	not_ok "failslab.py ran every scenario to its end (status $?)"
kmsg_clean "kernel log clean after the allocation failures"
check "the table still works after them" sh -c "
	'$VADDRCTL' -n h load '$T/base.conf' &&
	'$VADDRCTL' -n h -j show | jq -e '.domains | length == 2' >/dev/null"
"$VADDRCTL" -n h flush
rmdir /sys/fs/cgroup/fs1
module_unload
