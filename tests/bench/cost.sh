#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 9's measure: what vaddr costs a connect, against no module and
# against what administrators use today, for growing tables; and issue
# 20's eBPF peer.
#
#  ns h ("host")                              ns r ("remote")
#  +-----------------------------------+      +------------------------+
#  | h0 198.51.100.1/24  2001:db8::1   | veth | r0 198.51.100.2/24     |
#  |    198.51.100.70    2001:db8::70  |------|    2001:db8::2/64      |
#  |      (bcd.example, uid 1001)      |      |    tcp-sink :7000      |
#  |    198.51.100.80    2001:db8::80  |      |    udp-sink :7001      |
#  |      (the other domains' source)  |      |    peer :7002 (checks) |
#  +-----------------------------------+      +------------------------+
#    workloads on CPU 0, sinks on CPU 1
#
# Callers: "mapped" is uid 1001, in the table of every system measured;
# "unmapped" is uid 2001, in none. Workloads (tests/bench/loop.c), each one
# long-lived process per caller:
#   tcp4      socket, connect to 198.51.100.2, close (RST)
#   tcp6      the same to 2001:db8::2
#   tcp4in6   the same to 198.51.100.2 from an IPv6 socket (v4-mapped)
#   udp-conn  socket, connect (UDP), send 1 byte, close
#   udp-send  sendto() on one unconnected socket (no connect: vaddr's
#             auto-bind is not on its path; only NAT or routing is)
#   ping      socket, connect, send one echo request, close: an ICMP
#             datagram socket ("ping socket"), to 198.51.100.2
#
# Systems, each set up in ns h, compared with "none" (no module, no nft
# table, no extra rule) in pairs of runs (compare in lib-bench.sh: the
# states alternate A B B A ..., all eight workloads run in each state):
#   vaddr empty   the module loaded, empty table
#   vaddr N       N uid mappings: uid 1001 in bcd.example, N-1 others in
#                 domains of 100 uids each (uids 100000 up, IPv6 addresses
#                 of 2001:db8:1::/64), loaded with `vaddrctl load FILE`;
#                 `set nat off`: auto-bind alone, the module's own cost
#   vaddr+nat N   the same with `set nat on` (the default): conntrack and
#                 vaddr's NAT hooks too, what unconnected sends need to get
#                 the domain's address
#   nftables N    a `meta skuid` map of N uids (1001 and N-1 others) and
#                 snat, in one inet table's postrouting chain (two rules:
#                 ip and ip6); no module
#   bpf N         the eBPF peer (bpf-peer.bpf.c, loaded by bpf-peer.c):
#                 cgroup connect4/connect6 programs on the root cgroup
#                 that bpf_bind() a caller's socket to its uid's address,
#                 from a BPF hash map of N uids (1001 and N-1 others); no
#                 module. What a user could pick instead of vaddr's
#                 auto-bind; like it, no NAT for unconnected sends
#   ip-rule D     D domains, each an `ip rule uidrange` (and `ip -6 rule`)
#                 to its own table with a default route with `src`: uid
#                 1001's rule last (the others map 100 uids each), so
#                 both callers walk every rule; loaded with `ip -batch`
# vaddr's table is loaded anew at each switch to its state (the module is
# unloaded in "none"); see go for the others. The first time a system is
# set up, checks say what source the remote saw for each caller (tcp4,
# tcp6), so the figures show that the system does what its title says.
#
# QUICK=1 (make bench QUICK=1): fewer and shorter runs, four systems at
# one size each, no tcp6 and no tcp4in6. BENCH_PAIRS overrides the pairs,
# COST_SYSTEMS the systems, COST_WORKLOADS the workloads.
# The state functions run through compare's eval.
# shellcheck disable=SC2317
set -u
# shellcheck source-path=SCRIPTDIR source=lib-bench.sh
source "$(dirname "$0")/lib-bench.sh"

