#!/usr/bin/env python3
"""Times how long a reference IMAP server takes to produce BODYSTRUCTURE for messages it has not
parsed yet: APPENDs COUNT copies of FILE to a scratch mailbox, then times one
"FETCH 1:COUNT (BODYSTRUCTURE)" (the first, which parses) and a second one (answered from its cache).
Prints microseconds per message for both. The mailbox is new each run (a server may decide to parse
at APPEND once a mailbox's clients have asked for BODYSTRUCTURE) and deleted afterwards.
Talks to 127.0.0.1 only.

  dovecot-parse.py FILE COUNT [--port 11143] [--user testuser188] [--password pass]
"""
import argparse
import imaplib
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument('file')
    p.add_argument('count', type=int)
    p.add_argument('--port', type=int, default=11143)
    p.add_argument('--user', default='testuser188')
    p.add_argument('--password', default='pass')
    p.add_argument('--mailbox', default='parse-bench-%d' % int(time.time() * 1000))
    a = p.parse_args()
    raw = open(a.file, 'rb').read()
    imap = imaplib.IMAP4('127.0.0.1', a.port)
    imap.login(a.user, a.password)
    imap.create(a.mailbox)
    _, count = imap.select(a.mailbox)
    if int(count[0]) > 0:
        imap.store('1:*', '+FLAGS', '\\Deleted')
        imap.expunge()
    for _ in range(a.count):
        imap.append(a.mailbox, None, None, raw)
    imap.select(a.mailbox)
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        imap.fetch('1:%d' % a.count, '(BODYSTRUCTURE)')
        timings.append((time.perf_counter() - start) / a.count * 1e6)
    print('%s x %d: first FETCH BODYSTRUCTURE %.1f us/message, cached %.1f us/message'
          % (a.file, a.count, timings[0], timings[1]))
    imap.close()
    imap.delete(a.mailbox)
    imap.logout()


if __name__ == '__main__':
    main()
