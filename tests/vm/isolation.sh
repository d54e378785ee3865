#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Address isolation and fail-closed: what is refused fails at once with its
# errno, the remote side sees nothing of it, every refusal is counted and
# logged (rate-limited), and what is allowed still works.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.70/32  bcd.example    |------|    198.51.100.3/32    |
#  |    198.51.100.80/32  cde.example    |      |    2001:db8::2/64     |
#  |    2001:db8::1/64    host address   |      +-----------------------+
#  |    2001:db8::70/128  bcd.example    |
#  +-------------------------------------+
#
#  uid 1001 -> bcd.example (v4 + v6)   uid 1002 -> cde.example (v4 only)
#  uid 1003 unmapped                   uid 1004 unmapped, allowed later
#
# Each attempt goes to a fresh listener in r. When the attempt is refused, a
# control connection (or datagram) of uid 1003 from the host address
# follows, and the remote must see that one first: the refused one never
# reached it.
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R4B=198.51.100.3
R6=2001:db8::2 BCD4=198.51.100.70 BCD6=2001:db8::70 CDE4=198.51.100.80
EPERM="Operation not permitted"
EADDRNOTAVAIL="Cannot assign requested address"

topo_host_remote $H4/24 $BCD4/32 $CDE4/32 $H6/64 -- $R4/24 $R4B/32 $R6/64
# Deprecated, so the kernel never picks it on its own: binding still works.
addr_add h h0 $BCD6/128 preferred_lft 0
module_load

port=7000

# raw_try DST SRC: root pings DST from a raw socket bound to SRC;
# "RESULT | the sources of echo requests the remote saw within 2 s".
raw_try() {
	local dst=$1 src=$2 fam=4 out res
	[[ $dst == *:* ]] && fam=6
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" icmp-watch $fam 0 2
	res=$(attempt 0 ping "$dst" --raw --bind "$src")
	wait
	echo "$res | $(grep -vx ready "$out" | xargs)"
	rm -f "$out"
}

# logged PATTERN: kernel log lines matching PATTERN so far.
logged() {
	dmesg | grep -c -- "$1"
}

kmsg_mark
ctl set nat off		# the output hook without conntrack first
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl user add 1002 domain cde.example

# --- isolation off: as before -------------------------------------------
expect_eq "isolation is off by default" "$(ctl -j set | jq .isolation)" false
expect_eq "off: another domain's bound address works" \
	"$(tcp_try 1002 $R4 --bind $BCD4)" "ok $BCD4 | $BCD4"
expect_eq "off: an unmapped user's bound virtual address works" \
	"$(udp_try 1003 $R4 --bind $BCD4)" "ok $BCD4 | $BCD4"

# --- isolation on ---------------------------------------------------------
check "set isolation on" ctl set isolation on
expect_eq "set -j shows it" "$(ctl -j set)" '{"nat":false,"isolation":true}'
iso=0
expect_eq "tcp v4: another domain's address, refused at bind" \
	"$(tcp_try 1002 $R4 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "tcp v6: another domain's address, refused at bind" \
	"$(tcp_try 1002 $R6 --bind $BCD6)" "bind $BCD6 port 0: $EPERM | $H6"
