#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Scope: destinations vaddr leaves alone (link-local, multicast, broadcast)
# leave from the host's address whether the socket connects or not, with
# or without fail-closed; and a socket bound to the v4-mapped wildcard
# ::ffff:0.0.0.0 counts as unbound, as one bound to 0.0.0.0 does.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-------------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24      |
#  |    198.51.100.70/32  bcd.example    |------|    169.254.169.254/16   |
#  |    2001:db8::1/64    host address   |      |    (a metadata service) |
#  |    2001:db8::70/128  bcd.example    |      |    2001:db8::2/64       |
#  +-------------------------------------+      +-------------------------+
#  routes in h: 169.254.0.0/16 (metric 1000) and 224.0.0.0/4 on h0
#  (r: 224.0.0.0/4 on r0)
#  link-local: h0 fe80::1, r0 fe80::2
#
#  uid 1001 -> bcd.example (v4 + v6)   uid 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70 META=169.254.169.254
BCAST=198.51.100.255 MDNS=224.0.0.251 SSDP=239.255.255.250
EPERM="Operation not permitted"

topo_host_remote $H4/24 $BCD4/32 $H6/64 -- $R4/24 $META/16 $R6/64
addr_add h h0 $BCD6/128 preferred_lft 0
# A metric of its own (1000, as zeroconf scripts give it): two routes alike
# in all else share one fib_info, so one nexthop and its per-CPU cache of
# output routes. A send to a group h has not joined (mDNS, SSDP below) from
# a CPU with nothing cached there yet caches a multicast route, and a TCP
# connect to $META on that CPU then fails with ENETUNREACH (tcp_v4_connect()
# refuses a route with RTCF_MULTICAST) until the cache is flushed. The
# kernel does that, with or without vaddr, on whichever CPU the send ran.
nsrun h ip route add 169.254.0.0/16 dev h0 metric 1000
nsrun h ip route add 224.0.0.0/4 dev h0
nsrun r ip route add 224.0.0.0/4 dev r0
# One link-local address each, known in advance: no kernel-made one.
for ns in h r; do
	nsrun $ns ip -6 addr flush dev ${ns}0 scope link
done
addr_add h h0 fe80::1/64
addr_add r r0 fe80::2/64
module_load

port=8000

# group_seen GROUP PORT UID [peer options]: one datagram from ns h as UID
# to GROUP:PORT (multicast, ff02::fb%h0 for IPv6, or a broadcast
# address), received by a
# listener in ns r that joined it and echoes back. Prints what attempt
# says of the send and the source the remote saw. A socket connected to
# a group gets no reply: --connect goes with --count 1.
group_seen() {
	local group=$1 gport=$2 uid=$3 listen out res lpid
	shift 3
	case $group in
	224.* | 239.*) listen=$group ;;
	ff*) listen=${group%\%*}%r0 ;;
	*) listen=:: ;;
	esac
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" udp-echo "$listen" "$gport" 1
	lpid=$!
	res=$(attempt "$uid" udp-send "$group" "$gport" "$@")
	[[ $res == ok* ]] || kill $lpid 2>/dev/null
	wait $lpid
	echo "$res | $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out"
}

ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl user add 1001 domain bcd.example

# --- link-local: the cloud metadata service --------------------------------
expect_eq "tcp connect to $META: the host's address" \
	"$(tcp_seen h 1001 $META)" "$H4 $H4"
# (No reply: the remote answers from its main address, which a socket
# connected to $META does not take.)
expect_eq "udp connect to $META: the host's address" \
	"$(udp_seen h 1001 $META --connect --count 1)" "$H4 sent $H4"
expect_eq "udp sendto $META: not rewritten" \
	"$(udp_seen h 1001 $META)" "0.0.0.0 reply $H4"

# --- multicast and broadcast ------------------------------------------------
expect_eq "mDNS sendto $MDNS:5353: not rewritten" \
	"$(group_seen $MDNS 5353 1001)" "ok 0.0.0.0 | $H4"
expect_eq "mDNS connected: neither auto-bound nor rewritten" \
	"$(group_seen $MDNS 5353 1001 --connect --count 1)" "ok $H4 | $H4"
expect_eq "SSDP sendto $SSDP:1900: not rewritten" \
	"$(group_seen $SSDP 1900 1001)" "ok 0.0.0.0 | $H4"
expect_eq "subnet broadcast sendto $BCAST: not rewritten" \
	"$(group_seen $BCAST 8100 1001)" "ok 0.0.0.0 | $H4"
expect_eq "subnet broadcast connected: neither auto-bound nor rewritten" \
	"$(group_seen $BCAST 8101 1001 --connect --count 1)" "ok $H4 | $H4"
expect_eq "connects to these destinations counted as skip_scope" \
	"$(counter bcd.example skip_scope)" 4
expect_eq "  ... none auto-bound, no flow rewritten" \
	"$(counter bcd.example bound4) $(counter bcd.example nat4)" "0 0"
expect_eq "a global destination is still auto-bound" \
	"$(tcp_seen h 1001 $R4)" "$BCD4 $BCD4"
