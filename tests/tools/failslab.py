#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail each allocation of a vaddr request in turn; check what is left.

    failslab.py VADDRCTL NETNS SCENARIO-FILE

Needs a kernel with CONFIG_FAILSLAB (/proc/thread-self/fail-nth) and
failslab's ignore-gfp-wait off. Run inside NETNS (ip netns exec); VADDRCTL
resets and reads the table there.

SCENARIO-FILE holds blocks separated by blank lines:

    name  NAME
    reset SHELL-COMMAND          (puts the namespace in its starting state)
    req   WORDS...               (a request as for nlraw.py; several = a
                                  sequence on one socket, as vaddrctl load)

For each request of each scenario and N = 1, 2, ... the scenario is reset
and its requests sent in order with the Nth allocation of that request
failing, until the request makes fewer than N allocations. A sequence
stops at its first error and closes its socket, as a client would; the
kernel drops what it had staged. Every outcome must be one of:
  - every request answered 0 and the table is the one of a run without
    failures (the failure was absorbed);
  - an error that says memory (ENOMEM, or ENOBUFS where the request's own
    message or its ack could not be allocated) and the table as before;
  - no ack for the last request (its ack could not be allocated): the
    table is either.
One TAP line per request: "ok - NAME: request K: M allocations failed in
turn, each cleanly".
"""
import errno
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402

MEMORY_ERRORS = (errno.ENOMEM, errno.ENOBUFS)
MAX_N = 400


def parse(path):
    scenarios, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        if not line.strip():
            cur = None
            continue
        key, _, rest = line.strip().partition(" ")
        if cur is None:
            cur = {"name": "?", "reset": "true", "reqs": []}
            scenarios.append(cur)
        if key == "req":
            cur["reqs"].append(rest.split())
        else:
            cur[key] = rest
    return scenarios


class Table:
    def __init__(self, vaddrctl):
        self.vaddrctl = vaddrctl

    def reset(self, cmd):
        subprocess.run(["sh", "-ec", cmd], check=True,
                       env=dict(os.environ, VADDRCTL=self.vaddrctl))

    def snapshot(self):
        return "".join(subprocess.run([self.vaddrctl, "-j"] + what,
                                      check=True, capture_output=True,
                                      text=True).stdout
                       for what in (["show"], ["set"]))


def run(reqs, target, nth, cmds, attrs):
    """Send reqs on a fresh socket, the Nth allocation of reqs[target]
    failing; stop at the first error. Returns [(errno, text)] and whether
    the failure was injected."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         nlraw.NETLINK_GENERIC)
    sock.setsockopt(270, nlraw.NETLINK_EXT_ACK, 1)
    family = nlraw.family_id(sock)
    fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    answers, injected = [], False
    try:
        for i, words in enumerate(reqs):
            cmd, payload = nlraw.build(words, cmds, attrs)
            arm = None
            if i == target:
                def arm():
                    os.pwrite(fd, b"%d" % nth, 0)
            try:
                err, text = nlraw.request(sock, family, cmd, payload, i + 2,
                                          arm)
            except OSError as e:
                err, text = e.errno, "(no ack)"
            if i == target:
                injected = int(os.pread(fd, 32, 0) or 0) == 0
                os.pwrite(fd, b"0", 0)
            answers.append((err, text))
            if err:
                break
    finally:
        os.pwrite(fd, b"0", 0)
        os.close(fd)
        sock.close()
    return answers, injected


def judge(answers, before, after, now):
    err, text = answers[-1]
    if not err:
        return None if now == after else "all answered 0 but the table " \
            "is not the one of a run without failures"
    if err not in MEMORY_ERRORS:
        return "error %s (%s) is not a memory error" % (
            errno.errorcode.get(err, err), text)
    if text == "(no ack)" and now in (before, after):
        return None
    if now != before:
        return "failed with %s but the table changed" % \
            errno.errorcode.get(err, err)
    return None


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    table = Table(argv[1])
    cmds, attrs = nlraw.uapi_enum("VADDR_CMD_"), nlraw.uapi_enum("VADDR_A_")
    status = 0
    for sc in parse(argv[3]):
        table.reset(sc["reset"])
        before = table.snapshot()
        answers, _ = run(sc["reqs"], -1, 0, cmds, attrs)
        after = table.snapshot()
        if any(err for err, _ in answers) or after == before:
            print("not ok - %s: runs without failures and changes the "
                  "table (answers %s)" % (sc["name"], answers))
            status = 1
            continue
        for target in range(len(sc["reqs"])):
            problems, n, refused = [], 0, 0
            for n in range(1, MAX_N + 1):
                table.reset(sc["reset"])
                answers, injected = run(sc["reqs"], target, n, cmds, attrs)
                if not injected and len(answers) > target:
                    break
                why = judge(answers, before, after, table.snapshot())
                if why:
                    problems.append("allocation %d: %s" % (n, why))
                elif answers[-1][0]:
                    refused += 1
            else:
                problems.append("still allocating after %d" % MAX_N)
            # Injection that never made a request fail proves nothing.
            if not refused:
                problems.append("no injected failure made the request fail")
            what = "%s: request %d (%s)" % (sc["name"], target + 1,
                                            sc["reqs"][target][0])
            if problems:
                status = 1
                print("not ok - %s: %d of %d allocation failures unclean"
                      % (what, len(problems), n - 1))
                for p in problems[:10]:
                    print("# %s" % p)
            else:
                print("ok - %s: %d allocations failed in turn, each cleanly "
                      "(%d refused, the table as before; %d absorbed)"
                      % (what, n - 1, refused, n - 1 - refused), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
