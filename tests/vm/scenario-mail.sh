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

# mail_seen PHASE USER FAM: USER mails with swaks over IPv4/6; checks what
# mx.example saw against what it should see in PHASE (off: no vaddr).
mail_seen() {
	local phase=$1 user=$2 fam=$3 helo name addr spf=Pass log
	helo=$(scn_user "$user" domain)
	name=$helo addr=$(scn_user "$user" "$fam")
	if [ "$phase" = off ] && [ "$helo" != host.example ]; then
		name=host.example addr=$(scn_user h1 "$fam") spf=Fail
	fi
	scn_new_id
	log=$(wc -l <$S/mx/maillog)
	scn_swaks "$user" "$fam" "$SCN_ID" ||
		{ not_ok "vaddr $phase: $user sends with swaks over IPv$fam"; return 1; }
	expect_eq "vaddr $phase: $user over IPv$fam: Received: from $helo ($name [$addr])" \
		"$(scn_received "$SCN_ID")" "from $helo ($name [$(scn_pfaddr "$addr")])"
	expect_eq "vaddr $phase: $user over IPv$fam: smtpd logged client=$name[$addr]" \
		"$(scn_mx_log "$SCN_ID")" "client=$name[$addr]"
	expect_eq "vaddr $phase: $user over IPv$fam: Received-SPF: $spf" \
		"$(scn_spf "$SCN_ID")" "$spf"
	if [ "$spf" = Pass ]; then
		check_fails "vaddr $phase: $user over IPv$fam: no name/address mismatch logged" \
			grep -E "$SCN_MISMATCH" <(tail -n +$((log + 1)) $S/mx/maillog)
	fi
}

for phase in off on; do
	if [ $phase = on ]; then
		scn_vaddr_on || { not_ok "vaddr loaded and configured"; exit 1; }
	fi
	mail_seen $phase b1 4
	mail_seen $phase b1 6
	mail_seen $phase c1 4
	mail_seen $phase c1 6
	mail_seen $phase h1 4
	mail_seen $phase h1 6
done
scn_vaddr_off
