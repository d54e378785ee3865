#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Auto-bind at connect: what the remote peer accepted, for every kind of
# connect a mapped process makes, and every case vaddr must leave alone.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.70/32  bcd.example    |------|    2001:db8::2/64     |
#  |    198.51.100.80/32  cde.example    |      |                       |
#  |    2001:db8::1/64    host address   |      | r1 203.0.113.2/24     |
#  |    2001:db8::70/128  bcd.example    |      +-----------+-----------+
#  +-------------------------------------+                  | veth
#  ns o (another host, empty table):   o0 203.0.113.1/24 ---+
#                                          203.0.113.70/32
#
#  uid 1001 -> bcd.example (v4 + v6)   uid 1002 -> cde.example (v4 only)
#  uid 1003 unmapped                   cgroup /vaddr-t/bcd -> bcd.example
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70 CDE4=198.51.100.80
O4=203.0.113.1 OR4=203.0.113.2 OBCD4=203.0.113.70
CG=/sys/fs/cgroup/vaddr-t

setup() {
	topo_host_remote $H4/24 $BCD4/32 $CDE4/32 $H6/64 -- $R4/24 $R6/64 ||
		return 1
	# Deprecated, so the kernel never picks it on its own: binding still works.
	addr_add h h0 $BCD6/128 preferred_lft 0
	netns_add o
	veth_pair o o0 r r1
	addr_add r r1 $OR4/24
	addr_add o o0 $O4/24
	addr_add o o0 $OBCD4/32
	mkdir -p $CG/bcd/child $CG/plain
}

cleanup_cgroups() {
	rmdir $CG/bcd/child $CG/bcd $CG/plain $CG 2>/dev/null
	return 0
}

# ping_seen UID DST [peer options]: an ICMP datagram socket echo; prints the
# local address, "reply", and the source of the request the remote saw.
ping_seen() {
	local uid=$1 dst=$2 fam=4 out res lpid
	shift 2
	[[ $dst == *:* ]] && fam=6
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" icmp-watch $fam 1 5
	lpid=$!
	res=$(run_as "$uid" h "$PEER" ping "$dst" "$@" | xargs)
	wait $lpid
	echo "${res:-ping-failed} $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out"
}

setup
trap 'cleanup_cgroups; cleanup' EXIT
module_load

# Auto-bind alone: source rewriting would cover what it leaves alone.
ctl set nat off
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl user add 1002 domain cde.example

# --- TCP ---------------------------------------------------------------
expect_eq "tcp v4, mapped uid" "$(tcp_seen h 1001 $R4)" "$BCD4 $BCD4"
expect_eq "tcp v4, unmapped uid" "$(tcp_seen h 1003 $R4)" "$H4 $H4"
expect_eq "tcp v4, root (unmapped)" "$(tcp_seen h 0 $R4)" "$H4 $H4"
expect_eq "tcp v6, mapped uid" "$(tcp_seen h 1001 $R6)" "$BCD6 $BCD6"
expect_eq "tcp v6, unmapped uid" "$(tcp_seen h 1003 $R6)" "$H6 $H6"
expect_eq "tcp v4-mapped on a dual-stack socket" \
	"$(tcp_seen h 1001 $R4 --v6)" "$BCD4 $BCD4"
expect_eq "tcp v4, non-blocking connect" \
	"$(tcp_seen h 1001 $R4 --nonblock)" "$BCD4 $BCD4"
expect_eq "tcp v6, non-blocking connect" \
	"$(tcp_seen h 1001 $R6 --nonblock)" "$BCD6 $BCD6"
expect_eq "tcp v4, TCP Fast Open sendto" \
	"$(tcp_seen h 1001 $R4 --tfo)" "$BCD4 $BCD4"
expect_eq "tcp v6, TCP Fast Open sendto" \
	"$(tcp_seen h 1001 $R6 --tfo)" "$BCD6 $BCD6"

# --- UDP and ICMP datagram sockets -------------------------------------
expect_eq "udp v4 connect" "$(udp_seen h 1001 $R4 --connect)" \
	"$BCD4 reply $BCD4"
expect_eq "udp v6 connect" "$(udp_seen h 1001 $R6 --connect)" \
	"$BCD6 reply $BCD6"
expect_eq "udp v4-mapped connect on a dual-stack socket" \
	"$(udp_seen h 1001 $R4 --connect --v6)" "$BCD4 reply $BCD4"
expect_eq "udp v4 connect, unmapped uid" \
	"$(udp_seen h 1003 $R4 --connect)" "$H4 reply $H4"
expect_eq "ping socket v4 connect" "$(ping_seen 1001 $R4 --connect)" \
	"$BCD4 reply $BCD4"
