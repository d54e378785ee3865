#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The oracle of tests/vm/stress.sh: was every connection's source right?

    stress-oracle.py DIR

DIR holds what the stress run wrote (times are CLOCK_REALTIME microseconds):

  clients       ID UID CGROUP_DIR        who each storm client is
  hosts         H4 H6                    the host's own addresses
  conn.*        ID SEQ START END LOCAL LPORT ERRNO DONE ACKED IOERR
                                         (storm connect, per connect; ACKED
                                         1 if the sink answered its line,
                                         IOERR the errno of sending the line
                                         or reading the answer, or 0)
  sink          ID SEQ PEER PPORT        (storm sink, per accepted connect)
  table.*       T0 T1 COMMAND...         each change of the table, made
                                         between T0 and T1: "user add UID
                                         domain D", "user del UID", "cgroup
                                         add DIR domain D", "cgroup del DIR",
                                         "load FILE", "empty" (module gone)
  addr.*        T0 T1 [addr] add|del ADDR[/LEN] [...]
                                         each change of an address in the
                                         host namespace

A change made between T0 and T1 may have taken effect at any moment of
that interval, so the state before it may hold until T1, the state after
it from T0 on. A connect made between START and END may see any state the
table and each address may have had during that interval, and from it:

  - the client's domain (nearest mapped cgroup ancestor, else its uid) has
    an address A of the connect's family: A if A may be on the host then,
    the host address if A may be absent then;
  - otherwise (unmapped, no address of the family, module gone): the host
    address.

Each accepted connection (sink) must come from one of those addresses and
from a connect a client reported as successful; each client connect must
have succeeded (the remote is always reachable), except a connect whose
auto-bound address was removed while it ran: the kernel refuses a route
from an address that is no longer local, as it does for a program that
bound the address itself, with one of the errors of a source or route
that is gone (ROUTE_ERRORS): EADDRNOTAVAIL or EINVAL; ENETUNREACH, the
default error of ip_route_output_key_hash_rcu() when __ip_dev_find() no
longer finds the source; EHOSTUNREACH, seen in CI from an IPv4 connect
within the 1 ms its address was away. Those are counted and listed,
and are no error: vaddr checks the address before it binds it, and nothing
can hold an address on the host until the SYN has left.

A connection whose source NAT rewrote (getsockname() differs from what
the remote saw) and that is still open when the module goes is aborted
by the unload (its local socket reset, ECONNABORTED for the client, a
reset from its rewritten address for the remote): the sink then logs
"? ?" for its id. Such a record must match by port exactly one client
connect the remote never saw, whose client saw ECONNABORTED sending its
line or reading the answer, whose local address differs from the
remote's view and during whose exchange the module was unloaded; its
source is checked as any other. The abort may also come as the connect
completes: the connect then fails with ECONNABORTED (getsockname() still
gives its local port; its address is reset to the wildcard), the remote
may have accepted it, and the same holds; a connect that failed so while no unload overlapped it
is a violation, as any other failure. A record "? ?" may also be a connection
whose address was removed after its SYN left: the kernel cannot send its
line from an address that is no longer local (the remote saw the SYN
from it), and the sink gives up after 15 s. Such a record is matched by
port to a client connect that the remote never saw, from that very
address, during whose life the address may have been absent. Every other
client connect that succeeded must have been seen by the remote: no
connection loses its translation, before, during or after an unload.

