#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Both ends of an SCTP association, for tests/vm/sctp.sh (IPv4).

    sctp-peer.py serve ADDR PORT SECONDS
        Listen on ADDR:PORT, echo what each association sends, and record
        every INIT that reaches PORT (a raw socket sees them whether or
        not the association comes up). Prints "ready", then after SECONDS
        one line per INIT: "init SRC: ADDR..." (the packet's source, then
        the IPv4 and IPv6 addresses the INIT lists, sorted).

    sctp-peer.py connect ADDR PORT [BIND]
        Connect (bound to BIND first, if given), send a line, read its
        echo; prints "ok LOCAL" or "connect: ERROR" (3 s at most: a
        refused INIT is dropped, and SCTP would retransmit it for minutes).

    sctp-peer.py listen ADDR PORT SECONDS
        The server alone, as any user: listen on ADDR:PORT and echo for
        SECONDS; prints "ready".

    sctp-peer.py connect-watch ADDR PORT
        connect, as root, with a raw socket that records each INIT-ACK
        from PORT: prints "ok LOCAL | initack SRC: ADDR..." (the addresses
        it lists, sorted; one such part per distinct INIT-ACK) or
        "connect: ERROR | ".
"""
import os
import socket
import struct
import sys

import peerwatch

IPPROTO_SCTP = 132


def listed(pkt, port, chunk):
    """'NAME SRC: ADDR...' for an IPv4 packet with an INIT to @port or an
    INIT-ACK from it (@chunk: "init", "initack")."""
    ctype, portoff = {"init": (1, 2), "initack": (2, 0)}[chunk]
    ihl = (pkt[0] & 0x0f) * 4
    sctp = pkt[ihl:]
    if len(sctp) < 12 + 20:
        return None
    if struct.unpack("!H", sctp[portoff:portoff + 2])[0] != port or \
            sctp[12] != ctype:
        return None
    end = min(len(sctp), 12 + struct.unpack("!H", sctp[14:16])[0])
    off, addrs = 12 + 20, []
    while off + 4 <= end:
        ptype, plen = struct.unpack("!HH", sctp[off:off + 4])
        if plen < 4:
            break
        if ptype == 5 and plen == 8:
            addrs.append(socket.inet_ntop(socket.AF_INET,
                                          sctp[off + 4:off + 8]))
        elif ptype == 6 and plen == 20:
            addrs.append(socket.inet_ntop(socket.AF_INET6,
                                          sctp[off + 4:off + 20]))
        off += (plen + 3) & ~3
    return "%s %s: %s" % (chunk, socket.inet_ntoa(pkt[12:16]),
                          " ".join(sorted(addrs)))


def serve(addr, port, secs):
    peerwatch.serve(addr, port, secs, IPPROTO_SCTP, IPPROTO_SCTP,
                    lambda pkt, port: listed(pkt, port, "init"))


def listen(addr, port, secs):
    peerwatch.serve(addr, port, secs, IPPROTO_SCTP, None, None)


def connect(addr, port, bind, timeout=3):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SCTP)
    s.settimeout(timeout)
    try:
        if bind:
            s.bind((bind, 0))
        s.connect((addr, port))
        s.sendall(b"hello\n")
        if s.recv(64) != b"hello\n":
            return "connect: no echo"
    except socket.timeout:
        return "connect: timed out"
    except OSError as e:
        return "connect: %s" % os.strerror(e.errno)
    res = "ok %s" % s.getsockname()[0]
    s.close()
    return res


def connect_watch(addr, port):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_SCTP)
    raw.setblocking(False)
    # Room for one retransmission (SCTP's first RTO is 3 s): the server it
    # talks to lives 15 s, and a lost packet under emulation is no refusal.
    res = connect(addr, port, None, 10)
    seen = set()
    while True:
        try:
            line = listed(raw.recv(65535), port, "initack")
        except BlockingIOError:
            break
        if line:
            seen.add(line)
    print("%s | %s" % (res, ";".join(sorted(seen))))


def main():
    cmd, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "serve":
        serve(addr, port, float(sys.argv[4]))
    elif cmd == "listen":
        listen(addr, port, float(sys.argv[4]))
    elif cmd == "connect-watch":
        connect_watch(addr, port)
    else:
        print(connect(addr, port, sys.argv[4] if len(sys.argv) > 4 else None))


if __name__ == "__main__":
    main()
