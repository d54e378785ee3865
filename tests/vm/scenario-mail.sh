#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hosting scenario, mail sent by the users themselves (SPEC §1): swaks
# run as each user speaks SMTP to a real Postfix on the Internet, saying EHLO
# with the user's domain. The receiving Postfix writes what it saw in the
# Received: line, its log and the SPF verdict (policyd-spf): first without
# vaddr (the host's address: host.example claims to be bcd.example, SPF
# fails), then with it (the domain's own address, name and SPF pass). The
# host's own user h1 gets host.example both times.
# Topology: tests/scenario-lib.sh (host, inet, mx, www, dns namespaces).
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../scenario-lib.sh"
trap 'scn_cleanup; cleanup' EXIT

scn_setup || { not_ok "scenario set up"; exit 1; }
scn_mx || { not_ok "receiving Postfix started"; exit 1; }

# mail_send USER FAM: USER mails with swaks over IPv4/6, in the background;
# the message's Subject goes to ids[USER FAM].
declare -A ids
pids=()
mail_send() {
	scn_new_id
	ids["$1 $2"]=$SCN_ID
	scn_swaks "$1" "$2" "$SCN_ID" &
	pids+=($!)
}

# All senders done, each with success.
senders_ok() {
	local pid rc=0
	for pid in "${pids[@]}"; do
		wait "$pid" || rc=1
	done
	pids=()
	return $rc
}

# mail_seen PHASE USER FAM: what mx.example saw of that message, against
# what it should see in PHASE (off: no vaddr).
mail_seen() {
	local phase=$1 user=$2 fam=$3 id=${ids["$2 $3"]} helo name addr spf=Pass
	helo=$(scn_user "$user" domain)
	name=$helo addr=$(scn_user "$user" "$fam")
	if [ "$phase" = off ] && [ "$helo" != host.example ]; then
		name=host.example addr=$(scn_user h1 "$fam") spf=Fail
	fi
	check "vaddr $phase: $user over IPv$fam: message delivered" \
		scn_message "$id" || return 1
	expect_eq "vaddr $phase: $user over IPv$fam: Received: from $helo ($name [$addr])" \
		"$(scn_received "$id")" "from $helo ($name [$(scn_pfaddr "$addr")])"
	expect_eq "vaddr $phase: $user over IPv$fam: smtpd logged client=${name}[$addr]" \
		"$(scn_mx_log "$id")" "client=${name}[$addr]"
	expect_eq "vaddr $phase: $user over IPv$fam: Received-SPF: $spf" \
		"$(scn_spf "$id")" "$spf"
}

# Each phase sends its six messages at once (a swaks is seconds of
# emulated CPU), then reads them.
for phase in off on; do
	if [ $phase = on ]; then
		scn_vaddr_on || { not_ok "vaddr loaded and configured"; exit 1; }
	fi
	log=$(wc -l <"$S/mx/maillog" 2>/dev/null || echo 0)
	for user in b1 c1 h1; do
		mail_send $user 4
		mail_send $user 6
	done
	check "vaddr $phase: every swaks run succeeded" senders_ok
	for user in b1 c1 h1; do
		mail_seen $phase $user 4
		mail_seen $phase $user 6
	done
	check_fails "vaddr $phase: no name/address mismatch in mx.example's log" \
		grep -E "$SCN_MISMATCH" <(tail -n +$((log + 1)) "$S/mx/maillog")
done
scn_vaddr_off
