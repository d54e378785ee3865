#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A tenant's user namespaces stay in its domain. A mapped user with
# subordinate uids (/etc/subuid, as rootless containers use) creates a user
# namespace, newuidmap maps 65536 uids nobody owns into it (here root
# writes uid_map and gid_map, as newuidmap does), and the process becomes
# root in it: its sockets then carry kuid 100000, which no mapping names.
# They are the tenant's all the same, as the remote must see: the domain's
# address, through auto-bind and through source rewriting. A namespace an
# unmapped user created stays unmapped.
#
#  ns h: h0 198.51.100.1/24, 198.51.100.70/32 (bcd.example)
#  ns r: r0 198.51.100.2/24
#  uid 1001 -> bcd.example; uid 1003 unmapped
set -u
source "$(dirname "$0")/../lib.sh"

H4=198.51.100.1 R4=198.51.100.2 BCD4=198.51.100.70
USERNS=$(mktemp /tmp/userns.XXXXXX.py)

# userns.py PIDFILE CMD...: unshare a user namespace, say its pid, wait
# for the mapping, become root in it, then run CMD (without an exec of its
# own first, which would drop the capabilities it needs).
cat >"$USERNS" <<'PY'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x10000000) != 0:
    sys.exit("unshare(CLONE_NEWUSER): " + os.strerror(ctypes.get_errno()))
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
for _ in range(200):
    if all(open("/proc/self/" + m).read().strip() for m in ("gid_map", "uid_map")):
        break
    time.sleep(0.05)
else:
    sys.exit("no uid_map")
os.setgroups([])
os.setresgid(0, 0, 0)
os.setresuid(0, 0, 0)
print("# kuid 0 in the namespace: " + open("/proc/self/uid_map").read().split()[1],
      file=sys.stderr)
os.execv(sys.argv[2], sys.argv[2:])
PY
chmod 644 "$USERNS"

# in_userns UID CMD...: CMD as root of a user namespace that UID creates
# in ns h, with uids 100000-165535 mapped in.
in_userns() {
	local uid=$1 pidfile
	shift
	pidfile=$(mktemp -u /tmp/userns.pid.XXXXXX)
	run_as "$uid" h python3 "$USERNS" "$pidfile" "$@" &
	wait_for "uid $uid created its user namespace" 10 test -s "$pidfile" ||
		return 1
	echo "0 100000 65536" >"/proc/$(cat "$pidfile")/gid_map"
	echo "0 100000 65536" >"/proc/$(cat "$pidfile")/uid_map"
	wait $!
	rm -f "$pidfile"
}

# seen UID LISTEN SEND DST [peer options]: a fresh listener in r, one
# attempt from a user namespace of UID; "what the client printed | what
# the remote saw".
seen() {
	local uid=$1 listen=$2 send=$3 dst=$4 out res
	shift 4
	port=$((port + 1))
	out=$(mktemp)
	bg_start "$out" ip netns exec r timeout 10 "$PEER" "$listen" :: $port 1
	res=$(in_userns "$uid" "$PEER" "$send" "$dst" $port "$@" 2>/dev/null |
		grep -v '^#' | xargs)
	wait
	echo "$res | $(grep -vx ready "$out" | head -n 1)"
	rm -f "$out"
}

topo_host_remote $H4/24 $BCD4/32 -- $R4/24
module_load
ctl domain add bcd.example addr $BCD4
ctl user add 1001 domain bcd.example

in_userns 1001 /usr/bin/touch /tmp/userns.file
expect_eq "uid 1001's user namespace: its root is kuid 100000 (a file it made)" \
	"$(stat -c %u /tmp/userns.file)" 100000
ctl set nat off
expect_eq "auto-bind: tcp connect from the tenant's user namespace" \
	"$(seen 1001 tcp-listen tcp-connect $R4)" "$BCD4 | $BCD4"
expect_eq "auto-bind: udp connect from the tenant's user namespace" \
	"$(seen 1001 udp-echo udp-send $R4 --connect)" "$BCD4 reply | $BCD4"
expect_eq "a user namespace of an unmapped user leaves from the host" \
	"$(seen 1003 tcp-listen tcp-connect $R4)" "$H4 | $H4"
ctl set nat on
expect_eq "source rewriting: unconnected udp from the tenant's user namespace" \
	"$(seen 1001 udp-echo udp-send $R4)" "0.0.0.0 reply | $BCD4"
expect_eq "  ... and a socket bound to the wildcard address and a port" \
	"$(seen 1001 tcp-listen tcp-connect $R4 --bind 0.0.0.0 --bind-port 4999)" \
	"$H4 | $BCD4"
rm -f "$USERNS" /tmp/userns.file
