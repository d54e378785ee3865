#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packet sockets (AF_PACKET) pass no netfilter hook: what a process sends
# from one leaves with whatever source it wrote, and neither isolation nor
# fail-closed can judge it (README, "Not covered"). Opening one needs
# CAP_NET_RAW, which an unprivileged user does not have; one who has it
# (a program with that file capability, a service given it) can send from
# another domain's address. What holds: without the capability, no packet
# socket; with it, the remote sees the forged source, and `vaddrctl
# doctor` names the users that have packet sockets open.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.70/32  bcd.example    |------|                       |
#  |    198.51.100.80/32  cde.example    |      +-----------------------+
#  +-------------------------------------+
#
#  uid 1001 -> bcd.example   uid 1002 -> cde.example
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 R4=198.51.100.2 BCD4=198.51.100.70 CDE4=198.51.100.80

topo_host_remote $H4/24 $BCD4/32 $CDE4/32 -- $R4/24
module_load
ctl domain add bcd.example addr $BCD4
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl user add 1002 domain cde.example
check "set isolation on" ctl set isolation on
check "domain set cde.example fail-closed on" \
	ctl domain set cde.example fail-closed on

# One UDP datagram from SRC to DST:PORT, written whole (Ethernet, IPv4,
# UDP) to a packet socket on h0. With "hold", the socket stays open (and
# sends nothing) until stdin closes. Prints "sent", "ready" or the error.
packet_py='
import socket, struct, sys
mode = sys.argv[1]
try:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
except OSError as e:
    print(e.strerror); sys.exit(1)
if mode == "hold":
    print("ready", flush=True); sys.stdin.read(); sys.exit(0)
src, dst, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
smac, dmac = sys.argv[5], sys.argv[6]
s.bind(("h0", 0))
mac = lambda m: bytes.fromhex(m.replace(":", ""))
data = b"vaddr"
udp = struct.pack("!HHHH", 40000, port, 8 + len(data), 0) + data
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
csum = sum(struct.unpack("!10H", ip))
csum = (csum & 0xffff) + (csum >> 16)
ip = ip[:10] + struct.pack("!H", ~((csum & 0xffff) + (csum >> 16)) & 0xffff) + ip[12:]
s.send(mac(dmac) + mac(smac) + b"\x08\x00" + ip + udp)
print("sent")
'
mac() {
	ip -n "$1" link show "$2" | awk '$1 == "link/ether" { print $2 }'
}
hmac=$(mac h h0) rmac=$(mac r r0)
port=7600

# packet_seen UID NSEXEC_OPTION...: what a UDP server in r saw when UID
# sent from bcd's address through a packet socket: "what the sender
# said | the source the server saw" (or "nothing" within 5 s).
packet_seen() {
	local uid=$1 out res seen pid
	shift
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 5 "$PEER" udp-echo $R4 $port 1
	pid=$!
	res=$("$NSEXEC" -n h -u "$uid" "$@" -- python3 -c "$packet_py" \
		send $BCD4 $R4 $port "$hmac" "$rmac" 2>&1)
	wait $pid
	seen=$(grep -vx ready "$out" | head -n 1)
	echo "$res | ${seen:-nothing}"
	rm -f "$out"
}

expect_eq "cde's user without CAP_NET_RAW: no packet socket" \
	"$(packet_seen 1002)" "Operation not permitted | nothing"
port=$((port + 1))
expect_eq "cde's user with CAP_NET_RAW sends from bcd's address: not judged (README)" \
	"$(packet_seen 1002 -r)" "sent | $BCD4"

# doctor_packet: doctor's packet finding in ns h, "STATUS MESSAGE" up to
# the first colon.
doctor_packet() {
	ip netns exec h "$VADDRCTL" -j doctor |
		jq -r '.[] | select(.check == "packet") | .status + " " + .message' |
		cut -d: -f1
}
expect_eq "doctor: no user's packet socket is open" \
	"$(doctor_packet)" "ok no user but root has a packet socket open"
out=$(mktemp)
mkfifo /tmp/packet-hold
"$NSEXEC" -n h -u 1002 -r -- python3 -c "$packet_py" hold \
	</tmp/packet-hold >"$out" 2>&1 &
pid=$!
exec {hold}>/tmp/packet-hold
wait_for "the packet socket of uid 1002 is open" 10 grep -qx ready "$out"
expect_eq "doctor warns while uid 1002 has a packet socket open" \
	"$(doctor_packet)" "warning packet sockets open by uid 1002 (1)"
exec {hold}>&-
wait $pid
rm -f /tmp/packet-hold "$out"
expect_eq "  ... and not once it is closed" \
	"$(doctor_packet)" "ok no user but root has a packet socket open"
