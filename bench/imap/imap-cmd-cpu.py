#!/usr/bin/env python3
"""Server CPU per IMAP command, for any server whose processes can be named (run on the same machine).

Fills a fresh mailbox with --messages messages, then, on one connection, sends one kind of command
after another for --seconds each, each command waiting for its answer (as a client does), and reads
the server's CPU time (utime + stime from /proc, every thread; with --tree, the process and all its
descendants, those that exited too) before and after each kind. Prints one line per kind:
  cmd-cpu: NAME ops N, server CPU X ms, Y ms/op
A first pass over every kind is not recorded (a JIT server warms up). Only connects to 127.0.0.0/8.
The kinds (on a mailbox of --messages messages, all unseen but every third):
  select         SELECT of the mailbox again
  fetch-flags    FETCH 1:* (FLAGS)
  fetch-body     FETCH n BODY.PEEK[] of one message
  fetch-headers  FETCH n (ENVELOPE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)]) of one message
  store          STORE n +FLAGS (\\Flagged), then -FLAGS on the next turn
  search-unseen  SEARCH UNSEEN
  search-from    SEARCH FROM sender7 (a header key: the messages are read)
  sort           SORT (DATE) UTF-8 ALL
  append         APPEND of a 2 KiB message
  expunge        UID STORE u +FLAGS.SILENT (\\Deleted) and EXPUNGE of one appended message (a pair)
"""
import argparse, os, random, time

from imap_wire import Wire

CLK = os.sysconf("SC_CLK_TCK")


def ticks_of(pid, children):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    t = int(fields[11]) + int(fields[12])
    if children:
        t += int(fields[13]) + int(fields[14])  # waited-for children that exited
    return t


def tree_ticks(root):
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    total = ticks_of(root, True)
    todo = [root]
    while todo:
        p = todo.pop()
        for c, pp in parents.items():
            if pp == p:
                total += ticks_of(c, True)
                todo.append(c)
    return total


class Conn(Wire):
    def command(self, text, literal=None):
        """Runs one command; returns its untagged lines (literals are read as lines: the bench's are text)."""
        self.tag += 1
        t = b"c%d " % self.tag
        if literal is None:
            self.s.sendall(t + text.encode() + b"\r\n")
        else:
            self.s.sendall(t + text.encode() + b" {%d}\r\n" % len(literal))
            l = self.line()
            if not l.startswith(b"+"):
                raise RuntimeError(l.decode(errors="replace"))
            self.s.sendall(literal + b"\r\n")
        out = []
        while True:
            l = self.line()
            if l.startswith(t):
                if not l.startswith(t + b"OK"):
                    raise RuntimeError("%s -> %s" % (text, l.decode(errors="replace")))
                self.tagged = l
                return out
            out.append(l)


def message(i):
    body = ("Line %d of a bench message that is long enough to look like mail.\r\n" % i) * 28
    return ("From: Sender %d <sender%d@example.org>\r\nTo: bench@example.test\r\nSubject: cpu bench %d\r\n"
            "Date: Mon, %d Jan 2024 10:%02d:00 +0000\r\nMessage-ID: <cpu-%d@example.org>\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s" % (i % 10, i % 10, i, 1 + i % 28, i % 60, i, body)).encode()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", default="pass")
    p.add_argument("--pid", type=int, required=True, help="the server's process (the JVM, or Dovecot's master)")
    p.add_argument("--tree", action="store_true", help="count the process's descendants too (Dovecot)")
    p.add_argument("--mailbox", default="CpuBench")
    p.add_argument("--messages", type=int, default=200)
    p.add_argument("--seconds", type=float, default=4)
    p.add_argument("--only", help="comma-separated kinds to run (default: all)")
    a = p.parse_args()
    cpu = (lambda: tree_ticks(a.pid)) if a.tree else (lambda: ticks_of(a.pid, False))

    c = Conn(a.host, a.port)
    c.command('LOGIN "%s" "%s"' % (a.user, a.password))
    try:
        c.command("DELETE " + a.mailbox)
    except RuntimeError:
        pass
    c.command("CREATE " + a.mailbox)
    for i in range(a.messages):
        c.command("APPEND %s %s" % (a.mailbox, "(\\Seen)" if i % 3 == 0 else "()"), message(i))
    c.command("SELECT " + a.mailbox)
    rnd = random.Random(7)
    state = {"flag": 0, "appended": []}
    n = a.messages

    def store():
        state["flag"] ^= 1
        c.command("STORE %d %sFLAGS (\\Flagged)" % (rnd.randint(1, n), "+" if state["flag"] else "-"))

    def append():
        c.command("APPEND " + a.mailbox, message(rnd.randint(0, 10 ** 6)))
        code = c.tagged.split(b"[APPENDUID ", 1)  # UIDPLUS (RFC 4315): both servers have it
        state["appended"].append(code[1].split(b"]")[0].split()[1].decode())

    def expunge():
        if not state["appended"]:
            return False
        uid = state["appended"].pop()
        c.command("UID STORE %s +FLAGS.SILENT (\\Deleted)" % uid)
        c.command("EXPUNGE")
        return True

    kinds = [
        ("select", lambda: c.command("SELECT " + a.mailbox)),
        ("fetch-flags", lambda: c.command("FETCH 1:* (FLAGS)")),
        ("fetch-body", lambda: c.command("FETCH %d BODY.PEEK[]" % rnd.randint(1, n))),
        ("fetch-headers", lambda: c.command("FETCH %d (ENVELOPE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)])"
                                            % rnd.randint(1, n))),
        ("store", store),
        ("search-unseen", lambda: c.command("SEARCH UNSEEN")),
        ("search-from", lambda: c.command("SEARCH FROM sender7")),
        ("sort", lambda: c.command("SORT (DATE) UTF-8 ALL")),
        ("append", append),
        ("expunge", expunge),
    ]
    if a.only:
        kinds = [k for k in kinds if k[0] in a.only.split(",") or k[0] == "expunge"]
    for recorded in (False, True):
        for name, run in kinds:
            ops = 0
            c0 = cpu()
            t0 = time.monotonic()
            limit = a.seconds if recorded else a.seconds / 4
            while time.monotonic() - t0 < limit:
                if run() is False:
                    break
                ops += 1
            used = (cpu() - c0) * 1000 / CLK
            if recorded:
                print("cmd-cpu: %-13s ops %6d, server CPU %7.0f ms, %.3f ms/op" % (name, ops, used, used / max(ops, 1)),
                      flush=True)
        while state["appended"]:
            expunge()
    c.command("LOGOUT")


if __name__ == "__main__":
    main()