# Without SO_BROADCAST the kernel refuses that connect (EACCES) once it
# has the route; vaddr, which asks the local table for sockets with
# SO_BROADCAST only, changes nothing of that (it counts the
# connect as auto-bound, which it was, before the kernel refused it).
expect_eq "subnet broadcast connected without SO_BROADCAST: refused as for an unmapped user" \
	"$(group_seen $BCAST 8104 1001 --connect --count 1 --no-broadcast)" \
	"$(group_seen $BCAST 8105 1003 --connect --count 1 --no-broadcast)"
check "  ... refused indeed (EACCES)" grep -q "Permission denied" \
	<<<"$(group_seen $BCAST 8106 1003 --connect --count 1 --no-broadcast)"

# --- IPv6: link-local and multicast ------------------------------------------
expect_eq "tcp connect to fe80::2: the host's link-local address" \
	"$(tcp_seen h 1001 fe80::2%h0)" "fe80::1 fe80::1"
expect_eq "udp sendto fe80::2: not rewritten" \
	"$(udp_seen h 1001 fe80::2%h0)" ":: reply fe80::1"
expect_eq "mDNS sendto ff02::fb: not rewritten" \
	"$(group_seen ff02::fb%h0 5353 1001)" "ok :: | fe80::1"
expect_eq "  ... no IPv6 flow rewritten" "$(counter bcd.example nat6)" 0
expect_eq "a global IPv6 destination is still rewritten" \
	"$(udp_seen h 1001 $R6)" ":: reply $BCD6"

# --- bound to the v4-mapped wildcard: as unbound ------------------------------
expect_eq "tcp bound to ::ffff:0.0.0.0 port 0: rewritten" \
	"$(tcp_seen h 1001 $R4 --v6 --bind ::ffff:0.0.0.0)" "$H4 $BCD4"
expect_eq "tcp bound to ::ffff:0.0.0.0 port P: rewritten" \
	"$(tcp_seen h 1001 $R4 --v6 --bind ::ffff:0.0.0.0 --bind-port 4990)" \
	"$H4 $BCD4"
expect_eq "udp bound to ::ffff:0.0.0.0 port 0, connected: auto-bound" \
	"$(udp_seen h 1001 $R4 --v6 --bind ::ffff:0.0.0.0 --connect)" \
	"$BCD4 reply $BCD4"
expect_eq "udp bound to ::ffff:0.0.0.0 port P, connected: auto-bound" \
	"$(udp_seen h 1001 $R4 --v6 --bind ::ffff:0.0.0.0 --bind-port 4991 \
		--connect)" "$BCD4 reply $BCD4"
expect_eq "udp bound to ::ffff:0.0.0.0 port 0, sendto: rewritten" \
	"$(udp_seen h 1001 $R4 --v6 --bind ::ffff:0.0.0.0)" "0.0.0.0 reply $BCD4"
expect_eq "udp bound to ::ffff:0.0.0.0 port P, sendto: rewritten" \
	"$(udp_seen h 1001 $R4 --v6 --bind ::ffff:0.0.0.0 --bind-port 4992)" \
	"0.0.0.0 reply $BCD4"
expect_eq "unmapped uid bound to ::ffff:0.0.0.0: the host's address" \
	"$(tcp_seen h 1003 $R4 --v6 --bind ::ffff:0.0.0.0)" "$H4 $H4"
expect_eq "bound to ::ffff:$H4 (an address): left alone" \
	"$(tcp_seen h 1001 $R4 --v6 --bind ::ffff:$H4)" "$H4 $H4"

# --- fail-closed and isolation ------------------------------------------------
ctl domain set bcd.example fail-closed on
ctl set isolation on
expect_eq "fail-closed: tcp connect to $META passes, from the host's address" \
	"$(tcp_try 1001 $META)" "ok $H4 | $H4"
expect_eq "fail-closed: udp sendto $META passes, not rewritten" \
	"$(udp_try 1001 $META)" "ok 0.0.0.0 | $H4"
expect_eq "fail-closed: mDNS sendto passes, not rewritten" \
	"$(group_seen $MDNS 5353 1001)" "ok 0.0.0.0 | $H4"
expect_eq "fail-closed: SSDP connected passes, from the host's address" \
	"$(group_seen $SSDP 1900 1001 --connect --count 1)" "ok $H4 | $H4"
expect_eq "fail-closed: subnet broadcast passes, not rewritten" \
	"$(group_seen $BCAST 8102 1001)" "ok 0.0.0.0 | $H4"
expect_eq "fail-closed: tcp bound to ::ffff:0.0.0.0 port P: rewritten, passes" \
	"$(tcp_try 1001 $R4 --v6 --bind ::ffff:0.0.0.0 --bind-port 4993)" \
	"ok $H4 | $BCD4"
expect_eq "fail-closed: udp bound to ::ffff:0.0.0.0, connected: auto-bound" \
	"$(udp_try 1001 $R4 --v6 --bind ::ffff:0.0.0.0 --connect)" \
	"ok $BCD4 | $BCD4"
expect_eq "isolation: unmapped uid sending mDNS from bcd's address: refused" \
	"$(group_seen $MDNS 5353 1003 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | "
expect_eq "isolation: unmapped uid to $META from bcd's address: refused" \
	"$(tcp_try 1003 $META --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
expect_eq "nothing of these counted as fail_closed" \
	"$(counter bcd.example fail_closed)" 0
