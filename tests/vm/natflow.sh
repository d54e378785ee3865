#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rewritten flows across `nat off` and unload: a long TCP flow from a socket
# bound to a port on the wildcard address (so NAT, not auto-bind, gives it
# the domain's address) goes on from the domain's address after `set nat
# off`, and is aborted when the module goes; the remote never receives a
# segment of it from the host's address, and a later connection of another
# user with the same addresses and ports does not inherit its translation.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +------------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24     |
#  |    198.51.100.70/32  bcd.example    |------|    2001:db8::2/64      |
#  |    2001:db8::1/64    host address   |      | sink, port 7300; nft   |
#  |    2001:db8::70/128  bcd.example    |      | counters by source     |
#  +-------------------------------------+      +------------------------+
#
#  uid 1001 -> bcd.example     uid 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70
SINK_PORT=7300

topo_host_remote $H4/24 $BCD4/32 $H6/64 -- $R4/24 $R6/64
addr_add h h0 $BCD6/128 preferred_lft 0
module_load
kmsg_mark

# What reaches the sink's port, counted by source address.
check "the remote counts the sink's segments by source" ip netns exec r nft -f - <<EOF
table inet watch {
	chain in {
		type filter hook input priority 0;
		tcp dport $SINK_PORT ip saddr $H4 counter comment "host4"
		tcp dport $SINK_PORT ip6 saddr $H6 counter comment "host6"
		tcp dport $SINK_PORT ip saddr $BCD4 counter comment "bcd4"
		tcp dport $SINK_PORT ip6 saddr $BCD6 counter comment "bcd6"
	}
}
EOF

# segs NAME: segments counted by the rule with comment NAME.
segs() {
	rule_packets r watch in "$1"
}

# matches N PATTERN FILE...: at least N lines of FILEs match PATTERN.
matches() {
	local n=$1 pat=$2
	shift 2
	[ "$(cat "$@" | grep -c "$pat")" -ge "$n" ]
}

# more NAME N: counter NAME is above N.
more() {
	[ "$(segs "$1")" -gt "$2" ]
}

# The sink: per connection, "accepted ADDR", then "eof ADDR" or "reset
# ADDR" when it ends.
SINK='
import socket, sys, threading
srv = socket.create_server(("", int(sys.argv[1])), family=socket.AF_INET6,
                           dualstack_ipv6=True)
print("ready", flush=True)
def serve(c, a):
    a = a[0].removeprefix("::ffff:")
    print("accepted", a, flush=True)
    try:
        while c.recv(4096):
            pass
        print("eof", a, flush=True)
    except OSError:
        print("reset", a, flush=True)
while True:
    c, a = srv.accept()
    threading.Thread(target=serve, args=(c, a), daemon=True).start()
'

# The client: bound to wildcard:PORT, connected to DST, 100 bytes every
# 50 ms; "connected LOCAL", then "error ERRNO" when a send fails.
CLIENT='
import errno, socket, sys, time
dst, port, lport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
v6 = ":" in dst
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET)
s.bind(("::" if v6 else "0.0.0.0", lport))
s.connect((dst, port))
print("connected", s.getsockname()[0], flush=True)
try:
    while True:
        s.sendall(b"x" * 100)
        time.sleep(0.05)
except OSError as e:
    print("error", errno.errorcode.get(e.errno, e.errno), flush=True)
'

sink=$(mktemp)
bg_start "$sink" ip netns exec r python3 -c "$SINK" $SINK_PORT
sinkpid=$!

ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl user add 1001 domain bcd.example

c4=$(mktemp) c6=$(mktemp)
run_as 1001 h python3 -c "$CLIENT" $R4 $SINK_PORT 4900 >"$c4" &
run_as 1001 h python3 -c "$CLIENT" $R6 $SINK_PORT 4901 >"$c6" &
wait_for "both flows connected" 30 matches 2 connected "$c4" "$c6"
expect_eq "v4 flow: bound to the wildcard, so the socket has the host's address" \
	"$(cat "$c4")" "connected $H4"
expect_eq "v6 flow: bound to the wildcard, so the socket has the host's address" \
	"$(cat "$c6")" "connected $H6"
