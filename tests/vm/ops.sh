#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The operator's commands: monitor sees the changes another vaddrctl makes,
# whoami tells an unprivileged user what a remote peer will see, exec puts
# a command of any uid inside a domain, doctor judges addresses and DNS the
# way a receiving server does; bash completion names commands and domains.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +--------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24 |
#  |    198.51.100.70/32  bcd.example    |------|                    |
#  |    2001:db8::70/128  bcd.example    |      +--------------------+
#  |    198.51.100.80/32  cde.example    |
#  |    (198.51.100.90    gone.example: not configured)
#  +-------------------------------------+
#  /etc/netns/h/hosts (what ip netns exec h shows as /etc/hosts):
#    bcd.example and cde.example <-> their addresses; 198.51.100.90 <->
#    gone.example; 198.51.100.85 named host.example but ptr.example's A.
#
#  uid 1001 -> bcd.example   cgroup $CG/cde -> cde.example
#  uid 1002, 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 R4=198.51.100.2
BCD4=198.51.100.70 BCD6=2001:db8::70 CDE4=198.51.100.80
GONE4=198.51.100.90 PTR4=198.51.100.85
CG=/sys/fs/cgroup/vaddr-ops
EXEC_CG=/sys/fs/cgroup/vaddr

setup() {
	topo_host_remote $H4/24 $BCD4/32 $CDE4/32 $PTR4/32 $BCD6/128 -- $R4/24 ||
		return 1
	mkdir -p $CG/cde/child $CG/plain /etc/netns/h
	cat >/etc/netns/h/hosts <<-EOF
		127.0.0.1 localhost
		$BCD4 bcd.example
		$BCD6 bcd.example
		$CDE4 cde.example
		$GONE4 gone.example
		$PTR4 host.example
		$PTR4 ptr.example
	EOF
	# Nothing answers DNS here: what is not in hosts fails at once.
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		>/etc/netns/h/resolv.conf
}

