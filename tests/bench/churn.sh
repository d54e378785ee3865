#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 9's port churn: a long connect/close loop from one domain, with the
# connections left in TIME_WAIT on the client, until the ephemeral port
# range has been used many times over. Counts the connects that failed and
# those slower than 200 ms, for vaddr's auto-bind and for nftables SNAT,
# against the same loop from the host address with neither.
#
#  ns h ("host")                              ns r ("remote")
#  +-----------------------------------+      +-----------------------------+
#  | h0 198.51.100.1/24  host address  | veth | r0 198.51.100.2/24          |
#  |    198.51.100.70/32 bcd.example   |------|    .96-.223/32 destinations |
#  |    198.51.100.71/32 (reference)   |      |                             |
#  +-----------------------------------+      |    tcp-sink :7000 --eof     |
#    ip_local_port_range 40000-40999          +-----------------------------+
#
# Each case is one uid running `loop tcp-churn` (tests/bench/loop.c): N
# connects, round robin over K destination addresses of its own (a /27 per
# case, so that no case meets another's TIME_WAITs or conntrack entries),
# each closed by the client first (the sink reads to EOF), so each leaves a
# TIME_WAIT on h for 60 s:
#  - none:       uid 1003, unmapped: the kernel picks host address and port.
#  - auto-bind:  uid 1001 mapped to bcd.example (nat on, the default):
#                vaddr sets the address at connect, the kernel picks the
#                port as for IP_BIND_ADDRESS_NO_PORT.
#  - SNAT:       uid 1002, unmapped, `meta skuid 1002 snat ip to` the
#                domain's address: the socket has the host address, NAT
#                maps it (and the port, when the tuple is taken).
#  - bind(addr, 0): uid 1003 binding an address of its own with port 0,
#                no IP_BIND_ADDRESS_NO_PORT: a port per socket, not per
#                connection, so it must fail once the range is used up;
#                the reference that shows the range does bite.
#
# Why a range of 500 ports: N connects within the 60 s of TIME_WAIT (each
# case must take less, or the first ones expire), N/K per destination,
# must use the range many times over (N = 6000: 12 times) and fill most of
# it per destination (N/K = 400 of 500: the kernel's search runs through
# the even ports, then into the odd ones), in the 15 to 30 s an emulated
# guest on a busy host takes for N; with the default 28232 ports that
# would need ~300k connects. K destinations, since one source address can
# only reach one destination address and port 500 times per 60 s,
# whatever picks the source.
# A connect counts as slow over 200 ms: a lost SYN waits 1 s. The figures
# also give the SYN retransmits and the slow connects of the case without
# vaddr or NAT. Where the guest's clock is its own, under KVM or under TCG
# with -icount (make bench's default: time counts the guest's
# instructions), the target is zero slow and zero failed connects. Under
# plain TCG (VM_ICOUNT=) a busy host can stall the guest for 200 ms too,
# so there it is judged on failures and retransmits only, and says so.
# QUICK=1: auto-bind and SNAT only, in the same proportions, smaller:
# 300 ports, N = 1000 over 4 destinations (250 each).
# tcp_max_tw_buckets (4096 in a 1 GB guest) is raised in h, or the kernel
# would stop making TIME_WAITs (and the range would never fill).
set -u
# shellcheck source-path=SCRIPTDIR source=lib-bench.sh
source "$(dirname "$0")/lib-bench.sh"

H4=198.51.100.1 R4=198.51.100.2 BCD4=198.51.100.70 REF4=198.51.100.71
if [ -n "${QUICK:-}" ]; then
	PORTS="40000 40299" N=1000 K=4
else
	PORTS="40000 40499" N=6000 K=15
fi
CPU=0 SINK_CPU=1
[ "$(nproc)" -gt 1 ] || SINK_CPU=0

# synretrans: SYNs h has sent again (a connect that waited 1 s or more).
synretrans() {
	ip netns exec h nstat -asz TcpExtTCPSynRetrans |
		awk '$1 == "TcpExtTCPSynRetrans" { print $2 }'
}