iso=$((iso + 1))
expect_eq "tcp v4-mapped on a dual-stack socket, refused" \
	"$(tcp_try 1002 $R4 --v6 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "tcp: unmapped user binding a virtual address, refused" \
	"$(tcp_try 1003 $R4 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "tcp non-blocking connect, refused at once" \
	"$(tcp_try 1003 $R4 --bind $BCD4 --nonblock)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "TCP Fast Open sendto, refused" \
	"$(tcp_try 1002 $R4 --bind $BCD4 --tfo)" \
	"bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "udp connect: unmapped user's virtual address, refused" \
	"$(udp_try 1003 $R4 --bind $BCD4 --connect)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "udp sendto: unmapped user's virtual address, refused" \
	"$(udp_try 1003 $R4 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "udp v4 IP_PKTINFO with another domain's address, refused" \
	"$(udp_try 1002 $R4 --pktinfo $BCD4)" "send: $EPERM | $H4"
iso=$((iso + 1))
expect_eq "udp v6 IPV6_PKTINFO with another domain's address, refused" \
	"$(udp_try 1002 $R6 --pktinfo $BCD6)" "send: $EPERM | $H6"
iso=$((iso + 1))
expect_eq "raw v4 socket (root, not allowed) from a virtual address, refused" \
	"$(raw_try $R4 $BCD4)" "bind $BCD4 port 0: $EPERM | "
iso=$((iso + 1))
expect_eq "raw v6 socket from a virtual address, refused" \
	"$(raw_try $R6 $BCD6)" "bind $BCD6 port 0: $EPERM | "
iso=$((iso + 1))
# Serving: a listener on another domain's address would answer that
# domain's clients, from its address.
expect_eq "listen on another domain's address: refused at bind, nobody answers" \
	"$(serve_try 1002 $BCD4)" \
	"bind $BCD4: $EPERM | connect: Connection refused"
iso=$((iso + 1))
expect_eq "listen on bcd's v6 address, unmapped user: refused" \
	"$(serve_try 1003 $BCD6)" \
	"bind $BCD6: $EPERM | connect: Connection refused"
iso=$((iso + 1))
expect_eq "listen on bcd's address on a dual-stack socket (v4-mapped): refused" \
	"$(serve_try 1002 ::ffff:$BCD4)" \
	"bind ::ffff:$BCD4: $EPERM | connect: Connection refused"
iso=$((iso + 1))
expect_eq "the domain's own listener on its address serves" \
	"$(serve_try 1001 $BCD4)" "ready | $R4"
# A socket bound while isolation was off is judged when it connects; the
# remote sees the control datagram of uid 1003 first.
check "set isolation off" ctl set isolation off
port=$((port + 1))
lout=$(mktemp) out=$(mktemp)
mkfifo /tmp/iso-go
bg_start "$lout" ip netns exec r timeout 10 "$PEER" udp-echo :: $port 1
run_as 1002 h "$PEER" udp-send $R4 $port --bind $BCD4 --connect --wait \
	</tmp/iso-go >"$out" 2>&1 &
pid=$!
exec {go}>/tmp/iso-go
wait_for "the socket of uid 1002 is bound" 10 grep -qx socket "$out"
check "set isolation on" ctl set isolation on
echo go >&$go
exec {go}>&-
wait $pid
expect_eq "bound before isolation was on: refused at connect" \
	"$(grep -v '^#' "$out" | sed 's/^peer: //' | tail -n 1)" "connect: $EPERM"
iso=$((iso + 1))
run_as 1003 h "$PEER" udp-send $R4 $port >/dev/null
wait
expect_eq "  ... the remote saw the control datagram first" \
	"$(grep -vx ready "$lout" | head -n 1)" $H4
rm -f "$lout" "$out" /tmp/iso-go
expect_eq "every refusal counted on the address's domain" \
	"$(counter bcd.example isolated)" $iso
expect_eq "  ... and none on the refused socket's domain" \
	"$(counter cde.example isolated)" 0

expect_eq "the domain's own socket, bound to its address: works" \
	"$(tcp_try 1001 $R4 --bind $BCD4)" "ok $BCD4 | $BCD4"
expect_eq "the domain's own socket, auto-bound: works" \
	"$(tcp_try 1001 $R6)" "ok $BCD6 | $BCD6"
expect_eq "the domain's own IP_PKTINFO: works" \
	"$(udp_try 1001 $R4 --pktinfo $BCD4)" "ok 0.0.0.0 | $BCD4"
expect_eq "an unmapped user from the host address: works" \
	"$(tcp_try 1003 $R4)" "ok $H4 | $H4"
expect_eq "loopback destination, another domain's address as the source: works" \
	"$(attempt 1002 udp-send 127.0.0.1 9 --pktinfo $BCD4 --count 1)" "ok sent"
expect_eq "binding another domain's address is refused, whatever the destination" \
	"$(attempt 1002 udp-send 127.0.0.1 9 --bind $BCD4 --count 1)" \
	"bind $BCD4 port 0: $EPERM"
iso=$((iso + 1))

# A socket of bcd.example through its cgroup is the domain's own.
CG=/sys/fs/cgroup/vaddr-iso
mkdir -p $CG
ctl cgroup add $CG domain bcd.example
out=$(mktemp)
port=$((port + 1))
bg_start "$out" ip netns exec r timeout 10 "$PEER" tcp-listen :: $port 1
res=$("$NSEXEC" -c $CG -n h -u 1003 -- "$PEER" tcp-connect $R4 $port \
	--bind $BCD4 2>&1)
wait
expect_eq "an unmapped uid in the domain's cgroup: its address works" \
	"$res $(grep -vx ready "$out")" "$BCD4 $BCD4"
ctl cgroup del $CG
rmdir $CG
rm -f "$out"

# A server of another user (uid 1003) on bcd's address would answer bcd's
# clients as bcd: refused at bind, the remote reaches no one.
expect_eq "a server of another user on the address: refused, nobody answers" \
	"$(serve_try 1003 $BCD4)" "bind $BCD4: $EPERM | connect: Connection refused"
iso=$((iso + 1))

# A UDP server of an unmapped user, bound to 0.0.0.0, answers a query that
# came to bcd's address from bcd's address (the route back to R4B has that
# source). NAT is off: the guard alone must have conntrack tell the reply.
nsrun h ip route add $R4B/32 dev h0 src $BCD4
port=$((port + 1))
out=$(mktemp)
bg_start "$out" "$NSEXEC" -n h -u 1003 -- "$PEER" udp-echo 0.0.0.0 $port 1
res=$(ip netns exec r "$PEER" udp-send $BCD4 $port --bind $R4B --connect 2>&1 |
	xargs)
wait
expect_eq "nat off: a UDP server on 0.0.0.0 answers from bcd's address" \
	"$res | $(grep -vx ready "$out" | xargs)" "$R4B reply | $R4B"
rm -f "$out"
nsrun h ip route del $R4B/32 dev h0 src $BCD4

# A peer sends to bcd's address and a port first (conntrack has a flow, no
# one listens); an unmapped user then binds that address and port and
# "answers" the peer: not a reply of a socket that got the query, refused.
port=$((port + 1))
rport=$((port + 1000))
expect_eq "remote sends to bcd's address and a closed port first" \
	"$(ip netns exec r "$PEER" udp-send $BCD4 $port --bind $R4 \
		--bind-port $rport --count 1 2>&1)" "sent"
out=$(mktemp)
bg_start "$out" ip netns exec r timeout 10 "$PEER" udp-echo $R4 $rport 1
res=$(attempt 1003 udp-send $R4 $rport --bind $BCD4 --bind-port $port)
[[ $res == ok* ]] ||
	run_as 1003 h "$PEER" udp-send $R4 $rport >/dev/null 2>&1
wait
expect_eq "an unmapped user bound to bcd's address:port 'answering' it: refused" \
	"$res | $(grep -vx ready "$out" | head -n 1)" \
	"bind $BCD4 port $port: $EPERM | $H4"
iso=$((iso + 1))
rm -f "$out"

# MPTCP: its subflows are kernel sockets, but carry the program's traffic.
nsrun h sysctl -qw net.mptcp.enabled=1
mptcp=$(ip netns exec h "$PEER" tcp-connect 127.0.0.1 1 --mptcp 2>&1)
if [ "$mptcp" = "no mptcp" ]; then
	diag "SKIP: the guest kernel has no MPTCP: MPTCP is not tested"
	mptcp=no
else
	mptcp=yes
	expect_eq "mptcp: another domain's address, refused at bind" \
		"$(tcp_try 1002 $R4 --bind $BCD4 --mptcp)" "bind $BCD4 port 0: $EPERM | $H4"
	iso=$((iso + 1))
	expect_eq "mptcp: unmapped user, bcd's v6 address, refused" \
		"$(tcp_try 1003 $R6 --bind $BCD6 --mptcp)" "bind $BCD6 port 0: $EPERM | $H6"
	iso=$((iso + 1))
	expect_eq "mptcp: the domain's own socket bound to its address works" \
		"$(tcp_try 1001 $R4 --bind $BCD4 --mptcp)" "ok $BCD4 | $BCD4"
	expect_eq "mptcp: the domain's own socket is auto-bound" \
		"$(tcp_try 1001 $R4 --mptcp)" "ok $BCD4 | $BCD4"
fi

# --- the allow list -------------------------------------------------------
expect_eq "uid 1004 refused before it is allowed" \
	"$(tcp_try 1004 $R4 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))
check "set isolation allow 1004" ctl set isolation allow 1004
expect_eq "show lists the allowed uid" \
	"$(ctl -j show | jq -c '.settings.isolation_allow')" '[{"uid":1004,"user":null}]'
check "show prints it" sh -c "'$VADDRCTL' -n h show | grep -qx 'isolation allow: 1004'"
expect_eq "allowed uid: tcp from bcd's address works" \
	"$(tcp_try 1004 $R4 --bind $BCD4)" "ok $BCD4 | $BCD4"
expect_eq "allowed uid: IP_PKTINFO works" \
	"$(udp_try 1004 $R6 --pktinfo $BCD6)" "ok :: | $BCD6"
expect_eq "allowed uid: a listener on bcd's address serves" \
	"$(serve_try 1004 $BCD4)" "ready | $R4"
out=$(ctl set isolation allow 1004 2>&1); rc=$?
expect_eq "allowing twice is an error" "$rc $out" "1 Error: uid is already allowed."
check "set isolation disallow 1004" ctl set isolation disallow 1004
out=$(ctl set isolation disallow 1004 2>&1); rc=$?
expect_eq "disallowing an uid not allowed is an error" "$rc $out" \
	"1 Error: uid is not allowed."
expect_eq "disallowed again: refused" \
	"$(tcp_try 1004 $R4 --bind $BCD4)" "bind $BCD4 port 0: $EPERM | $H4"
iso=$((iso + 1))

# --- a source the routing code picked --------------------------------------
nsrun h ip route add $R4B/32 dev h0 src $BCD4
expect_eq "tcp: route source is a virtual address: SYN refused at once" \
	"$(CTL_DST=$R4 tcp_try 1003 $R4B)" "connect: Connection refused | $H4"
iso=$((iso + 1))
expect_eq "udp: route source is a virtual address: refused" \
	"$(attempt 1003 udp-send $R4B 9 --count 1)" "1 of 1 sends failed: $EPERM"
iso=$((iso + 1))
nsrun h ip route del $R4B/32 dev h0 src $BCD4

expect_eq "isolated counter equals the refusals" \
	"$(counter bcd.example isolated)" $iso

# --- the log line, rate-limited -----------------------------------------------
check "the log names the uid, the address and its domain" \
	sh -c "dmesg | grep -q 'vaddr: isolation: refused uid 1002 sending from $BCD4, an address of bcd.example'"
check "  ... IPv6 too" \
	sh -c "dmesg | grep -q 'vaddr: isolation: refused uid 1002 sending from $BCD6, an address of bcd.example'"
# The limit is 10 lines per 5 s: start a fresh interval.
sleep 5.5
before=$(logged "isolation: refused")
expect_eq "50 refused sends fail at once" \
	"$(attempt 1003 udp-send $R4 9 --pktinfo $BCD4 --count 50)" \
	"50 of 50 sends failed: $EPERM"
iso=$((iso + 50))
lines=$(($(logged "isolation: refused") - before))
echo "# 50 refusals logged $lines lines" >&2
check "  ... logged, at most 10 lines" test "$lines" -ge 1 -a "$lines" -le 10
expect_eq "  ... all counted" "$(counter bcd.example isolated)" $iso

check "set isolation off" ctl set isolation off
expect_eq "off again: another domain's bound address works" \
	"$(tcp_try 1002 $R4 --bind $BCD4)" "ok $BCD4 | $BCD4"

# --- fail-closed -------------------------------------------------------------
expect_eq "not fail-closed: v6 connect of a v4-only domain leaves from the host" \
	"$(tcp_try 1002 $R6)" "ok $H6 | $H6"
check "domain set cde.example fail-closed on" \
	ctl domain set cde.example fail-closed on
expect_eq "show -j has it" \
	"$(ctl -j show | jq -c '[.domains[] | .fail_closed]')" '[false,true]'
check "show prints it" sh -c "'$VADDRCTL' -n h show | grep -q 'fail-closed on'"
fc=0
expect_eq "fail-closed: tcp v6 connect of a v4-only domain fails at once" \
	"$(tcp_try 1002 $R6)" "connect: $EADDRNOTAVAIL | $H6"
fc=$((fc + 1))
expect_eq "fail-closed: tcp v6 non-blocking connect fails at once" \
	"$(tcp_try 1002 $R6 --nonblock)" "connect: $EADDRNOTAVAIL | $H6"
fc=$((fc + 1))
expect_eq "fail-closed: udp v6 connect fails" \
	"$(udp_try 1002 $R6 --connect)" "connect: $EADDRNOTAVAIL | $H6"
fc=$((fc + 1))
expect_eq "fail-closed: udp v6 sendto fails" \
	"$(udp_try 1002 $R6)" "send: $EADDRNOTAVAIL | $H6"
fc=$((fc + 1))
expect_eq "fail-closed: socket bound to the host address fails" \
	"$(tcp_try 1002 $R4 --bind $H4)" "connect: $EADDRNOTAVAIL | $H4"
fc=$((fc + 1))
expect_eq "fail-closed: udp v4 sendto without source rewriting fails" \
	"$(udp_try 1002 $R4)" "send: $EADDRNOTAVAIL | $H4"
fc=$((fc + 1))
expect_eq "fail-closed: its own address works" \
	"$(tcp_try 1002 $R4)" "ok $CDE4 | $CDE4"
expect_eq "fail-closed: bound to its own address works" \
	"$(udp_try 1002 $R4 --bind $CDE4)" "ok $CDE4 | $CDE4"
expect_eq "fail-closed: loopback works" \
	"$(attempt 1002 udp-send 127.0.0.1 9 --count 1)" "ok sent"

# Tunnels: the outer packet of the domain's traffic is the tunnel's (from
# the host address), not the domain's socket's: it passes.
for kind in ipip gre; do
	nsrun h ip link add t$kind type $kind local $H4 remote $R4
	nsrun r ip link add t$kind type $kind local $R4 remote $H4
	nsrun h ip link set t$kind up
	nsrun r ip link set t$kind up
	nsrun r ip addr add 192.0.2.2/32 dev t$kind
	nsrun h ip route add 192.0.2.2/32 dev t$kind
	nsrun r ip route add $CDE4/32 dev t$kind
	expect_eq "fail-closed: tcp through a $kind tunnel works" \
		"$(CTL_DST=$R4 tcp_try 1002 192.0.2.2)" "ok $CDE4 | $CDE4"
	expect_eq "fail-closed: connected udp through a $kind tunnel works" \
		"$(udp_try 1002 192.0.2.2 --connect)" "ok $CDE4 | $CDE4"
	nsrun h ip link del t$kind
	nsrun r ip link del t$kind
done
# IPsec tunnel mode: ESP from the host address carries the domain's packets.
KEY=0x0123456789abcdef0123456789abcdef01234567
for ns in h r; do
	check "xfrm states in $ns" sh -c "
		ip -n $ns xfrm state add src $H4 dst $R4 proto esp spi 0x100 \
			mode tunnel aead 'rfc4106(gcm(aes))' $KEY 128 &&
		ip -n $ns xfrm state add src $R4 dst $H4 proto esp spi 0x101 \
			mode tunnel aead 'rfc4106(gcm(aes))' $KEY 128"
done
check "xfrm policies" sh -c "
	ip -n h xfrm policy add src $CDE4/32 dst $R4B/32 dir out \
		tmpl src $H4 dst $R4 proto esp mode tunnel &&
	ip -n h xfrm policy add src $R4B/32 dst $CDE4/32 dir in \
		tmpl src $R4 dst $H4 proto esp mode tunnel &&
	ip -n r xfrm policy add src $R4B/32 dst $CDE4/32 dir out \
		tmpl src $R4 dst $H4 proto esp mode tunnel &&
	ip -n r xfrm policy add src $CDE4/32 dst $R4B/32 dir in \
		tmpl src $H4 dst $R4 proto esp mode tunnel"
expect_eq "fail-closed: tcp through an IPsec tunnel works" \
	"$(CTL_DST=$R4 tcp_try 1002 $R4B)" "ok $CDE4 | $CDE4"
expect_eq "  ... it went through ESP" \
	"$(ip -n h -s xfrm state get src $H4 dst $R4 proto esp spi 0x100 |
		awk '/lifetime current:/ { getline; print ($1 + 0 > 0) }')" 1
