#!/usr/bin/env python3
"""How long new mail takes to reach a client in IDLE, against any IMAP server.

One connection selects the mailbox and IDLEs; a second one APPENDs a message; the time from
sending the APPEND to the idling connection reading "* n EXISTS" is measured, --rounds times.
Last line:
  imap-idle-latency: median X ms, max Y ms over N rounds
Only ever connects to 127.0.0.0/8.
"""
import argparse, ipaddress, socket, statistics, sys, time


def conn(a):
    if not ipaddress.ip_address(socket.gethostbyname(a.host)).is_loopback:
        sys.exit("refusing to connect outside 127.0.0.0/8")
    s = socket.create_connection((a.host, a.port))
    f = s.makefile("rb")
    f.readline()
    return s, f


def command(s, f, tag, text):
    s.sendall(("%s %s\r\n" % (tag, text)).encode())
    while True:
        l = f.readline()
        if not l:
            raise EOFError
        if l.startswith(tag.encode() + b" "):
            if b" OK" not in l:
                raise RuntimeError(l)
            return


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=11143)
    p.add_argument("--user", default="testuser199@example.test")
    p.add_argument("--password", default="pass")
    p.add_argument("--mailbox", default="IdleBench")
    p.add_argument("--rounds", type=int, default=20)
    a = p.parse_args()
    s1, f1 = conn(a)
    s2, f2 = conn(a)
    for s, f in ((s1, f1), (s2, f2)):
        command(s, f, "l", 'LOGIN "%s" "%s"' % (a.user, a.password))
    try:
        command(s2, f2, "c", "CREATE " + a.mailbox)
    except RuntimeError:
        pass
    command(s1, f1, "s", "SELECT " + a.mailbox)
    msg = b"Subject: idle bench\r\n\r\nhello\r\n"
    lat = []
    for r in range(a.rounds):
        s1.sendall(b"i IDLE\r\n")
        while not f1.readline().startswith(b"+"):
            pass
        time.sleep(0.2)
        t = time.perf_counter()
        s2.sendall(b"a APPEND %s {%d+}\r\n" % (a.mailbox.encode(), len(msg)) + msg + b"\r\n")
        while True:
            l = f1.readline()
            if l.endswith(b"EXISTS\r\n"):
                lat.append((time.perf_counter() - t) * 1000)
                break
        while not f2.readline().startswith(b"a "):
            pass
        s1.sendall(b"DONE\r\n")
        while not f1.readline().startswith(b"i "):
            pass
    command(s1, f1, "x", "STORE 1:* +FLAGS.SILENT (\\Deleted)")
    command(s1, f1, "y", "EXPUNGE")
    print("imap-idle-latency: median %.1f ms, max %.1f ms over %d rounds" % (statistics.median(lat), max(lat), len(lat)))


if __name__ == "__main__":
    main()
