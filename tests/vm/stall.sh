#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Connects held inside the kernel do not starve the connect probes. A
# tenant stalls many TCP Fast Open connects in the copy of their SYN's
# data from user memory (a userfaultfd page it never fills), which the
# kernel does inside tcp_v4_connect()/tcp_v6_connect(). A hook holding a
# per-call instance for the whole connect (a kretprobe, 16 + 4 per CPU
# of them) runs out; vaddr's entry-only probes must not: meanwhile every
# connect of the mapped user still leaves from its domain's address, as
# the remote sees it, with source rewriting off so that nothing else
# could bind it.
#
#  ns h: h0 198.51.100.1/24, 198.51.100.70/32 (bcd.example),
#        2001:db8::1/64, 2001:db8::70/128 (bcd.example)
#  ns r: r0 198.51.100.2/24, 2001:db8::2/64
#  uid 1001 -> bcd.example
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
BCD4=198.51.100.70 BCD6=2001:db8::70
STALL=$VADDR_ROOT/tests/tools/tfostall
N=48		# stalled connects per family: twice the old kretprobes' 24
PORT=7100	# the stalled connects' listener; tcp_seen takes 5001 on

uffd_was=$(sysctl -n vm.unprivileged_userfaultfd)
finish() {
	sysctl -qw vm.unprivileged_userfaultfd="$uffd_was"
	cleanup
}
trap finish EXIT

topo_host_remote $H4/24 $BCD4/32 $H6/64 $BCD6/128 -- $R4/24 $R6/64
# Fast Open without a cookie: the SYN carries the data at once.
ip netns exec h sysctl -qw net.ipv4.tcp_fastopen=5
sysctl -qw vm.unprivileged_userfaultfd=1
module_load
ctl set nat off
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl user add 1001 domain bcd.example

bg_start /tmp/stall-remote.out \
	ip netns exec r timeout 300 "$PEER" tcp-listen :: $PORT 0

# The stalled connects, one process per family, each let go by a line on
# its fifo.
for fam in 4 6; do
	mkfifo /tmp/stall$fam.in
	dst=R$fam
	run_as 1001 h "$STALL" "${!dst}" $PORT $N \
		</tmp/stall$fam.in >/tmp/stall$fam.out &
	eval "exec {go$fam}>/tmp/stall$fam.in"
done
stalled=1
for fam in 4 6; do
	wait_for "$N v$fam Fast Open connects wait inside the kernel" 120 \
		grep -qx "stalled $N" /tmp/stall$fam.out || stalled=
done
[ -n "$stalled" ] && ok "$((2 * N)) Fast Open connects of uid 1001 wait inside the kernel"

# Meanwhile: other connects of the same tenant, and of an unmapped user.
bad=0
for i in $(seq 8); do
	for dst in $R4 $R6; do
		case $dst in
		*:*) want="$BCD6 $BCD6" ;;
		*) want="$BCD4 $BCD4" ;;
		esac
		got=$(tcp_seen h 1001 $dst)
		[ "$got" = "$want" ] && continue
		bad=$((bad + 1))
		diag "connect $i to $dst: remote saw '$got', wanted '$want'"
	done
done
expect_eq "meanwhile 16 connects of uid 1001: the remote saw bcd.example's address (wrong ones)" \
	$bad 0
# The one-shot listener may close before the data went: the remote's view.
expect_eq "meanwhile a TCP Fast Open connect of uid 1001" \
	"$(tcp_seen h 1001 $R4 --tfo | awk '{ print $NF }')" "$BCD4"
expect_eq "meanwhile a UDP connect of uid 1001" \
	"$(udp_seen h 1001 $R6 --connect)" "$BCD6 reply $BCD6"
expect_eq "meanwhile an unmapped user connects from the host address" \
	"$(tcp_seen h 1003 $R4)" "$H4 $H4"
expect_eq "the connect probes missed no connect" \
	"$(ctl -j show | jq -r .module.missed_connects)" 0

# Let the stalled connects go: each left from bcd.example's address.
for fam in 4 6; do
	eval "echo go >&\$go$fam; exec {go$fam}>&-"
done
wait_for "the stalled connects finish" 120 \
	sh -c "! pgrep -x tfostall >/dev/null"
# A connect the one-shot remote reset before getsockname() shows no
# address any more; none may show the host's.
for fam in 4 6; do
	addr=H$fam
	expect_eq "none of the $N stalled v$fam connects had the host's address" \
		"$(grep -cx "${!addr}" /tmp/stall$fam.out)" 0
done
wait_for "the remote accepted all $((2 * N)) stalled connects" 60 \
	sh -c "[ \$(grep -cv ready /tmp/stall-remote.out) -ge $((2 * N)) ]"
expect_eq "the remote saw every stalled connect from bcd.example's address" \
	"$(grep -vx ready /tmp/stall-remote.out | sort | uniq -c | xargs)" \
	"$N $BCD4 $N $BCD6"
