#!/usr/bin/env python3
"""IMAP load generator that works against any IMAP server (Letterbox, Dovecot, ...).

C client processes, each logged in as one of the test users, loop for S seconds over a mix of
the commands mail clients send all day: SELECT, UID FETCH 1:* (FLAGS), FETCH of a whole message,
FETCH ENVELOPE/BODYSTRUCTURE of a range, STORE flags, APPEND, SEARCH, and STORE \\Deleted +
EXPUNGE of a message it appended (so the mailbox stays the same size). Before the run every user's
mailbox is topped up to --messages messages (the same deterministic messages on every server).

Prints per-command counts and latency percentiles, then a last line:
  imap-load: N ops/s over S s, C clients
Only ever connects to 127.0.0.0/8.
"""
import argparse, imaplib, ipaddress, multiprocessing as mp, random, socket, ssl, statistics, sys, time

WORDS = ("invoice report meeting budget release deploy protocol mailbox server cache index quota "
         "thread search folder header attachment backup review schedule").split()


def message(i, size):
    rnd = random.Random(i)
    subject = " ".join(rnd.choice(WORDS) for _ in range(4))
    body_words = []
    while sum(len(w) + 1 for w in body_words) < size:
        body_words.append(rnd.choice(WORDS))
    lines, line = [], []
    for w in body_words:
        line.append(w)
        if sum(len(x) + 1 for x in line) > 70:
            lines.append(" ".join(line)); line = []
    lines.append(" ".join(line))
    return ("From: Bench Sender <sender%d@example.org>\r\nTo: bench@example.test\r\nSubject: %s #%d\r\n"
            "Date: Thu, 01 Jan 2026 10:00:00 +0000\r\nMessage-ID: <bench-%d@example.org>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s\r\n" % (i % 50, subject, i, i, "\r\n".join(lines))).encode()


def connect(a):
    if not ipaddress.ip_address(socket.gethostbyname(a.host)).is_loopback:
        sys.exit("refusing to connect outside 127.0.0.0/8")
    if a.tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        m = imaplib.IMAP4_SSL(a.host, a.port, ssl_context=ctx)
    else:
        m = imaplib.IMAP4(a.host, a.port)
    return m


def login(a, user_index):
    m = connect(a)
    m.login(a.user_pattern % user_index, a.password)
    return m


def seed(a, user_index):
    m = login(a, user_index)
    m.create(a.mailbox)
    typ, data = m.select(a.mailbox)
    have = int(data[0])
    if have > a.messages:  # left over from an earlier run: back to exactly --messages
        m.store("%d:*" % (a.messages + 1), "+FLAGS.SILENT", "(\\Deleted)")
        m.expunge()
    for i in range(have, a.messages):
        m.append(a.mailbox, None, None, message(i, a.size))
    m.store("1:*", "-FLAGS.SILENT", "(\\Seen \\Deleted)")
    m.logout()
    return a.messages - have


def worker(a, client, deadline, queue):
    lat = {}
    try:
        run_client(a, client, deadline, lat)
    except Exception as e:  # a client that fails still reports what it measured
        lat.setdefault("error", []).append(0.0)
        print("client %d: %s" % (client, e), file=sys.stderr)
    finally:
        queue.put(lat)