H4=198.51.100.1 R4=198.51.100.2 BCD4=198.51.100.70 FILL4=198.51.100.80
H6=2001:db8::1 R6=2001:db8::2 BCD6=2001:db8::70 FILL6=2001:db8::80
MAPPED=1001 UNMAPPED=2001
CPU=0 SINK_CPU=1
[ "$(nproc)" -gt 1 ] || SINK_CPU=0
# Under -icount (make bench's default without KVM) identical runs of 50 ms
# land within about 1% (10 ms ones within 10%; back-to-back runs of 700 ms
# within 0.1%), so a few pairs do for the alternatives, whose costs are
# 10% and more. The module's own rows, and the noise row they are judged
# by, answer a question of 2%: runs of 200 ms, and more pairs (P_VADDR),
# vaddr 1M too although each of its pairs loads 1M uids (36 s under TCG:
# compare switches once per pair). ip-rule 10k, 13 times slower than
# none, gets two. Runs cost little here: loading the tables takes most
# of the time.
WORKLOADS=(tcp4 tcp6 tcp4in6 udp-conn udp-send ping)
if [ -n "${QUICK:-}" ]; then
	P=${BENCH_PAIRS:-2} P_BIG=${BENCH_PAIRS:-2} P_VADDR=${BENCH_PAIRS:-2}
	RUN_MS=10
	WORKLOADS=(tcp4 udp-conn udp-send)
	SYSTEMS=("vaddr 10k" "bpf 10k" "nftables 1" "ip-rule 1k")
else
	P=${BENCH_PAIRS:-3} P_BIG=${BENCH_PAIRS:-2} P_VADDR=${BENCH_PAIRS:-7}
	RUN_MS=200
	SYSTEMS=("vaddr empty" "vaddr 1" "vaddr 10k" "vaddr 1M"
		"bpf 1" "bpf 10k" "bpf 1M"
		"vaddr+nat 1" "vaddr+nat 10k" "nftables 1" "nftables 10k"
		"ip-rule 1" "ip-rule 1k" "ip-rule 10k")
fi
[ -n "${VM_ICOUNT:-}" ] || RUN_MS=$((RUN_MS * 4))
# COST_SYSTEMS="vaddr 1,nftables 1" (make bench BENCH_PASS=COST_SYSTEMS):
# these systems only; COST_WORKLOADS="udp-send ping": these workloads only.
[ -z "${COST_SYSTEMS:-}" ] || IFS=, read -ra SYSTEMS <<<"$COST_SYSTEMS"
[ -z "${COST_WORKLOADS:-}" ] || read -ra WORKLOADS <<<"$COST_WORKLOADS"
LABELS=()
conf=$(mktemp -d)

# nsize K: the number a size stands for (1k = 1000, 1M = 1000000).
nsize() {
	case $1 in
	*k) echo $((${1%k} * 1000)) ;;
	*M) echo $((${1%M} * 1000000)) ;;
	*) echo "$1" ;;
	esac
}

# The table files, made once per size: vaddr.conf(5), nft, ip -batch.
vaddr_conf() {
	awk -v n="$(nsize "$1")" -v a4=$BCD4 -v a6=$BCD6 -v uid=$MAPPED 'BEGIN {
		printf "domain bcd.example\n\taddr %s\n\taddr %s\n\tuser %d\n",
			a4, a6, uid
		u = 100000
		for (i = 0; i < n - 1; i += 100) {
			last = i + 100 <= n - 1 ? u + 99 : u + n - 2 - i
			printf "domain d%d.example\n\taddr 2001:db8:1::%x\n",
				i / 100, i / 100 + 1
			printf "\tuser %d-%d\n", u, last
			u += 100
		}
	}' >"$conf/vaddr-$1.conf"
}

nft_conf() {
	awk -v n="$(nsize "$1")" -v uid=$MAPPED -v b4=$BCD4 -v b6=$BCD6 \
		-v f4=$FILL4 -v f6=$FILL6 '
	function map(name, type, mine, other,   i) {
		printf "\tmap %s {\n\t\ttype uid : %s\n", name, type
		printf "\t\telements = { %d : %s", uid, mine
		for (i = 1; i < n; i++)
			printf ",\n\t\t\t%d : %s", 100000 + i - 1, other
		printf " }\n\t}\n"
	}
	BEGIN {
		print "table inet bench {"
		map("src4", "ipv4_addr", b4, f4)
		map("src6", "ipv6_addr", b6, f6)
		print "}"
	}' >"$conf/nft-$1.nft"
}

