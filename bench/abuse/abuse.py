#!/usr/bin/env python3
"""Abuse bench driver: what a normal mail client sees while others abuse the server.

A normal client loops over IMAPS: connect + TLS, LOGIN, SELECT INBOX, FETCH 1:* (FLAGS), LOGOUT, and
times each whole round trip ("op"). It runs alone in this process; every attacker runs in a process
of its own, so Python's interpreter lock never puts attacker work into the measured times.

Phases (each measures --seconds after its attackers are in place):
  baseline  nobody else.
  silent    --silent TCP connections held to the IMAPS, IMAP, POP3S and SMTP ports, --per-ip from each
            source address 127.10.x.y (so the per-address limit is not what stops them), plus --slow
            connections that dribble a byte every --slow-every seconds (a TLS ClientHello on the TLS
            ports, a command on the others) from 127.11.x.y. Whatever the server closes is reopened at
            once, as an attacker would.
  full      the same with --full-silent connections: more than the server's max_connections, so its
            slots are full and it closes the oldest connections not logged in to make room.
  brute     --brute-threads threads guess passwords over IMAPS, 3 guesses per connection and a fresh
            source address 127.20.x.y per connection (so per-address throttling never starts): 30% at
            the victim testuser1, 20% at names that do not exist, the rest at testuser2..--brute-accounts.
            The measured client's account (testuser200) is not attacked; the victim's owner is measured
            on the side, every 2 s, from 127.0.0.1 (which logged in before: trusted) and from a new
            address each time.
  after     nobody else again: the server after the abuse, and the machine's own noise.

Prints, per phase, a few detail lines and at the end one line per phase:
  phase p50_ms p99_ms max_ms ops errors
Only ever connects to 127.0.0.0/8.
"""
import argparse, imaplib, ipaddress, multiprocessing as mp, random, re, selectors, socket, ssl, sys, threading, \
    time, urllib.request

HOST = "127.0.0.1"


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the bench server's certificate is self-signed
    return ctx


def check_loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit("refusing to use %s: this bench stays inside 127.0.0.0/8" % addr)


