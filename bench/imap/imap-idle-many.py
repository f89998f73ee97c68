#!/usr/bin/env python3
"""Parks many IMAP connections in IDLE at once (asyncio, plain TCP, loopback only) and holds them.

  imap-idle-many.py --port 30143 --conns 9000 --hold 20 [--user-pattern testuser%d@example.test --users 200]

Each connection: LOGIN, SELECT INBOX, IDLE, then waits. Prints "HOLDING" once all are idling, holds
them for --hold seconds (measure the server meanwhile; bench/imap/run.sh many does), then sends DONE
and LOGOUT on each. This process holds one file descriptor per connection, and so does the server:
--conns is bounded by `ulimit -n` of both.
"""
import argparse, asyncio, ipaddress, socket, sys, time


async def open_idle(a, i):
    """One connection taken to IDLE; returns its (reader, writer)."""
    reader, writer = await asyncio.open_connection(a.host, a.port)
    await reader.readline()  # greeting
    user = a.user_pattern % (i % a.users + 1)
    for tag, text in ((b"a", 'LOGIN "%s" "%s"' % (user, a.password)), (b"b", "SELECT INBOX")):
        writer.write(b"%s %s\r\n" % (tag, text.encode()))
        while True:
            line = await reader.readline()
            if not line:
                raise ConnectionError("closed during " + text.split()[0])
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise ConnectionError(line.decode(errors="replace").strip())
                break
    writer.write(b"c IDLE\r\n")
    while not (await reader.readline()).startswith(b"+"):
        pass
    return reader, writer


async def main(a):
    gate = asyncio.Semaphore(a.concurrency)
    failures = []

    async def guarded(i):
        async with gate:
            try:
                return await asyncio.wait_for(open_idle(a, i), 60)
            except Exception as e:
                failures.append(repr(e))
                return None

    started = time.time()
    conns = [c for c in await asyncio.gather(*(guarded(i) for i in range(a.conns))) if c]
    print("imap-idle-many: %d idling after %.1f s, %d failed%s" % (len(conns), time.time() - started, len(failures),
          (" (first: %s)" % failures[0]) if failures else ""), flush=True)
    print("HOLDING", flush=True)
    await asyncio.sleep(a.hold)
    for _, writer in conns:
        writer.write(b"DONE\r\nd LOGOUT\r\n")
    await asyncio.sleep(2)
    for _, writer in conns:
        writer.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--conns", type=int, default=9000)
    p.add_argument("--hold", type=int, default=20)
    p.add_argument("--concurrency", type=int, default=100)
    p.add_argument("--user-pattern", default="testuser%d@example.test")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--password", default="pass")
    a = p.parse_args()
    if not ipaddress.ip_address(socket.gethostbyname(a.host)).is_loopback:
        sys.exit("refusing to connect outside 127.0.0.0/8")
    asyncio.run(main(a))
