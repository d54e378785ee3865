#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made generic netlink requests to the vaddr family.

vaddrctl checks its input before sending, so it cannot show what the
kernel does with a malformed request. This tool builds requests attribute
by attribute and prints, for each, the errno name and the kernel's
extended ACK message:

    nlraw.py CMD [TYPE:KIND:VALUE ...]
    nlraw.py - < REQUESTS      (one request a line, shell-quoted words)

CMD is a command name from the UAPI header without VADDR_CMD_ (e.g.
DOMAIN_NEW). Each attribute is TYPE (a name without VADDR_A_, or a number)
with KIND one of str (NUL-terminated), raw (no NUL), u8, u32, u64, hex (bytes
given in hex), in4, in6, flag (no payload: TYPE:flag:), nest (attributes
of this syntax, separated by ';', in an attribute flagged NLA_F_NESTED)
and uids (a nest of UID:u32 attributes: UIDS:uids:1001,1002). The command
name may also be a number.
Output: one line "errno=NAME msg=TEXT" per request ("errno=0" on success).

A request may start with the word @sock=N: it is sent on socket N (the
tool opens them as it needs them, all kept open to its end; 0 is the
default). A request may (then) start with the word @dump: it is sent as a dump
(NLM_F_DUMP), and its line says errno=0 once the dump is done. It may
(then) start with the word @fail=N (kernels with fault injection):
the Nth allocation the kernel attempts for it fails (/proc/thread-self/
fail-nth), and its line ends with " injected=yes", or " injected=no" when
the request made fewer than N allocations. A request whose own message or
ack the failure took prints "errno=ENOBUFS msg=(no ack)".
Python starts slowly under emulation, so tests send every request in one
run.
"""
import errno
import os
import re
import shlex
import socket
import struct
import sys

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_DONE = 3
NLMSG_ERROR = 2
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "../../module/include/uapi/linux/vaddr.h")


def uapi_enum(prefix):
    """Names and values of one enum of the UAPI header (the only source)."""
    text = open(HEADER).read()
    body = re.search(r"enum \w+ \{([^}]*%s[^}]*)\}" % prefix, text).group(1)
    names = re.findall(r"\b(%s\w+)" % prefix, body)
    return {n[len(prefix):]: i for i, n in enumerate(names)}


def attr(atype, payload):
    length = 4 + len(payload)
    pad = (4 - length % 4) % 4
    return struct.pack("=HH", length, atype) + payload + b"\0" * pad


def encode(kind, value):
    if kind == "str":
        return value.encode() + b"\0"
    if kind == "raw":
        return value.encode()
    if kind == "u8":
        return struct.pack("=B", int(value, 0))
    if kind == "u32":
        return struct.pack("=I", int(value, 0))
    if kind == "u64":
        return struct.pack("=Q", int(value, 0))
    if kind == "hex":
        return bytes.fromhex(value)
    if kind == "flag":
        return b""
    if kind == "in4":
        return socket.inet_pton(socket.AF_INET, value)
    if kind == "in6":
        return socket.inet_pton(socket.AF_INET6, value)
    raise SystemExit("unknown attribute kind '%s'" % kind)


def request(sock, family, cmd, payload, seq, arm=None, flags=0):
    genl = struct.pack("=BBH", cmd, 1, 0)
    msg = genl + payload
    hdr = struct.pack("=IHHII", 16 + len(msg), family,
                      NLM_F_REQUEST | NLM_F_ACK | flags, seq, 0)
    data = hdr + msg
    if arm:
        arm()
    sock.send(data)
    while True:
        data = sock.recv(65536)
        off = 0
        while off < len(data):
            length, mtype, _, rseq, _ = struct.unpack_from("=IHHII", data, off)
            if mtype == NLMSG_ERROR and rseq == seq:
                return parse_error(data[off:off + length])
            if mtype == NLMSG_DONE and rseq == seq:
                return 0, ""
            off += (length + 3) & ~3


def parse_error(msg):
    err = -struct.unpack_from("=i", msg, 16)[0]
    text = ""
    inner_len = struct.unpack_from("=I", msg, 20)[0]
    # With NETLINK_CAP_ACK unset the request is echoed on errors.
    off = 20 + ((inner_len + 3) & ~3 if err else 16)
    while off + 4 <= len(msg):
        alen, atype = struct.unpack_from("=HH", msg, off)
        if alen < 4:
            break
        if atype & 0x3fff == NLMSGERR_ATTR_MSG:
            text = msg[off + 4:off + alen].split(b"\0")[0].decode()
        off += (alen + 3) & ~3
    return err, text


def family_id(sock):
    payload = attr(CTRL_ATTR_FAMILY_NAME, b"vaddr\0")
    genl = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0)
    hdr = struct.pack("=IHHII", 16 + len(genl) + len(payload), GENL_ID_CTRL,
                      NLM_F_REQUEST, 1, 0)
    sock.send(hdr + genl + payload)
    data = sock.recv(65536)
    if struct.unpack_from("=H", data, 4)[0] == NLMSG_ERROR:
        raise SystemExit("family vaddr not found (module not loaded?)")
    off = 20
    while off < len(data):
        alen, atype = struct.unpack_from("=HH", data, off)
        if atype == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from("=H", data, off + 4)[0]
        off += (alen + 3) & ~3
    raise SystemExit("no family id in the controller's answer")


def build_attr(spec, attrs):
    atype, kind, value = spec.split(":", 2)
    atype = int(atype) if atype.isdigit() else attrs[atype]
    if kind == "uids":
        kind = "nest"
        value = ";".join("UID:u32:" + u for u in value.split(",") if u)
    if kind == "nest":
        inner = [build_attr(s, attrs) for s in value.split(";") if s]
        return attr(atype | NLA_F_NESTED, b"".join(inner))
    return attr(atype, encode(kind, value))


def build(words, cmds, attrs):
    cmd = int(words[0]) if words[0].isdigit() else cmds[words[0]]
    return cmd, b"".join(build_attr(spec, attrs) for spec in words[1:])


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmds, attrs = uapi_enum("VADDR_CMD_"), uapi_enum("VADDR_A_")
    if argv[1] == "-":
        requests = [shlex.split(line) for line in sys.stdin if line.strip()]
    else:
        requests = [argv[1:]]
    socks = {}

    def sock_nr(n):
        if n not in socks:
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                              NETLINK_GENERIC)
            s.setsockopt(270, NETLINK_EXT_ACK, 1)
            socks[n] = s
        return socks[n]

    sock = sock_nr(0)
    family = family_id(sock)
    for seq, words in enumerate(requests, start=2):
        nth, flags = 0, 0
        sock = sock_nr(0)
        if words[0].startswith("@sock="):
            sock = sock_nr(int(words.pop(0)[len("@sock="):]))
        if words[0] == "@dump":
            flags = NLM_F_DUMP
            words.pop(0)
        if words[0].startswith("@fail="):
            nth = int(words.pop(0)[len("@fail="):])
        cmd, payload = build(words, cmds, attrs)
        if nth:
            # Opened before arming: opening is an allocation too.
            fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
            try:
                err, text = request(sock, family, cmd, payload, seq,
                                    lambda: os.pwrite(fd, b"%d" % nth, 0))
            except OSError as e:
                err, text = e.errno, "(no ack)"
            left = int(os.pread(fd, 32, 0) or 0)
            os.pwrite(fd, b"0", 0)
            os.close(fd)
            suffix = " injected=%s" % ("no" if left else "yes")
        else:
            err, text = request(sock, family, cmd, payload, seq,
                                flags=flags)
            suffix = ""
        print("errno=%s msg=%s%s" % (errno.errorcode.get(err, err) if err else 0,
                                     text, suffix), flush=True)


if __name__ == "__main__":
    main(sys.argv)
