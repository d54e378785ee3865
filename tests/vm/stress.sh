#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress: connect storms on both vCPUs while everything else changes, then
# an oracle checks the source of every connection the remote accepted.
#
#  ns h ("host")                                 ns r ("remote")
#  +--------------------------------------+      +----------------------+
#  | h0 198.51.100.1/24   host address    | veth | r0 198.51.100.2/24   |
#  |    2001:db8::1/64    host address    |------|    2001:db8::2/64    |
#  |    198.51.100.1{1,2,3}, .2{1,2,3}/32 |      |  storm sink, port    |
#  |    2001:db8::1{1,2,3}, ::2{1,2,3}    |      |  7000: logs the id   |
#  |      (flipped: added and removed)    |      |  each client sends   |
#  |    198.51.100.30, 2001:db8::30       |      |  and the address it  |
#  |      fixed.example (never changed)   |      |  came from           |
#  +--------------------------------------+      +----------------------+
#  churn namespace sx (created, filled, used, destroyed in a loop): dummy d0
#    203.0.113.1/24, 203.0.113.70/32 (churn.example, uid 2007), and the
#    listener's 203.0.113.2/32
#
#  storm clients in h (uid, cgroup under /sys/fs/cgroup):
#    a: 2001 vstress/a   b: 2002 vstress/b   c: 2003 vstress/b/deep
#    e: 2005 vstress-fixed/e (uid 2005 -> fixed.example in every table)
#    f: 2006, the test's own cgroup (never mapped)
#  Domains d1..d3: d_i has 198.51.100.1i or .2i (and 2001:db8::1i or ::2i,
#  or no IPv6 address), whichever the last load chose.
#
# Phase 1 (half of STRESS_SECONDS, default 60): storms; a writer adding,
# removing and remapping uid and cgroup mappings and replacing the whole
# table (vaddrctl load); an address flipper; the namespace churner.
# Phase 2 (the rest): storms, flipper and churner go on while the module is
# unloaded and loaded again (vaddrctl must fail cleanly while it is gone)
# and the table is loaded again each time.
# Every change is logged with the time before and after it; the oracle
# (tests/tools/stress-oracle.py) judges each connection against every state
# the table and the addresses may have had while it connected.
set -u
source "$(dirname "$0")/../lib.sh"

SECS=${STRESS_SECONDS:-60}
P1=$((SECS / 2))
P2=$((SECS - P1))
H4=198.51.100.1 H6=2001:db8::1 R4=198.51.100.2 R6=2001:db8::2
FIX4=198.51.100.30 FIX6=2001:db8::30
PORT=7000
CG=/sys/fs/cgroup/vstress
CGF=/sys/fs/cgroup/vstress-fixed
STORM=$VADDR_ROOT/tests/tools/storm
ORACLE=$VADDR_ROOT/tests/tools/stress-oracle.py
D=$(mktemp -d)
FLIP=()
for i in 1 2 3; do
	FLIP+=("198.51.100.1$i" "198.51.100.2$i" "2001:db8::1$i" "2001:db8::2$i")
done
UIDS=(2001 2002 2003)
CGS=("$CG" "$CG/a" "$CG/b" "$CG/b/deep")


# ctl_logged CMD...: vaddrctl -n h CMD, logged in $D/table.$BASHPID with
# the times around it; an unexpected failure is recorded in $D/fail.
ctl_logged() {
	local t0 t1
	t0=${EPOCHREALTIME/./}
	if "$VADDRCTL" -n h "$@" 2>>"$D/ctl.err"; then
		t1=${EPOCHREALTIME/./}
		echo "$t0 $t1 $*" >>"$D/table.$BASHPID"
	else
		echo "vaddrctl $* failed" >>"$D/fail"
		return 1
	fi
}

# A command through a coprocess COPROC (vaddrctl -b - or ip -b -: one
# process, no exec per change), followed by SENTINEL, a command whose
# output ends with a line matching END: once that line is read, the
# command is done. Logged as "T0 T1 CMD" in LOG. Fails if the coprocess
# stopped (the batch stops at the first failure).
# copipe_logged COPROC_NAME SENTINEL END LOG CMD...
copipe_logged() {
	local -n cp=$1
	local sentinel=$2 end=$3 log=$4 t0 t1 line
	shift 4
	t0=${EPOCHREALTIME/./}
	printf '%s\n%s\n' "$*" "$sentinel" 2>/dev/null 1>&"${cp[1]}" || return 1
	while IFS= read -r -t 60 line <&"${cp[0]}"; do
		if [[ $line =~ $end ]]; then
			t1=${EPOCHREALTIME/./}
			echo "$t0 $t1 $*" >>"$log"
			return 0
		fi
	done
	return 1
}