for ns in h r; do
	ip -n $ns xfrm policy flush
	ip -n $ns xfrm state flush
done
# IPv4 link-local destinations (a metadata service) are left alone, as
# IPv6's are.
nsrun r ip addr add 169.254.1.2/16 dev r0
nsrun h ip route add 169.254.0.0/16 dev h0
expect_eq "fail-closed: udp from the host address to 169.254/16 works" \
	"$(udp_try 1002 169.254.1.2 --bind $H4)" "ok $H4 | $H4"
expect_eq "fail-closed: tcp from the host address to 169.254/16 works" \
	"$(tcp_try 1002 169.254.1.2 --bind $H4)" "ok $H4 | $H4"
nsrun h ip route del 169.254.0.0/16 dev h0
nsrun r ip addr del 169.254.1.2/16 dev r0
if [ $mptcp = yes ]; then
	expect_eq "fail-closed: mptcp v6 connect of a v4-only domain fails" \
		"$(tcp_try 1002 $R6 --mptcp)" "connect: $EADDRNOTAVAIL | $H6"
	fc=$((fc + 1))
	expect_eq "fail-closed: mptcp from its own address works" \
		"$(tcp_try 1002 $R4 --mptcp)" "ok $CDE4 | $CDE4"
fi
# A server of the fail-closed domain answers on the host address: replies.
port=$((port + 1))
out=$(mktemp)
bg_start "$out" "$NSEXEC" -n h -u 1002 -- "$PEER" tcp-listen :: $port 1
res=$(ip netns exec r "$PEER" tcp-connect $H4 $port 2>&1)
wait
expect_eq "fail-closed: its server accepts on the host address and answers" \
	"$res $(grep -vx ready "$out")" "$R4 $R4"