cleanup_ops() {
	local d
	for d in "$EXEC_CG"/* "$CG/cde/child" "$CG/cde" "$CG/plain"; do
		[ -d "$d" ] || continue
		# Whatever is still in it goes back to the root first.
		while read -r pid; do
			echo "$pid" >/sys/fs/cgroup/cgroup.procs
		done <"$d/cgroup.procs" 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
	rmdir $EXEC_CG $CG 2>/dev/null
	rm -rf /etc/netns/h
	return 0
}

port=6000

# seen_by_peer CMD...: CMD connects to the remote peer (the port is
# appended); prints the address the remote accepted.
seen_by_peer() {
	local out lpid
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" tcp-listen :: $port 1 ||
		return 1
	lpid=$!
	"$@" $port >/dev/null || echo "connect-failed"
	wait $lpid
	grep -vx ready "$out" | head -n 1
	rm -f "$out"
}

setup
trap 'cleanup_ops; cleanup' EXIT
module_load

# --- monitor ---------------------------------------------------------------
mon=$(mktemp) mont=$(mktemp)
ctl -j monitor >"$mon" &
monpid=$!
ctl monitor -t >"$mont" &
montpid=$!
# Subscribed once an event gets through: poke with a change that changes
# nothing until both have seen one.
poke_monitors() {
	ctl set nat on
	test -s "$mon" -a -s "$mont"
}
wait_for "an event got through to both monitors" 30 poke_monitors
check "monitors are listening" test -s "$mon" -a -s "$mont"

ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl cgroup add $CG/cde domain cde.example
ctl user add 1002 domain cde.example
ctl user del 1002
# A list of uids (what load sends) is announced uid by uid.
ip netns exec h python3 "$VADDR_ROOT/tests/tools/nlraw.py" UID_ADD \
	UIDS:uids:1003,1004 DOMAIN:str:cde.example >/dev/null
ctl user del 1003
ctl user del 1004
ctl set nat off
ctl set nat on
ctl cgroup del $CG/cde
ctl domain del cde.example
ctl domain add cde.example addr $CDE4
ctl cgroup add $CG/cde domain cde.example
ctl domain add tmp.example addr 192.0.2.7
ctl flush
# monitors_flushed: both monitors have shown the flush, the last change.
monitors_flushed() {
	grep -q '"flush"' "$mon" && grep -q ' flush$' "$mont"
}
wait_for "both monitors showed the flush" 30 monitors_flushed
kill $monpid $montpid
wait $monpid $montpid 2>/dev/null

check "monitor -j: every line is a JSON object" \
	jq -e 'type == "object"' "$mon"
got=$(jq -r '[.event, .domain // "-", .addr4 // "-", .addr6 // "-",
	(.uid // "-" | tostring), (.cgroup // "-"),
	(if has("nat") then .nat | tostring else "-" end),
	(.nr_users // "-" | tostring)] | join(" ")' "$mon" |
	sed -n '/^domain_add/,$p')
want="domain_add bcd.example $BCD4 $BCD6 - - - 0
domain_add cde.example $CDE4 - - - - 0
user_add bcd.example - - 1001 - - -
cgroup_add cde.example - - - $CG/cde - -
user_add cde.example - - 1002 - - -
user_del cde.example - - 1002 - - -
user_add cde.example - - 1003 - - -
user_add cde.example - - 1004 - - -
user_del cde.example - - 1003 - - -
user_del cde.example - - 1004 - - -
settings - - - - - false -
settings - - - - - true -
cgroup_del cde.example - - - $CG/cde - -
domain_del cde.example $CDE4 - - - - 0
domain_add cde.example $CDE4 - - - - 0
cgroup_add cde.example - - - $CG/cde - -
domain_add tmp.example 192.0.2.7 - - - - 0
flush - - - - - - -"
expect_eq "monitor -j saw every change, in order" "$got" "$want"
check "monitor -j: user names and cgroup ids" \
	jq -se '(map(select(.event == "user_add"))[0] | has("user")) and
		(map(select(.event == "cgroup_add"))[0].cgroup_id | type == "number")' "$mon"
sed 's/^/# | /' "$mont" >&2
check "monitor -t: timestamped text line" \
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}[+-][0-9]{4} user add 1001 domain bcd\.example$" "$mont"
check "monitor -t: domain add line" \
	grep -Eq " domain add bcd\.example addr $BCD4 addr $BCD6$" "$mont"
check "monitor -t: cgroup add shows the path" \
	grep -Eq " cgroup add $CG/cde domain cde\.example$" "$mont"
rm -f "$mon" "$mont"
out=$("$NSEXEC" -n h -u 1003 -- timeout 10 "$VADDRCTL" monitor 2>&1); rc=$?
expect_eq "unprivileged monitor is refused" \
	"$rc $out" "1 vaddrctl: cannot listen to vaddr events: CAP_NET_ADMIN is needed"
out=$(ctl monitor -x 2>&1); rc=$?
expect_eq "monitor with a bad argument" \
	"$rc $out" "1 vaddrctl: unexpected argument '-x' (monitor takes -t, --timestamp)"

# --- whoami ------------------------------------------------------------------
ctl domain add bcd.example addr $BCD4 addr $BCD6
ctl domain add cde.example addr $CDE4
ctl user add 1001 domain bcd.example
ctl cgroup add $CG/cde domain cde.example
cde_id=$(ctl -j cgroup show | jq '.[0].id')

# whoami_as CGROUP UID: whoami -j of UID started in CGROUP, unprivileged.
whoami_as() {
	"$NSEXEC" -c "$1" -n h -u "$2" -- "$VADDRCTL" -j whoami
}
# peer_as CGROUP UID PORT: the address the remote saw for UID in CGROUP.
peer_as() {
	"$NSEXEC" -c "$1" -n h -u "$2" -- "$PEER" tcp-connect $R4 "$3"
}

w=$(whoami_as $CG/plain 1001)
diag "whoami uid 1001: $w"
expect_eq "whoami by uid" \
	"$(jq -r '[.match, .domain, .addr4, .addr6, .uid] | join(" ")' <<<"$w")" \
	"uid bcd.example $BCD4 $BCD6 1001"
expect_eq "whoami by uid agrees with the remote peer" \
	"$(seen_by_peer peer_as $CG/plain 1001)" "$(jq -r .addr4 <<<"$w")"

w=$(whoami_as $CG/cde/child 1003)
diag "whoami cgroup child: $w"
expect_eq "whoami by cgroup: the nearest mapped ancestor" \
	"$(jq -r '[.match, .domain, .addr4, (.addr6 // "none"), .cgroup_id, .cgroup] | join(" ")' <<<"$w")" \
	"cgroup cde.example $CDE4 none $cde_id $CG/cde"
expect_eq "whoami by cgroup agrees with the remote peer" \
	"$(seen_by_peer peer_as $CG/cde/child 1003)" "$(jq -r .addr4 <<<"$w")"

w=$(whoami_as $CG/cde 1001)
expect_eq "whoami: cgroup wins over uid" "$(jq -r .domain <<<"$w")" cde.example
expect_eq "cgroup over uid agrees with the remote peer" \
	"$(seen_by_peer peer_as $CG/cde 1001)" "$(jq -r .addr4 <<<"$w")"

w=$(whoami_as $CG/plain 1003)
expect_eq "whoami unmapped (JSON)" "$w" '{"match":"none","domain":null}'
expect_eq "whoami unmapped (text)" \
	"$("$NSEXEC" -c $CG/plain -n h -u 1003 -- "$VADDRCTL" whoami)" \
	"no domain: connections leave from the host's addresses"
expect_eq "unmapped: the remote peer sees the host" \
	"$(seen_by_peer peer_as $CG/plain 1003)" "$H4"
out=$("$NSEXEC" -c $CG/plain -n h -u 1001 -- "$VADDRCTL" whoami)
diag "whoami text:"; sed 's/^/# | /' <<<"$out" >&2
expect_eq "whoami text by uid" "$out" "domain  bcd.example
addr    $BCD4
addr    $BCD6
because uid 1001 is mapped to it"

# --- exec ------------------------------------------------------------------
# exec_peer DOMAIN UID PORT: vaddrctl exec DOMAIN -- (as UID) peer connect.
exec_peer() {
	ctl exec "$1" -- "$NSEXEC" -u "$2" -- "$PEER" tcp-connect $R4 "$3"
}
expect_eq "exec: unmapped uid leaves from the domain's address" \
	"$(seen_by_peer exec_peer bcd.example 1003)" "$BCD4"
check "exec created and mapped its cgroup" sh -c \
	"'$VADDRCTL' -n h -j cgroup show | jq -e '[.[] | select(.path == \"$EXEC_CG/bcd.example\" and .domain == \"bcd.example\")] | length == 1'"
expect_eq "exec again reuses the cgroup" \
	"$(seen_by_peer exec_peer bcd.example 1002)" "$BCD4"
expect_eq "still one mapping for it" \
	"$(ctl -j cgroup show | jq "[.[] | select(.path == \"$EXEC_CG/bcd.example\")] | length")" 1
expect_eq "exec's whoami: by cgroup" \
	"$(ctl exec bcd.example -- "$NSEXEC" -u 1003 -- "$VADDRCTL" -j whoami | jq -r '.match + " " + .cgroup')" \
	"cgroup $EXEC_CG/bcd.example"
expect_eq "exec keeps the command's exit status" \
	"$(ctl exec bcd.example -- sh -c 'exit 7'; echo $?)" 7
out=$(ctl exec bcd.example -- /nonexistent 2>&1); rc=$?
expect_eq "exec of a missing command: 127" \
	"$rc $out" "127 vaddrctl: cannot run '/nonexistent': No such file or directory"
out=$(ctl exec nope.example -- true 2>&1); rc=$?
expect_eq "exec into an unknown domain" "$rc $out" "1 Error: unknown domain."
check_fails "no cgroup left for the unknown domain" test -d $EXEC_CG/nope.example
mkdir -p $EXEC_CG/cde.example
ctl cgroup add $EXEC_CG/cde.example domain bcd.example
out=$(ctl exec cde.example -- touch /tmp/ran 2>&1); rc=$?
expect_eq "exec into a cgroup mapped to another domain" "$rc $out" \
	"1 vaddrctl: cgroup '$EXEC_CG/cde.example' is mapped to domain 'bcd.example', not 'cde.example'"
check_fails "... and the command did not run" test -e /tmp/ran
out=$(run_as 1003 h "$VADDRCTL" exec bcd.example -- touch /tmp/ran 2>&1); rc=$?
diag "unprivileged exec: $out"
expect_eq "unprivileged exec fails" "$rc" 1
check "... saying privilege is needed" grep -q "CAP_NET_ADMIN\|needs root" <<<"$out"
check_fails "... and the command did not run" test -e /tmp/ran
ctl cgroup del $EXEC_CG/cde.example

# --- doctor ------------------------------------------------------------------
# doctor [-j]: in ns h with its hosts file (ip netns exec binds it).
doctor() {
	ip netns exec h "$VADDRCTL" "$@" doctor
}
ctl domain del cde.example
out=$(doctor); rc=$?
diag "doctor, bcd.example only:"; sed 's/^/# | /' <<<"$out" >&2
expect_eq "doctor passes a good domain" "$rc" 0
j=$(doctor -j)
expect_eq "doctor -j: eight findings besides the kernel's, all ok" \
	"$(jq -r 'map(select(.domain != "(kernel)")) | (map(.status) | unique | join(",")) + " " + (length | tostring)' <<<"$j")" "ok 8"
# An earlier test may have left rxrpc loaded (proxies.sh: unloading it
# can trip a kernel BUG).
proxies=$(grep -oE '^(rds|rds_tcp|rxrpc) ' /proc/modules | sort | xargs |
	sed 's/ /, /g')
expect_eq "doctor -j: whether rds, rds_tcp or rxrpc is loaded (${proxies:-none})" \
	"$(jq -r '.[] | select(.check == "proxies") | .check + " " + .status + " " + .message' <<<"$j" | cut -d';' -f1)" \
	"$([ -z "$proxies" ] && echo "proxies ok rds, rds_tcp and rxrpc are not loaded" ||
		echo "proxies warning loaded: $proxies")"
if [ -z "$proxies" ] && modprobe --ignore-install rxrpc 2>/dev/null; then
	expect_eq "doctor warns while rxrpc is loaded" \
		"$(doctor -j | jq -r '.[] | select(.check == "proxies") | .status + " " + .message' | cut -d';' -f1)" \
		"warning loaded: rxrpc"
	modprobe -r rxrpc	# never used: nothing lingers
else
	diag "SKIP: rxrpc loaded already, or no rxrpc module: doctor's warning was seen above, or not at all"
fi
# smc: AF_SMC's TCP connection is a kernel socket's (README, "Not covered").
if modprobe smc 2>/dev/null; then
	expect_eq "doctor warns while smc is loaded" \
		"$(doctor -j | jq -r '.[] | select(.check == "smc") | .status + " " + .message' | cut -d';' -f1)" \
		"warning loaded: smc"
	modprobe -r smc
	expect_eq "  ... and not once it is gone" \
		"$(doctor -j | jq -r '.[] | select(.check == "smc") | .status + " " + .message')" \
		"ok smc is not loaded"
elif ! modinfo smc >/dev/null 2>&1; then
	# Debian's 7.x kernels build no SMC: no such exception there.
	expect_eq "no smc module in this kernel: doctor finds smc not loaded" \
		"$(doctor -j | jq -r '.[] | select(.check == "smc") | .status + " " + .message')" \
		"ok smc is not loaded"
else
	not_ok "the smc module exists but does not load"
fi
expect_eq "doctor -j: what the module found at load, first" \
	"$(jq -r '[.[] | select(.domain == "(module)") | .check] | join(",")' <<<"$j")" \
	"refusal,probes"
expect_eq "doctor -j: checks of both addresses" \
	"$(jq -r '[.[] | select(.domain | startswith("(") | not) | .addr + " " + .check] | join(",")' <<<"$j")" \
	"$BCD4 address,$BCD4 ptr,$BCD4 forward,$BCD6 address,$BCD6 ptr,$BCD6 forward"

ctl domain add gone.example addr $GONE4
ctl domain add ptr.example addr $PTR4
ctl user add 1002 domain gone.example
ctl user add 1003 domain ptr.example
out=$(doctor); rc=$?
diag "doctor, with bad domains:"; sed 's/^/# | /' <<<"$out" >&2
expect_eq "doctor fails when a domain would be distrusted" "$rc" 1
j=$(doctor -j)
status() {
	jq -r --arg d "$1" --arg c "$2" \
		'.[] | select(.domain == $d and .check == $c) | .status' <<<"$j"
}
expect_eq "gone.example: address not configured" "$(status gone.example address)" error
expect_eq "gone.example: its DNS is fine" \
	"$(status gone.example ptr) $(status gone.example forward)" "ok ok"
expect_eq "ptr.example: PTR names another host" "$(status ptr.example ptr)" error
expect_eq "ptr.example: message says which" \
	"$(jq -r '.[] | select(.domain == "ptr.example" and .check == "ptr") | .message' <<<"$j")" \
	"PTR names host.example, not ptr.example"
expect_eq "ptr.example: configured, A ok" \
	"$(status ptr.example address) $(status ptr.example forward)" "ok ok"
expect_eq "bcd.example still all ok" \
	"$(jq -r '[.[] | select(.domain == "bcd.example") | .status] | unique | join(",")' <<<"$j")" ok
check "text: one line per finding, with a hint" \
	grep -Eq "^error +gone\.example +$GONE4 +address +not configured on any interface.*\(hint: ip address add $GONE4/32 dev IFACE\)$" <<<"$out"
ctl domain add lonely.example addr 192.0.2.70
expect_eq "a domain nothing is mapped to is a warning" \
	"$(doctor -j | jq -r '.[] | select(.domain == "lonely.example" and .check == "mapping") | .status')" warning

# --- bash completion -------------------------------------------------------
# complete WORD...: what the completion offers for the last word.
complete_words() {
	PATH=$VADDR_ROOT/userspace:$PATH bash -c '
		source "$1/userspace/completion/vaddrctl"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		_vaddrctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' _ "$VADDR_ROOT" "$@"
}
expect_eq "completion: commands" "$(complete_words vaddrctl d)" "doctor domain"
expect_eq "completion: options" "$(complete_words vaddrctl --j)" "--json"
expect_eq "completion: domain subcommands" \
	"$(complete_words vaddrctl domain "")" "add del set show"
expect_eq "completion: live domain names (in -n h)" \
	"$(complete_words vaddrctl -n h exec "")" \
	"bcd.example gone.example lonely.example ptr.example"
expect_eq "completion: domain after 'user add U domain'" \
	"$(complete_words vaddrctl -n h user add 5 domain p)" "ptr.example"
expect_eq "completion: set" "$(complete_words vaddrctl set nat "")" "off on"

ctl flush
module_unload
