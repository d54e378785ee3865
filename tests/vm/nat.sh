#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Source rewriting: traffic of mapped sockets that auto-bind cannot cover
# leaves with the domain's address, replies come back, and what must not be
# rewritten is not.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.70/32  bcd.example    |------|    2001:db8::2/64     |
#  |    2001:db8::1/64    host address   |      +-----------------------+
#  |    2001:db8::70/128  bcd.example    |
#  +-------------------------------------+
#
#  uid 1001 -> bcd.example     uid 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70

topo_host_remote $H4/24 $BCD4/32 $H6/64 -- $R4/24 $R6/64
addr_add h h0 $BCD6/128 preferred_lft 0
module_load

port=6000

# icmp_seen DST CMD...: the source of the echo request the remote saw.
icmp_seen() {
	local dst=$1 fam=4 out
	shift
	[[ $dst == *:* ]] && fam=6
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" icmp-watch $fam 1 5
	"$@" >&2
	wait
	grep -vx ready "$out" | head -n 1
	rm -f "$out"
}

ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl user add 1001 domain bcd.example
expect_eq "rewriting is on by default" "$(ctl -j set | jq -r .nat)" true

# --- covered -------------------------------------------------------------
expect_eq "unconnected udp sendto v4: remote sees the domain, reply back" \
	"$(udp_seen h 1001 $R4)" "0.0.0.0 reply $BCD4"
expect_eq "unconnected udp sendto v6: remote sees the domain, reply back" \
	"$(udp_seen h 1001 $R6)" ":: reply $BCD6"
expect_eq "unconnected udp sendto v4-mapped on a dual-stack socket" \
	"$(udp_seen h 1001 $R4 --v6)" ":: reply $BCD4"
expect_eq "ICMP datagram sendto v4" \
	"$(icmp_seen $R4 run_as 1001 h "$PEER" ping $R4)" "$BCD4"
expect_eq "ICMP datagram sendto v6" \
	"$(icmp_seen $R6 run_as 1001 h "$PEER" ping $R6)" "$BCD6"
# No ping sockets for anyone: ping falls back to a raw socket, which it may
# open with CAP_NET_RAW, as installed setcap ping binaries do.
nsrun h sysctl -qw net.ipv4.ping_group_range="1 0"
expect_eq "raw ICMP socket (ping with cap_net_raw) v4" \
	"$(icmp_seen $R4 "$NSEXEC" -n h -u 1001 -r -- ping -c 1 -W 3 $R4)" \
	"$BCD4"
expect_eq "raw ICMPv6 socket (ping with cap_net_raw) v6" \
	"$(icmp_seen $R6 "$NSEXEC" -n h -u 1001 -r -- ping -6 -c 1 -W 3 $R6)" \
	"$BCD6"
nsrun h sysctl -qw net.ipv4.ping_group_range="0 2147483647"
expect_eq "tcp socket bound to 0.0.0.0:P then connected" \
	"$(tcp_seen h 1001 $R4 --bind 0.0.0.0 --bind-port 4999)" "$H4 $BCD4"
expect_eq "tcp socket bound to [::]:P then connected" \
	"$(tcp_seen h 1001 $R6 --bind :: --bind-port 4998)" "$H6 $BCD6"

# A socket that exists before its owner is mapped: its new flows follow.
ctl user del 1001
port=$((port + 1))
out=$(mktemp)
bg_start "$out" ip netns exec r timeout 10 "$PEER" udp-echo :: $port 1
fifo=$(mktemp -u)
mkfifo "$fifo"
early=$(mktemp)
run_as 1001 h "$PEER" udp-send $R4 $port --wait <"$fifo" >"$early" &
exec 3>"$fifo"
wait_for "uid 1001's socket exists" 10 grep -qx socket "$early"
ctl user add 1001 domain bcd.example
echo go >&3
exec 3>&-
wait
expect_eq "socket created before the mapping: new flow rewritten" \
	"$(grep -vx ready "$out")" "$BCD4"
check "  ... and its reply came back" grep -qx reply "$early"
rm -f "$fifo" "$early" "$out"

expect_eq "flows rewritten are counted" \
	"$(counter bcd.example nat4) $(counter bcd.example nat6)" "6 4"

# --- a finished translated connection passes nothing on --------------------
# The remote accepts uid 1001's connections from the wildcard and a port of
# its own, translated, and resets them: their conntrack entries stay 10 s
# in CLOSE, translation included (a reset that is the only reply would
# have ended them). uid 1003 then connects from the host's addresses and
# the same ports to the same port: the same 4-tuples. Taken into the old
# entries (conntrack's "ignored" SYN), its SYNs would leave translated and
# the remote would accept them from bcd.example's addresses.
RESETTER='
import socket, struct, sys
srv = socket.create_server(("", int(sys.argv[1])), family=socket.AF_INET6,
                           dualstack_ipv6=True)
print("ready", flush=True)
while True:
    c, a = srv.accept()
    print("accepted", a[0].removeprefix("::ffff:"), flush=True)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