# bpf-peer's table: UID ADDR4 ADDR6 lines.
bpf_conf() {
	awk -v n="$(nsize "$1")" -v uid=$MAPPED -v b4=$BCD4 -v b6=$BCD6 \
		-v f4=$FILL4 -v f6=$FILL6 'BEGIN {
		printf "%d %s %s\n", uid, b4, b6
		for (i = 1; i < n; i++)
			printf "%d %s %s\n", 100000 + i - 1, f4, f6
	}' >"$conf/bpf-$1.tab"
}

# The chain that makes the maps work: without it, they are in no path.
cat >"$conf/nft-chain.nft" <<'EOF'
table inet bench {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		meta nfproto ipv4 snat ip to meta skuid map @src4
		meta nfproto ipv6 snat ip6 to meta skuid map @src6
	}
}
EOF

# ip-rule D: rules at priorities 1000 up, table = priority; the mapped
# caller's the last. ip -batch takes no family per line: one file each.
rules_conf() {
	local fam gw mine other
	for fam in 4 6; do
		gw=$R4 mine=$BCD4 other=$FILL4
		[ $fam = 6 ] && gw=$R6 mine=$BCD6 other=$FILL6
		awk -v d="$(nsize "$1")" -v uid=$MAPPED \
			-v gw="$gw" -v mine="$mine" -v other="$other" \
			-v routes="$conf/routes-$1.add$fam" \
			-v unroute="$conf/routes-$1.del$fam" \
			-v add="$conf/rules-$1.add$fam" -v del="$conf/rules-$1.del$fam" '
		BEGIN {
			for (i = 0; i < d; i++) {
				t = 1000 + i
				if (i == d - 1) {
					r = uid "-" uid; src = mine
				} else {
					r = 100000 + 100 * i "-" 100000 + 100 * i + 99
					src = other
				}
				printf "route add default via %s dev h0 src %s table %d\n",
					gw, src, t >routes
				printf "route del default table %d\n", t >unroute
				printf "rule add uidrange %s table %d priority %d\n",
					r, t, t >add
				printf "rule del priority %d\n", t >del
			}
		}'
	done
}

# The workloads, as labels of WORKLOAD; sized in state none.
start_workers() {
	local who uid
	for who in mapped unmapped; do
		uid=$MAPPED
		[ $who = unmapped ] && uid=$UNMAPPED
		worker "tcp4 $who" run_as $uid h "$LOOP" tcp-connect $R4 7000 1 \
			--stdin --cpu $CPU
		worker "tcp6 $who" run_as $uid h "$LOOP" tcp-connect $R6 7000 1 \
			--stdin --cpu $CPU
		worker "tcp4in6 $who" run_as $uid h "$LOOP" tcp-connect $R4 7000 1 \
			--v6 --stdin --cpu $CPU
		worker "udp-conn $who" run_as $uid h "$LOOP" udp-connect $R4 7001 1 \
			--stdin --cpu $CPU
		worker "udp-send $who" run_as $uid h "$LOOP" udp-send $R4 7001 1 \
			--stdin --cpu $CPU
		worker "ping $who" run_as $uid h "$LOOP" ping-connect $R4 0 1 \
			--stdin --cpu $CPU
	done
}

size_workloads() {
	local label n0 n who wl
	for who in mapped unmapped; do
	for wl in "${WORKLOADS[@]}"; do
		label="$wl $who"
		n0=200
		case $label in udp-send*) n0=2000 ;; udp-conn* | ping*) n0=500 ;; esac
		n=$(calibrate $RUN_MS $n0 work "'$label'") || return 1
		WORKLOAD[$label]="work '$label' $n"
		LABELS+=("$label")
		SIZES+="$label N=$n, "
	done
	done
}

