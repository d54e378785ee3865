#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Both ends of an MPTCP connection, for tests/vm/mptcp.sh.

    mptcp-peer.py serve ADDR PORT SECONDS
        Listen on ADDR:PORT with an MPTCP socket, echo what each connection
        sends, and record every SYN that reaches PORT (a raw socket sees
        them all, those of subflows the listener never reports included).
        Prints "ready", then after SECONDS one line per SYN, in order:
        "mpc SRC" (a connection's first subflow), "join SRC" (a subflow
        added to it), "tcp SRC" (no MPTCP option).

    mptcp-peer.py connect ADDR PORT SECONDS
        Connect an MPTCP socket to ADDR:PORT, send a line, read its echo
        (the connection is then fully established, and the path manager
        adds its subflows), hold the connection for SECONDS, and print
        "ok LOCAL" or "connect: ERROR".
"""
import errno
import os
import socket
import struct
import sys
import time

import peerwatch

IPPROTO_MPTCP = 262
TCPOPT_MPTCP = 30


def mptcp_subtype(opts):
    """The subtype of the MPTCP option in TCP options @opts, or None."""
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if kind == TCPOPT_MPTCP and opts[i + 1] >= 3:
            return opts[i + 2] >> 4
        i += opts[i + 1]
    return None


def syn_of(pkt, port):
    """'mpc|join|tcp SRC' for an IPv4 SYN (no ACK) to @port, else None."""
    ihl = (pkt[0] & 0x0f) * 4
    tcp = pkt[ihl:]
    if len(tcp) < 20:
        return None
    dport = struct.unpack("!H", tcp[2:4])[0]
    flags = tcp[13]
    if dport != port or not flags & 0x02 or flags & 0x10:
        return None
    sub = mptcp_subtype(tcp[20:(tcp[12] >> 4) * 4])
    kind = {0: "mpc", 1: "join"}.get(sub, "tcp")
    return "%s %s" % (kind, socket.inet_ntoa(pkt[12:16]))


def serve(addr, port, secs):
    peerwatch.serve(addr, port, secs, IPPROTO_MPTCP, socket.IPPROTO_TCP, syn_of)


def connect(addr, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.settimeout(10)
    try:
        s.connect((addr, port))
        s.sendall(b"hello\n")
        if s.recv(64) != b"hello\n":
            print("connect: no echo")
            return
        time.sleep(secs)
        s.sendall(b"bye\n")
        s.recv(64)
    except OSError as e:
        print("connect: %s" % os.strerror(e.errno or errno.EIO))
        return
    print("ok %s" % s.getsockname()[0])
    s.close()


def main():
    mode, addr, port, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        float(sys.argv[4])
    if mode == "serve":
        serve(addr, port, secs)
    else:
        connect(addr, port, secs)


if __name__ == "__main__":
    main()
