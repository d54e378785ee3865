#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hosting scenario, mail through an MTA on the host (SPEC §1):
#  - per-domain queues: a Postfix instance per domain whose processes run as
#    the domain's user (b1 for bcd.example, c1 for cde.example), fed by that
#    user's sendmail and flushed by its own smtp client. Without vaddr the
#    mail leaves from host.example; with it, from the domain's address.
#  - a shared MTA (one Postfix run as postfix for every domain) with the
#    recipe of docs/mail.md: sender-dependent transports bound to each
#    domain's addresses. It needs no vaddr and vaddr leaves it alone: the
#    domain's address both times, and host.example for the host's own user.
# The receiving Postfix and the DNS are those of tests/scenario-lib.sh.
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../scenario-lib.sh"
trap 'scn_cleanup; cleanup' EXIT

scn_setup || { not_ok "scenario set up"; exit 1; }
scn_mx || { not_ok "receiving Postfix started"; exit 1; }
check "per-domain Postfix for bcd.example started, run as b1" scn_domain_queue b1 || exit 1
check "per-domain Postfix for cde.example started, run as c1" scn_domain_queue c1 || exit 1
check "shared Postfix with per-domain transports started" scn_shared_mta || exit 1

# queued_send PHASE USER INSTANCE FAM: USER's sendmail of INSTANCE queues a
# message to a domain whose MX has only an IPv4 (IPv6) address.
declare -A ids
queued_send() {
	local phase=$1 user=$2 inst=$3 fam=$4
	scn_new_id
	ids["$user $inst $fam"]=$SCN_ID
	check "vaddr $phase: $user queues a message with $inst's sendmail (IPv$fam MX)" \
		scn_sendmail "$user" "$inst" "$fam" "$SCN_ID"
}

# queued_seen PHASE USER INSTANCE FAM WANT: mx.example must have seen
# that message come from WANT (a user: that user's domain and address).
queued_seen() {
	local phase=$1 user=$2 inst=$3 fam=$4 want=$5 id=${ids["$2 $3 $4"]}
	local helo name addr spf=Pass
	helo=$(scn_user "$user" domain)
	name=$(scn_user "$want" domain) addr=$(scn_user "$want" "$fam")
	[ "$name" = "$helo" ] || spf=Fail
	check "vaddr $phase: $user via $inst over IPv$fam: message delivered" \
		scn_message "$id" || return 1
	expect_eq "vaddr $phase: $user via $inst over IPv$fam: Received: from $helo ($name [$addr])" \
		"$(scn_received "$id")" "from $helo ($name [$(scn_pfaddr "$addr")])"
	expect_eq "vaddr $phase: $user via $inst over IPv$fam: Received-SPF: $spf" \
		"$(scn_spf "$id")" "$spf"
}

# The user running the smtp client processes of INSTANCE (they stay idle
# for a while after delivering).
smtp_owner() {
	local pid
	for pid in $(pgrep -x smtp); do
		tr '\0' '\n' <"/proc/$pid/environ" | grep -qx "MAIL_CONFIG=$S/$1/conf" ||
			continue
		ps -o user= -p "$pid"
		return
	done
}

# Each phase queues its eight messages at once, then reads them.
messages=("b1 pf-bcd 4" "b1 pf-bcd 6" "c1 pf-cde 4" "c1 pf-cde 6"
	"b1 pf-shared 4" "c1 pf-shared 6" "h1 pf-shared 4" "h1 pf-shared 6")
for phase in off on; do
	if [ $phase = on ]; then
		scn_vaddr_on || { not_ok "vaddr loaded and configured"; exit 1; }
	fi
	for m in "${messages[@]}"; do
		# shellcheck disable=SC2086 # user instance family
		queued_send $phase $m
	done
	# Per-domain queues: the domain's address only with vaddr.
	if [ $phase = off ]; then b=h1 c=h1; else b=b1 c=c1; fi
	queued_seen $phase b1 pf-bcd 4 $b
	queued_seen $phase b1 pf-bcd 6 $b
	queued_seen $phase c1 pf-cde 4 $c
	queued_seen $phase c1 pf-cde 6 $c
	# The shared MTA binds by itself; the host's user stays host.example.
	queued_seen $phase b1 pf-shared 4 b1
	queued_seen $phase c1 pf-shared 6 c1
	queued_seen $phase h1 pf-shared 4 h1
	queued_seen $phase h1 pf-shared 6 h1
done
expect_eq "the per-domain queue of bcd.example delivers as b1" "$(smtp_owner pf-bcd)" b1
expect_eq "the shared MTA delivers as postfix" "$(smtp_owner pf-shared)" postfix
scn_vaddr_off
