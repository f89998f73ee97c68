#!/usr/bin/env python3
"""Large-mailbox timing that works against any IMAP server.

Tops the mailbox up to --count messages (APPEND over --connections parallel connections, each
pipelining --depth commands with LITERAL+), then, on a fresh connection, times SELECT and
UID FETCH 1:* (FLAGS) reading every response line, then SEARCH UNSEEN. Last line:
  imap-big: N messages, SELECT X ms, UID FETCH 1:* (FLAGS) Y ms (Z lines), SEARCH UNSEEN W ms
Only ever connects to 127.0.0.0/8.
"""
import argparse, multiprocessing as mp, os, sys, time

from imap_wire import Wire


class Conn(Wire):
    def __init__(self, a):
        super().__init__(a.host, a.port)

    def command(self, text):
        """Sends a command, returns how many untagged lines came before its OK. The answer is read in big
        chunks and its lines counted in C, not one readline() each: with a million response lines a
        line-by-line Python client takes longer than the server and the timing would measure the client."""
        self.tag += 1
        t = b"b%d " % self.tag
        self.send(t + text.encode() + b"\r\n")
        n = 0
        while True:
            if self.buf.endswith(b"\n"):
                start = self.buf.rfind(b"\n", 0, len(self.buf) - 1) + 1  # the last complete line
                n += self.buf.count(b"\n", 0, start)
                last = bytes(self.buf[start:])
                del self.buf[:start]
                if last.startswith(t):
                    del self.buf[:]
                    if not last.startswith(t + b"OK"):
                        raise RuntimeError(last.decode(errors="replace"))
                    return n
            self.fill()


def message(i):
    return ("From: big%d@example.org\r\nTo: bench@example.test\r\nSubject: message %d\r\n"
            "Message-ID: <big-%d@example.org>\r\n\r\nBody of message %d.\r\n" % (i % 100, i, i, i)).encode()


def append_range(a, start, end):
    c = Conn(a)
    c.command('LOGIN "%s" "%s"' % (a.user, a.password))
    inflight = 0
    for i in range(start, end):
        m = message(i)
        c.tag += 1
        c.send(b"b%d APPEND %s {%d+}\r\n" % (c.tag, a.mailbox.encode(), len(m)) + m + b"\r\n")
        inflight += 1
        while inflight >= a.depth or (i == end - 1 and inflight > 0):
            l = c.line()
            if l.startswith(b"b"):
                if b" OK" not in l:
                    raise RuntimeError(l.decode(errors="replace"))
                inflight -= 1
    c.command("LOGOUT")
    return end - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=11143)
    p.add_argument("--user", default="testuser200")
    p.add_argument("--password", default="pass")
    p.add_argument("--mailbox", default="Big100k")
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--depth", type=int, default=32)
    p.add_argument("--repeat", type=int, default=0,
                   help="then run each of the three commands this many times more (after as many unrecorded): "
                        "median time, and the server's CPU per command with --pid")
    p.add_argument("--pid", type=int, help="the server's process, for --repeat (a single process: CPU of every thread)")
    a = p.parse_args()

    c = Conn(a)
    c.command('LOGIN "%s" "%s"' % (a.user, a.password))
    try:
        c.command("CREATE " + a.mailbox)
    except RuntimeError:
        pass
    c.tag += 1
    c.send(b"b%d STATUS %s (MESSAGES)\r\n" % (c.tag, a.mailbox.encode()))
    have = 0
    while True:
        l = c.line()
        if l.startswith(b"* STATUS"):
            have = int(l.split(b"MESSAGES ")[1].split(b")")[0])
        if l.startswith(b"b%d " % c.tag):
            break
    missing = a.count - have
    c.command("LOGOUT")  # do not idle past the server's autologout while seeding
    if missing > 0:
        t = time.time()
        step = (missing + a.connections - 1) // a.connections
        ranges = [(a, have + k * step, min(a.count, have + (k + 1) * step)) for k in range(a.connections)]
        with mp.Pool(a.connections) as pool:
            pool.starmap(append_range, [r for r in ranges if r[1] < r[2]])
        print("appended %d messages in %.1f s (%.0f/s)" % (missing, time.time() - t, missing / (time.time() - t)))

    c = Conn(a)
    c.command('LOGIN "%s" "%s"' % (a.user, a.password))
    clk = os.sysconf("SC_CLK_TCK")
    cpu = []  # with --pid: the server's CPU for each of the three (the first SELECT after a start is the cold one)

    def timed(command):
        c0 = server_ticks(a.pid) if a.pid else 0
        t = time.perf_counter()
        n = c.command(command)
        ms = (time.perf_counter() - t) * 1000
        if a.pid:
            cpu.append((server_ticks(a.pid) - c0) * 1000 / clk)
        return ms, n
    select_ms, _ = timed("SELECT " + a.mailbox)
    fetch_ms, lines = timed("UID FETCH 1:* (FLAGS)")
    search_ms, _ = timed("SEARCH UNSEEN")
    print("imap-big: %d messages, SELECT %.0f ms, UID FETCH 1:* (FLAGS) %.0f ms (%d lines), SEARCH UNSEEN %.0f ms%s"
          % (a.count, select_ms, fetch_ms, lines, search_ms,
             "; server CPU %.0f / %.0f / %.0f ms" % tuple(cpu) if cpu else ""), flush=True)
    if a.repeat > 0:
        repeat(c, a)
    c.command("LOGOUT")


def server_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def repeat(c, a):
    """Each command --repeat times unrecorded (a JIT server warms up), then --repeat times timed."""
    clk = os.sysconf("SC_CLK_TCK")
    for command in ("SELECT " + a.mailbox, "UID FETCH 1:* (FLAGS)", "SEARCH UNSEEN"):
        for _ in range(a.repeat):
            c.command(command)
        times = []
        c0 = server_ticks(a.pid) if a.pid else 0
        for _ in range(a.repeat):
            t = time.perf_counter()
            c.command(command)
            times.append((time.perf_counter() - t) * 1000)
        cpu = ", server CPU %.0f ms each" % ((server_ticks(a.pid) - c0) * 1000 / clk / a.repeat) if a.pid else ""
        print("imap-big repeated: %-22s median %.0f ms (min %.0f, max %.0f) over %d%s"
              % (command.split(" " + a.mailbox)[0], sorted(times)[len(times) // 2], min(times), max(times), a.repeat, cpu),
              flush=True)


if __name__ == "__main__":
    main()
