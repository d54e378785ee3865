#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vaddrctl set/show/stats against the module: settings, JSON shapes,
# errors, many users.
#
#  ns n: a namespace of its own; uid 1003 unprivileged.
set -u
source "$(dirname "$0")/../lib.sh"

netns_add n
# shellcheck disable=SC2034 # read by ctl (lib.sh): its table is used
CTL_NS=n
out=$("$VADDRCTL" show 2>&1)
check "without the module, vaddrctl says how to load it" \
	grep -q "modprobe vaddr" <<<"$out"
module_load

expect_eq "set alone: nat on by default" "$(ctl set)" "nat: on"$'\n'"isolation: off"
expect_eq "set -j" "$(ctl -j set)" '{"nat":true,"isolation":false}'
check "set nat off" ctl set nat off
expect_eq "set after nat off" "$(ctl set)" "nat: off"$'\n'"isolation: off"
expect_eq "set -j after nat off" "$(ctl -j set)" '{"nat":false,"isolation":false}'
check "set nat on" ctl set nat on
expect_eq "set after nat on" "$(ctl -j set)" '{"nat":true,"isolation":false}'

out=$(ctl set nat maybe 2>&1); rc=$?
expect_eq "set nat maybe" "$rc $out" "1 vaddrctl: 'nat' expects 'on' or 'off', got 'maybe'"
out=$(ctl set foo on 2>&1); rc=$?
expect_eq "set foo on" "$rc $out" "1 vaddrctl: unknown setting 'foo' (settings: nat, isolation)"
out=$(ctl set nat 2>&1); rc=$?
expect_eq "set nat" "$rc $out" "1 vaddrctl: 'nat' needs a value: 'on' or 'off'"
out=$(run_as 1003 n "$VADDRCTL" set nat off 2>&1); rc=$?
echo "# unprivileged set: rc=$rc $out" >&2
expect_eq "unprivileged set nat off fails" "$rc" 1
expect_eq "unprivileged may read settings" "$(run_as 1003 n "$VADDRCTL" set)" "nat: on"$'\n'"isolation: off"

# What the module proved at load: this kernel refuses connects.
expect_eq "show with nothing: settings and what the module found" "$(ctl show)" \
	"nat: on"$'\n'"isolation: off"$'\n'"connect refusal: works"$'\n'"missed connects: 0"
expect_eq "show -j with nothing" "$(ctl -j show)" '{"settings":{"nat":true,"isolation":false,"isolation_allow":[]},"module":{"connect_refusal":true,"missed_connects":0},"domains":[]}'
out=$(ctl doctor 2>&1)
check "doctor: connects can be refused" \
	grep -Eq '^ok +\(module\) +- +refusal +connects can be refused on this kernel' <<<"$out"
check "doctor: no missed connect" \
	grep -Eq '^ok +\(module\) +- +probes +the connect probes saw every connect' <<<"$out"

ctl domain add bcd.example addr 198.51.100.70 addr 2001:db8::70
ctl domain add cde.example addr 203.0.113.5
ctl user add 0 domain bcd.example
echo "# show:" >&2; ctl show | sed 's/^/# | /' >&2
echo "# show -j:" >&2; ctl -j show | sed 's/^/# | /' >&2
echo "# show -p:" >&2; ctl -p show | sed 's/^/# | /' >&2
check "show -j is JSON" sh -c "'$VADDRCTL' -n n -j show | jq -e '.settings.nat == true and (.domains | length) == 2 and .domains[0].users[0].user == \"root\"'"
echo "# stats:" >&2; ctl stats | sed 's/^/# | /' >&2
echo "# stats -j:" >&2; ctl -j stats | sed 's/^/# | /' >&2
check "stats -j has nat4 and nat6" sh -c "'$VADDRCTL' -n n -j stats | jq -e '.[0] | has(\"nat4\") and has(\"nat6\")'"

out=$(ctl domain add bcd.example. addr 192.0.2.1 2>&1); rc=$?
expect_eq "trailing dot" "$rc $out" "1 vaddrctl: invalid domain name 'bcd.example.': it ends with '.' (write 'bcd.example')"
out=$(ctl domain add a..b addr 192.0.2.1 2>&1); rc=$?
expect_eq "empty label" "$rc $out" "1 vaddrctl: invalid domain name 'a..b': empty label between two '.'"

# Many users (more than vaddrctl names one getpwuid() at a time): 200
# passwd entries, 70 of them mapped, 10 unnamed uids.
for i in $(seq 20000 20199); do passwd_add "v$i" "$i"; done
for i in $(seq 20000 20069) $(seq 30000 30009); do echo "user add $i domain cde.example"; done |
	while read -r a b c d e; do "$VADDRCTL" -n n $a $b $c $d $e || exit 1; done
check "80 users mapped" test "$(ctl -j show | jq '.domains[1].users | length')" = 80
expect_eq "user named by the passwd read" "$(ctl -j show | jq -r '.domains[1].users[] | select(.uid == 20050) | .user')" v20050
expect_eq "unnamed uid" "$(ctl -j show | jq -r '.domains[1].users[] | select(.uid == 30005) | .user')" null
expect_eq "user show names" "$(ctl user show | grep -c "(v2")" 70

module_unload