rm -f "$out"
check "set nat on" ctl set nat on
expect_eq "fail-closed + nat: udp v4 sendto leaves rewritten" \
	"$(udp_try 1002 $R4)" "ok 0.0.0.0 | $CDE4"
expect_eq "fail-closed + nat: v6 still fails (no IPv6 address)" \
	"$(udp_try 1002 $R6)" "send: $EADDRNOTAVAIL | $H6"
fc=$((fc + 1))
nsrun h ip addr del $CDE4/32 dev h0
expect_eq "fail-closed: address not on the host: connect fails" \
	"$(tcp_try 1002 $R4)" "connect: $EADDRNOTAVAIL | $H4"
fc=$((fc + 1))
nsrun h ip addr add $CDE4/32 dev h0
expect_eq "fail-closed counter equals the refusals" \
	"$(counter cde.example fail_closed)" $fc
check "fail-closed refusals are logged" \
	sh -c "dmesg | grep -q 'vaddr: fail-closed: refused uid 1002 of cde.example'"
check "domain set cde.example fail-closed off" \
	ctl domain set cde.example fail-closed off
expect_eq "fail-closed off: leaves from the host again" \
	"$(tcp_try 1002 $R6)" "ok $H6 | $H6"

check "domain add with fail-closed on" \
	ctl domain add efg.example addr 203.0.113.9 fail-closed on
