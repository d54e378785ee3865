#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Serving under isolation. A listener on the wildcard address answers
# connections to every address of the host: a shared server (no domain's)
# must. A domain's listener may not answer on another domain's address,
# as it may not bind it: else a tenant's wildcard listener on a port no
# one else uses answers that domain's clients, from its address. The
# remote client says what it got: connected (its own address), or no
# answer (the SYN-ACK never left).
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
#  uid 1001 -> bcd.example   uid 1002 -> cde.example   uid 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70 CDE4=198.51.100.80

topo_host_remote $H4/24 $BCD4/32 $CDE4/32 $H6/64 -- $R4/24 $R6/64
addr_add h h0 $BCD6/128
module_load
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl user add 1002 domain cde.example
port=7300

# serve_try runs in a $(...), which cannot move the port for the next one:
# moved here, so that no listener reuses the port of one whose connection
# is still being torn down.
next_port() {
	port=$((port + 1))
}

next_port
expect_eq "isolation off: cde's wildcard listener answers on bcd's address" \
	"$(serve_try 1002 :: $BCD4)" "ready | $R4"

ctl set isolation on
next_port
expect_eq "cde's wildcard listener: no answer on bcd's address" \
	"$(serve_try 1002 :: $BCD4)" "ready | no answer"
next_port
expect_eq "cde's wildcard listener: no answer on bcd's v6 address" \
	"$(serve_try 1002 :: $BCD6)" "ready | no answer"
next_port
expect_eq "cde's IPv4 wildcard listener: no answer on bcd's address" \
	"$(serve_try 1002 0.0.0.0 $BCD4)" "ready | no answer"
check "  ... counted in bcd's isolated" \
	test "$(counter bcd.example isolated)" -ge 3
next_port
expect_eq "cde's wildcard listener answers on cde's address" \
	"$(serve_try 1002 :: $CDE4)" "ready | $R4"
next_port
expect_eq "cde's wildcard listener answers on the host's address" \
	"$(serve_try 1002 :: $H6)" "ready | $R6"
next_port
expect_eq "bcd's wildcard listener answers on bcd's address" \
	"$(serve_try 1001 :: $BCD4)" "ready | $R4"
next_port
expect_eq "a shared server (unmapped) answers on bcd's address" \
	"$(serve_try 1003 :: $BCD4)" "ready | $R4"
ctl set isolation allow 1002
next_port
expect_eq "allowed uid: cde's wildcard listener answers on bcd's address" \
	"$(serve_try 1002 :: $BCD4)" "ready | $R4"
ctl set isolation disallow 1002
# The kernel answers with SYN cookies once a listener's SYN queue is full
# (more pending requests than its backlog): such a SYN-ACK has no socket,
# and the listener accepts the connection its ACK completes. A tenant
# fills its own listener's queue with a backlog of 0 (peer's --cookies)
# and one SYN, from a remote machine of theirs, whose SYN-ACKs that
# machine drops (here: nft in r, for client ports 30000-30999). The
# SYN-ACK is judged by the listener it was sent for, as the SYN found it.
check "the remote drops SYN-ACKs to ports 30000-30999" nsrun r nft -f - <<EOF
table inet block {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp dport 30000-30999 tcp flags & (syn | ack) == syn | ack drop
	}
}
EOF

# fill_syn_queue PORT: one SYN from r to the listener on PORT, whose
# SYN-ACKs r drops; returns once the request waits in the SYN queue.
fill_syn_queue() {
	ip netns exec r timeout 1 "$PEER" tcp-connect $H4 "$1" \
		--bind-port $((30000 + $1 % 1000)) >/dev/null 2>&1
	wait_for "a request of the listener on port $1 waits for its ACK" 5 \
		sh -c "ip netns exec h ss -Htn state syn-recv '( sport = :$1 )' | grep -q ."
}

# cookie_try UID ADDR DST: serve_try's answer, the listener answering
# with SYN cookies (its queue full first, as above).
cookie_try() {
	SERVE_BEFORE=fill_syn_queue serve_try "$1" "$2" "$3" --cookies
}

cookies_sent() {
	ip netns exec h nstat -asz TcpExtSyncookiesSent |
		awk '$1 == "TcpExtSyncookiesSent" { print $2 }'
}
cookies=$(cookies_sent)
isolated=$(counter bcd.example isolated)
next_port
expect_eq "cde's wildcard listener with SYN cookies: no answer on bcd's address" \
	"$(cookie_try 1002 :: $BCD4)" "ready | no answer"
check "  ... its SYN-ACKs carried SYN cookies" \
	test "$(cookies_sent)" -gt "$cookies"
check "  ... counted in bcd's isolated" \
	test "$(counter bcd.example isolated)" -gt "$isolated"
next_port
expect_eq "cde's wildcard listener with SYN cookies: no answer on bcd's v6 address" \
	"$(cookie_try 1002 :: $BCD6)" "ready | no answer"
next_port
expect_eq "cde's IPv4 wildcard listener with SYN cookies: no answer on bcd's address" \
	"$(cookie_try 1002 0.0.0.0 $BCD4)" "ready | no answer"
cookies=$(cookies_sent)
next_port
expect_eq "cde's wildcard listener with SYN cookies answers on cde's address" \
	"$(cookie_try 1002 :: $CDE4)" "ready | $R4"
check "  ... with a SYN cookie" test "$(cookies_sent)" -gt "$cookies"
next_port
expect_eq "cde's wildcard listener with SYN cookies answers on the host's v6 address" \
	"$(cookie_try 1002 :: $H6)" "ready | $R6"
next_port
expect_eq "a shared server with SYN cookies answers on bcd's address" \
	"$(cookie_try 1003 :: $BCD4)" "ready | $R4"
ctl set isolation allow 1002
next_port
expect_eq "allowed uid: cde's listener with SYN cookies answers on bcd's address" \
	"$(cookie_try 1002 :: $BCD4)" "ready | $R4"
ctl set isolation disallow 1002