'
# From SRC:SPORT to DST port 4930, until the remote resets the connection.
RESET_CLIENT='
import socket, sys
dst, src, sport = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET)
s.bind((src, sport))
s.connect((dst, 4930))
try:
    while s.recv(4096):
        pass
    print("eof")
except ConnectionResetError:
    print("reset")
'
resets=$(mktemp)
bg_start "$resets" ip netns exec r python3 -c "$RESETTER" 4930
resetter=$!
expect_eq "uid 1001, from the wildcard, reset by the remote" \
	"$(run_as 1001 h python3 -c "$RESET_CLIENT" $R4 0.0.0.0 4931) $(
	run_as 1001 h python3 -c "$RESET_CLIENT" $R6 :: 4932)" "reset reset"
expect_eq "uid 1003, the same 4-tuples from the host's addresses, reset" \
	"$(run_as 1003 h python3 -c "$RESET_CLIENT" $R4 $H4 4931) $(
	run_as 1003 h python3 -c "$RESET_CLIENT" $R6 $H6 4932)" "reset reset"
expect_eq "the remote accepted uid 1001's from bcd.example, uid 1003's from the host" \
	"$(grep accepted "$resets" | paste -sd' ')" \
	"accepted $BCD4 accepted $BCD6 accepted $H4 accepted $H6"
kill $resetter
wait $resetter 2>/dev/null
rm -f "$resets"

# --- never rewritten -------------------------------------------------------
expect_eq "unmapped uid" "$(udp_seen h 1003 $R4)" "0.0.0.0 reply $H4"
expect_eq "socket bound to the host address" \
	"$(udp_seen h 1001 $R4 --bind $H4)" "$H4 reply $H4"
bg_start /tmp/lo.out ip netns exec h timeout 10 "$PEER" udp-echo 127.0.0.1 5353 1
run_as 1001 h "$PEER" udp-send 127.0.0.1 5353 >/dev/null
wait
expect_eq "loopback" "$(grep -vx ready /tmp/lo.out)" 127.0.0.1
# A server run by a mapped uid: replies keep the address the client chose.
bg_start /tmp/srv.out run_as 1001 h "$PEER" udp-echo 0.0.0.0 5354 1
res=$(ip netns exec r "$PEER" udp-send $H4 5354 --connect | xargs)
wait
expect_eq "reply direction of a mapped server (connected client gets it)" \
	"$res" "$R4 reply"
bg_start /tmp/srv.out run_as 1001 h "$PEER" tcp-listen 0.0.0.0 5355 1
expect_eq "accepted connection of a mapped server" \
	"$(ip netns exec r "$PEER" tcp-connect $H4 5355)" "$R4"
wait

# --- nat off -----------------------------------------------------------------
ctl set nat off
expect_eq "nat off is shown" "$(ctl -j set | jq -r .nat)" false
port=6500	# udp_seen uses 6501: a flow conntrack has never seen
expect_eq "nat off: unconnected sendto leaves from the host address" \
	"$(udp_seen h 1001 $R4)" "0.0.0.0 reply $H4"
# The hooks stay while rewritten flows may still run (they keep their
# translation until they end): conntrack sees the flow, untranslated.
expect_eq "nat off: the flow's conntrack entry is not translated" \
	"$(ip netns exec h grep 'dport=6501 ' /proc/net/nf_conntrack |
		grep -c "dst=$BCD4 ")" 0
expect_eq "nat off: auto-bind still works" "$(tcp_seen h 1001 $R4)" "$BCD4 $BCD4"
ctl set nat on
expect_eq "nat on again: rewritten" "$(udp_seen h 1001 $R4)" "0.0.0.0 reply $BCD4"

# --- a mapping change leaves established flows alone -------------------------
# send_flow N: N datagrams of one flow (fixed source port 7001), each
# answered. One lost at the moment of an unload is sent again: a reply in
# flight when the NAT hooks are gone but conntrack is not yet clashes with
# the flow's translated entry and is dropped (nf_conntrack_confirm); the
# flow itself must go on.
send_flow() {
	run_as 1001 h bash -c 'for i in $(seq "$1"); do
		"$0" udp-send '$R4' 7000 --bind-port 7001 >/dev/null ||
			"$0" udp-send '$R4' 7000 --bind-port 7001 >/dev/null || exit 1
		done' "$PEER" "$1"
}
# The echo server lives until the end of the unload case below: 60 s were
# too few on a loaded host, where 44 peer processes take longer than that.
bg_start /tmp/flow.out ip netns exec r timeout 600 "$PEER" udp-echo :: 7000 0
echo_pid=$!
send_flow 2
ctl user del 1001
send_flow 2
expect_eq "mapping removed: the established flow keeps the domain's address" \
	"$(grep -vx ready /tmp/flow.out | sort | uniq -c | xargs)" "4 $BCD4"

# --- unload with rewritten flows alive ------------------------------------------
ctl user add 1001 domain bcd.example
send_flow 40 &
loop=$!
wait_for "some datagrams went through before the unload" 60 \
	lines_over /tmp/flow.out 10
kmsg_mark
module_unload
check "module unload with rewritten flows alive: the sends go on" wait $loop
kmsg_clean "  ... and the kernel log stays clean"
kill "$echo_pid" 2>/dev/null