expect_eq "  ... shown" \
	"$(ctl -j domain show | jq -c '[.[] | select(.fail_closed) | .domain]')" \
	'["efg.example"]'
out=$(ctl domain set efg.example fail-closed maybe 2>&1); rc=$?
expect_eq "fail-closed maybe" "$rc $out" \
	"1 vaddrctl: 'fail-closed' expects 'on' or 'off', got 'maybe'"
out=$(ctl domain set nope.example fail-closed on 2>&1); rc=$?
expect_eq "domain set of an unknown domain" "$rc $out" "1 Error: unknown domain."
# --- bad requests: refused with a reason, nothing changes ------------------
before=$(ctl -j show)
cat >/tmp/iso-req <<'REQ'
DOMAIN_SET DOMAIN:str:bcd.example
DOMAIN_SET FAIL_CLOSED:hex:01
DOMAIN_SET DOMAIN:str:nope.example FAIL_CLOSED:hex:01
DOMAIN_SET DOMAIN:str:bcd.example FAIL_CLOSED:hex:02
DOMAIN_NEW DOMAIN:str:x.example ADDR4:in4:192.0.2.1 FAIL_CLOSED:hex:07
SETTINGS_SET ISOLATION:hex:02
SETTINGS_SET ISOLATION:hex:01 NAT:hex:05
ALLOW_ADD
ALLOW_ADD UID:u64:5
ALLOW_DEL UID:u32:4242
REQ
mapfile -t got < <(ip netns exec h python3 "$VADDR_ROOT/tests/tools/nlraw.py" - </tmp/iso-req)
expect_eq "domain set without an option" "${got[0]:-}" \
	"errno=EINVAL msg=missing option to change (fail-closed)"
