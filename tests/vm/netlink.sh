#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink family refuses what it must, says why, and changes nothing.
#
#  ns n: a namespace of its own, no links; only its table is used.
#  uid 1003: an unprivileged user.
set -u
source "$(dirname "$0")/../lib.sh"

NLRAW="python3 $VADDR_ROOT/tests/tools/nlraw.py"
netns_add n
# shellcheck disable=SC2034 # read by ctl (lib.sh): its table is used
CTL_NS=n
module_load

# rejects DESC ERRNO MSG CMD ATTRS...: queue a raw request that must fail
# with ERRNO and the kernel's extack text MSG; run_rejects sends them all
# in one nlraw.py run (python starts slowly under emulation) and checks.
requests=$(mktemp)
descs=()
wants=()
rejects() {
	descs+=("$1")
	wants+=("errno=$2 msg=$3")
	shift 3
	printf '%q ' "$@" >>"$requests"
	echo >>"$requests"
}

run_rejects() {
	local got i
	mapfile -t got < <(ip netns exec n $NLRAW - <"$requests")
	for i in "${!descs[@]}"; do
		expect_eq "${descs[$i]}" "${got[$i]:-no answer}" "${wants[$i]}"
	done
}

ctl domain add bcd.example addr 198.51.100.70 addr 2001:db8::70
ctl user add 1001 domain bcd.example
before=$(ctl -j show)

rejects "domain without a name" EINVAL "missing domain name" \
	DOMAIN_NEW ADDR4:in4:192.0.2.1
rejects "domain without an address" EINVAL \
	"a domain needs an IPv4 or an IPv6 address" DOMAIN_NEW DOMAIN:str:x.example
rejects "IPv4 address of 5 bytes" ERANGE "binary attribute size out of range" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR4:hex:c000020100
rejects "IPv6 address of 4 bytes" ERANGE "binary attribute size out of range" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR6:hex:20010db8
rejects "name of 254 bytes" EINVAL "Attribute failed policy validation" \
	DOMAIN_NEW DOMAIN:str:"$(printf 'a%.0s' $(seq 254))" ADDR4:in4:192.0.2.1
rejects "name without its NUL" EINVAL "Attribute failed policy validation" \
	DOMAIN_NEW DOMAIN:raw:x.example ADDR4:in4:192.0.2.1
rejects "name with an uppercase letter" EINVAL \
	"domain name must be dot-separated labels of 1 to 63 lowercase letters, digits, '-' or '_'" \
	DOMAIN_NEW DOMAIN:str:X.example ADDR4:in4:192.0.2.1
rejects "name with a Latin-1 letter" EINVAL \
	"domain name must be dot-separated labels of 1 to 63 lowercase letters, digits, '-' or '_'" \
	DOMAIN_NEW DOMAIN:hex:636166e92e6578616d706c6500 ADDR4:in4:192.0.2.1
rejects "name with an empty label" EINVAL \
	"domain name must be dot-separated labels of 1 to 63 lowercase letters, digits, '-' or '_'" \
	DOMAIN_NEW DOMAIN:str:x..example ADDR4:in4:192.0.2.1
rejects "loopback IPv4 address" EINVAL "IPv4 address must be a unicast address" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR4:in4:127.0.0.1
rejects "IPv4 address in 0/8" EINVAL "IPv4 address must be a unicast address" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR4:in4:0.1.2.3
rejects "link-local IPv6 address" EINVAL \
	"IPv6 address must be a global unicast address" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR6:in6:fe80::1
rejects "domain that exists" EEXIST "domain already exists" \
	DOMAIN_NEW DOMAIN:str:bcd.example ADDR4:in4:192.0.2.1
rejects "address of another domain" EADDRINUSE \
	"IPv4 address already belongs to another domain" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR4:in4:198.51.100.70
rejects "IPv6 address of another domain" EADDRINUSE \
	"IPv6 address already belongs to another domain" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR6:in6:2001:db8::70
rejects "unknown attribute" EINVAL "Unknown attribute type" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR4:in4:192.0.2.1 200:u32:1
rejects "attribute of another command" EINVAL "Unsupported attribute" \
	DOMAIN_NEW DOMAIN:str:x.example ADDR4:in4:192.0.2.1 UID:u32:5
rejects "uid of the wrong size" EINVAL "invalid attribute length" \
	UID_ADD UID:u64:1001 DOMAIN:str:bcd.example
rejects "uid without a domain" EINVAL "missing domain name" UID_ADD UID:u32:1002
rejects "uid to an unknown domain" ENOENT "unknown domain" \
	UID_ADD UID:u32:1002 DOMAIN:str:nope.example