def pct(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


# ---------------------------------------------------------------- a small IMAP client

class Imap:
    """Just enough IMAP over TLS for the bench: tagged commands, responses read line by line."""

    def __init__(self, port, source=HOST, timeout=60.0, ctx=None):
        check_loopback(source)
        raw = socket.create_connection((HOST, port), timeout=timeout, source_address=(source, 0))
        try:
            self.sock = (ctx or tls_context()).wrap_socket(raw, server_hostname="mail.example.test")
        except BaseException:
            raw.close()
            raise
        self.file = self.sock.makefile("rb")
        self.n = 0
        greeting = self.file.readline()
        if not greeting.startswith(b"* OK"):
            self.close()
            raise IOError("greeting: %r" % greeting[:80])

    def command(self, text):
        """Sends one command; returns (status line of the tagged reply, untagged lines)."""
        self.n += 1
        tag = b"a%d" % self.n
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        untagged = []
        while True:
            line = self.file.readline()
            if not line:
                raise IOError("connection closed during %s" % text.split()[0])
            if line.startswith(tag + b" "):
                return line[len(tag) + 1:].rstrip(), untagged
            untagged.append(line)

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


STEPS = ("connect", "tls", "greeting", "login", "select", "fetch", "logout")


def mail_round(port, user, password, source=HOST):
    """The measured op: connect + TLS, LOGIN, SELECT INBOX, FETCH 1:* (FLAGS), LOGOUT. Raises on any
    failure; returns the seconds each step took (STEPS), to tell where a slow round spent its time."""
    check_loopback(source)
    steps = []
    t = time.perf_counter()

    def lap():
        nonlocal t
        now = time.perf_counter()
        steps.append(now - t)
        t = now

    raw = socket.create_connection((HOST, port), timeout=60.0, source_address=(source, 0))
    lap()
    try:
        sock = tls_context().wrap_socket(raw, server_hostname="mail.example.test")
    except BaseException:
        raw.close()
        raise
    lap()
    f = sock.makefile("rb")
    try:
        if not f.readline().startswith(b"* OK"):
            raise IOError("no greeting")
        lap()
        commands = ('LOGIN "%s" "%s"' % (user, password), "SELECT INBOX", "FETCH 1:* (FLAGS)", "LOGOUT")
        for n, cmd in enumerate(commands, 1):
            tag = b"a%d" % n
            sock.sendall(tag + b" " + cmd.encode() + b"\r\n")
            while True:
                line = f.readline()
                if not line:
                    raise IOError("connection closed during %s" % cmd.split()[0])
                if line.startswith(tag + b" "):
                    break
            if not line[len(tag) + 1:].startswith(b"OK"):
                raise IOError("%s: %s" % (cmd.split()[0], line.decode(errors="replace").strip()))
            lap()
    finally:
        f.close()
        sock.close()
    return steps


def measure(a, seconds, label):
    """The normal client: back-to-back rounds for `seconds`; returns (latencies in s, errors).
    Rounds over 100 ms are listed with where their time went."""
    lat, errors, slow = [], 0, []
    started = time.time()
    deadline = started + seconds
    while time.time() < deadline:
        t = time.perf_counter()
        try:
            steps = mail_round(a.imaps, a.user, a.password)
            took = time.perf_counter() - t
            lat.append(took)
            if took > 0.1:
                slow.append((took, time.time() - started, steps))
        except (OSError, ssl.SSLError) as e:
            errors += 1
            print("  [%s] normal client error after %.0f ms: %s" % (label, (time.perf_counter() - t) * 1000, e),
                  flush=True)
            time.sleep(0.05)
        time.sleep(a.pause)
    if slow and label != "warm-up":
        print("  [%s] %d rounds over 100 ms; the slowest (at second: ms per step %s):" % (
            label, len(slow), "/".join(STEPS)), flush=True)
        for took, at, steps in sorted(slow, reverse=True)[:5]:
            print("  [%s]   %.0f ms at %.1f s: %s" % (label, took * 1000, at, " ".join("%.0f" % (x * 1000) for x in steps)),
                  flush=True)
    return lat, errors


def seed(a):
    """Puts a few messages in the INBOXes the clients fetch (logging in also makes 127.0.0.1 trusted)."""
    for user in (a.user, a.victim):
        m = imaplib.IMAP4_SSL(HOST, a.imaps, ssl_context=tls_context())
        m.login(user, a.password)
        typ, data = m.select("INBOX")
        for i in range(int(data[0]), 20):
            m.append("INBOX", None, None, ("From: a@example.org\r\nTo: %s\r\nSubject: seed %d\r\n"
                                           "Message-ID: <abuse-seed-%d@example.org>\r\n\r\nhello\r\n" % (user, i, i)).encode())
        m.logout()


# ---------------------------------------------------------------- silent and slow connections

def addresses(prefix, count):
    """count loopback addresses 127.P.x.y (x.y from 0.1 upward)."""
    out = []
    for i in range(1, count + 1):
        out.append("%s.%d.%d" % (prefix, i // 250, i % 250 + 1))
    return out


def client_hello():
    """The bytes of a real TLS ClientHello, to dribble."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = tls_context().wrap_bio(inc, out, server_hostname="mail.example.test")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


class Slot:
    __slots__ = ("source", "port", "payload", "sock", "state", "sent", "next_send", "retry_at")

    def __init__(self, source, port, payload):
        self.source, self.port, self.payload = source, port, payload
        self.sock, self.state, self.sent, self.next_send, self.retry_at = None, "idle", 0, 0.0, 0.0


def hold(slots_spec, slow_every, stop, report):
    """Keeps every slot's connection open, reopening what the server closes; reports counts each second.

    slots_spec: (source, port, payload) triples; payload None = silent, else bytes sent one at a time."""
    sel = selectors.DefaultSelector()
    slots = [Slot(*s) for s in slots_spec]
    stats = dict(connects=0, closed_by_server=0, connect_failed=0, samples=[])
    in_flight = 0
    last_sample = time.time()

    def drop(slot, now, failed):
        nonlocal in_flight
        try:
            sel.unregister(slot.sock)
        except (KeyError, ValueError):
            pass
        slot.sock.close()
        if slot.state == "connecting":
            in_flight -= 1
        stats["connect_failed" if failed else "closed_by_server"] += 1
        slot.sock, slot.state, slot.sent = None, "idle", 0
        slot.retry_at = now + (0.5 if failed else 0.0)

    while not stop.is_set():
        now = time.time()
        for slot in slots:  # (re)open, a bounded number of connects in flight
            if in_flight >= 512:
                break
            if slot.state == "idle" and slot.retry_at <= now:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                try:
                    s.bind((slot.source, 0))
                    s.connect_ex((HOST, slot.port))
                except OSError:
                    s.close()
                    slot.retry_at = now + 1.0
                    stats["connect_failed"] += 1
                    continue
                slot.sock, slot.state = s, "connecting"
                in_flight += 1
                sel.register(s, selectors.EVENT_WRITE, slot)
        for key, events in sel.select(timeout=0.05):
            slot = key.data
            if slot.state == "connecting":
                err = slot.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    drop(slot, now, True)
                    continue
                in_flight -= 1
                stats["connects"] += 1
                slot.state = "open"
                slot.next_send = now + random.uniform(0, slow_every)
                sel.modify(slot.sock, selectors.EVENT_READ, slot)
            else:
                try:
                    data = slot.sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    drop(slot, now, False)
        now = time.time()
        for slot in slots:  # the slow ones: one byte each when due
            if slot.payload and slot.state == "open" and slot.next_send <= now:
                byte = slot.payload[slot.sent % len(slot.payload):][:1]
                try:
                    slot.sock.send(byte)
                    slot.sent += 1
                except OSError:
                    drop(slot, now, False)
                    continue
                slot.next_send = now + slow_every
        if now - last_sample >= 1.0:
            last_sample = now
            open_now = sum(1 for s in slots if s.state == "open")
            stats["samples"].append(open_now)
            report.put(("held", open_now))
    for slot in slots:
        if slot.sock:
            slot.sock.close()
    report.put(("done", stats))


def slots_for(count, prefix, per_ip, ports, payloads):
    """count connections from addresses under prefix, per_ip each, spread over ports in turn."""
    srcs = addresses(prefix, (count + per_ip - 1) // per_ip)
    return [(srcs[i // per_ip], ports[i % len(ports)], payloads[i % len(ports)]) for i in range(count)]


# ---------------------------------------------------------------- brute force

def brute(a, stop, report):
    """Threads guessing passwords; each connection from a fresh source address, 3 guesses each."""
    counts = dict(connections=0, failed=0, blocked=0, busy=0, other=0, conn_errors=0)
    answer_ms = []
    lock = threading.Lock()
    pool = iter(addresses("127.20", 250 * 250 - 1))
    ctx = tls_context()

    def worker(k):
        rnd = random.Random(k)
        while not stop.is_set():
            with lock:
                source = next(pool, None)
            if source is None:
                return
            try:
                m = Imap(a.imaps, source, timeout=90.0, ctx=ctx)
            except (OSError, ssl.SSLError):
                with lock:
                    counts["conn_errors"] += 1
                continue
            try:
                for _ in range(3):
                    if stop.is_set():
                        break
                    r = rnd.random()
                    if r < 0.3:  # the victim, whose owner is measured on the side
                        user = a.victim
                    elif r < 0.5:  # names that are not accounts are counted alike
                        user = "nobody%d@example.test" % rnd.randint(1, 10 ** 9)
                    else:
                        user = "testuser%d@example.test" % rnd.randint(2, a.brute_accounts)
                    t = time.perf_counter()
                    status, _ = m.command('LOGIN "%s" "guess%d"' % (user, rnd.randint(0, 10 ** 9)))
                    ms = (time.perf_counter() - t) * 1000
                    s = status.decode(errors="replace")
                    kind = ("failed" if "AUTHENTICATIONFAILED" in s else "blocked" if "your address" in s
                            else "busy" if "for this account" in s else "other")
                    with lock:
                        counts[kind] += 1
                        answer_ms.append(ms)
                    if kind == "blocked":
                        break
                m.command("LOGOUT")
            except (OSError, ssl.SSLError):
                with lock:
                    counts["conn_errors"] += 1
            finally:
                m.close()
            with lock:
                counts["connections"] += 1

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(a.brute_threads)]
    started = time.time()
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(timeout=95)
    elapsed = time.time() - started
    with lock:
        report.put(("done", dict(counts, seconds=elapsed, p50=pct(answer_ms, 0.5), p99=pct(answer_ms, 0.99))))


def owner(a, stop, report):
    """The attacked account's owner: a round every 2 s from a trusted address and from a new one each time."""
    results = {"trusted": [], "new": []}
    lock = threading.Lock()

    def loop(kind):
        n = 0
        while not stop.wait(2.0):
            n += 1
            source = HOST if kind == "trusted" else "127.1.%d.%d" % (n // 250, n % 250 + 1)
            t = time.perf_counter()
            try:
                mail_round(a.imaps, a.victim, a.password, source)
                outcome = "ok"
            except (OSError, ssl.SSLError) as e:
                outcome = str(e)[:80]
            with lock:
                results[kind].append(((time.perf_counter() - t) * 1000, outcome))

    threads = [threading.Thread(target=loop, args=(k,), daemon=True) for k in results]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(timeout=65)
    with lock:
        report.put(("done", results))


# ---------------------------------------------------------------- server figures

def server_metrics(a):
    """A few of the server's own counters from /metrics (loopback may read it by default)."""
    try:
        text = urllib.request.urlopen("http://%s:%d/metrics" % (HOST, a.http), timeout=60).read().decode()
    except OSError as e:
        return {"error": str(e)}
    out = {}
    for line in text.splitlines():
        m = re.match(r'(letterbox_(?:connections_active|connections_refused_total|tls_handshakes_total|auth_total))'
                     r'(\{[^}]*\})? ([0-9.eE+-]+)$', line)
        if m:
            key = m.group(1) + (m.group(2) or "")
            out[key] = float(m.group(3))
    return out


def summarize_metrics(before, after):
    def total(d, name, label=""):
        return sum(v for k, v in d.items() if k.startswith(name) and label in k)
    return ("server: %d connections open at the end; during the phase %d refused, %d TLS handshakes, "
            "%d failed logins, %d good logins" % (
                total(after, "letterbox_connections_active"),
                total(after, "letterbox_connections_refused_total") - total(before, "letterbox_connections_refused_total"),
                total(after, "letterbox_tls_handshakes_total") - total(before, "letterbox_tls_handshakes_total"),
                total(after, "letterbox_auth_total", 'outcome="fail"') - total(before, "letterbox_auth_total", 'outcome="fail"'),
                total(after, "letterbox_auth_total", 'outcome="ok"') - total(before, "letterbox_auth_total", 'outcome="ok"')))


# ---------------------------------------------------------------- phases

def wait_held(report, target, total, limit_s, label):
    """Waits until the holder keeps target connections open (or limit_s passes)."""
    deadline, held = time.time() + limit_s, 0
    while time.time() < deadline:
        try:
            kind, value = report.get(timeout=1)
        except Exception:
            continue
        if kind == "held":
            held = value
            if held >= target:
                break
    print("  [%s] %d of %d attacker connections open when the measurement starts" % (label, held, total), flush=True)


def holder_phase(a, label, slots):
    ctx = mp.get_context("fork")
    stop, report = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=hold, args=(slots, a.slow_every, stop, report), daemon=True)
    proc.start()
    wait_held(report, int(len(slots) * 0.97), len(slots), a.ramp, label)
    before = server_metrics(a)
    lat, errors = measure(a, a.seconds, label)
    after = server_metrics(a)
    stop.set()
    stats = None
    while stats is None:
        kind, value = report.get(timeout=60)
        if kind == "done":
            stats = value
    proc.join(timeout=30)
    samples = stats["samples"][-a.seconds:] or [0]
    print("  [%s] attackers held %d..%d connections (of %d) during the measurement; %d connects, "
          "%d closed by the server, %d connects failed or refused" % (
              label, min(samples), max(samples), len(slots), stats["connects"], stats["closed_by_server"],
              stats["connect_failed"]), flush=True)
    print("  [%s] %s" % (label, summarize_metrics(before, after)), flush=True)
    settle(a)
    return lat, errors


def brute_phase(a, label):
    ctx = mp.get_context("fork")
    stop, report, owner_report = ctx.Event(), ctx.Queue(), ctx.Queue()
    attackers = ctx.Process(target=brute, args=(a, stop, report), daemon=True)
    victim = ctx.Process(target=owner, args=(a, stop, owner_report), daemon=True)
    attackers.start()
    time.sleep(a.brute_ramp)  # let the guesses reach their steady pace before measuring
    victim.start()
    before = server_metrics(a)
    lat, errors = measure(a, a.seconds, label)
    after = server_metrics(a)
    stop.set()
    kind, c = report.get(timeout=120)
    kind, owned = owner_report.get(timeout=120)
    attackers.join(timeout=10)
    victim.join(timeout=10)
    print("  [%s] attackers: %d threads, %d connections from as many addresses, %d guesses answered in %.0f s "
          "(%d wrong password, %d address blocked, %d account busy, %d other), %d connection errors; "
          "their answers p50 %.0f ms, p99 %.0f ms" % (
              label, a.brute_threads, c["connections"], c["failed"] + c["blocked"] + c["busy"] + c["other"],
              c["seconds"], c["failed"], c["blocked"], c["busy"], c["other"], c["conn_errors"], c["p50"], c["p99"]),
          flush=True)
    for kind in ("trusted", "new"):
        rounds = owned[kind]
        ok = [ms for ms, o in rounds if o == "ok"]
        refused = [o for ms, o in rounds if o != "ok"]
        print("  [%s] owner of attacked %s from %s: %d rounds ok (p50 %.0f ms, max %.0f ms), %d refused%s" % (
            label, a.victim, "127.0.0.1 (logged in before)" if kind == "trusted" else "a new address each time",
            len(ok), pct(ok, 0.5) if ok else float("nan"), max(ok) if ok else float("nan"), len(refused),
            (": " + refused[0]) if refused else ""), flush=True)
    print("  [%s] %s" % (label, summarize_metrics(before, after)), flush=True)
    settle(a)
    return lat, errors


def settle(a):
    """Waits until the server has closed what the last phase left open."""
    for _ in range(30):
        m = server_metrics(a)
        if sum(v for k, v in m.items() if k.startswith("letterbox_connections_active")) <= 5:
            return
        time.sleep(1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--offset", type=int, required=True, help="the server's port offset")
    p.add_argument("--user", default="testuser200@example.test", help="the measured client, not attacked")
    p.add_argument("--victim", default="testuser1@example.test", help="an attacked account whose owner is measured")
    p.add_argument("--password", default="pass")
    p.add_argument("--seconds", type=int, default=20, help="measurement per phase")
    p.add_argument("--pause", type=float, default=0.01, help="between the normal client's rounds")
    p.add_argument("--silent", type=int, default=4000)
    p.add_argument("--slow", type=int, default=400)
    p.add_argument("--slow-every", type=float, default=2.0)
    p.add_argument("--full-silent", type=int, default=7000)
    p.add_argument("--per-ip", type=int, default=100)
    p.add_argument("--ramp", type=float, default=30, help="longest wait for the attackers' connections")
    p.add_argument("--brute-threads", type=int, default=48)
    p.add_argument("--brute-accounts", type=int, default=100)
    p.add_argument("--brute-ramp", type=float, default=3)
    p.add_argument("--phases", default="baseline,silent,brute,full,after")
    a = p.parse_args()
    a.imaps, a.imap, a.pop3s, a.smtp, a.http = (a.offset + port for port in (993, 143, 995, 25, 80))

    seed(a)
    measure(a, 5, "warm-up")  # JIT and caches, not reported
    ports = [a.imaps, a.imap, a.pop3s, a.smtp]
    hello = client_hello()
    slow_payloads = [hello, b"a1 NOOP\r\n", hello, b"NOOP\r\n"]
    results = []
    for phase in a.phases.split(","):
        print("== %s" % phase, flush=True)
        if phase in ("baseline", "after"):
            lat, errors = measure(a, a.seconds, phase)
        elif phase == "silent":
            lat, errors = holder_phase(a, phase, slots_for(a.silent, "127.10", a.per_ip, ports, [None] * 4)
                                       + slots_for(a.slow, "127.11", a.per_ip, ports, slow_payloads))
        elif phase == "full":
            lat, errors = holder_phase(a, phase, slots_for(a.full_silent, "127.12", a.per_ip, ports, [None] * 4))
        elif phase == "brute":
            lat, errors = brute_phase(a, phase)
        else:
            sys.exit("unknown phase " + phase)
        results.append((phase, lat, errors))
    print("phase p50_ms p99_ms max_ms ops errors")
    for phase, lat, errors in results:
        ms = [x * 1000 for x in lat]
        print("%s %.1f %.1f %.1f %d %d" % (phase, pct(ms, 0.5), pct(ms, 0.99), max(ms) if ms else float("nan"),
                                          len(ms), errors))


if __name__ == "__main__":
    main()
