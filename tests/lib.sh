# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by every tests/vm/*.sh (run by guest-init.sh as root in the VM).
# Checks print "ok - DESC" / "not ok - DESC" on stdout; everything else a
# test wants to say goes to stderr, preferably as "# ..." lines.
#
# Env from guest-init.sh: VADDR_ROOT, VADDR_KO, VADDRCTL, PEER, NSEXEC.
# Addresses: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 only.
#
# After the checks: namespaces and users (netns_add, nsrun, veth_pair,
# addr_add, topo_host_remote, run_as, passwd_add); waiting (wait_for, and
# wait_listen and bg_start built on it); the kernel log (kmsg_mark,
# kmsg_clean); the module (module_load, ctl, counter); what the remote
# side saw (tcp_seen, udp_seen, attempt, tcp_try, udp_try).

set -u

_netns=()
_module_loaded=
# The script's stdout, where wait_for says "not ok" even when it runs in a
# helper whose output a $(...) takes.
exec {_stdout}>&1

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
diag() { echo "# $*" >&2; }

# check DESC CMD...: ok when CMD exits 0; its output goes to stderr.
check() {
	local desc=$1
	shift
	local rc=0
	"$@" >&2 || rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "failed (status $rc): $*"
		return 1
	fi
}

# check_fails DESC CMD...: ok when CMD exits non-zero.
check_fails() {
	local desc=$1
	shift
	if "$@" >&2; then
		not_ok "$desc"
		diag "unexpectedly succeeded: $*"
		return 1
	fi
	ok "$desc"
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  '$2'"
		diag "want: '$3'"
		return 1
	fi
}

expect_ne() {
	if [ "$2" != "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got '$2', want anything else"
		return 1
	fi
}

# netns_add NAME: a fresh namespace with lo up, removed on exit. ping sockets
# are allowed for every group, as on a Debian system booted with systemd.
netns_add() {
	ip netns del "$1" 2>/dev/null	# left over by a killed test
	ip netns add "$1" || return 1
	_netns+=("$1")
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
}

# nsrun NS CMD...: run CMD in namespace NS, showing it on stderr.
nsrun() {
	local ns=$1
	shift
	echo "# [$ns] $*" >&2
	ip netns exec "$ns" "$@"
}

# veth_pair NS1 IF1 NS2 IF2: a link between two namespaces, both ends up.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# addr_add NS IF ADDR/LEN [OPTION...]: IPv6 addresses skip DAD so they
# work at once; OPTIONs are ip's (preferred_lft 0: deprecated, so that the
# kernel never picks the address by itself, though binding to it works).
addr_add() {
	local ns=$1 dev=$2 addr=$3
	shift 3
	case $addr in
	*:*) ip -n "$ns" addr add "$addr" dev "$dev" nodad "$@" ;;
	*) ip -n "$ns" addr add "$addr" dev "$dev" "$@" ;;
	esac
}

# topo_host_remote HOST_ADDR... [-- REMOTE_ADDR...]: the two namespaces
# most tests start from, h ("host") and r ("remote"), joined by the veth
# pair h0 -- r0, with the addresses (ADDR/LEN) before -- on h0 and those
# after it on r0.
topo_host_remote() {
	local ns=h a
	netns_add h && netns_add r && veth_pair h h0 r r0 || return 1
	for a in "$@"; do
		if [ "$a" = -- ]; then
			ns=r
			continue
		fi
		addr_add "$ns" "${ns}0" "$a" || return 1
	done
}

# run_as UID NS CMD...: CMD as uid=gid=UID, no supplementary groups, in NS
# (nsexec: one exec, where ip netns exec + setpriv cost a second under TCG).
run_as() {
	local uid=$1 ns=$2
	shift 2
	echo "# [$ns uid $uid] $*" >&2
	"$NSEXEC" -n "$ns" -u "$uid" -- "$@"
}

# wait_for DESC SECONDS CMD...: run CMD every 0.1 s until it succeeds, for
# at most SECONDS (whole seconds). On timeout: "not ok - DESC" on the
# script's stdout (from inside a $(...) too), what was waited for and what
# CMD said the last time, and status 1. Quiet when CMD succeeds: a wait is
# no check of its own, the checks after it are.
wait_for() {
	local desc=$1 secs=$2 out rc end
	shift 2
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	while :; do
		rc=0
		out=$("$@" 2>&1) || rc=$?
		[ "$rc" -ne 0 ] || return 0
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || break
		sleep 0.1
	done
	not_ok "$desc" >&"$_stdout"
	diag "waited $secs s for: $*"
	diag "its last status: $rc, its last output:"
	printf '%s\n' "${out:-(none)}" | tail -n 10 | sed 's/^/# | /' >&2
	return 1
}

