# SPDX-License-Identifier: GPL-2.0
"""The remote end that mptcp-peer.py and sctp-peer.py share.

serve() listens on ADDR:PORT with a socket of protocol PROTO, echoes what
each connection sends, and passes every packet a raw socket of protocol
RAW_PROTO receives to PARSE(packet, PORT), keeping what it returns (None:
nothing). Prints "ready" once listening, then, after SECONDS, each kept
line in the order seen. RAW_PROTO None: no raw socket (any user may serve
so).
"""
import select
import socket
import time


def serve(addr, port, secs, proto, raw_proto, parse):
    raw = None
    if raw_proto is not None:
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, raw_proto)
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind((addr, port))
    lsn.listen(8)
    print("ready", flush=True)
    seen, conns = [], []
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([lsn] + conns + ([raw] if raw else []), [],
                                [], left)
        for s in r:
            if s is raw:
                line = parse(raw.recv(65535), port)
                if line:
                    seen.append(line)
            elif s is lsn:
                conns.append(lsn.accept()[0])
            else:
                data = s.recv(4096)
                if data:
                    s.sendall(data)
                else:
                    conns.remove(s)
                    s.close()
    for line in seen:
        print(line)
