#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 4's measure: what `vaddrctl set nat on` costs against `nat off`, and
# what the module costs against no module, as ratios of alternating runs.
#
#  ns h ("host")                              ns r ("remote")
#  +-----------------------------------+      +------------------------+
#  | h0 198.51.100.1/24  host address  | veth | r0 198.51.100.2/24     |
#  |    198.51.100.70/32 bcd.example   |------|    tcp-sink :7000      |
#  +-----------------------------------+      |    udp-sink :7001      |
#    uid 1001 -> bcd.example                  +------------------------+
#    workloads (uid 1001) on CPU 0, sinks on CPU 1
#
# Workloads, all by uid 1001 (see tests/bench/loop.c):
#  - tcp-connect: socket, connect, close (RST). Auto-bound at connect, so NAT
#    has nothing to rewrite: nat on measures the conntrack + NAT hooks alone.
#  - udp-send, one flow: sendto() on one unconnected socket. With nat on the
#    flow is rewritten once; then every datagram pays conntrack + NAT mangle.
#  - udp-send, new flow per datagram: a fresh socket per sendto(), so each
#    datagram is a new conntrack entry that vaddr's NAT hook looks up.
# One long-lived process per workload does all its runs (loop --stdin).
# Each run is sized to ~0.25 s (measured at the start), so the same script
# fits under KVM and TCG; BENCH_PAIRS (default 25) sets the pairs.
# QUICK=1 (make bench QUICK=1): 2 pairs of ~15 ms runs.
# The workload and state functions run through pairs' eval.
# shellcheck disable=SC2317
set -u
# shellcheck source-path=SCRIPTDIR source=lib-bench.sh
source "$(dirname "$0")/lib-bench.sh"

H4=198.51.100.1 R4=198.51.100.2 BCD4=198.51.100.70
P=${BENCH_PAIRS:-25}
RUN_MS=250
# Under -icount (make bench's default without KVM) identical runs land
# within 1% of each other, and runs cost minutes: few short ones do.
[ -z "${VM_ICOUNT:-}" ] || P=${BENCH_PAIRS:-3} RUN_MS=50
[ -z "${QUICK:-}" ] || P=${BENCH_PAIRS:-2} RUN_MS=15
CPU=0 SINK_CPU=1
[ "$(nproc)" -gt 1 ] || SINK_CPU=0

# The workloads, as `tcp N` etc.; their workers start once the sinks run.
start_workers() {
	worker tcp run_as 1001 h "$LOOP" tcp-connect "$R4" 7000 1 \
		--stdin --cpu "$CPU"
	worker udp run_as 1001 h "$LOOP" udp-send "$R4" 7001 1 \
		--stdin --cpu "$CPU"
	worker udp_flows run_as 1001 h "$LOOP" udp-send "$R4" 7001 1 \
		--flows 1 --stdin --cpu "$CPU"
}
tcp() { work tcp "$1"; }
udp() { work udp "$1"; }
udp_flows() { work udp_flows "$1"; }

# The states compared; each is a no-op when already there.
module_on() {
	[ -n "$_module_loaded" ] && return 0
	# shellcheck disable=SC2119 # no module parameters
	module_load
	ctl domain add bcd.example addr $BCD4 &&
		ctl user add 1001 domain bcd.example
}
module_off() {
	[ -z "$_module_loaded" ] || module_unload
}
nat() {
	ctl set nat "$1"
}

# expect_grows DESC COUNTER DELTA CMD...: a note saying whether CMD moved
# the counter by DELTA, so the figures show that the workload is what its
# title says (auto-bound, rewritten or not).
expect_grows() {
	local desc=$1 counter=$2 want=$3 before after
	shift 3
	before=$(counter bcd.example "$counter")
	"$@" >/dev/null
	after=$(counter bcd.example "$counter")
	if [ "$((after - before))" -eq "$want" ]; then
		bench_note "check: $desc ($counter +$want)"
	else
		bench_fail "check: $desc" "$counter grew by $((after - before)), want $want"
	fi
}

bench_header "nat: cost of 'vaddrctl set nat on' (issue 4), tests/bench/nat.sh"

topo_host_remote $H4/24 $BCD4/32 -- $R4/24
bg_start /tmp/tcp-sink.out "$NSEXEC" -n r -- "$LOOP" tcp-sink :: 7000 --cpu $SINK_CPU
bg_start /tmp/udp-sink.out "$NSEXEC" -n r -- "$LOOP" udp-sink :: 7001 --cpu $SINK_CPU
start_workers

# vaddr needs nf_nat, which insmod does not load. Conntrack keeps every flow
# of the new-flow loops (30 s for UDP): room for all, and short UDP timeouts
# so that the table stays small and B runs late in the series are not slowed
# by a fuller table than early ones.
modprobe nf_nat
sysctl -qw net.netfilter.nf_conntrack_max=262144
"$NSEXEC" -n h -- sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2 \
	net.netfilter.nf_conntrack_udp_timeout_stream=2

module_on
has_nat=
nat off >&2 && has_nat=1

# Size each run, with the module loaded and nat on when there is nat (the
# slower side), and say what a run is.
[ -n "$has_nat" ] && nat on >&2
N_TCP=$(calibrate $RUN_MS 200 tcp)
N_UDP=$(calibrate $RUN_MS 2000 udp)
N_FLOWS=$(calibrate $RUN_MS 500 udp_flows)
bench_note "runs of ~${RUN_MS} ms: tcp-connect N=$N_TCP, udp-send N=$N_UDP," \
	"udp-send new flows N=$N_FLOWS; $P pairs each"

expect_grows "tcp-connect loop of uid 1001 is auto-bound" bound4 10 tcp 10
if [ -n "$has_nat" ]; then
	expect_grows "tcp-connect loop is not rewritten (nat on)" nat4 0 tcp 10
	expect_grows "udp-send loop is rewritten with nat on" nat4 1 udp 10
	nat off
	expect_grows "udp-send loop is not rewritten with nat off" nat4 0 udp 10
fi

if [ -n "$has_nat" ]; then
	pairs "$P" "tcp-connect v4 mapped: nat-on/nat-off" \
		"nat off; tcp $N_TCP" "nat on; tcp $N_TCP"
	pairs "$P" "udp-send v4 mapped, 1 flow: nat-on/nat-off" \
		"nat off; udp $N_UDP" "nat on; udp $N_UDP"
	pairs "$P" "udp-send v4 mapped, new flows: nat-on/nat-off" \
		"nat off; udp_flows $N_FLOWS" "nat on; udp_flows $N_FLOWS"
	pairs "$P" "tcp-connect v4 mapped: nat-off/no-module" \
		"module_off; tcp $N_TCP" "module_on; nat off; tcp $N_TCP"
	pairs "$P" "tcp-connect v4 mapped: nat-on/no-module" \
		"module_off; tcp $N_TCP" "module_on; tcp $N_TCP"
else
	bench_note "'vaddrctl set nat' fails with this build: nat on/off not measured"
	pairs "$P" "tcp-connect v4 mapped: module/no-module" \
		"module_off; tcp $N_TCP" "module_on; tcp $N_TCP"
fi
# Identical sides: how far apart two series of the same thing land here.
pairs "$P" "tcp-connect v4 no module: same/same (noise)" \
	"module_off; tcp $N_TCP" "tcp $N_TCP"
bench_end