# ctl_pipe CMD...: a table change through the writer's vaddrctl coprocess.
ctl_pipe() {
	copipe_logged CTL set '^isolation: ' "$D/table.$BASHPID" "$@" ||
		{ echo "vaddrctl -b: $* failed" >>"$D/fail"; return 1; }
}

# addr_logged add|del ADDR: an address of h0 through the flipper's ip
# coprocess (or a separate ip without one), logged in $D/addr.$BASHPID.
addr_logged() {
	local t0 t1 len=/32 extra=()
	case $2 in *:*) len=/128 extra=(nodad preferred_lft 0) ;; esac
	if [ -n "${IPB[1]:-}" ]; then
		copipe_logged IPB 'link show dev lo' '^1: lo' "$D/addr.$BASHPID" \
			addr "$1" "$2$len" dev h0 "${extra[@]}" ||
			echo "ip -b: addr $1 $2 failed" >>"$D/fail"
		return
	fi
	t0=${EPOCHREALTIME/./}
	if ip -n h addr "$1" "$2$len" dev h0 "${extra[@]}"; then
		t1=${EPOCHREALTIME/./}
		echo "$t0 $t1 $1 $2" >>"$D/addr.$BASHPID"
	else
		echo "ip addr $1 $2 failed" >>"$D/fail"
	fi
}

