#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unload under traffic: the module is loaded, configured (isolation on, a
# fail-closed domain, NAT on) and unloaded again, round after round, while
# a mapped unprivileged user keeps starting new UDP flows and TCP
# connections, v4 and v6. Each round also creates and deletes a namespace
# with its own hooks. The hooks must be gone a grace period before the
# namespace's vaddr is freed: the kernel log stays clean (KASAN, under
# make check-debug). While the module is loaded and configured, the remote
# sees the fail-closed domain's addresses only, never the host's.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +-----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24    |
#  |    198.51.100.70/32  bcd.example    |------|    2001:db8::2/64     |
#  |    2001:db8::1/64    host address   |      +-----------------------+
#  |    2001:db8::70/128  bcd.example    |
#  +-------------------------------------+
#
#  uid 1001 -> bcd.example (fail-closed), while the module is loaded
#
# Env: UNLOAD_ROUNDS (default 10), UNLOAD_SECS: how long each round stays
# loaded and configured (default 3).
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70
ROUNDS=${UNLOAD_ROUNDS:-10} SECS=${UNLOAD_SECS:-3}

topo_host_remote $H4/24 $BCD4/32 $H6/64 -- $R4/24 $R6/64
addr_add h h0 $BCD6/128 preferred_lft 0

# stamp: each line of stdin after the time it was read (microseconds).
stamp() {
	local l
	while read -r l; do
		echo "${EPOCHREALTIME/./} $l"
	done
}

# The remote: a UDP echo server and a TCP listener, each printing the
# source of everything that reached it, stamped.
udp_out=$(mktemp) tcp_out=$(mktemp) windows=$(mktemp)
"$NSEXEC" -n r -- "$PEER" udp-echo :: 7100 0 > >(stamp >"$udp_out") &
sinks=$!
"$NSEXEC" -n r -- "$PEER" tcp-listen :: 7101 0 > >(stamp >"$tcp_out") &
sinks+=" $!"
wait_for "udp sink ready" 20 grep -q ' ready$' "$udp_out" || exit 1
wait_for "tcp sink ready" 20 grep -q ' ready$' "$tcp_out" || exit 1

# The clients: new flows, one socket each, for as long as the test runs
# (nsexec execs the loop: $! is the loop's shell).
echo "# [h uid 1001] udp and tcp client loops" >&2
"$NSEXEC" -n h -u 1001 -- bash -c 'while :; do
	"$0" udp-send '$R4' 7100 --count 1
	"$0" udp-send '$R6' 7100 --count 1
	done' "$PEER" >/dev/null 2>&1 &
clients=$!
"$NSEXEC" -n h -u 1001 -- bash -c 'while :; do
	timeout 5 "$0" tcp-connect '$R4' 7101
	timeout 5 "$0" tcp-connect '$R6' 7101
	done' "$PEER" >/dev/null 2>&1 &
clients+=" $!"

kmsg_mark
failed=
for i in $(seq "$ROUNDS"); do
	module_load
	{
		ctl domain add bcd.example addr $BCD4 addr $BCD6 \
			fail-closed on &&
		ctl user add 1001 domain bcd.example &&
		ctl set isolation on &&
		ctl set nat on
	} >&2 || failed+=" config($i)"
	# A namespace of its own hooks, gone while the module is loaded.
	ip netns add unload-x &&
		{
			CTL_NS=unload-x ctl domain add x.example \
				addr 203.0.113.1 fail-closed on &&
			CTL_NS=unload-x ctl user add 1001 domain x.example &&
			CTL_NS=unload-x ctl set isolation on
		} >&2 || failed+=" netns($i)"
	ip netns del unload-x
	# Sources the remote sees from 0.5 s after the configuration (what
	# left before it may be read late) until the unload starts are the
	# domain's.
	from=$((${EPOCHREALTIME/./} + 500000))
	sleep "$SECS"
	echo "$from ${EPOCHREALTIME/./}" >>"$windows"
	rmmod vaddr || failed+=" rmmod($i)"
	_module_loaded=
done
expect_eq "$ROUNDS rounds of load, configure, unload under traffic" \
	"${failed:-none}" none

# Stop the clients first, then the sinks (their stamp loops end with them).
# shellcheck disable=SC2086 # one pid per word
kill $clients 2>/dev/null
sleep 1
# shellcheck disable=SC2086
kill $sinks 2>/dev/null
wait 2>/dev/null

# judge FILE: "N M BAD...": N sources seen while loaded, M of them the
# domain's, and the others.
judge() {
	awk -v d4=$BCD4 -v d6=$BCD6 '
		NR == FNR { from[NR] = $1; to[NR] = $2; n = NR; next }
		$2 == "ready" { next }
		{
			for (i = 1; i <= n; i++)
				if ($1 >= from[i] && $1 <= to[i])
					break
			if (i > n)
				next
			seen++
			if ($2 == d4 || $2 == d6)
				own++
			else
				bad = bad " " $2
		}
		END { printf "%d %d%s\n", seen, own, bad }' "$windows" "$1"
}
udp=$(judge "$udp_out")
tcp=$(judge "$tcp_out")
diag "udp while loaded (seen, the domain's, others): $udp"
diag "tcp while loaded (seen, the domain's, others): $tcp"
read -r udp_n _ udp_bad <<<"$udp"
read -r tcp_n _ tcp_bad <<<"$tcp"
check "udp flows reached the remote while loaded" test "$udp_n" -gt 0
check "tcp connections reached the remote while loaded" test "$tcp_n" -gt 0
expect_eq "while loaded the remote saw udp from the domain only" \
	"${udp_bad:-}" ""
expect_eq "while loaded the remote saw tcp from the domain only" \
	"${tcp_bad:-}" ""
check "the domain's v4 and v6 addresses both reached it" \
	sh -c "grep -q ' $BCD4\$' '$udp_out' && grep -q ' $BCD6\$' '$udp_out'"
kmsg_clean "the kernel log stays clean (no oops, no KASAN report)"
rm -f "$udp_out" "$tcp_out" "$windows"