# The state of ns h: "none" or one of SYSTEMS; go STATE switches to it,
# taking the current one down first (a no-op when already there).
# What takes long to load and costs nothing while nothing refers to it is
# loaded once per size and left in place in "none": the nftables maps
# (loading 10k elements takes two minutes under TCG; "none" takes down the
# chain, so they are in no packet's path), and the ip rule tables' routes
# (only rules send a lookup to them). The rules, the chain and vaddr's
# module (with its table) come and go at every switch.
CUR=none NFT_MAPS='' ROUTES=''
take_down() {
	case $CUR in
	none) ;;
	vaddr*) module_unload ;;
	nftables*) ip netns exec h nft delete chain inet bench post ;;
	bpf*) kill "$BPF_PID" && wait "$BPF_PID" ;;
	ip-rule*)
		ip -n h -4 -batch "$conf/rules-${CUR#* }.del4" &&
			ip -n h -6 -batch "$conf/rules-${CUR#* }.del6"
		;;
	esac || return 1
	CUR=none
}

# preload SYSTEM: what SYSTEM keeps in place in "none", for its size;
# unload: none of it (in state none).
preload() {
	local sz=${1#* }
	case $1 in
	nftables*)
		[ "$NFT_MAPS" = "$sz" ] && return 0
		{ unload && ip netns exec h nft -f "$conf/nft-$sz.nft"; } || return 1
		NFT_MAPS=$sz
		;;
	ip-rule*)
		[ "$ROUTES" = "$sz" ] && return 0
		{ unload && ip -n h -4 -batch "$conf/routes-$sz.add4" &&
			ip -n h -6 -batch "$conf/routes-$sz.add6"; } || return 1
		ROUTES=$sz
		;;
	esac
}

unload() {
	if [ -n "$NFT_MAPS" ]; then
		ip netns exec h nft delete table inet bench || return 1
		NFT_MAPS=
	fi
	# Not "route flush table T": each one dumps every table (40 s for
	# 1k tables under TCG, and it grows with the square).
	if [ -n "$ROUTES" ]; then
		{ ip -n h -4 -batch "$conf/routes-$ROUTES.del4" &&
			ip -n h -6 -batch "$conf/routes-$ROUTES.del6"; } || return 1
		ROUTES=
	fi
}

set_up() {
	local sz=${1#* } nat=off
	preload "$1" || return 1
	case $1 in
	none) ;;
	"vaddr empty")
		# shellcheck disable=SC2119 # no module parameters
		module_load
		;;
	vaddr*)
		[ "${1%% *}" = vaddr+nat ] && nat=on
		# shellcheck disable=SC2119
		module_load
		ctl set nat $nat && ctl load "$conf/vaddr-$sz.conf"
		;;
	nftables*) ip netns exec h nft -f "$conf/nft-chain.nft" ;;
	bpf*)
		: >/tmp/bpf-peer.out
		"$BPF_PEER" "$BPF_OBJ" "$conf/bpf-$sz.tab" >/tmp/bpf-peer.out &
		BPF_PID=$!
		wait_for "the eBPF peer is attached" 120 \
			grep -q '^ready' /tmp/bpf-peer.out
		;;
	ip-rule*)
		ip -n h -4 -batch "$conf/rules-$sz.add4" &&
			ip -n h -6 -batch "$conf/rules-$sz.add6"
		;;
	esac || return 1
	CUR=$1
}

# The first time a system is set up, check_sources says what it does; go
# runs in compare, whose figures come out at its end: the checks' lines
# wait in a file, printed after them.
declare -A CHECKED=()
go() {
	local t=$SECONDS
	[ "$CUR" = "$1" ] && return 0
	{ take_down && set_up "$1"; } || return 1
	diag "go $1: $((SECONDS - t)) s"
	[ -n "${CHECKED[$1]:-}" ] && return 0
	CHECKED[$1]=1
	check_sources "$1" >>"$conf/checks"
}

# seen UID DST: the source the remote saw for a TCP connect by UID.
seen() {
	local before
	before=$(wc -l </tmp/cost-peer.out)
	run_as "$1" h "$PEER" tcp-connect "$2" 7002 >/dev/null 2>&1 ||
		{ echo "connect failed"; return; }
	wait_for "the remote logged uid $1's connect to $2" 10 \
		lines_over /tmp/cost-peer.out "$before" ||
		{ echo "nothing seen"; return; }
	tail -n 1 /tmp/cost-peer.out
}