# churn TITLE UID BLOCK [LOOP OPTIONS...]: one case, to the K addresses
# from 198.51.100.BLOCK; prints its figures line, sets FAILED and RETRANS.
churn() {
	local title=$1 uid=$2 block=$3 line tw start r0
	shift 3
	r0=$(synretrans)
	start=$SECONDS
	line=$(run_as "$uid" h "$LOOP" tcp-churn "198.51.100.$block" 7000 "$N" \
		--dsts "$K" --cpu "$CPU" "$@")
	diag "$title: $line, $((SECONDS - start)) s"
	tw=$(ip netns exec h ss -Htan state time-wait dst "198.51.100.$block/27" | wc -l)
	RETRANS=$(($(synretrans) - r0))
	FAILED=$(sed -n 's/.* failed=\([0-9]*\) .*/\1/p' <<<"$line")
	SLOW=$(sed -n 's/.* slow=\([0-9]*\) .*/\1/p' <<<"$line")
	if [ -z "$FAILED" ]; then
		bench_fail "$title" "the loop did not run (see the log)"
		FAILED=x
		return 1
	fi
	awk -v title="$title" -v w="$BENCH_WIDTH" -v line="${line% first_error=*}" \
		-v err="${line#* first_error=}" -v tw="$tw" -v rt="$RETRANS" 'BEGIN {
		split(line, f, /[ =]/)
		for (i = 1; i < length(f); i += 2)
			v[f[i]] = f[i + 1]
		printf "%-*s %d connects, %d in TIME_WAIT, %d failed, %d slow" \
			" (max %.0f ms), %d SYN retransmits, %.2f ms each", w, title,
			v["ops"], tw, v["failed"], v["slow"], v["max_ms"], rt,
			v["ns_per_op"] / 1e6
		if (v["failed"])
			printf " (%s)", err
		printf "\n"
	}'
}

# target TITLE: fail when the last case had a failed connect, one that had
# to send its SYN again, or, where the guest's clock is its own, a slow
# one; MISSED counts the cases that did.
JUDGE_SLOW=1
[ "${VM_ACCEL:-}" = tcg ] && JUDGE_SLOW=
MISSED=0
target() {
	if [ "$FAILED" != 0 ] || [ "$RETRANS" != 0 ] ||
		{ [ -n "$JUDGE_SLOW" ] && [ "${SLOW:-x}" != 0 ]; }; then
		bench_fail "$1" "$FAILED failed, ${SLOW:-?} slow, $RETRANS SYN retransmits (target: none)"
		MISSED=$((MISSED + 1))
	fi
}

bench_header "churn: connect/close into TIME_WAIT (issue 9), tests/bench/churn.sh"

topo_host_remote $H4/24 $BCD4/32 $REF4/32 -- $R4/24
for i in $(seq 96 223); do
	echo "addr add 198.51.100.$i/32 dev r0"
done | ip -n r -batch -
nsrun h sysctl -qw net.ipv4.ip_local_port_range="$PORTS" \
	net.ipv4.tcp_max_tw_buckets=262144 >&2
bg_start /tmp/churn-sink.out "$NSEXEC" -n r -- "$LOOP" tcp-sink :: 7000 \
	--eof --cpu $SINK_CPU
modprobe nf_nat
sysctl -qw net.netfilter.nf_conntrack_max=262144
# shellcheck disable=SC2119 # no module parameters
module_load
ctl domain add bcd.example addr $BCD4 && ctl user add 1001 domain bcd.example
nsrun h nft -f - <<EOF >&2
table ip churn {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		meta skuid 1002 counter snat ip to $BCD4
	}
}
EOF
diag "set up after ${SECONDS}s"
bench_note "$N connects per case, round robin over $K destinations" \
	"($((N / K)) each), ports $PORTS, TIME_WAIT 60 s, tcp_tw_reuse $(ip netns exec h \
	sysctl -n net.ipv4.tcp_tw_reuse); slow: connect() over 200 ms"

if [ -z "${QUICK:-}" ]; then
	churn "none (host address, kernel port)" 1003 96
	target "none"
fi
bound0=$(counter bcd.example bound4)
churn "auto-bind (vaddr, nat on)" 1001 128
target "auto-bind"
bound=$(($(counter bcd.example bound4) - bound0))
if [ "$bound" -eq "$N" ]; then
	bench_note "check: every auto-bind connect was bound by vaddr (bound4 +$N)"
else
	bench_fail "check: auto-bind" "bound4 grew by $bound, want $N"
fi
churn "SNAT (nft meta skuid snat)" 1002 160
target "SNAT"
snat=$(ip netns exec h nft -j list ruleset |
	jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty
	     | .packets] | add')
if [ "$snat" = "$N" ]; then
	bench_note "check: every SNAT connect went through the snat rule (counter +$N)"
else
	bench_fail "check: SNAT" "the snat rule counted $snat connections, want $N"
fi
if [ -z "${QUICK:-}" ]; then
	churn "reference: bind(addr, 0), fails by design" 1003 192 --bind $REF4
	if [ "$FAILED" = x ] || [ "$FAILED" -eq 0 ]; then
		bench_fail "reference" "bind() with port 0 never failed: the range did not bite"
	fi
fi
if [ -n "$JUDGE_SLOW" ]; then
	what="zero slow (over 200 ms, in guest time) or failed connects"
else
	what="zero failed connects and SYN retransmits (slow ones not judged: wall-clock time under plain TCG)"
fi
if [ "$MISSED" -eq 0 ]; then
	bench_note "target: $what: met"
else
	bench_note "target: $what: missed (see above)"
fi
diag "done after ${SECONDS}s"
bench_end