# lines_over FILE N: FILE has more than N lines (for wait_for).
lines_over() {
	local n
	n=$(grep -c '' "$1" 2>/dev/null)
	echo "$1: ${n:-0} lines"
	[ "${n:-0}" -gt "$2" ]
}

# wait_listen NS tcp|udp PORT: wait up to 20 s until something listens on
# PORT in NS.
wait_listen() {
	local flag=-t
	[ "$2" = udp ] && flag=-u
	wait_for "something listens on $2 port $3 in $1" 20 \
		_listening "$1" "$flag" "$3"
}

# _listening NS -t|-u PORT: ss finds a listener (through nsexec: an
# `ip netns exec` costs a second per poll under emulation).
_listening() {
	"$NSEXEC" -n "$1" -- ss -Hln "$2" "sport = :$3" | grep .
}

# bg_start FILE CMD...: CMD in the background, stdout to FILE ($! is its
# pid); waits up to 20 s for its "ready" line (peer, storm and loop's
# sinks print one).
bg_start() {
	local file=$1
	shift
	"$@" >"$file" &
	wait_for "ready: $*" 20 _bg_ready "$file" $!
}

# _bg_ready FILE PID: FILE has the "ready" line of PID.
_bg_ready() {
	grep -qx ready "$1" 2>/dev/null && return 0
	kill -0 "$2" 2>/dev/null || echo "exited before it was ready"
	cat "$1" 2>/dev/null
	return 1
}

# kmsg_mark; ...; kmsg_clean DESC: ok when the kernel logged nothing bad
# since the mark (the patterns kernel-log-check.sh also uses at the end).
kmsg_mark() {
	_kmsg_lines=$(dmesg | wc -l)
}