# check_sources SYSTEM: in SYSTEM's state, the sources each caller gets.
check_sources() {
	local want4=$H4 want6=$H6 got4 got6 u4 u6
	case $1 in none | "vaddr empty") ;; *) want4=$BCD4 want6=$BCD6 ;; esac
	got4=$(seen $MAPPED $R4) got6=$(seen $MAPPED $R6)
	u4=$(seen $UNMAPPED $R4) u6=$(seen $UNMAPPED $R6)
	if [ "$got4 $got6 $u4 $u6" = "$want4 $want6 $H4 $H6" ]; then
		bench_note "check: $1: mapped tcp4/tcp6 from $got4 $got6," \
			"unmapped from $u4 $u6"
	else
		bench_fail "check: $1" "sources seen: mapped $got4 $got6, unmapped $u4 $u6; want $want4 $want6, $H4 $H6"
	fi
}

bench_header "cost: a connect's cost with vaddr, nftables or ip rules, by table size (issue 9), tests/bench/cost.sh"

topo_host_remote $H4/24 $BCD4/32 $FILL4/32 $H6/64 -- $R4/24 $R6/64
# The domains' IPv6 addresses deprecated, as hosts configure them: else
# the kernel may pick one as the source of anybody's connections.
addr_add h h0 $BCD6/128 preferred_lft 0
addr_add h h0 $FILL6/128 preferred_lft 0
bg_start /tmp/tcp-sink.out "$NSEXEC" -n r -- "$LOOP" tcp-sink :: 7000 --cpu $SINK_CPU
bg_start /tmp/udp-sink.out "$NSEXEC" -n r -- "$LOOP" udp-sink :: 7001 --cpu $SINK_CPU
bg_start /tmp/cost-peer.out "$NSEXEC" -n r -- "$PEER" tcp-listen :: 7002 0
# Ping sockets for every group, as Debian's procps sets it on a host.
"$NSEXEC" -n h -- sysctl -qw net.ipv4.ping_group_range="0 2147483647"
start_workers

# nftables' NAT and vaddr's need nf_nat (insmod does not load it). As in
# nat.sh: room for every flow, and short UDP timeouts, so that conntrack's
# table stays small whatever ran before.
modprobe nf_nat
sysctl -qw net.netfilter.nf_conntrack_max=262144
"$NSEXEC" -n h -- sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2 \
	net.netfilter.nf_conntrack_udp_timeout_stream=2

# Every table file, before any timing.
for s in "${SYSTEMS[@]}"; do
	case $s in
	"vaddr empty") ;;
	vaddr*) vaddr_conf "${s#* }" ;;
	nftables*) nft_conf "${s#* }" ;;
	bpf*) bpf_conf "${s#* }" ;;
	ip-rule*) rules_conf "${s#* }" ;;
	esac
done

SIZES=
size_workloads || bench_fail "sizing runs" "a workload did not run (see the log)"
big=
[[ " ${SYSTEMS[*]} " == *" ip-rule 10k "* ]] && big=", $P_BIG for ip-rule 10k"
bench_note "runs of ~${RUN_MS} ms: ${SIZES%, }; pairs against none:" \
	"$P_VADDR for the noise and vaddr (nat off), $P for the others$big"
check_sources none
CHECKED[none]=1
# Identical sides: how far apart two series of the same thing land here.
compare "$P_VADDR" "none / none (noise)" "go none" "go none" "${LABELS[@]}"
for s in "${SYSTEMS[@]}"; do
	start=$SECONDS
	preload "$s" || { bench_fail "$s" "cannot load (see the log)"; continue; }
	diag "$s: preloaded in $((SECONDS - start)) s"
	case $s in
	"vaddr "*) p=$P_VADDR ;;
	"ip-rule 10k") p=$P_BIG ;;
	*) p=$P ;;
	esac
	compare "$p" "$s / none" "go none" "go '$s'" "${LABELS[@]}"
	cat "$conf/checks" 2>/dev/null && rm -f "$conf/checks"
	start=$SECONDS
	go none && unload
	diag "$s: taken down in $((SECONDS - start)) s"
done
bench_end