def run_client(a, client, deadline, lat):
    rnd = random.Random(client)
    user = client % a.users + 1
    m = login(a, user)

    def timed(name, fn):
        nonlocal count
        t = time.perf_counter()
        fn()
        lat.setdefault(name, []).append(time.perf_counter() - t)
        # follow the server's view: EXPUNGE and EXISTS responses change the message count
        for _ in m.untagged_responses.pop("EXPUNGE", []):
            count -= 1
        exists = m.untagged_responses.pop("EXISTS", None)
        if exists:
            count = int(exists[-1])

    typ, data = m.select(a.mailbox)
    count = int(data[0])
    appended = []
    ops = [("select", 10), ("fetch_flags", 15), ("fetch_body", 20), ("fetch_envelope", 10),
           ("store", 15), ("append", 10), ("search", 10), ("expunge", 10)]
    names = [o for o, _ in ops]
    weights = [w for _, w in ops]
    def one_op(op):
        nonlocal count
        if op == "select":
            def f():
                nonlocal count
                typ, d = m.select(a.mailbox)
                count = int(d[0])
            timed(op, f)
        elif op == "fetch_flags":
            timed(op, lambda: m.uid("FETCH", "1:*", "(FLAGS)"))
        elif op == "fetch_body" and count:
            n = rnd.randint(1, count)
            timed(op, lambda: m.fetch(str(n), "(BODY.PEEK[])"))
        elif op == "fetch_envelope" and count:
            n = rnd.randint(1, count)
            timed(op, lambda: m.fetch("%d:%d" % (n, min(count, n + 19)), "(UID FLAGS ENVELOPE BODYSTRUCTURE)"))
        elif op == "store" and count:
            n = rnd.randint(1, count)
            timed(op, lambda: m.store(str(n), rnd.choice(["+FLAGS", "-FLAGS"]), "(\\Seen)"))
        elif op == "append":
            def f():
                typ, d = m.append(a.mailbox, None, None, message(100000 + rnd.randint(0, 10**6), a.size))
                appended.append(1)
            timed(op, f)
        elif op == "search":
            q = rnd.choice(["UNSEEN", "SUBJECT %s" % rnd.choice(WORDS), "FROM sender7", "LARGER 3000"])
            timed(op, lambda: m.search(None, q))
        elif op == "expunge" and appended:
            def f():
                nonlocal count
                typ, d = m.select(a.mailbox)
                count = int(d[0])
                m.store(str(count), "+FLAGS.SILENT", "(\\Deleted)")
                typ, gone = m.expunge()  # imaplib hands the EXPUNGE responses back here
                count -= len([g for g in gone if g])
                appended.pop()
            timed(op, f)

    while time.time() < deadline:
        op = rnd.choices(names, weights)[0]
        try:
            one_op(op)
        except imaplib.IMAP4.error as e:  # counted, then the client resynchronises and goes on
            lat.setdefault("error", []).append(0.0)
            print("client %d: %s: %s" % (client, op, e), file=sys.stderr)
            typ, d = m.select(a.mailbox)
            count = int(d[0])
    m.logout()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=11143)
    p.add_argument("--tls", action="store_true", help="implicit TLS (993-style port)")
    p.add_argument("--user-pattern", default="testuser%d")
    p.add_argument("--password", default="pass")
    p.add_argument("--users", type=int, default=20, help="users 1..N are used")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--messages", type=int, default=200, help="messages in each user's bench mailbox")
    p.add_argument("--size", type=int, default=3000, help="approximate body size of each message")
    p.add_argument("--mailbox", default="LoadBench")
    a = p.parse_args()

    t = time.time()
    with mp.Pool(min(8, a.users)) as pool:
        added = sum(pool.starmap(seed, [(a, u) for u in range(1, a.users + 1)]))
    print("mailboxes at %d messages each (%+d) in %.1f s" % (a.messages, added, time.time() - t))

    queue = mp.Queue()
    deadline = time.time() + a.seconds
    procs = [mp.Process(target=worker, args=(a, c, deadline, queue)) for c in range(a.clients)]
    started = time.time()
    for pr in procs:
        pr.start()
    results = [queue.get() for _ in procs]
    for pr in procs:
        pr.join()
    elapsed = time.time() - started
    merged = {}
    for r in results:
        for k, v in r.items():
            merged.setdefault(k, []).extend(v)
    total = sum(len(v) for v in merged.values())
    print("%-15s %8s %9s %9s %9s" % ("command", "count", "p50 ms", "p90 ms", "p99 ms"))
    for k in sorted(merged):
        v = sorted(merged[k])
        q = lambda f: v[min(len(v) - 1, int(f * len(v)))] * 1000
        print("%-15s %8d %9.2f %9.2f %9.2f" % (k, len(v), q(0.5), q(0.9), q(0.99)))
    print("imap-load: %.0f ops/s over %.0f s, %d clients" % (total / elapsed, elapsed, a.clients))


if __name__ == "__main__":
    main()
