#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, the guest side: the hosting scenario of SPEC §1 played for a
# person, with the topology and servers of tests/scenario-lib.sh. For each
# step: a caption, the command, what the remote side saw without vaddr
# (module unloaded) and with it. Every observation is checked; the script
# exits 1 when one is not what it should be. stdout is the show (streamed
# to the terminal by tests/demo/run.sh), stderr the details.
# shellcheck disable=SC2317 # the observers are called through step()
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../scenario-lib.sh"
trap 'scn_cleanup; cleanup' EXIT

wrong=0
steps=0
say() { printf '%s\n' "$*"; }

# shown LABEL SEEN WANT: one observation, marked.
shown() {
	if [ "$2" = "$3" ]; then
		printf '   %-14s %s\n' "$1" "$2"
	else
		printf '   %-14s %s   <-- WRONG, should be: %s\n' "$1" "${2:-(nothing)}" "$3"
		wrong=$((wrong + 1))
	fi
}

# step CAPTION COMMAND OBSERVER: OBSERVER (a function printing what the
# remote side saw) runs without vaddr then with it; its arguments are the
# phase. want_off/want_on give what it should print.
step() {
	local caption=$1 cmd=$2 observer=$3
	steps=$((steps + 1))
	diag "step $steps at $((SECONDS - start)) s"
	say ""
	say "$steps. $caption"
	say "   \$ $cmd"
	scn_vaddr_off 2>/dev/null
	shown "without vaddr" "$($observer off)" "$($observer want-off)"
	scn_vaddr_on >&2 || { say "   (vaddr could not be loaded)"; wrong=$((wrong + 1)); return; }
	shown "with vaddr" "$($observer on)" "$($observer want-on)"
}

# --- what each step observes --------------------------------------------
# Observers take off|on (do it, print what the remote saw) or
# want-off|want-on (print what it should be).
mail_swaks() {
	case $1 in
	want-off) echo "Received: from bcd.example (host.example [$HOST4]), Received-SPF: Fail" ;;
	want-on) echo "Received: from bcd.example (bcd.example [$BCD4]), Received-SPF: Pass" ;;
	*)
		scn_new_id
		scn_swaks b1 4 "$SCN_ID" || return
		scn_message "$SCN_ID" >"$S/received.$1"
		echo "Received: $(scn_received "$SCN_ID"), Received-SPF: $(scn_spf "$SCN_ID")"
		;;
	esac
}

mail_queue() {
	case $1 in
	want-off) echo "Received: from bcd.example (host.example [IPv6:$HOST6])" ;;
	want-on) echo "Received: from bcd.example (bcd.example [IPv6:$BCD6])" ;;
	*)
		scn_new_id
		scn_sendmail b1 pf-bcd 6 "$SCN_ID" >&2 || return
		echo "Received: $(scn_received "$SCN_ID")"
		;;
	esac
}

# web_seen USER TOOL FAM PHASE
web_seen() {
	case $4 in
	want-off) echo "nginx access log: $(scn_user h1 "$3")" ;;
	want-on) echo "nginx access log: $(scn_user "$1" "$3")" ;;
	*)
		scn_new_id
		echo "nginx access log: $(scn_web "$1" "$2" "$3" "$SCN_ID")"
		;;
	esac
}
web_b1() { web_seen b1 curl 4 "$1"; }
web_c1() { web_seen c1 wget 6 "$1"; }
web_h1() { web_seen h1 curl 6 "$1"; }

# ping_seen USER FAM PHASE
ping_seen() {
	case $3 in
	want-off) echo "tcpdump on www.example: echo request from $(scn_user h1 "$2")" ;;
	want-on) echo "tcpdump on www.example: echo request from $(scn_user "$1" "$2")" ;;
	*) echo "tcpdump on www.example: echo request from $(scn_ping "$1" "$2" 2>/dev/null)" ;;
	esac
}
ping_b1() { ping_seen b1 4 "$1"; }
ping_c1() { ping_seen c1 6 "$1"; }

dns_b1() {
	case $1 in
	want-off) echo "dnsmasq log: query[A] www.example from $HOST4" ;;
	want-on) echo "dnsmasq log: query[A] www.example from $BCD4" ;;
	*) echo "dnsmasq log: query[A] www.example from $(scn_dig b1 4 www.example 2>/dev/null)" ;;
	esac
}

# --- the show ------------------------------------------------------------
start=$SECONDS
say "vaddr demo: the hosting scenario (SPEC §1), in network namespaces of a VM"
say ""
say "  host.example  $HOST4  $HOST6   the hosting server; h1 is its own user"
say "  bcd.example   $BCD4 $BCD6  a customer domain on it; its user is b1"
say "  cde.example   $CDE4 $CDE6  another; its user is c1"
say "  On the Internet side: mx.example (Postfix with SPF checks), www.example"
say "  (nginx), ns.example (dnsmasq: forward and reverse names, SPF records)."
say ""
say "Setting up (namespaces, users, dnsmasq, nginx, Postfix)..."
setup_all() {
	scn_setup && diag "namespaces, users, DNS at $((SECONDS - start)) s" &&
		scn_www && diag "nginx at $((SECONDS - start)) s" &&
		scn_mx && diag "mx at $((SECONDS - start)) s" &&
		scn_domain_queue b1
}
if ! setup_all >&2; then
	say "set-up failed (details in the guest log: build/vm-demo/out/demo.log)"
	exit 1
fi
diag "set up at $((SECONDS - start)) s"
say ""
say "\"With vaddr\" means: module loaded, and"
say "  vaddrctl domain add bcd.example addr $BCD4 addr $BCD6"
say "  vaddrctl domain add cde.example addr $CDE4 addr $CDE6"
say "  vaddrctl user add b1 domain bcd.example"
say "  vaddrctl user add c1 domain cde.example"
say "No program is changed or configured for it."

step "b1 sends mail from a shell, saying EHLO bcd.example" \
	"$(scn_swaks_cmd b1 4 '...')  (as b1)" mail_swaks
step "b1's mail through bcd.example's own queue: a Postfix whose processes run as b1 (IPv6 MX)" \
	"sendmail -C $S/pf-bcd/conf postmaster@remote6.example  (as b1)" mail_queue
step "b1 fetches a page over IPv4" \
	"curl -4 http://www.example/  (as b1)" web_b1
step "c1 fetches a page over IPv6" \
	"wget -6 http://www.example/  (as c1)" web_c1
step "b1 pings over IPv4 (an ICMP socket: vaddr's source NAT)" \
	"ping -4 -c 1 www.example  (as b1)" ping_b1
step "c1 pings over IPv6" \
	"ping -6 -c 1 www.example  (as c1)" ping_c1
step "b1 asks the DNS (UDP)" \
	"dig @$DNS4 www.example A  (as b1)" dns_b1
step "h1, the host's own user, is left alone" \
	"curl -6 http://www.example/  (as h1)" web_h1
scn_vaddr_off

say ""
say "The Received: header mx.example wrote for b1's mail (step 1):"
for phase in off on; do
	label="without vaddr:"
	[ $phase = on ] && label="with vaddr:"
	msg=$(cat "$S/received.$phase" 2>/dev/null)
	if [ -n "$msg" ]; then
		printf '  %-15s %s\n' "$label" "$(grep -m 1 '^Received:' "$msg")"
	else
		printf '  %-15s (no message)\n' "$label"
		wrong=$((wrong + 1))
	fi
done
say ""
if [ "$wrong" -eq 0 ]; then
	say "All $steps steps showed what they should ($((SECONDS - start)) s in the VM)."
	exit 0
fi
say "$wrong observation(s) were not what they should be."
exit 1