# gen_load FILE: a random whole table. Sets the writer's model: DOM_OK
# (domains), U[uid] and C[cgroup] (their domains).
declare -A U C
gen_load() {
	local f=$1 i d a6 o
	U=() C=()
	{
		echo "domain fixed.example"
		echo "	addr $FIX4"
		echo "	addr $FIX6"
		echo "	user 2005"
	} >"$f"
	for o in "${UIDS[@]}" "${CGS[@]}"; do
		((RANDOM % 3)) || continue	# a third left unmapped
		d=d$((RANDOM % 3 + 1)).example
		case $o in
		/*) C[$o]=$d ;;
		*) U[$o]=$d ;;
		esac
	done
	for i in 1 2 3; do
		d=d$i.example
		a6=2001:db8::$((RANDOM % 2 + 1))$i
		((RANDOM % 4)) || a6=
		{
			echo "domain $d"
			echo "	addr 198.51.100.$((RANDOM % 2 + 1))$i"
			[ -z "$a6" ] || echo "	addr $a6"
			for o in "${!U[@]}"; do
				[ "${U[$o]}" != "$d" ] || echo "	user $o"
			done
			for o in "${!C[@]}"; do
				[ "${C[$o]}" != "$d" ] || echo "	cgroup $o"
			done
		} >>"$f"
	done
}

# writer DEADLINE: add, remove, remap mappings, and load whole tables.
writer() {
	local n=0 o d r
	trap '' PIPE	# a coprocess that stopped: a failed write, not death
	coproc CTL { exec "$VADDRCTL" -n h -b - 2>>"$D/ctl.err"; }
	while [ "${EPOCHREALTIME/./}" -lt "$1" ]; do
		n=$((n + 1))
		r=$((RANDOM % 10))
		if [ $r -eq 0 ]; then
			gen_load "$D/load.w$n"
			ctl_pipe load "$D/load.w$n" || return
			continue
		fi
		if [ $r -le 4 ]; then
			o=${UIDS[RANDOM % ${#UIDS[@]}]}
		else
			o=${CGS[RANDOM % ${#CGS[@]}]}
		fi
		local kind=user
		[[ $o == /* ]] && kind=cgroup
		d=d$((RANDOM % 3 + 1)).example
		if [[ $kind == user && -n ${U[$o]:-} ]] ||
			[[ $kind == cgroup && -n ${C[$o]:-} ]]; then
			ctl_pipe $kind del "$o" || return
			if [ $kind = user ]; then unset "U[$o]"; else unset "C[$o]"; fi
			((RANDOM % 2)) || continue	# else remap it at once
		fi
		ctl_pipe $kind add "$o" domain "$d" || return
		if [ $kind = user ]; then U[$o]=$d; else C[$o]=$d; fi
	done
	echo "$n" >"$D/writer.n"
	[ -z "${CTL[1]:-}" ] || eval "exec ${CTL[1]}>&-"
	wait
}

# flipper DEADLINE: remove and add the flippable addresses, then put them
# all back.
flipper() {
	local a n=0
	declare -A gone=()
	trap '' PIPE
	coproc IPB { exec ip -o -n h -b - 2>>"$D/ip.err"; }
	while [ "${EPOCHREALTIME/./}" -lt "$1" ]; do
		a=${FLIP[RANDOM % ${#FLIP[@]}]}
		n=$((n + 1))
		if [ -n "${gone[$a]:-}" ]; then
			addr_logged add "$a"
			unset "gone[$a]"
		else
			addr_logged del "$a"
			gone[$a]=1
		fi
	done
	for a in "${!gone[@]}"; do
		addr_logged add "$a"
	done
	echo "$n" >>"$D/flipper.n"
	[ -z "${IPB[1]:-}" ] || eval "exec ${IPB[1]}>&-"
	wait
}

# lap FILE STEP: the time since the last lap, appended to FILE (where the
# time of a churn or a module cycle goes, in the diagnostics).
lap() {
	local t=${EPOCHREALTIME/./}
	echo "$2 $(((t - ${_lap:-$t}) / 1000))" >>"$1"
	_lap=$t
}

# churner DEADLINE strict|loose: a namespace with a table, one connect in
# it, destroyed with the table in it. strict: the connect must leave from
# the churn domain's address; loose (the module comes and goes): from it or
# the one the kernel picks for a local destination (the destination
# itself), and vaddrctl may find no module.
churner() {
	local n=0 got seen out=$D/churn.peer lpid
	while [ "${EPOCHREALTIME/./}" -lt "$1" ]; do
		n=$((n + 1))
		lap "$D/churn.time" start
		if ! ip netns add sx; then
			echo "churn $n: ip netns add failed" >>"$D/fail"
			break
		fi
		# Not loopback to vaddr: the remote's address is on a dummy.
		ip -n sx -b - <<-EOF
			link set lo up
			link add d0 type dummy
			link set d0 up
			addr add 203.0.113.1/24 dev d0
			addr add 203.0.113.70/32 dev d0
			addr add 203.0.113.2/32 dev d0
		EOF
		lap "$D/churn.time" netns-add
		if ! "$VADDRCTL" -n sx -b - 2>>"$D/ctl.err" <<-EOF
			domain add churn.example addr 203.0.113.70
			user add 2007 domain churn.example
		EOF
		then
			[ "$2" = loose ] ||
				echo "churn $n: vaddrctl failed" >>"$D/fail"
		fi
		lap "$D/churn.time" vaddrctl
		bg_start "$out" "$NSEXEC" -n sx -- \
			timeout 20 "$PEER" tcp-listen 203.0.113.2 7100 1
		lpid=$!
		lap "$D/churn.time" listen
		got=$("$NSEXEC" -n sx -u 2007 -- "$PEER" tcp-connect 203.0.113.2 7100)
		wait $lpid
		lap "$D/churn.time" connect
		seen=$(grep -vx ready "$out")
		case "$2 $got $seen" in
		"strict 203.0.113.70 203.0.113.70" | \
			"loose 203.0.113.70 203.0.113.70" | \
			"loose 203.0.113.2 203.0.113.2")
			echo "$got" >>"$D/churn.ok" ;;
		*) echo "churn $n ($2): local '$got', remote saw '$seen'" >>"$D/fail" ;;
		esac
		# Gone with its table and the closed socket.
		ip netns del sx
		lap "$D/churn.time" netns-del
	done
	echo "$n" >>"$D/churn.n"
}

# cycler DEADLINE: unload and load the module, with a table, until then.
cycler() {
	local n=0 t0 t1 err
	while [ "${EPOCHREALTIME/./}" -lt "$1" ]; do
		n=$((n + 1))
		lap "$D/cycle.time" start
		t0=${EPOCHREALTIME/./}
		until rmmod vaddr 2>>"$D/rmmod.err"; do
			t0=${EPOCHREALTIME/./}
			sleep 0.1
		done
		t1=${EPOCHREALTIME/./}
		echo "$t0 $t1 empty" >>"$D/table.$BASHPID"
		lap "$D/cycle.time" rmmod
		# Clean errors while it is gone: a message and status 1.
		if err=$("$VADDRCTL" -n h show 2>&1); then
			echo "vaddrctl show succeeded without the module" >>"$D/fail"
		elif [ $? -ne 1 ] || [[ $err != *"module is not loaded"* ]]; then
			echo "vaddrctl show without the module: '$err'" >>"$D/fail"
		fi
		# A change too, once (each call costs the kernel's attempt to
		# load the family's module, seconds under emulation).
		if [ $n -eq 1 ] &&
			"$VADDRCTL" -n h user add 2001 domain d1.example 2>/dev/null; then
			echo "vaddrctl user add succeeded without the module" >>"$D/fail"
		fi
		lap "$D/cycle.time" vaddrctl-fails
		insmod "$VADDR_KO" || { echo "insmod failed" >>"$D/fail"; return; }
		lap "$D/cycle.time" insmod
		gen_load "$D/load.c$n"
		ctl_logged load "$D/load.c$n" || return
		lap "$D/cycle.time" load
	done
	echo "$n" >"$D/cycler.n"
}

# storms PHASE SECONDS: one storm client per line of the clients table.
storms() {
	local id uid cg self
	self=/sys/fs/cgroup$(cut -d: -f3- /proc/self/cgroup)
	while read -r id uid cg; do
		local cgopt=()
		[ "$cg" = - ] || cgopt=(-c "$cg")
		# Niced, so that the writers get their share of the CPUs.
		nice -n 10 "$NSEXEC" -n h "${cgopt[@]}" -u "$uid" -- \
			"$STORM" connect "$id.$1" "$2" $R4 $R6 $PORT \
			>"$D/conn.$id.$1" 2>>"$D/storm.err" &
		echo "$id.$1 $uid ${cg/#-/$self}"
	done <<-EOF >>"$D/clients"
		a 2001 $CG/a
		b 2002 $CG/b
		c 2003 $CG/b/deep
		e 2005 $CGF/e
		f 2006 -
	EOF
}

setup() {
	topo_host_remote $H4/24 $H6/64 -- $R4/24 $R6/64 || return 1
	addr_logged add $FIX4
	addr_logged add $FIX6
	mkdir -p $CG/a $CG/b/deep $CGF/e
	echo "$H4 $H6" >"$D/hosts"
	# Empty base chains on every hook vaddr's netfilter users take, as a
	# host's firewall has: the kernel then never re-patches those hooks'
	# static branches at each load and unload. Under TCG, a storm running
	# through a branch being patched on the other vCPU once stayed there,
	# trapping on an int3 already gone from memory (soft lockup in
	# ip6_xmit): an emulator hazard, not the kernel's.
	ip netns exec h nft -f - <<-EOF
		table inet keep {
			chain pre { type filter hook prerouting priority 0; }
			chain in { type filter hook input priority 0; }
			chain out { type filter hook output priority 0; }
			chain post { type filter hook postrouting priority 0; }
		}
	EOF
}

cleanup_stress() {
	local j
	for j in $(jobs -p); do
		kill "$j" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del sx 2>/dev/null
	rmdir $CG/b/deep $CG/b $CG/a $CG $CGF/e $CGF 2>/dev/null
	cleanup
	rm -rf "$D"
}

setup
trap cleanup_stress EXIT
kmsg_mark
module_load
diag "STRESS_SECONDS=$SECS: phase 1 ${P1}s, phase 2 ${P2}s; logs in $D"
for a in "${FLIP[@]}"; do
	addr_logged add "$a"
done
gen_load "$D/load.0"
ctl_logged load "$D/load.0"
bg_start "$D/sink" ip netns exec r "$STORM" sink :: $PORT
sinkpid=$!

# --- phase 1: mappings, addresses, namespaces --------------------------------
end1=$((${EPOCHREALTIME/./} + P1 * 1000000))
storms 1 $P1
writer $end1 &
flipper $end1 &
churner $end1 strict &
# shellcheck disable=SC2046 # one PID per word
wait $(jobs -p | grep -vx $sinkpid)
expect_eq "phase 1: the writer, flipper and churner ran to the end" \
	"$(cat "$D/fail" 2>/dev/null)" ""
diag "phase 1: $(cat "$D/writer.n") table changes tried," \
	"$(cat "$D/flipper.n") address flips, $(cat "$D/churn.n") namespace pairs"

# --- phase 2: the module goes and comes back -----------------------------------
end2=$((${EPOCHREALTIME/./} + P2 * 1000000))
storms 2 $P2
cycler $end2 &
flipper $end2 &
churner $end2 loose &
# shellcheck disable=SC2046 # one PID per word
wait $(jobs -p | grep -vx $sinkpid)
expect_eq "phase 2: module unloaded and loaded under load, vaddrctl failing cleanly" \
	"$(cat "$D/fail" 2>/dev/null)" ""
diag "phase 2: $(cat "$D/cycler.n" 2>/dev/null) unload/load cycles"
kill -TERM $sinkpid
wait $sinkpid
[ -s "$D/storm.err" ] && sed 's/^/# storm: /' "$D/storm.err" >&2
for f in churn cycle; do
	diag "$f steps, mean ms: $(awk '$1 != "start" { s[$1] += $2; n[$1]++ }
		END { for (k in s) printf "%s=%d ", k, s[k] / n[k] }' "$D/$f.time")"
done
[ -s "$D/rmmod.err" ] && diag "rmmod refused $(wc -l <"$D/rmmod.err") times"

# --- the oracle ----------------------------------------------------------------
for p in 1 2; do
	n=$(cat "$D"/conn.*."$p" | wc -l)
	check "phase $p: the storms connected ($n connects, want >= 20)" \
		test "$n" -ge 20
done
if ! check "every accepted connection came from an address its client may have had" \
	python3 "$ORACLE" "$D"; then
	# The evidence, for the host: the harness's out share, if there is one.
	[ ! -d /run/vaddr-out ] || tar -C "$D" -czf /run/vaddr-out/stress-logs.tgz .
fi
check "churn namespaces each saw their domain's address" \
	test "$(grep -c . "$D/churn.ok" 2>/dev/null)" -ge 1

# The oracle must be able to fail: three fabricated connections, each from
# an address its client never had (the host's address for fixed.example's
# uid, a stranger's for a mapped client, a domain's for one never mapped).
F=$(mktemp -d)
cp -r "$D"/. "$F"
mid=$(awk '{ print $3 }' "$D"/conn.e.1 | sort -n)
mid=$(echo "$mid" | sed -n "$((($(echo "$mid" | wc -l) + 1) / 2))p")
for fake in "e.1 $H4" "a.1 192.0.2.99" "f.1 $FIX4"; do
	read -r id a <<<"$fake"
	echo "$id 999999 $mid $((mid + 1000)) $a 1 0 $((mid + 2000)) 1 0" >>"$F/conn.fake"
	echo "$id 999999 $a 1" >>"$F/sink"
done
# And in phase 2, while the module comes and goes: a connect the remote
# never saw (nothing excuses it: no translation is ever lost), and one
# rewritten to fixed.example's address whose id never came though its
# client saw no abort (reported twice: the record no connect explains,
# and the connect the remote never saw).
mid=$(awk '{ print $3 }' "$D"/conn.e.2 | sort -n)
mid=$(echo "$mid" | sed -n "$((($(echo "$mid" | wc -l) + 1) / 2))p")
echo "e.2 999997 $mid $((mid + 1000)) $H6 1 0 $((mid + 2000)) 0 0" >>"$F/conn.fake"
echo "e.2 999996 $mid $((mid + 1000)) $H4 999996 0 $((mid + 2000)) 0 0" >>"$F/conn.fake"
echo "? ? $FIX4 999996" >>"$F/sink"
bad=$(python3 "$ORACLE" "$F" | grep -c '^BAD .* 99999[6-9] ')
expect_eq "the oracle reports the fabricated wrong connections (6 reports)" "$bad" 6
rm -rf "$F"

# The probes missed no connect (a missed one leaves unbound).
# shellcheck disable=SC2154 # _kmsg_lines: set by kmsg_mark
expect_eq "no connect missed by the probes" \
	"$(dmesg | tail -n +$((_kmsg_lines + 1)) | grep -c 'connects missed')" 0
check "module unloads at the end" module_unload
kmsg_clean "kernel log clean after the stress"
