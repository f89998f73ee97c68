#!/usr/bin/env python3
"""Appends the same messages to two IMAP servers and diffs what each answers about them.

A conformance check against a reference server (Dovecot): BODYSTRUCTURE, ENVELOPE, BODY, sizes and
sections are compared message by message. Talk only to servers you run (loopback).

  tools/imap-compare.py --mbox msgs.mbox \
      --a imaps://alice@example.test:PASS@127.0.0.1:10993 --b imap://testuser1@example.test:pass@127.0.0.1:11143
"""
import argparse, imaplib, mailbox, re, ssl, sys, urllib.parse

SEARCHES = ["SUBJECT deploy", "SUBJECT \"re:\"", "FROM kowalski", "FROM \"Carol Nakamura\"", "TO example",
            "BODY invoice", "TEXT latency", "LARGER 20000", "SMALLER 3000", "HEADER Content-Type multipart",
            "HEADER X-Nonexistent \"\"", "OR SUBJECT budget FROM heidi", "NOT BODY server", "SENTBEFORE 1-Jan-2025",
            "SENTSINCE 1-Jan-2025", "CHARSET UTF-8 SUBJECT <výsledků>", "CHARSET UTF-8 TEXT <réunion>", "SUBJECT <Réunion>",
            "UID 1:50 SUBJECT server", "1:* NOT SUBJECT #1"]

ORDERS = ["SORT (SUBJECT) UTF-8 ALL", "SORT (REVERSE DATE) UTF-8 ALL", "SORT (FROM) UTF-8 ALL", "SORT (TO) UTF-8 ALL",
          "SORT (CC) UTF-8 ALL", "SORT (SIZE) UTF-8 ALL", "SORT (REVERSE ARRIVAL) UTF-8 ALL", "SORT (DISPLAYFROM) UTF-8 ALL",
          "SORT (SUBJECT REVERSE SIZE) UTF-8 SUBJECT re", "THREAD ORDEREDSUBJECT UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL"]

ITEMS = ["BODYSTRUCTURE", "ENVELOPE", "BODY", "RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]",
         "BODY.PEEK[1.MIME]", "BODY.PEEK[TEXT]<0.100>", "BINARY.SIZE[1]"]


def connect(url):
    u = urllib.parse.urlparse(url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    c = imaplib.IMAP4_SSL(u.hostname, u.port, ssl_context=ctx) if u.scheme == "imaps" else imaplib.IMAP4(u.hostname, u.port)
    c.login(urllib.parse.unquote(u.username), urllib.parse.unquote(u.password))
    return c


def prepare(c, folder, messages):
    c.delete(folder)
    typ, _ = c.create(folder)
    assert typ == "OK", "CREATE %s failed" % folder
    for m in messages:
        typ, data = c.append(folder, None, '"01-Jan-2026 10:00:00 +0000"', m)
        assert typ == "OK", data
    c.select(folder, readonly=True)


def answers(c, item, count):
    """{sequence number: the whole FETCH answer}; imaplib splits literals out as (prefix, literal) pairs."""
    typ, data = c.fetch("1:%d" % count, "(%s)" % item)
    assert typ == "OK", data
    out, n = {}, 0
    for part in data:
        text = part[0] + b"{literal}" + part[1] if isinstance(part, tuple) else part
        m = re.match(rb"(\d+) \(", text)
        if m:
            n = int(m.group(1))
            out[n] = b""
        out[n] += text
    assert len(out) == count, "expected %d answers, got %d" % (count, len(out))
    return out


def search(c, query):
    """The message numbers a SEARCH returns; <text> in the query is sent as a LITERAL+ literal (UTF-8)."""
    tag = c._new_tag()
    wire = re.sub(r"<([^>]*)>", lambda m: "{%d+}\r\n%s" % (len(m.group(1).encode("utf-8")), m.group(1)), query)
    c.send(tag + b" SEARCH " + wire.encode("utf-8") + b"\r\n")
    found = set()
    while True:
        line = c._get_line()
        if line.startswith(b"* SEARCH"):
            found |= {int(x) for x in line.split()[2:]}
        elif line.startswith(tag):
            assert line.split()[1] == b"OK", line
            return found


def untagged(c, command):
    """The untagged answer of a SORT or THREAD command, as one string."""
    tag = c._new_tag()
    c.send(tag + b" " + command.encode("utf-8") + b"\r\n")
    out = b""
    while True:
        line = c._get_line()
        if line.startswith(tag):
            assert line.split()[1] == b"OK", line
            return out.decode("utf-8", "replace")
        out += line


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mbox", required=True)
    p.add_argument("--a", required=True, help="server under test, imap[s]://user:pass@host:port")
    p.add_argument("--b", required=True, help="reference server, same form")
    p.add_argument("--folder", default="compare")
    p.add_argument("--show", type=int, default=5, help="differences to print per item")
    args = p.parse_args()
    messages = [m.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") for m in mailbox.mbox(args.mbox)]
    a, b = connect(args.a), connect(args.b)
    prepare(a, args.folder, messages)
    prepare(b, args.folder, messages)
    total = 0
    for item in ITEMS:
        ra, rb = answers(a, item, len(messages)), answers(b, item, len(messages))
        diff = [n for n in sorted(set(ra) | set(rb)) if ra.get(n) != rb.get(n)]
        total += len(diff)
        print("%-45s %d/%d differ" % (item, len(diff), len(messages)))
        for n in diff[: args.show]:
            print("  #%d a: %r\n  #%d b: %r" % (n, ra.get(n, b"")[:600], n, rb.get(n, b"")[:600]))
    for q in SEARCHES:
        ra, rb = search(a, q), search(b, q)
        total += ra != rb
        print("%-45s %s" % ("SEARCH " + q, "same (%d)" % len(ra) if ra == rb else
                                "differ: a %d, b %d; only a %s, only b %s" % (len(ra), len(rb), sorted(ra - rb)[:10], sorted(rb - ra)[:10])))
    for q in ORDERS:
        ra, rb = untagged(a, q), untagged(b, q)
        total += ra != rb
        print("%-45s %s" % (q, "same" if ra == rb else "differ:\n  a %s\n  b %s" % (ra[:300], rb[:300])))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