kmsg_clean() {
	local bad
	bad=$(dmesg | tail -n +$((${_kmsg_lines:-0} + 1)) |
		awk -f "$VADDR_ROOT/tests/harness/kernel-log-bad.awk" \
			"$VADDR_ROOT/tests/harness/kernel-log.patterns" -)
	if [ -z "$bad" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '%s\n' "$bad" | head -n 20 | sed 's/^/# | /' >&2
		return 1
	fi
}

# module_load [PARAM=VALUE...]: insmod the module under test, after the
# modules it needs (modprobe would find them the same way once installed).
module_load() {
	local deps
	deps=$(modinfo -F depends "$VADDR_KO" | tr , ' ')
	# shellcheck disable=SC2086 # one module name per word
	[ -z "$deps" ] || modprobe -a $deps
	if ! insmod "$VADDR_KO" "$@"; then
		not_ok "insmod $VADDR_KO"
		exit 1
	fi
	_module_loaded=1
}

module_unload() {
	rmmod vaddr && _module_loaded=
}

# ctl ARGS...: vaddrctl in namespace $CTL_NS (h unless the test says).
CTL_NS=h
ctl() {
	"$VADDRCTL" -n "$CTL_NS" "$@"
}

# counter DOMAIN NAME: one of DOMAIN's counters in `vaddrctl -j stats`.
counter() {
	ctl -j stats | jq -r --arg d "$1" --arg c "$2" \
		'.[] | select(.domain == $d) | .[$c]'
}

# --- what the remote side saw ------------------------------------------
# Listeners run in ns r, each on a port of its own: port + 1. A helper
# called in a $(...) does not move port for the next one, which then
# reuses it (the listener before has exited); a test moves it by hand
# where a port must be new.
port=5000

# tcp_seen NS UID DST [peer options]: a connect from NS as UID to a fresh
# listener in ns r; prints the client's local address (connect-failed if
# it failed) and the address the remote accepted.
tcp_seen() {
	_seen tcp-listen tcp-connect connect-failed "$@"
}

# udp_seen NS UID DST [peer options]: one datagram from NS as UID to a
# fresh echo server in ns r, and its echo; prints the local address after
# the send (0.0.0.0 or :: for an unconnected socket), "reply" if the echo
# came back (send-failed if nothing went), and the source the remote saw.
udp_seen() {
	_seen udp-echo udp-send send-failed "$@"
}

# _seen LISTEN SEND FAILED NS UID DST [peer options]: tcp_seen and
# udp_seen; FAILED stands for the client's output when it printed none.
_seen() {
	local listen=$1 send=$2 failed=$3 ns=$4 uid=$5 dst=$6 out res lpid
	shift 6
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" "$listen" :: $port 1
	lpid=$!
	res=$(run_as "$uid" "$ns" "$PEER" "$send" "$dst" $port "$@" | xargs)
	wait $lpid
	echo "${res:-$failed} $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out"
}

# rule_packets NS TABLE CHAIN COMMENT: the packets counted by the rule
# with comment COMMENT in nft chain inet TABLE CHAIN of NS. Rule counters,
# not named counter objects: those need nft_objref, which a kernel may lack.
rule_packets() {
	ip netns exec "$1" nft -j list chain inet "$2" "$3" |
		jq --arg c "$4" '.nftables[] | select(.rule.comment == $c) |
			.rule.expr[] | select(.counter) | .counter.packets'
}

# attempt UID ARGS...: peer ARGS as UID in ns h; "ok" and its first line of
# output, or its error without the "peer: " prefix.
attempt() {
	local uid=$1 out
	shift
	if out=$(run_as "$uid" h "$PEER" "$@" 2>&1); then
		echo "ok $(grep -v '^#' <<<"$out" | head -n 1)"
	else
		sed -n 's/^peer: //p' <<<"$out" | head -n 1
	fi
}

# tcp_try UID DST [peer options]: "RESULT | first address the remote
# accepted", RESULT what attempt says of a tcp-connect from h. A refused
# attempt is followed by a control connect of unmapped uid 1003 from the
# host address (to $CTL_DST when set), which the remote must then see
# first: the refused one never reached it.
tcp_try() {
	_try tcp-listen tcp-connect "$@"
}

# udp_try UID DST [peer options]: the same with one datagram: "RESULT |
# first source the remote saw" (an unconnected socket's own address is
# 0.0.0.0 or ::, the remote's is the truth).
udp_try() {
	_try udp-echo udp-send "$@"
}

# _try LISTEN SEND UID DST [peer options]: tcp_try and udp_try.
_try() {
	local listen=$1 send=$2 uid=$3 dst=$4 out res lpid
	shift 4
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" "$listen" :: $port 1
	lpid=$!
	res=$(attempt "$uid" "$send" "$dst" $port "$@")
	[[ $res == ok* ]] ||
		run_as 1003 h "$PEER" "$send" "${CTL_DST:-$dst}" $port \
			>/dev/null 2>&1
	wait $lpid
	echo "$res | $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out"
}

# serve_try UID ADDR [DST [OPTION...]]: UID listens on ADDR in ns h (with
# peer's tcp-listen OPTIONs), and a client in ns r connects to DST (ADDR
# if not given): "what the listener said | what the remote client got"
# (its own address once connected, its error, or "no answer" within 5 s).
# SERVE_BEFORE, if set, names a command run with the port once the
# listener is ready, before the client connects.
serve_try() {
	local uid=$1 addr=$2 dst=${3:-$2} out pid res
	shift $(($# < 3 ? $# : 3))
	port=$((port + 1))
	out=$(mktemp)
	run_as "$uid" h timeout 10 "$PEER" tcp-listen "$addr" $port 1 "$@" \
		>"$out" 2>&1 &
	pid=$!
	wait_for "listener of uid $uid on $addr ready or gone" 10 \
		sh -c "grep -qx ready '$out' || ! kill -0 $pid 2>/dev/null"
	[ -z "${SERVE_BEFORE:-}" ] || "$SERVE_BEFORE" $port
	res=$(ip netns exec r timeout 5 "$PEER" tcp-connect "$dst" $port 2>&1 |
		sed 's/^peer: //' | grep -v '^#')
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$(grep -v '^#' "$out" | sed 's/^peer: //; s/ port [0-9]*:/:/' |
		head -n 1) | ${res:-no answer}"
	rm -f "$out"
}

# passwd_add NAME UID: a user for this test only. /etc/passwd (the guest's
# tmpfs overlay) is restored when the script exits, so that no test sees
# another's users.
passwd_add() {
	if [ -z "${_passwd_saved:-}" ]; then
		_passwd_saved=$(mktemp)
		cp /etc/passwd "$_passwd_saved" || return 1
	fi
	echo "$1:x:$2:$2::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
}

cleanup() {
	local ns jobs
	jobs=$(jobs -p)
	# shellcheck disable=SC2086 # one PID per word
	[ -z "$jobs" ] || kill $jobs 2>/dev/null
	wait 2>/dev/null
	for ns in "${_netns[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -z "$_module_loaded" ] || rmmod vaddr 2>/dev/null
	[ -z "${_passwd_saved:-}" ] || cat "$_passwd_saved" >/etc/passwd
	return 0
}
trap cleanup EXIT
# Killed by the per-test timeout: still clean up.
trap 'exit 143' TERM INT
