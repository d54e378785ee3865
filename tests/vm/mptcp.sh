#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MPTCP subflows that the path manager adds are the program's. A kernel
# worker creates them, as root, from the addresses of the administrator's
# MPTCP endpoints, and the subflow gets its program's uid only after its
# SYN has left: judged by that uid, a fail-closed domain's connection
# would grow a subflow from the host's address, and an isolated one from
# another domain's. The remote's raw socket sees every SYN that reaches
# it, first subflow ("mpc") and added ones ("join").
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.5/32   host, endpoint |------|                       |
#  |    198.51.100.70/32  bcd.example    |      +-----------------------+
#  |    198.51.100.80/32  cde.example    |
#  +-------------------------------------+
#
#  uid 1001 -> bcd.example   uid 1002 -> cde.example   uid 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 EP4=198.51.100.5 R4=198.51.100.2
BCD4=198.51.100.70 CDE4=198.51.100.80
MPTCP_PEER="$VADDR_ROOT/tests/tools/mptcp-peer.py"

topo_host_remote $H4/24 $EP4/32 $BCD4/32 $CDE4/32 -- $R4/24
for ns in h r; do
	nsrun $ns sysctl -qw net.mptcp.enabled=1
	nsrun $ns ip mptcp limits set subflow 4 add_addr_accepted 4
done
if ! ip netns exec h python3 -c \
	'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)'; then
	not_ok "the guest kernel has MPTCP"
	exit 1
fi
# The administrator's endpoint: every MPTCP connection of the host gets a
# subflow from it, once established.
nsrun h ip mptcp endpoint add $EP4 dev h0 subflow
module_load

ctl domain add bcd.example addr $BCD4
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl user add 1002 domain cde.example

port=7000

# mptcp_seen UID: an MPTCP connection of UID from ns h to ns r, held 3 s.
# Prints "CLIENT RESULT | the SYNs the remote saw" (sorted).
mptcp_seen() {
	local uid=$1 out res lpid
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 30 python3 "$MPTCP_PEER" \
		serve $R4 $port 8
	lpid=$!
	res=$(run_as "$uid" h python3 "$MPTCP_PEER" connect $R4 $port 3)
	wait $lpid
	echo "$res | $(grep -vx ready "$out" | sort -u | xargs)"
	rm -f "$out"
}

expect_eq "unmapped user: a subflow is added from the endpoint" \
	"$(mptcp_seen 1003)" "ok $H4 | join $EP4 mpc $H4"
expect_eq "bcd's user: its first subflow from bcd's address" \
	"$(mptcp_seen 1001)" "ok $BCD4 | join $EP4 mpc $BCD4"

# Fail-closed: no subflow of bcd's from the host's address.
ctl domain set bcd.example fail-closed on
expect_eq "fail-closed: the subflow from the host's endpoint is refused" \
	"$(mptcp_seen 1001)" "ok $BCD4 | mpc $BCD4"
check "  ... counted in bcd's fail_closed" \
	test "$(counter bcd.example fail_closed)" -ge 1
expect_eq "fail-closed: the unmapped user still gets its subflow" \
	"$(mptcp_seen 1003)" "ok $H4 | join $EP4 mpc $H4"
ctl domain set bcd.example fail-closed off

# Isolation: an endpoint on bcd's address serves no one else's connection.
nsrun h ip mptcp endpoint flush
nsrun h ip mptcp endpoint add $BCD4 dev h0 subflow
ctl set isolation on
expect_eq "isolation: cde's connection gets no subflow from bcd's address" \
	"$(mptcp_seen 1002)" "ok $CDE4 | mpc $CDE4"
expect_eq "isolation: nor does the unmapped user's" \
	"$(mptcp_seen 1003)" "ok $H4 | mpc $H4"
ctl set isolation off
expect_eq "isolation off: cde's connection gets it again" \
	"$(mptcp_seen 1002)" "ok $CDE4 | join $BCD4 mpc $CDE4"