expect_eq "domain set without a name" "${got[1]:-}" \
	"errno=EINVAL msg=missing domain name"
expect_eq "domain set of an unknown domain" "${got[2]:-}" \
	"errno=ENOENT msg=unknown domain"
expect_eq "fail-closed 2" "${got[3]:-}" "errno=ERANGE msg=integer out of range"
expect_eq "domain new with fail-closed 7" "${got[4]:-}" \
	"errno=ERANGE msg=integer out of range"
expect_eq "isolation 2" "${got[5]:-}" "errno=ERANGE msg=integer out of range"
expect_eq "isolation on with a bad nat: all or nothing" "${got[6]:-}" \
	"errno=ERANGE msg=integer out of range"
expect_eq "allow without a uid" "${got[7]:-}" "errno=EINVAL msg=missing uid"
expect_eq "allow with a u64 uid" "${got[8]:-}" \
	"errno=EINVAL msg=invalid attribute length"
expect_eq "disallow a uid not allowed" "${got[9]:-}" \
	"errno=ENOENT msg=uid is not allowed"
printf '%s\n' "SETTINGS_SET ISOLATION:hex:00" "ALLOW_ADD UID:u32:1003" \
	"DOMAIN_SET DOMAIN:str:efg.example FAIL_CLOSED:hex:00" "@dump ALLOW_GET" \
	>/tmp/iso-req
mapfile -t got < <(run_as 1003 h python3 "$VADDR_ROOT/tests/tools/nlraw.py" - </tmp/iso-req)
expect_eq "unprivileged: isolation, allow, fail-closed, allow list refused" \
	"${got[*]}" "errno=EPERM msg= errno=EPERM msg= errno=EPERM msg= errno=EPERM msg="
expect_eq "nothing changed" "$(ctl -j show)" "$before"

check "isolation on for the unload" ctl set isolation on

module_unload
kmsg_clean "no kernel warnings"