expect_eq "ping socket v6 connect" "$(ping_seen 1001 $R6 --connect)" \
	"$BCD6 reply $BCD6"

# --- Left alone ----------------------------------------------------------
expect_eq "explicit bind to the host address is respected" \
	"$(tcp_seen h 1001 $R4 --bind $H4)" "$H4 $H4"
expect_eq "socket bound to 0.0.0.0:P is not auto-bound" \
	"$(tcp_seen h 1001 $R4 --bind 0.0.0.0 --bind-port 4999)" "$H4 $H4"
bg_start /tmp/lo.out \
	ip netns exec h timeout 10 "$PEER" tcp-listen 127.0.0.1 6000 1
expect_eq "loopback destination untouched" \
	"$(run_as 1001 h "$PEER" tcp-connect 127.0.0.1 6000)" "127.0.0.1"
wait
expect_eq "IPv4-only domain, IPv6 connect leaves from the host" \
	"$(tcp_seen h 1002 $R6)" "$H6 $H6"
expect_eq "  ... counted as no address" "$(counter cde.example skip_no_addr)" 1
expect_eq "  ... and the IPv4 connect of that domain is bound" \
	"$(tcp_seen h 1002 $R4)" "$CDE4 $CDE4"

nsrun h ip addr del $BCD4/32 dev h0
expect_eq "address removed from the host: connect still works, from host" \
	"$(tcp_seen h 1001 $R4)" "$H4 $H4"
expect_eq "  ... counted as address gone" \
	"$(counter bcd.example skip_addr_gone)" 1
nsrun h ip addr add $BCD4/32 dev h0
expect_eq "address back: bound again" "$(tcp_seen h 1001 $R4)" "$BCD4 $BCD4"

# A domain's address that the host serves by a local route (AnyIP) rather
# than on an interface: bound while the route is there, not once it is
# deleted, though the connects before had the lookup remembered (a change
# to the routes drops that). A UDP socket without SO_BROADCAST is bound
# like one with it.
ANY4=192.0.2.99
ctl domain add any.example addr $ANY4
ctl user add 1005 domain any.example
nsrun h ip route add local 192.0.2.0/24 dev lo
nsrun r ip route add 192.0.2.0/24 via $H4
expect_eq "address of a local route: tcp bound" \
	"$(tcp_seen h 1005 $R4)" "$ANY4 $ANY4"
expect_eq "  ... udp bound" "$(udp_seen h 1005 $R4 --connect)" \
	"$ANY4 reply $ANY4"
expect_eq "  ... udp without SO_BROADCAST bound" \
	"$(udp_seen h 1005 $R4 --connect --no-broadcast)" "$ANY4 reply $ANY4"
nsrun h ip route del local 192.0.2.0/24 dev lo
expect_eq "local route deleted: udp from the host" \
	"$(udp_seen h 1005 $R4 --connect --no-broadcast)" "$H4 reply $H4"
expect_eq "  ... tcp from the host" "$(tcp_seen h 1005 $R4)" "$H4 $H4"
expect_eq "  ... both counted as address gone" \
	"$(counter any.example skip_addr_gone)" 2
nsrun h ip route add local 192.0.2.0/24 dev lo
expect_eq "local route back: bound again" \
	"$(udp_seen h 1005 $R4 --connect --no-broadcast)" "$ANY4 reply $ANY4"
nsrun r ip route del 192.0.2.0/24 via $H4
nsrun h ip route del local 192.0.2.0/24 dev lo
ctl domain del any.example

# --- a failed connect leaves the socket as it found it ---------------------
# retry_seen tcp-connect|udp-send DST NOROUTE [opts]: uid 1001's socket first
# connects to NOROUTE and fails; its mapping is then removed and the same
# socket connects to DST. Prints the local address and what the remote saw:
# the host's, unless the failed connect left the domain's address behind.
retry_seen() {
	local cmd=$1 dst=$2 bad=$3 out res fifo server=tcp-listen
	shift 3
	[ "$cmd" = udp-send ] && server=udp-echo
	out=$(mktemp)
	res=$(mktemp)
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	bg_start "$out" ip netns exec r timeout 10 "$PEER" $server :: 5900 1
	run_as 1001 h "$PEER" "$cmd" "$dst" 5900 --fail-first "$bad" --wait \
		"$@" <"$fifo" >"$res" &
	exec 3>"$fifo"
	wait_for "uid 1001's first connect failed" 10 grep -qx failed "$res"
	ctl user del 1001
	echo go >&3
	exec 3>&-
	wait
	ctl user add 1001 domain bcd.example
	echo "$(grep -vx failed "$res" | head -n 1) $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out" "$res" "$fifo"
}
expect_eq "tcp v4: failed connect takes the address back" \
	"$(retry_seen tcp-connect $R4 192.0.2.99)" "$H4 $H4"