wait_for "the sink accepted both" 20 matches 2 accepted "$sink"
expect_eq "the remote accepted them from the domain's addresses" \
	"$(grep accepted "$sink" | sort)" \
	"accepted $BCD4"$'\n'"accepted $BCD6"

# --- nat off: what was rewritten goes on ---------------------------------
check "set nat off" ctl set nat off
b4=$(segs bcd4) b6=$(segs bcd6)
# 2 s of sending: 40 segments each, if they all went.
sleep 2
check "v4 flow goes on from the domain's address after nat off" \
	more bcd4 $((b4 + 10))
check "v6 flow goes on from the domain's address after nat off" \
	more bcd6 $((b6 + 10))
expect_eq "the flows' clients saw no error" "$(cat "$c4" "$c6" | grep -c error)" 0
# New ones are not rewritten any more.
expect_eq "nat off: a new socket bound to 0.0.0.0:P leaves from the host" \
	"$(tcp_seen h 1001 $R4 --bind 0.0.0.0 --bind-port 4902)" "$H4 $H4"
check "nat on again" ctl set nat on
expect_eq "nat on: a new socket bound to 0.0.0.0:P is rewritten again" \
	"$(tcp_seen h 1001 $R4 --bind 0.0.0.0 --bind-port 4903)" "$H4 $BCD4"
check "set nat off again" ctl set nat off
b4=$(segs bcd4)
sleep 1
check "v4 flow still goes on from the domain's address" \
	more bcd4 $((b4 + 5))

# --- unload: what is still rewritten ends ----------------------------------
check "module unloads with the flows running" module_unload
wait_for "both clients saw their flow end" 20 matches 2 error "$c4" "$c6"
expect_eq "v4 client: its connection was aborted" \
	"$(sed -n 2p "$c4")" "error ECONNABORTED"
expect_eq "v6 client: its connection was aborted" \
	"$(sed -n 2p "$c6")" "error ECONNABORTED"
wait_for "the sink saw both end" 20 matches 2 'reset\|eof' "$sink"
expect_eq "the remote was told, from the domain's addresses" \
	"$(grep 'reset\|eof' "$sink" | sort)" \
	"reset $BCD4"$'\n'"reset $BCD6"
sleep 1
expect_eq "the remote received nothing of them from the host's v4 address" \
	"$(segs host4)" 0
expect_eq "the remote received nothing of them from the host's v6 address" \
	"$(segs host6)" 0

# --- after: nothing of them is left for a later flow ---------------------------
# Another user's connection with the same addresses and ports, its socket
# bound to the host's address (vaddr never rewrites it), once NAT hooks
# are back: it must leave from that address. An entry of the old flow left
# behind with its translation would take its SYN in (conntrack ignores a
# SYN on an established entry, then syncs on the SYN-ACK) and the NAT core
# would send it from bcd.example's address. A new sink: none of the old
# connections is left on the remote either.
kill $sinkpid
wait $sinkpid 2>/dev/null
sink=$(mktemp)
bg_start "$sink" ip netns exec r python3 -c "$SINK" $SINK_PORT
module_load
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl user add 1001 domain bcd.example
n=0
expect_eq "uid 1003 bound to $H4:4900, as the v4 flow was, connects" \
	"$(run_as 1003 h timeout 20 "$PEER" tcp-connect $R4 $SINK_PORT \
		--bind $H4 --bind-port 4900)" "$H4"
expect_eq "uid 1003 bound to [$H6]:4901, as the v6 flow was, connects" \
	"$(run_as 1003 h timeout 20 "$PEER" tcp-connect $R6 $SINK_PORT \
		--bind $H6 --bind-port 4901)" "$H6"
wait_for "the sink accepted them" 20 matches $((n + 2)) accepted "$sink"
expect_eq "the remote accepted them from the host's addresses, not the domain's" \
	"$(grep accepted "$sink" | tail -n +$((n + 1)) | sort)" \
	"accepted $H4"$'\n'"accepted $H6"
check "module unloads" module_unload
kmsg_clean "kernel log clean"
