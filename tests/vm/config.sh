#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vaddrctl load/check/save and -b: the whole table replaced at once from a
# vaddr.conf file, errors by line with nothing changed, save | load round
# trips, a replacement abandoned by a killed client, requests for a stage
# that never reach the live table, the generation check of a commit,
# fail-closed after a load, connections during loads, 100k users in one
# load.
#
#  ns h ("host")                                ns r ("remote")
#  +-------------------------------------+      +----------------------+
#  | h0 198.51.100.1/24   host address   | veth | r0 198.51.100.2/24   |
#  |    198.51.100.70/32  bcd.example    |------|    2001:db8::2/64    |
#  |    198.51.100.80/32  cde.example    |      |    peer             |
#  |    2001:db8::1/64    host address   |      +----------------------+
#  +-------------------------------------+
#  uid 1001: bcd.example in conf A, cde.example in conf B
#  cgroups /sys/fs/cgroup/vaddr-cfg/dN for the large table
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 R4=198.51.100.2 BCD4=198.51.100.70 CDE4=198.51.100.80
H6=2001:db8::1 R6=2001:db8::2
EADDRNOTAVAIL="Cannot assign requested address"
CG=/sys/fs/cgroup/vaddr-cfg
NLRAW=$VADDR_ROOT/tests/tools/nlraw.py
T=$(mktemp -d)
chmod 755 "$T"	# the connect loop runs as uid 1001

topo_host_remote $H4/24 $BCD4/32 $CDE4/32 $H6/64 -- $R4/24 $R6/64
module_load