expect_eq "tcp v6: failed connect takes the address back" \
	"$(retry_seen tcp-connect $R6 2001:db8:ffff::99)" "$H6 $H6"
expect_eq "udp v4: failed connect takes the address back" \
	"$(retry_seen udp-send $R4 192.0.2.99 --connect)" "$H4 $H4"
expect_eq "udp v6: failed connect takes the address back" \
	"$(retry_seen udp-send $R6 2001:db8:ffff::99 --connect)" "$H6 $H6"

# --- cgroups -------------------------------------------------------------
ctl cgroup add $CG/bcd domain bcd.example
# in_cgroup DIR UID DST: tcp_seen from a process started in cgroup DIR.
in_cgroup() {
	local dir=$1 uid=$2 dst=$3 out src lpid
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" tcp-listen :: $port 1
	lpid=$!
	src=$("$NSEXEC" -c "$dir" -n h -u "$uid" -- \
		"$PEER" tcp-connect "$dst" $port) || src=connect-failed
	wait $lpid
	echo "$src $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out"
}
expect_eq "cgroup: unmapped uid in a mapped cgroup" \
	"$(in_cgroup $CG/bcd 1003 $R4)" "$BCD4 $BCD4"
expect_eq "cgroup: child of a mapped cgroup" \
	"$(in_cgroup $CG/bcd/child 1003 $R6)" "$BCD6 $BCD6"
expect_eq "cgroup beats uid (uid of cde.example in bcd's cgroup)" \
	"$(in_cgroup $CG/bcd 1002 $R4)" "$BCD4 $BCD4"
expect_eq "uid still applies outside mapped cgroups" \
	"$(in_cgroup $CG/plain 1002 $R4)" "$CDE4 $CDE4"
ctl cgroup del $CG/bcd
expect_eq "cgroup mapping removed: back to the uid's domain" \
	"$(in_cgroup $CG/bcd 1002 $R4)" "$CDE4 $CDE4"

# --- namespaces, changes ------------------------------------------------
expect_eq "a mapping in one namespace does not touch another" \
	"$(tcp_seen o 1001 $OR4)" "$O4 $O4"
ctl user del 1001
expect_eq "mapping removed: next connect from the host address" \
	"$(tcp_seen h 1001 $R4)" "$H4 $H4"
ctl user add 1001 domain bcd.example
expect_eq "mapping added again: next connect bound" \
	"$(tcp_seen h 1001 $R4)" "$BCD4 $BCD4"

# --- a static client ----------------------------------------------------
port=$((port + 1))
bg_start /tmp/bb.out ip netns exec r timeout 10 "$PEER" tcp-listen :: $port 1
echo hi | run_as 1001 h busybox nc -w 2 $R4 $port >/dev/null
wait
expect_eq "static busybox nc behaves like a glibc client" \
	"$(grep -vx ready /tmp/bb.out)" "$BCD4"

# --- counters equal connects --------------------------------------------
ctl domain del bcd.example
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl user add 1001 domain bcd.example
for i in 1 2 3; do tcp_seen h 1001 $R4 >/dev/null; done
for i in 1 2; do tcp_seen h 1001 $R6 >/dev/null; done
udp_seen h 1001 $R4 --connect >/dev/null
tcp_seen h 1001 $R4 --bind $H4 >/dev/null
expect_eq "bound4 counter equals the v4 connects" \
	"$(counter bcd.example bound4)" 4
expect_eq "bound6 counter equals the v6 connects" \
	"$(counter bcd.example bound6)" 2
expect_eq "skip_bound counter equals the bound connect" \
	"$(counter bcd.example skip_bound)" 1

# --- unload under load --------------------------------------------------
# The listener outlives the 200 connects, which take more than a minute
# on a loaded host or a debug kernel; it is stopped when they are done.
bg_start /tmp/loop.out ip netns exec r timeout 600 "$PEER" tcp-listen :: 7000 0
listener=$!
run_as 1001 h bash -c 'n=0; while [ $n -lt 200 ]; do
	"$0" tcp-connect '$R4' 7000 >/dev/null || exit 1; n=$((n + 1)); done' \
	"$PEER" &
loop=$!
# Unload once some connects went through bound.
wait_for "some connects went through before the unload" 60 \
	lines_over /tmp/loop.out 10
module_unload
check "connect loop goes on through module unload" wait $loop
kill "$listener" 2>/dev/null
check "remote accepted both bound and host-address connects" \
	sh -c "grep -qx $BCD4 /tmp/loop.out && grep -qx $H4 /tmp/loop.out"