rejects "uid already mapped" EEXIST "uid is already mapped to a domain" \
	UID_ADD UID:u32:1001 DOMAIN:str:bcd.example
rejects "removing an unmapped uid" ENOENT "uid is not mapped" \
	UID_DEL UID:u32:4242
# A list of uids (VADDR_A_UIDS) is added whole or not at all.
rejects "a uid and a list of uids" EINVAL "give a uid or a list of uids, not both" \
	UID_ADD UID:u32:1002 UIDS:uids:1003 DOMAIN:str:bcd.example
rejects "an empty list of uids" EINVAL "empty list of uids" \
	UID_ADD UIDS:uids: DOMAIN:str:bcd.example
rejects "a list not flagged as a nest" EINVAL "NLA_F_NESTED is missing" \
	UID_ADD UIDS:hex:08000500ea030000 DOMAIN:str:bcd.example
rejects "a list holding a domain name" EINVAL "Unsupported attribute" \
	UID_ADD UIDS:nest:"UID:u32:1002;DOMAIN:str:bcd.example" DOMAIN:str:bcd.example
rejects "a list holding a uid of 8 bytes" EINVAL "invalid attribute length" \
	UID_ADD UIDS:nest:"UID:u32:1002;UID:u64:1003" DOMAIN:str:bcd.example
rejects "a list holding an invalid uid" EINVAL \
	"uid is not mapped in the sender's user namespace" \
	UID_ADD UIDS:uids:1002,4294967295 DOMAIN:str:bcd.example
rejects "a list holding a mapped uid" EEXIST "uid is already mapped to a domain" \
	UID_ADD UIDS:uids:1002,1003,1001,1004 DOMAIN:str:bcd.example
rejects "a list holding a uid twice" EEXIST "uid is listed twice" \
	UID_ADD UIDS:uids:1002,1003,1004,1003 DOMAIN:str:bcd.example
rejects "a list to an unknown domain" ENOENT "unknown domain" \
	UID_ADD UIDS:uids:1002,1003 DOMAIN:str:nope.example
rejects "a list to remove" EINVAL "Unsupported attribute" \
	UID_DEL UIDS:uids:1001
rejects "cgroup id that does not exist" ENOENT \
	"no cgroup v2 directory with this id" \
	CGROUP_ADD CGROUP_ID:u64:0xdeadbeef DOMAIN:str:bcd.example
rejects "deleting an unknown domain" ENOENT "unknown domain" \
	DOMAIN_DEL DOMAIN:str:nope.example
rejects "flush with an attribute" EINVAL "Unsupported attribute" FLUSH DOMAIN:str:bcd.example
# The genl core answers unknown commands itself, without a message.
rejects "unknown command" ENOTSUP "" 99
run_rejects

expect_eq "table unchanged by the rejected requests" "$(ctl -j show)" "$before"

# --- privileges ------------------------------------------------------------
out=$(run_as 1003 n "$VADDRCTL" domain add x.example addr 192.0.2.9 2>&1)
check "unprivileged user gets EPERM on a change" \
	grep -qi "not permitted\|CAP_NET_ADMIN" <<<"$out"
expect_eq "unprivileged user: raw request refused with EPERM" \
	"$(run_as 1003 n $NLRAW FLUSH)" "errno=EPERM msg="
expect_eq "unprivileged user: table unchanged" "$(ctl -j show)" "$before"
check "unprivileged user may list domains" run_as 1003 n "$VADDRCTL" domain show