cleanup_config() {
	rmdir "$CG"/*/ "$CG" 2>/dev/null
	rm -rf "$T"
	return 0
}
trap 'cleanup; cleanup_config' EXIT

# --- a large generated table: save -> load -> save ----------------------
# 300 domains (v4, v6 or both), 6000 uids (ranges, scattered, named), 20
# cgroups, one of them removed after it was mapped (saved as its id).
for i in $(seq 50000 50019); do passwd_add "cfg$i" "$i"; done
mkdir -p "$CG"
gen_large() {
	local i
	echo "# generated"
	for i in $(seq 0 299); do
		printf 'domain d%03d.example\n' "$i"
		case $((i % 3)) in
		0) printf '\taddr 203.0.113.%d\n' $((i / 3 + 1)) ;;
		1) printf '\taddr 2001:db8:1::%x\n' $((i + 1)) ;;
		2) printf '\taddr 198.51.100.%d\n\taddr 2001:db8:2::%x\n' \
			$((i / 3 + 100)) $((i + 1)) ;;
		esac
		printf '\tuser %d-%d\n' $((100000 + i * 20)) $((100000 + i * 20 + 9))
		printf '\tuser %d %d %d %d %d\n' $((100000 + i * 20 + 11)) \
			$((100000 + i * 20 + 13)) $((100000 + i * 20 + 15)) \
			$((100000 + i * 20 + 17)) $((100000 + i * 20 + 19))
		[ "$i" -lt 20 ] && printf '\tuser cfg%d\n' $((50000 + i))
		if [ "$i" -lt 20 ]; then
			mkdir -p "$CG/d$i"
			printf '\tcgroup %s/d%d\n' "$CG" "$i"
		fi
	done
}
gen_large >"$T/large.conf"
check "check accepts the large file" ctl check "$T/large.conf"
check "load the large file" ctl load "$T/large.conf"
expect_eq "large: 300 domains, 4520 users, 20 cgroups" \
	"$(ctl -j show | jq -c '[(.domains | length), ([.domains[].users | length] | add), ([.domains[].cgroups | length] | add)]')" \
	"[300,4520,20]"
d7=$(stat -c %i "$CG/d7")
rmdir "$CG/d7"
ctl save >"$T/save1" 2>"$T/save1.err"
expect_eq "save leaves out a removed cgroup, saying so" "$(cat "$T/save1.err")" \
	"vaddrctl: not saved: cgroup $d7 of domain d007.example, which no longer exists"
check "save writes cgroups by path" grep -q "^	cgroup $CG/d8$" "$T/save1"
check "save names users in comments" grep -q "user 50003.*# cfg50003" "$T/save1"
check "load what save wrote" ctl load "$T/save1"
ctl save >"$T/save2"
check "save -> load -> save is identical" cmp "$T/save1" "$T/save2"
check "save | load - from stdin" sh -c "'$VADDRCTL' -n h save | '$VADDRCTL' -n h load -"
ctl save >"$T/save3"
check "and still identical" cmp "$T/save1" "$T/save3"
diag "save, first lines:"; head -n 12 "$T/save1" | sed 's/^/# | /' >&2

# --- errors: by line, nothing changed -----------------------------------
ctl save >"$T/before"
{
	for i in $(seq 1 12); do
		printf 'domain e%d.example\n\taddr 192.0.2.%d\n\tuser %d\n' "$i" "$i" $((3000 + i))
	done
	printf '\tuser b9\n'
	printf 'domain f.example\n\taddr 192.0.2.200\n'
} >"$T/e37.conf"
diag "e37.conf line 37: $(sed -n 37p "$T/e37.conf")"
out=$(ctl load "$T/e37.conf" 2>&1); rc=$?
expect_eq "error on line 37 is reported at line 37" "$rc $out" \
	"1 $T/e37.conf:37: unknown user 'b9'"
ctl save >"$T/after"
check "the table is unchanged after the failed load" cmp "$T/before" "$T/after"
out=$(ctl check "$T/e37.conf" 2>&1); rc=$?
expect_eq "check reports line 37 too" "$rc $(head -n1 <<<"$out")" "1 $T/e37.conf:37: unknown user 'b9'"

bad() {	# bad DESC WANT: the file on stdin is refused by load with WANT
	local out rc
	cat >"$T/bad.conf"
	out=$(ctl load "$T/bad.conf" 2>&1); rc=$?
	expect_eq "$1" "$rc $out" "1 $2"
}
bad "a domain twice" "$T/bad.conf:3: domain 'a.example' is defined twice (line 1)" <<EOF
domain a.example
	addr 192.0.2.1
domain a.example
	addr 192.0.2.2
EOF
bad "an address in two domains" "$T/bad.conf:4: address 192.0.2.1 belongs to domain 'a.example' already (line 2)" <<EOF
domain a.example
	addr 192.0.2.1
domain b.example
	addr 192.0.2.1
EOF
bad "a uid in two domains" "$T/bad.conf:6: uid 1001 belongs to domain 'a.example' already (line 3)" <<EOF
domain a.example
	addr 192.0.2.1
	user 1001
domain b.example
	addr 192.0.2.2
	user 1000-1005
EOF
bad "a cgroup in two domains" "$T/bad.conf:6: cgroup $(stat -c %i "$CG/d1" 2>/dev/null || echo 0) belongs to domain 'a.example' already (line 3)" <<EOF
domain a.example
	addr 192.0.2.1
	cgroup $CG/d1
domain b.example
	addr 192.0.2.2
	cgroup $CG/d1/
EOF
bad "an unknown user" "$T/bad.conf:3: unknown user 'nosuchuser'" <<EOF
domain a.example
	addr 192.0.2.1
	user nosuchuser
EOF
# Caught by the kernel, not by the parser: still named by line.
bad "a cgroup id the kernel does not know" "$T/bad.conf:4: Error: no cgroup v2 directory with this id." <<EOF
domain a.example
	addr 192.0.2.1
	user 1001
	cgroup 999999999
EOF
# A domain's uids go to the kernel as lists; one it refuses is still named
# by its own line: a uid that the loader's user namespace (root of its
# own, mapping uid 0 alone) cannot name, in the first list or a later one.
userns_load() {	# userns_load DESC LINE: load the file on stdin there
	local out rc
	cat >"$T/bad.conf"
	out=$(unshare -Urn "$VADDRCTL" load "$T/bad.conf" 2>&1); rc=$?
	expect_eq "$1" "$rc $out" "1 $T/bad.conf:$2: Error: uid is not mapped in the sender's user namespace."
}
userns_load "a uid the kernel refuses in a list: its line" 3 <<EOF
domain a.example
	addr 192.0.2.1
	user 5
	user 0
EOF
userns_load "  ... in the second list" 6 <<EOF
domain a.example
	addr 192.0.2.1
	user 0
domain b.example
	addr 192.0.2.2
	user 7
EOF
# Thousands of requests refused by the kernel: the first errors, by line.
{
	printf 'domain a.example\n\taddr 192.0.2.1\n'
	for i in $(seq 1 3000); do echo "	cgroup $((900000000 + i))"; done
} >"$T/many.conf"
out=$(ctl load "$T/many.conf" 2>&1); rc=$?
diag "many kernel errors: $(wc -l <<<"$out") lines, last: $(tail -n1 <<<"$out")"
expect_eq "many kernel errors: status 1, the first error by line" "$rc $(head -n1 <<<"$out")" \
	"1 $T/many.conf:3: Error: no cgroup v2 directory with this id."
ctl save >"$T/after"
check "the table is unchanged after every refused file" cmp "$T/before" "$T/after"

# fail-closed is a domain option of the isolation feature: the file takes
# it; a kernel without it refuses the file by line, changing nothing.
printf 'domain fc.example fail-closed\n\taddr 192.0.2.98\n' >"$T/fc.conf"
check "check takes fail-closed" ctl check "$T/fc.conf"
out=$(ctl load "$T/fc.conf" 2>&1); rc=$?
diag "load with fail-closed: rc=$rc $out"
if [ $rc = 0 ]; then
	expect_eq "fail-closed loaded and saved" "$(ctl save | grep '^domain')" "domain fc.example fail-closed"
	ctl load "$T/before"
else
	expect_eq "fail-closed refused by line" "$(cut -d: -f2 <<<"$out")" 1
fi
ctl save >"$T/after"
check "the table is as before" cmp "$T/before" "$T/after"

# --- check, show -j -----------------------------------------------------
# The shipped file is all comments (an empty table, harmless at boot); its
# example is its "#word" lines.
expect_eq "the example /etc/vaddr.conf as shipped is an empty table" \
	"$(ctl check "$VADDR_ROOT/userspace/vaddr.conf.example")" \
	"$VADDR_ROOT/userspace/vaddr.conf.example: 0 domains, 0 users, 0 cgroups: ok"
passwd_add b1 1001
sed 's/^#\([^ ]\)/\1/' "$VADDR_ROOT/userspace/vaddr.conf.example" >"$T/example.conf"
expect_eq "its example, uncommented, is valid" "$(ctl check "$T/example.conf")" \
	"$T/example.conf: 2 domains, 103 users, 0 cgroups: ok"
printf 'domain z.example\n\taddr 192.0.2.99\n' >"$T/z.conf"
expect_eq "check of a valid file" "$(ctl check "$T/z.conf")" \
	"$T/z.conf: 1 domains, 0 users, 0 cgroups: ok"
expect_eq "check -j" "$(ctl -j check "$T/z.conf")" '{"domains":1,"users":0,"cgroups":0}'
ctl save >"$T/after"
check "check applies nothing" cmp "$T/before" "$T/after"
check "show -j parses with jq" sh -c "'$VADDRCTL' -n h -j show | jq -e '.domains[0].domain == \"d000.example\" and (.domains[0].users | length) == 16'"

# --- a replacement abandoned by its client ------------------------------
# A client opens a replacement, stages a domain and a uid, and waits; the
# live table must not show them. Killed before the commit, its stage goes.
cat >"$T/stage.py" <<'EOF'
import socket, sys
sys.path.insert(0, sys.argv[1])
import nlraw as n
cmds, attrs = n.uapi_enum("VADDR_CMD_"), n.uapi_enum("VADDR_A_")
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, n.NETLINK_GENERIC)
sock.setsockopt(270, n.NETLINK_EXT_ACK, 1)
fam = n.family_id(sock)
seq = 1
def req(words):
    global seq
    seq += 1
    cmd, payload = n.build(words, cmds, attrs)
    err, text = n.request(sock, fam, cmd, payload, seq)
    print("%s errno=%s msg=%s" % (words[0], err, text), flush=True)
req(["REPLACE_BEGIN"])
req(["REPLACE_BEGIN"])
req(["DOMAIN_NEW", "DOMAIN:str:staged.example", "ADDR4:in4:192.0.2.77", "STAGED:flag:"])
req(["UID_ADD", "UID:u32:4242", "DOMAIN:str:staged.example", "STAGED:flag:"])
req(["UID_ADD", "UID:u32:4243", "DOMAIN:str:d000.example", "STAGED:flag:"])
print("staged", flush=True)
if sys.stdin.readline().strip() == "commit":
    req(["REPLACE_COMMIT"])
    print("done", flush=True)
sys.stdin.readline()
EOF
mkfifo "$T/fifo"
stage_start() {	# a staging client, stdin from the fifo (kept open on fd 7)
	ip netns exec h python3 "$T/stage.py" "$VADDR_ROOT/tests/tools" \
		<"$T/fifo" >"$T/stage.out" 2>&1 &
	stage_pid=$!
	exec 7>"$T/fifo"
	wait_for "the stage client staged its requests" 30 \
		grep staged "$T/stage.out"
}
stage_start
diag "stage client: $(tr '\n' '|' <"$T/stage.out")"
expect_eq "a second BEGIN on the same socket is refused" \
	"$(grep -c "REPLACE_BEGIN errno=17 msg=this socket has a replacement open already" "$T/stage.out")" 1
expect_eq "a uid of a domain only the live table has is refused in the stage" \
	"$(grep -c "UID_ADD errno=2 msg=unknown domain" "$T/stage.out")" 1
ctl save >"$T/during"
check "the staged domain is not in the live table" cmp "$T/before" "$T/during"
out=$(ip netns exec h python3 "$NLRAW" REPLACE_COMMIT)
expect_eq "another socket cannot commit it" "$out" \
	"errno=ENOENT msg=no replacement open on this socket (VADDR_CMD_REPLACE_BEGIN)"
kill -9 "$stage_pid"; wait "$stage_pid" 2>/dev/null; exec 7>&-
ctl save >"$T/after"
check "killed before commit: the old table stays" cmp "$T/before" "$T/after"
check "a new load works after the kill" ctl load "$T/z.conf"
expect_eq "and it is the new table" "$(ctl -j show | jq -c '[.domains[].domain]')" '["z.example"]'
# The same client, committing: its table replaces the live one.
stage_start
echo commit >&7
wait_for "the stage client committed" 30 grep "done" "$T/stage.out"
exec 7>&-; wait "$stage_pid" 2>/dev/null
expect_eq "a committed stage is the table" \
	"$(ctl -j show | jq -c '[.domains[] | [.domain, .addr4, [.users[].uid]]]')" \
	'[["staged.example","192.0.2.77",[4242]]]'
# Unloading the module with a stage open: the stage goes with the namespaces.
stage_start
module_unload
exec 7>&-; kill -9 "$stage_pid"; wait "$stage_pid" 2>/dev/null
module_load
check "module reloaded after an unload with an open stage" ctl show

# --- requests for a stage say so (VADDR_A_STAGED) -----------------------
# A flagged request on a socket without a stage fails and changes nothing:
# it never falls back to the live table (a stage lost to a reused port id
# must not half apply a load). Unflagged requests go to the live table,
# on a socket with a stage too.
NOSTAGE="errno=ENOENT msg=no replacement open on this socket (VADDR_CMD_REPLACE_BEGIN)"
ctl load "$T/z.conf"
ctl save >"$T/before"
out=$(ip netns exec h python3 "$NLRAW" - <<EOF
DOMAIN_NEW DOMAIN:str:f.example ADDR4:in4:192.0.2.66 STAGED:flag:
DOMAIN_DEL DOMAIN:str:z.example STAGED:flag:
DOMAIN_SET DOMAIN:str:z.example FAIL_CLOSED:hex:01 STAGED:flag:
UID_ADD UID:u32:4244 DOMAIN:str:z.example STAGED:flag:
CGROUP_ADD CGROUP_ID:u64:$(stat -c %i /sys/fs/cgroup) DOMAIN:str:z.example STAGED:flag:
UID_DEL UID:u32:4244 STAGED:flag:
CGROUP_DEL CGROUP_ID:u64:1 STAGED:flag:
EOF
)
expect_eq "each of the 7 flagged requests without a stage fails with ENOENT" \
	"$(grep -cxF "$NOSTAGE" <<<"$out")" 7
ctl save >"$T/after"
check "and none changed the live table" cmp "$T/before" "$T/after"
out=$(ip netns exec h python3 "$NLRAW" - <<EOF | tr '\n' '|'
REPLACE_BEGIN
UID_ADD UID:u32:4244 DOMAIN:str:z.example
DOMAIN_NEW DOMAIN:str:s.example ADDR4:in4:192.0.2.67 STAGED:flag:
DOMAIN_SET DOMAIN:str:s.example FAIL_CLOSED:hex:01
DOMAIN_SET DOMAIN:str:s.example FAIL_CLOSED:hex:01 STAGED:flag:
DOMAIN_GET DOMAIN:str:s.example STAGED:flag:
REPLACE_ABORT
UID_ADD UID:u32:4245 DOMAIN:str:z.example STAGED:flag:
EOF
)
expect_eq "with a stage open: unflagged requests work on the live table, flagged on the stage" \
	"$out" "errno=0 msg=|errno=0 msg=|errno=0 msg=|errno=ENOENT msg=unknown domain|errno=0 msg=|errno=EINVAL msg=Unsupported attribute|errno=0 msg=|$NOSTAGE|"
expect_eq "the live table got the unflagged uid only" \
	"$(ctl -j show | jq -c '[.domains[] | [.domain, .fail_closed, [.users[].uid]]]')" \
	'[["z.example",false,[4244]]]'

# --- a commit may name the generation it expects --------------------------
# Without it the last commit wins (what vaddrctl load does: the file is the
# whole table). With it, a change since that generation fails the commit
# with ESTALE and leaves the stage open to commit again.
cat >"$T/gen.py" <<'EOF'
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
import nlraw as n
cmds, attrs = n.uapi_enum("VADDR_CMD_"), n.uapi_enum("VADDR_A_")
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, n.NETLINK_GENERIC)
sock.setsockopt(270, n.NETLINK_EXT_ACK, 1)
fam = n.family_id(sock)
seq = 1
def generation():		# of the first message of a domain dump
    global seq
    seq += 1
    genl = struct.pack("=BBH", cmds["DOMAIN_GET"], 1, 0)
    sock.send(struct.pack("=IHHII", 20, fam, 0x301, seq, 0) + genl)
    gen = None
    while True:
        data = sock.recv(65536)
        off = 0
        while off < len(data):
            length, mtype = struct.unpack_from("=IH", data, off)
            if mtype == 3:	# NLMSG_DONE
                return gen
            a = off + 20
            while gen is None and a + 4 <= off + length:
                alen, atype = struct.unpack_from("=HH", data, a)
                if atype == attrs["GENERATION"]:
                    gen = struct.unpack_from("=I", data, a + 4)[0]
                a += (alen + 3) & ~3
            off += (length + 3) & ~3
def req(words):
    global seq
    seq += 1
    cmd, payload = n.build(words, cmds, attrs)
    err, text = n.request(sock, fam, cmd, payload, seq)
    print("%s errno=%s msg=%s" % (words[0], err, text))
gen = generation()
req(["REPLACE_BEGIN"])
req(["DOMAIN_NEW", "DOMAIN:str:g.example", "ADDR4:in4:192.0.2.88", "STAGED:flag:"])
req(["DOMAIN_SET", "DOMAIN:str:g.example", "FAIL_CLOSED:hex:01", "STAGED:flag:"])
req(["UID_ADD", "UID:u32:4247", "DOMAIN:str:g.example", "STAGED:flag:"])
req(["REPLACE_COMMIT", "GENERATION:u32:%d" % (gen + 1)])
req(["UID_ADD", "UID:u32:4246", "DOMAIN:str:z.example"])
req(["REPLACE_COMMIT", "GENERATION:u32:%d" % gen])
print("generation moved:", generation() != gen)
req(["REPLACE_COMMIT", "GENERATION:u32:%d" % generation()])
req(["REPLACE_COMMIT"])
EOF
out=$(ip netns exec h python3 "$T/gen.py" "$VADDR_ROOT/tests/tools" | tr '\n' '|')
expect_eq "a commit fails on another generation, then works on the current one" "$out" \
"REPLACE_BEGIN errno=0 msg=|DOMAIN_NEW errno=0 msg=|DOMAIN_SET errno=0 msg=|UID_ADD errno=0 msg=|\
REPLACE_COMMIT errno=116 msg=the table changed since this generation|UID_ADD errno=0 msg=|\
REPLACE_COMMIT errno=116 msg=the table changed since this generation|generation moved: True|\
REPLACE_COMMIT errno=0 msg=|REPLACE_COMMIT errno=2 msg=no replacement open on this socket (VADDR_CMD_REPLACE_BEGIN)|"
expect_eq "the committed stage is the table, fail-closed set in the stage" \
	"$(ctl -j show | jq -c '[.domains[] | [.domain, .fail_closed, [.users[].uid]]]')" \
	'[["g.example",true,[4247]]]'
ctl flush

# --- fail-closed after a load -------------------------------------------
# The output hooks a loaded fail-closed domain needs are registered before
# the commit makes it live. uid 1002's domain has no IPv6 address: loaded
# fail-closed, its IPv6 traffic must fail with EADDRNOTAVAIL and reach no
# one; loaded without, it leaves from the host address. Each refused try
# is followed by one of unmapped uid 1003, which the remote must see first.
# shellcheck disable=SC2034 # read by tcp_try and udp_try (lib.sh)
port=7100
printf 'domain cde.example\n\taddr %s\n\tuser 1002\n' $CDE4 >"$T/open.conf"
printf 'domain cde.example fail-closed\n\taddr %s\n\tuser 1002\n' $CDE4 >"$T/closed.conf"
check "load a domain without fail-closed" ctl load "$T/open.conf"
expect_eq "not fail-closed: udp v6 leaves from the host address" \
	"$(udp_try 1002 $R6)" "ok :: | $H6"
check "load it fail-closed" ctl load "$T/closed.conf"
expect_eq "loaded fail-closed: show -j has it" \
	"$(ctl -j show | jq -c '[.domains[] | .fail_closed]')" '[true]'
expect_eq "loaded fail-closed: udp v6 sendto fails" \
	"$(udp_try 1002 $R6)" "send: $EADDRNOTAVAIL | $H6"
expect_eq "loaded fail-closed: tcp v6 connect fails" \
	"$(tcp_try 1002 $R6)" "connect: $EADDRNOTAVAIL | $H6"
expect_eq "loaded fail-closed: its own address works" \
	"$(tcp_try 1002 $R4)" "ok $CDE4 | $CDE4"
expect_eq "loaded fail-closed: refusals counted" \
	"$(ctl -j stats | jq '.[0].fail_closed')" 2
check "load it without fail-closed again" ctl load "$T/open.conf"
expect_eq "open again: udp v6 leaves from the host address" \
	"$(udp_try 1002 $R6)" "ok :: | $H6"
ctl flush

# --- -b batch files -----------------------------------------------------
cat >"$T/batch" <<EOF
# a batch
domain add b.example addr 192.0.2.10

user add 1001 domain b.example
user add 1002 domain nope.example
user add 1003 domain b.example
EOF
out=$("$VADDRCTL" -n h -b "$T/batch" 2>&1); rc=$?
expect_eq "-b stops at the first failure and names its line" "$rc $out" \
	"1 $T/batch:5: Error: unknown domain.
vaddrctl: $T/batch:5: failed, stopping here (-f goes on)"
expect_eq "-b ran the lines before, not after" \
	"$(ctl -j show | jq -c '[.domains[].users[].uid]')" "[1001]"
ctl flush
out=$("$VADDRCTL" -n h -f -b "$T/batch" 2>&1); rc=$?
expect_eq "-f goes on, and exits non-zero" "$rc $out" \
	"1 $T/batch:5: Error: unknown domain.
vaddrctl: $T/batch: 1 command failed, the first at line 5"
expect_eq "-f ran the lines after the failure" \
	"$(ctl -j show | jq -c '[.domains[].users[].uid]')" "[1001,1003]"
printf 'domain bogus\n' >"$T/batch2"
out=$("$VADDRCTL" -n h -b - <"$T/batch2" 2>&1); rc=$?
expect_eq "-b - reads stdin; usage errors name the line" "$(head -n1 <<<"$out") $rc" \
	"stdin:1: unknown command 'domain bogus' 1"

# --- connections during loads -------------------------------------------
# uid 1001 is in bcd.example in A and in cde.example in B. While it
# connects in a loop, the table is replaced A, B, A, B...: the remote peer
# must see every connection come from BCD4 or CDE4, never from the host.
cat >"$T/A.conf" <<EOF
domain bcd.example
	addr $BCD4
	user 1001
domain cde.example
	addr $CDE4
	user 1002
EOF
cat >"$T/B.conf" <<EOF
domain bcd.example
	addr $BCD4
	user 1002
domain cde.example
	addr $CDE4
	user 1001
	user 5000-5999
EOF
cat >"$T/loop.py" <<'EOF'
import os, socket, struct, sys
dst, port, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = 0
while not os.path.exists(stop):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.connect((dst, port))
    s.close()
    n += 1
print(n)
EOF
check "load A" ctl load "$T/A.conf"
bg_start "$T/seen" ip netns exec r "$PEER" tcp-listen :: 7000 0
run_as 1001 h python3 "$T/loop.py" $R4 7000 "$T/stop" >"$T/count" 2>"$T/loop.err" &
loop_pid=$!
loads=0
for i in $(seq 1 10); do
	if [ $((i % 2)) = 1 ]; then f=B; else f=A; fi
	ctl load "$T/$f.conf" && loads=$((loads + 1))
	sleep 0.2
done
touch "$T/stop"
wait "$loop_pid"
expect_eq "10 loads under the connect loop" "$loads" 10
seen=$(grep -v ready "$T/seen" | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')
diag "connections: $(cat "$T/count"); remote saw: $seen"
check "the loop connected" test "$(cat "$T/count")" -gt 0
expect_eq "never from the host address" "$(grep -c "^$H4$" "$T/seen")" 0
expect_eq "only from the two domain addresses" \
	"$(grep -v ready "$T/seen" | grep -vxc -e $BCD4 -e $CDE4)" 0
check "both domain addresses were seen" sh -c "grep -qx $BCD4 '$T/seen' && grep -qx $CDE4 '$T/seen'"
bound=$(ctl -j stats | jq '[.[] | .bound4] | add')
ctl load "$T/A.conf"
expect_eq "counters survive a load of the same domains" \
	"$(ctl -j stats | jq '[.[] | .bound4] | add')" "$bound"

# --- the event of a load, and who may load ------------------------------
cat >"$T/events.py" <<'EOF'
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
import nlraw as n
cmds, attrs = n.uapi_enum("VADDR_CMD_"), n.uapi_enum("VADDR_A_")
names = {v: k for k, v in cmds.items()}
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, n.NETLINK_GENERIC)
payload = n.attr(n.CTRL_ATTR_FAMILY_NAME, b"vaddr\0")
genl = struct.pack("=BBH", n.CTRL_CMD_GETFAMILY, 1, 0)
sock.send(struct.pack("=IHHII", 20 + len(payload), n.GENL_ID_CTRL,
                      n.NLM_F_REQUEST, 1, 0) + genl + payload)
data, group = sock.recv(65536), None
def tlvs(buf, off, end):
    while off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            return
        yield atype & 0x3fff, off + 4, off + alen
        off += (alen + 3) & ~3
for t, o, e in tlvs(data, 20, len(data)):
    if t == 7:			# CTRL_ATTR_MCAST_GROUPS
        for _, go, ge in tlvs(data, o, e):
            g = dict((gt, data[gvo:gve]) for gt, gvo, gve in tlvs(data, go, ge))
            if g.get(1, b"").rstrip(b"\0") == b"events":
                group = struct.unpack("=I", g[2])[0]
sock.setsockopt(270, 1, group)	# NETLINK_ADD_MEMBERSHIP
print("ready", flush=True)
sock.settimeout(float(sys.argv[2]))
try:
    while True:
        data = sock.recv(65536)
        vals = {}
        for t, o, e in tlvs(data, 20, len(data)):
            if t in (attrs["NR_UIDS"], attrs["NR_CGROUPS"]):
                vals[t] = struct.unpack_from("=I", data, o)[0]
        print(names[data[16]], vals.get(attrs["NR_UIDS"]),
              vals.get(attrs["NR_CGROUPS"]), flush=True)
except socket.timeout:
    pass
EOF
bg_start "$T/events" ip netns exec h python3 "$T/events.py" "$VADDR_ROOT/tests/tools" 8
ctl load "$T/B.conf"
ctl domain add ev.example addr 192.0.2.123
wait_for "the event listener saw the domain added after the load" 30 \
	grep DOMAIN_NEW "$T/events"
expect_eq "a load is one event, with the new table's counts" \
	"$(grep -v ready "$T/events" | head -n 2 | tr '\n' ' ')" "REPLACE_COMMIT 1002 0 DOMAIN_NEW 0 0 "
out=$(run_as 1003 h "$VADDRCTL" load "$T/A.conf" 2>&1); rc=$?
expect_eq "an unprivileged user cannot load" "$rc $(grep -v '^#' <<<"$out")" \
	"1 vaddrctl: operation not permitted: CAP_NET_ADMIN is needed"
expect_eq "nor open a replacement" "$(run_as 1003 h python3 "$NLRAW" REPLACE_BEGIN 2>/dev/null)" \
	"errno=EPERM msg="
check "the table is still B's, and the domain added after" sh -c "'$VADDRCTL' -n h -j show | jq -e '[.domains[].users | length] == [1, 1001, 0]'"

# --- 100k users in one load ---------------------------------------------
{
	for i in $(seq 0 999); do
		printf 'domain big%d.example\n\taddr 2001:db8:3::%x\n\tuser %d-%d\n' \
			"$i" $((i + 1)) $((200000 + i * 100)) $((200000 + i * 100 + 99))
	done
} >"$T/100k.conf"
start=$(date +%s%N)
check "load 100k users in one command" ctl load "$T/100k.conf"
ms=$((($(date +%s%N) - start) / 1000000))
diag "vaddrctl load of 1000 domains, 100000 users: $ms ms (VM_ACCEL=${VM_ACCEL:-?})"
expect_eq "100000 users in the table" \
	"$(ctl -j show | jq '[.domains[].users | length] | add')" 100000
# Killed at some point of a load: the old table or the new, never a mix.
for delay in 0.3 0.6 0.8 1.0 1.2 1.5; do
	ctl load "$T/A.conf"
	"$VADDRCTL" -n h load "$T/100k.conf" & lpid=$!
	sleep $delay
	kill -9 $lpid 2>/dev/null; wait $lpid 2>/dev/null
	n=$(ctl -j show | jq '[.domains[].users | length] | add')
	diag "load killed after $delay s: $n users"
	check "a load killed after $delay s leaves the old or the new table" \
		test "$n" = 2 -o "$n" = 100000
done
check "and a new load works" ctl load "$T/A.conf"
expect_eq "the table after it" "$(ctl -j show | jq '[.domains[].users | length] | add')" 2

module_unload
