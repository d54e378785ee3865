#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hosting scenario beyond mail (SPEC §1): curl and wget fetch a page
# from a real nginx, ping reaches it, dig asks a real DNS server (dnsmasq),
# each run as a domain's user and as the host's own user, over IPv4 and
# IPv6. The remote side says what it saw: nginx's access log, a tcpdump
# capture of the echo request, dnsmasq's query log. First without vaddr
# (the host's address for everyone), then with it (the domain's address
# for b1 and c1; ping and unconnected datagrams through vaddr's NAT).
# Topology: tests/scenario-lib.sh (host, inet, mx, www, dns namespaces).
set -u
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../scenario-lib.sh"
trap 'scn_cleanup; cleanup' EXIT

scn_setup || { not_ok "scenario set up"; exit 1; }
scn_www || { not_ok "nginx started"; exit 1; }

for phase in off on; do
	if [ $phase = on ]; then
		scn_vaddr_on || { not_ok "vaddr loaded and configured"; exit 1; }
	fi
	for user in b1 c1 h1; do
		for fam in 4 6; do
			want=$(scn_user "$user" $fam)
			[ $phase = off ] && want=$(scn_user h1 $fam)
			what="vaddr $phase: $user over IPv$fam"
			scn_new_id
			tool=curl
			[ $fam = 6 ] && [ $user != c1 ] && tool=wget
			[ $fam = 4 ] && [ $user = c1 ] && tool=wget
			expect_eq "$what: nginx logged $tool from $want" \
				"$(scn_web $user $tool $fam "$SCN_ID")" "$want"
			expect_eq "$what: ping's echo request captured from $want" \
				"$(scn_ping $user $fam)" "$want"
			expect_eq "$what: dnsmasq logged dig's query from $want" \
				"$(scn_dig $user $fam www.example)" "$want"
		done
	done
done
scn_vaddr_off