own=$(run_as 1003 n unshare -U -r -n sh -c "
	'$VADDRCTL' domain add own.example addr 192.0.2.50 &&
	'$VADDRCTL' user add 0 domain own.example &&
	'$VADDRCTL' user show" 2>&1)
check "root of a user namespace manages its own network namespace" \
	grep -q own.example <<<"$own"
out=$(run_as 1003 n unshare -U -r -n sh -c \
	"'$VADDRCTL' domain add own.example addr 192.0.2.50 &&
	 '$VADDRCTL' user add 1001 domain own.example" 2>&1)
check "uid outside the sender's user namespace is refused" \
	grep -q "uid is not mapped in the sender's user namespace" <<<"$out"
out=$(run_as 1003 n unshare -U -r "$VADDRCTL" domain add y.example \
	addr 192.0.2.51 2>&1)
check "root of a user namespace gets EPERM on the host's table" \
	grep -qi "not permitted\|CAP_NET_ADMIN" <<<"$out"
expect_eq "host's table unchanged" "$(ctl -j show)" "$before"

# Events name uids and cgroups: only CAP_NET_ADMIN may listen. The flag
# that says so differs between kernels (module/compat.h).
out=$("$NSEXEC" -n n -u 1003 -- timeout 10 "$VADDRCTL" monitor 2>&1); rc=$?
expect_eq "an unprivileged user cannot join the events group" \
	"$rc $out" "1 vaddrctl: cannot listen to vaddr events: CAP_NET_ADMIN is needed"

# A cgroup is named only from a cgroup namespace that can see it: root in
# a cgroup namespace rooted at in/ maps in/sub but not out/ (below 6.1
# vaddr looks for the id itself, module/compat.h).
cg=/sys/fs/cgroup/vnl
mkdir -p $cg/in/sub $cg/out
cgadd_from_in() {
	"$NSEXEC" -n n -c $cg/in -- unshare -C \
		"$VADDRCTL" cgroup add "$1" domain bcd.example 2>&1
}
expect_eq "a cgroup outside the sender's cgroup namespace is refused" \
	"$(cgadd_from_in $cg/out)" "Error: no cgroup v2 directory with this id."
out=$(cgadd_from_in $cg/in/sub); rc=$?
expect_eq "  ... one inside it is mapped" "$rc $out" "0 "
check "  ... and listed" grep -q "$cg/in/sub" <(ctl cgroup show)
ctl cgroup del $cg/in/sub
rmdir $cg/in/sub $cg/in $cg/out $cg 2>/dev/null

# Cgroups are looked up only at the levels that hold mappings (bounded by
# 64, whatever a tenant nests below); a deeper one cannot be mapped.
deep=/sys/fs/cgroup/vdeep	# level 1
for i in $(seq 62); do deep=$deep/d; done	# level 63
mkdir -p $deep/d/e	# levels 64 and 65
out=$(ctl cgroup add $deep/d domain bcd.example 2>&1); rc=$?
expect_eq "a cgroup 64 levels below the root cannot be mapped, saying why" \
	"$rc $out" "1 Error: cgroup is nested too deep: at most 63 levels below the root."
check "one 63 levels below can" ctl cgroup add $deep domain bcd.example
ctl domain add deep.example addr 192.0.2.61
ctl cgroup add /sys/fs/cgroup/vdeep domain deep.example
expect_eq "  ... and its domain is what a process two levels deeper gets" \
	"$("$NSEXEC" -n n -c $deep/d/e -u 1003 -- "$VADDRCTL" -j whoami | jq -c '[.domain, .match]')" \
	'["bcd.example","cgroup"]'
expect_eq "  ... while one between the two mapped levels gets the upper one" \
	"$("$NSEXEC" -n n -c /sys/fs/cgroup/vdeep/d -u 1003 -- "$VADDRCTL" -j whoami | jq -r .domain)" \
	deep.example
ctl cgroup del $deep
ctl cgroup del /sys/fs/cgroup/vdeep
ctl domain del deep.example
rmdir $deep/d/e $deep/d
while [ "$deep" != /sys/fs/cgroup ]; do rmdir $deep; deep=${deep%/*}; done

# --- lists of uids ----------------------------------------------------------
expect_eq "a list of three uids is added" \
	"$(ip netns exec n $NLRAW UID_ADD UIDS:uids:1002,1003,1004 DOMAIN:str:bcd.example)" \
	"errno=0 msg="
expect_eq "  ... each of them mapped" \
	"$(ctl -j user show | jq -c '[.[] | select(.uid >= 1002 and .uid <= 1004) | .domain]')" \
	'["bcd.example","bcd.example","bcd.example"]'
expect_eq "  ... for its sockets too" \
	"$(run_as 1003 n "$VADDRCTL" -j whoami | jq -r .domain)" bcd.example
ctl user del 1002
ctl user del 1003
ctl user del 1004
# 8191 entries of 8 bytes fill the list's 64 KB: one request, one answer.
ctl domain add list.example addr 192.0.2.53
expect_eq "a list of 8191 uids is added" \
	"$(ip netns exec n $NLRAW UID_ADD UIDS:uids:"$(seq -s, 300000 308190)" DOMAIN:str:list.example)" \
	"errno=0 msg="
expect_eq "  ... every one of them" \
	"$(ctl -j user show | jq '[.[] | select(.domain == "list.example")] | length')" 8191
expect_eq "  ... the last one too, for its sockets" \
	"$(run_as 308190 n "$VADDRCTL" -j whoami | jq -r .domain)" list.example
ctl domain del list.example

# --- a dump far larger than one message --------------------------------------
for uid in $(seq 100000 102999); do
	echo "UID_ADD UID:u32:$uid DOMAIN:str:bcd.example"
done | ip netns exec n $NLRAW - | sort | uniq -c | xargs >/tmp/adds
expect_eq "3000 uids added" "$(cat /tmp/adds)" "3000 errno=0 msg="
expect_eq "the dump lists every one of them" \
	"$(ctl -j user show | jq length)" 3001
expect_eq "  ... each once" \
	"$(ctl -j user show | jq -r '.[].uid' | sort -u | wc -l)" 3001

# --- uids far apart; a domain's removal takes exactly its own ----------------
# (uids are hashed: the dump sorts a copy, and a removal walks the table)
ctl domain add far.example addr 192.0.2.52
for i in $(seq 0 3999); do
	[ $((i % 2)) = 0 ] && d=far.example || d=bcd.example
	echo "UID_ADD UID:u32:$((200000 + 64 * i)) DOMAIN:str:$d"
done | ip netns exec n $NLRAW - | sort | uniq -c | xargs >/tmp/adds
expect_eq "4000 uids 64 apart added" "$(cat /tmp/adds)" "4000 errno=0 msg="
expect_eq "the dump lists 7001 uids, each once" \
	"$(ctl -j user show | jq -r '.[].uid' | sort -u | wc -l)" 7001
ctl domain del far.example
expect_eq "removing a domain removes its 2000 uids" \
	"$(ctl -j user show | jq '[.[] | select(.domain == "far.example")] | length')" 0
expect_eq "  ... and only those" "$(ctl -j user show | jq length)" 5001
expect_eq "  ... and its uids are unmapped for sockets too" \
	"$(run_as 200000 n "$VADDRCTL" -j whoami | jq -r .match)" none
expect_eq "  ... while the other domain's stay" \
	"$(run_as 200064 n "$VADDRCTL" -j whoami | jq -r .domain)" bcd.example

module_unload

# --- the cap on a table's size (module parameter max_entries) --------------
module_load max_entries=3
ctl domain add cap.example addr 192.0.2.60
ctl user add 5001 domain cap.example
ctl user add 5002 domain cap.example
before=$(ctl -j show)
out=$(ctl user add 5003 domain cap.example 2>&1); rc=$?
expect_eq "a uid beyond max_entries is refused, saying why" "$rc $out" \
	"1 Error: table is full (vaddr module parameter max_entries)."
out=$(ctl domain add cap2.example addr 192.0.2.61 2>&1)
check "  ... and so is a domain" grep -q "table is full" <<<"$out"
expect_eq "  ... and the table is unchanged" "$(ctl -j show)" "$before"
printf 'domain a.example\n\taddr 192.0.2.62\n\tuser 6001 6002 6003\n' >/tmp/cap.conf
out=$(ctl load /tmp/cap.conf 2>&1)
check "a load beyond max_entries fails, saying why" \
	grep -q "replacements open in this namespace are full" <<<"$out"
expect_eq "  ... and the table is unchanged" "$(ctl -j show)" "$before"
# The replacements open at once share that budget: else a namespace's
# administrator would open one per socket and multiply it.
{
	echo "@sock=1 REPLACE_BEGIN"
	echo "@sock=1 DOMAIN_NEW DOMAIN:str:s1.example ADDR4:in4:192.0.2.71 STAGED:flag:"
	echo "@sock=1 DOMAIN_NEW DOMAIN:str:s2.example ADDR4:in4:192.0.2.72 STAGED:flag:"
	echo "@sock=2 REPLACE_BEGIN"
	echo "@sock=2 DOMAIN_NEW DOMAIN:str:s3.example ADDR4:in4:192.0.2.73 STAGED:flag:"
	echo "@sock=2 DOMAIN_NEW DOMAIN:str:s4.example ADDR4:in4:192.0.2.74 STAGED:flag:"
} >/tmp/stages.req
mapfile -t got < <(ip netns exec n $NLRAW - </tmp/stages.req)
expect_eq "two replacements fill max_entries together: the last entry is refused" \
	"$(printf '%s|' "${got[@]}")" \
	"$(printf 'errno=0 msg=|%.0s' 1 2 3 4 5)errno=ENOSPC msg=the replacements open in this namespace are full (vaddr module parameter max_entries)|"
for i in $(seq 1 17); do
	echo "@sock=$i REPLACE_BEGIN"
done >/tmp/stages.req
mapfile -t got < <(ip netns exec n $NLRAW - </tmp/stages.req)
expect_eq "16 replacements open at once, one per socket" \
	"$(printf '%s\n' "${got[@]:0:16}" | sort | uniq -c | xargs)" "16 errno=0 msg="
expect_eq "  ... a 17th is refused, saying why" "${got[16]:-no answer}" \
	"errno=EBUSY msg=too many replacements open in this namespace (at most 16)"
expect_eq "  ... and the table is unchanged" "$(ctl -j show)" "$before"
echo 4 >/sys/module/vaddr/parameters/max_entries
check "raised at run time, the next uid fits" ctl user add 5003 domain cap.example
module_unload