Prints "# ..." summary lines, one "BAD ..." line per violation; exit 1 if
any.
"""
import errno
import glob
import os
import sys

INF = float("inf")
# A connect whose source was removed while it ran may fail with these.
ROUTE_ERRORS = (errno.EINVAL, errno.EADDRNOTAVAIL, errno.ENETUNREACH,
                errno.EHOSTUNREACH)


class Timeline:
    """Values one thing took, each with the interval it may have held in."""

    def __init__(self, initial):
        self.vals = [initial]
        self.since = [-INF]
        self.until = [INF]

    def change(self, t0, t1, value):
        self.until[-1] = t1
        self.vals.append(value)
        self.since.append(t0)
        self.until.append(INF)

    def possible(self, start, end):
        return [v for v, s, u in zip(self.vals, self.since, self.until)
                if s <= end and u >= start]


def read_events(pattern):
    events = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 3:
                    events.append((int(w[0]), int(w[1]), w[2:]))
    events.sort(key=lambda e: e[0])
    return events


def parse_load(path):
    """A vaddr.conf: {'d': {dom: [a4, a6]}, 'u': {uid: dom}, 'c': {dir: dom}}."""
    t = {"d": {}, "u": {}, "c": {}}
    dom = None
    with open(path) as f:
        for line in f:
            w = line.split("#", 1)[0].split()
            if not w:
                continue
            if w[0] == "domain":
                dom = w[1]
                t["d"][dom] = [None, None]
            elif w[0] == "addr":
                t["d"][dom][1 if ":" in w[1] else 0] = w[1]
            elif w[0] == "user":
                for u in w[1:]:
                    t["u"][int(u)] = dom
            elif w[0] == "cgroup":
                t["c"][os.path.normpath(w[1])] = dom
    return t


def apply(table, cmd, d):
    t = {k: dict(v) for k, v in table.items()}
    if cmd == ["empty"]:
        return {"d": {}, "u": {}, "c": {}}
    if cmd[0] == "load":
        return parse_load(os.path.join(d, os.path.basename(cmd[1])))
    if cmd[:2] == ["user", "add"]:
        t["u"][int(cmd[2])] = cmd[4]
    elif cmd[:2] == ["user", "del"]:
        del t["u"][int(cmd[2])]
    elif cmd[:2] == ["cgroup", "add"]:
        t["c"][os.path.normpath(cmd[2])] = cmd[4]
    elif cmd[:2] == ["cgroup", "del"]:
        del t["c"][os.path.normpath(cmd[2])]
    else:
        raise ValueError("unknown table command %r" % cmd)
    return t


def domain_of(table, uid, cg):
    p = os.path.normpath(cg)
    while p not in ("/", "/sys/fs/cgroup"):
        if p in table["c"]:
            return table["c"][p]
        p = os.path.dirname(p)
    return table["u"].get(uid)


def main(d):
    clients = {}
    with open(os.path.join(d, "clients")) as f:
        for line in f:
            cid, uid, cg = line.split()
            clients[cid] = (int(uid), cg)
    with open(os.path.join(d, "hosts")) as f:
        host4, host6 = f.read().split()

    table = Timeline({"d": {}, "u": {}, "c": {}})
    for t0, t1, cmd in read_events(os.path.join(d, "table.*")):
        table.change(t0, t1, apply(table.vals[-1], cmd, d))
    addrs = {}
    for t0, t1, cmd in read_events(os.path.join(d, "addr.*")):
        if cmd[0] == "addr":	# as ip -b read it: addr add|del A/LEN ...
            cmd = cmd[1:]
        op, a = cmd[0], cmd[1].split("/")[0]
        tl = addrs.setdefault(a, Timeline(False))
        tl.change(t0, t1, op == "add")

    conns = {}
    for path in sorted(glob.glob(os.path.join(d, "conn.*"))):
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) != 10:
                    continue
                conns[(w[0], int(w[1]))] = (int(w[2]), int(w[3]), w[4],
                                            int(w[5]), int(w[6]), int(w[7]),
                                            w[8] == "1", int(w[9]))
    unloads = [(t0, t1) for t0, t1, cmd in
               read_events(os.path.join(d, "table.*")) if cmd == ["empty"]]

    def allowed(cid, start, end, v6):
        uid, cg = clients[cid]
        host = host6 if v6 else host4
        ok = set()
        for t in table.possible(start, end):
            dom = domain_of(t, uid, cg)
            a = t["d"].get(dom, [None, None])[1 if v6 else 0] if dom else None
            if a is None:
                ok.add(host)
                continue
            present = addrs[a].possible(start, end) if a in addrs else [False]
            if True in present:
                ok.add(a)
            if False in present:
                ok.add(host)
        return ok

    bad = 0
    races = 0
    checked = 0
    seen = set()
    nat = 0

    def report(msg):
        nonlocal bad
        bad += 1
        if bad <= 30:
            print("BAD " + msg)

    tevents = read_events(os.path.join(d, "table.*"))
    aevents = read_events(os.path.join(d, "addr.*"))

    def context(cid, start, end, peer):
        """What changed around a violation, as far as 2 s each way."""
        watch = {peer}
        for t in table.possible(start, end):
            dom = domain_of(t, *clients[cid])
            print("#   a possible state: domain %s %s" %
                  (dom, t["d"].get(dom) if dom else ""))
            if dom:
                watch.update(a for a in t["d"].get(dom, []) if a)
        near = [("table", e) for e in tevents] + \
            [("addr", e) for e in aevents
             if any(a + "/" in " ".join(e[2]) for a in watch)]
        for kind, (t0, t1, cmd) in sorted(near, key=lambda x: x[1][0]):
            if t1 >= start - 2000000 and t0 <= end + 2000000:
                print("#   %s %+d..%+d us: %s" % (kind, t0 - start, t1 - start,
                                                 " ".join(cmd)))

    def check(key, peer):
        nonlocal checked, nat
        seen.add(key)
        start, end, local = conns[key][:3]
        ok = allowed(key[0], start, end, ":" in peer)
        checked += 1
        if local != peer:
            nat += 1
        if peer not in ok:
            report("%s %s (uid %d, cgroup %s) connected from %s between "
                   "%d and %d: allowed %s" %
                   (key[0], key[1], *clients[key[0]], peer, start, end,
                    " ".join(sorted(ok))))
            context(key[0], start, end, peer)

    anonymous = []
    with open(os.path.join(d, "sink")) as f:
        for line in f:
            w = line.split()
            if len(w) != 4:
                continue
            if w[0] == "?":
                anonymous.append((w[2], int(w[3])))
                continue
            key = (w[0], int(w[1]))
            c = conns.get(key)
            if c is None or c[4] != 0:
                report("accepted %s %s from %s: no successful connect of "
                       "that id" % (w[0], w[1], w[2]))
            elif key in seen:
                report("accepted %s %s twice" % key)
            else:
                check(key, w[2])

    def cut(start, done):
        """Whether an unload overlapped a connection's life."""
        return any(t0 <= done and t1 >= start for t0, t1 in unloads)

    def away(a, start, done):
        """Whether local address @a may have been absent at some moment."""
        return a in addrs and False in addrs[a].possible(start, done)

    lost = 0
    stuck = 0
    for peer, port in anonymous:
        cands = [k for k, c in sorted(conns.items())
                 if k not in seen and c[4] in (0, errno.ECONNABORTED) and
                 c[3] == port and not c[6] and
                 (":" in c[2]) == (":" in peer)]
        aborted = [k for k in cands
                   if conns[k][2] != peer and
                   errno.ECONNABORTED in (conns[k][4], conns[k][7]) and
                   cut(conns[k][0], conns[k][5])]
        unsent = [k for k in cands
                  if conns[k][4] == 0 and conns[k][2] == peer and
                  away(peer, conns[k][0], conns[k][5])]
        if aborted:
            lost += 1
            print("# %s %d: rewritten to %s, aborted when the module went" %
                  (aborted[0][0], aborted[0][1], peer))
            check(aborted[0], peer)
        elif unsent:
            stuck += 1
            print("# %s %d: from %s, its data held up while that address "
                  "was away" % (unsent[0][0], unsent[0][1], peer))
            check(unsent[0], peer)
        else:
            report("accepted a connection from %s port %d that sent no id, "
                   "and no connect aborted by an unload or cut by its "
                   "address's removal matches it" % (peer, port))

    failed = 0
    aborted_connects = 0
    for (cid, seq), c in sorted(conns.items()):
        start, end, local, _, err, done, acked, ioerr = c
        if err == 0:
            if (cid, seq) in seen:
                continue
            report("%s %d connected from %s but the remote never saw "
                   "it%s%s" % (cid, seq, local,
                               " (it answered the line)" if acked else "",
                               " (%s)" % os.strerror(ioerr) if ioerr else ""))
            print("#   connect %+d us, line done %+d us" %
                  (end - start, done - start))
            context(cid, start, done, local)
            continue
        if err == errno.ECONNABORTED and cut(start, done):
            # Rewritten, and aborted by the unload as it completed: if the
            # remote accepted it, its record was matched and checked above.
            aborted_connects += 1
            print("# %s %d: connect from %s aborted by an unload%s" %
                  (cid, seq, local, "" if (cid, seq) in seen else
                   ", never accepted by the remote"))
            continue
        failed += 1
        v6 = seq % 2 == 1
        uid, cg = clients[cid]
        removed = False
        for t in table.possible(start, end):
            dom = domain_of(t, uid, cg)
            a = t["d"].get(dom, [None, None])[1 if v6 else 0] if dom else None
            removed = removed or away(a, start, end)
        if removed and err in ROUTE_ERRORS:
            races += 1
            print("# %s %d: connect failed (%s) while its domain's address "
                  "was being removed" % (cid, seq, os.strerror(err)))
        else:
            report("%s %d (uid %d, cgroup %s) failed to connect between %d "
                   "and %d: %s" % (cid, seq, uid, cg, start, end,
                                   os.strerror(err)))

    print("# %d connections accepted and checked, %d connects failed (%d of "
          "them on a removed address), %d sources rewritten after connect "
          "(%d of them aborted by an unload), %d connects aborted by an "
          "unload, %d whose line was held up while their address was away"
          % (checked, failed, races, nat, lost, aborted_connects, stuck))
    print("# %d table states, %d address changes" %
          (len(table.vals), sum(len(t.vals) - 1 for t in addrs.values())))
    if bad:
        print("# %d violations" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
