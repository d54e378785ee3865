#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fail-closed against the administrator's own source NAT: a masquerade rule
# at POSTROUTING runs before vaddr's NAT hook and wins, so it would send a
# fail-closed domain's traffic from the interface's (the host's) address
# after the output hook at LOCAL_OUT let it through. The last check at the
# end of POSTROUTING drops it: the remote sees nothing of it. A domain that
# is not fail-closed leaves from the masqueraded address (the rule wins).
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.70/32  bcd.example    |------|    2001:db8::2/64     |
#  |    198.51.100.80/32  cde.example    |      +-----------------------+
#  |    2001:db8::1/64    host address   |
#  |    2001:db8::70/128  bcd.example    |
#  +-------------------------------------+
#
#  uid 1001 -> bcd.example (fail-closed)   uid 1002 -> cde.example
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70 CDE4=198.51.100.80

topo_host_remote $H4/24 $BCD4/32 $CDE4/32 $H6/64 -- $R4/24 $R6/64
addr_add h h0 $BCD6/128 preferred_lft 0
module_load

port=7400

# seen LISTEN SEND UID DST [peer options]: "RESULT | every source the
# remote saw" (sorted, unique; empty when nothing reached it) while SEND
# ran as UID and 1 s after, RESULT what attempt says of it.
seen() {
	local listen=$1 send=$2 uid=$3 dst=$4 out res lpid
	shift 4
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 120 "$PEER" "$listen" :: $port 0
	lpid=$!
	res=$(attempt "$uid" "$send" "$dst" $port "$@")
	# The listener outlives the attempt: what it sent has arrived.
	sleep 1
	kill $lpid
	wait $lpid
	echo "$res | $(grep -vx ready "$out" | sort -u | xargs)"
	rm -f "$out"
}

ctl domain add bcd.example addr $BCD4 addr $BCD6 fail-closed on
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl user add 1002 domain cde.example

# --- without the rule ------------------------------------------------------
expect_eq "no rule: fail-closed tcp v4 leaves from the domain" \
	"$(seen tcp-listen tcp-connect 1001 $R4)" "ok $BCD4 | $BCD4"
expect_eq "no rule: fail-closed unconnected udp v4 is rewritten" \
	"$(seen udp-echo udp-send 1001 $R4)" "ok 0.0.0.0 | $BCD4"

# --- the administrator masquerades ----------------------------------------
check "masquerade rule (ip and ip6) on h0" ip netns exec h nft -f - <<-EOF
	table ip t {
		chain post {
			type nat hook postrouting priority 100;
			oifname "h0" masquerade
		}
	}
	table ip6 t6 {
		chain post {
			type nat hook postrouting priority 100;
			oifname "h0" masquerade
		}
	}
EOF
check "the rule masquerades (unmapped uid 1003 bound to cde.example's address)" \
	test "$(seen udp-echo udp-send 1003 $R4 --bind $CDE4)" = "ok $CDE4 | $H4"

# nothing_seen DESC LISTEN SEND UID DST [peer options]: ok when the remote
# saw nothing of SEND; what the client got is told as a diag line.
nothing_seen() {
	local desc=$1 r
	shift
	r=$(seen "$@")
	diag "$desc: the client got: ${r% | *}"
	expect_eq "$desc" "${r#* | }" ""
}

kmsg_mark
nothing_seen "masquerade: fail-closed tcp v4 connect, the remote sees nothing" \
	tcp-listen tcp-connect 1001 $R4
nothing_seen "masquerade: fail-closed tcp v6 connect, the remote sees nothing" \
	tcp-listen tcp-connect 1001 $R6
nothing_seen "masquerade: fail-closed unconnected udp v4, the remote sees nothing" \
	udp-echo udp-send 1001 $R4
nothing_seen "masquerade: fail-closed unconnected udp v6, the remote sees nothing" \
	udp-echo udp-send 1001 $R6
nothing_seen "masquerade: fail-closed udp bound to its own address, nothing seen" \
	udp-echo udp-send 1001 $R4 --bind $BCD4
nothing_seen "masquerade: fail-closed connected udp v4, the remote sees nothing" \
	udp-echo udp-send 1001 $R4 --connect
# What the sender was told (an error turned into ENOBUFS is not reported
# to an unconnected UDP socket without IP_RECVERR).
diag "$(ip netns exec h nstat -az UdpSndbufErrors Udp6SndbufErrors IpOutDiscards Ip6OutDiscards TcpExtTCPSynRetrans 2>&1 | xargs)"
# TCP SYNs are sent again: at least one drop per attempt.
n=$(counter bcd.example fail_closed_nat)
diag "fail_closed_nat: $n"
check "every drop is counted in fail_closed_nat" test "${n:-0}" -ge 6
check "the drops are logged" \
	sh -c "dmesg | grep -q 'fail-closed: dropped a packet of uid 1001 of bcd.example: NAT rewrote its source to $H4'"
kmsg_clean "  ... and the kernel log is otherwise clean"
check "vaddrctl stats prints the column" \
	sh -c "'$VADDRCTL' -n h stats | grep -q FAIL_CLOSED_NAT"

# Not fail-closed: the administrator's rule wins, as SPEC allows.
expect_eq "masquerade: cde.example (not fail-closed) leaves masqueraded" \
	"$(seen tcp-listen tcp-connect 1002 $R4)" "ok $CDE4 | $H4"
expect_eq "  ... and is not counted" \
	"$(counter cde.example fail_closed_nat)" 0

# An snat to the domain's own address agrees with fail-closed: it passes.
check "snat to bcd.example's address instead" ip netns exec h nft -f - <<-EOF
	flush chain ip t post
	add rule ip t post oifname "h0" snat to $BCD4
EOF
expect_eq "snat to the domain's address: fail-closed udp v4 goes through" \
	"$(seen udp-echo udp-send 1001 $R4)" "ok 0.0.0.0 | $BCD4"

check "rules removed" ip netns exec h nft delete table ip t
ip netns exec h nft delete table ip6 t6
expect_eq "no rule again: fail-closed tcp v4 leaves from the domain" \
	"$(seen tcp-listen tcp-connect 1001 $R4)" "ok $BCD4 | $BCD4"
