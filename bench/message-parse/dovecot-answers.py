#!/usr/bin/env python3
"""Prints ENVELOPE, BODYSTRUCTURE and BODY as a reference IMAP server answers them for message files.

Each file is APPENDed (LF -> CRLF unless the name ends in .lf.eml) to a scratch mailbox of a test
account, then fetched; literals are rewritten as quoted strings so the output compares line by line
with dev.letterbox.message.CorpusDump. Talks to 127.0.0.1 only.

  dovecot-answers.py [--port 11143] [--user testuser187] [--password pass] FILE...
"""
import argparse
import imaplib
import os
import re


def text(b):
    try:
        return b.decode('utf-8')
    except UnicodeDecodeError:
        return b.decode('latin-1')


def quoted(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def fetch_item(imap, item):
    _, data = imap.fetch('1', '(' + item + ')')
    s = ''
    for x in data:
        if isinstance(x, tuple):
            head, literal = x
            s += re.sub(r'\{\d+\}$', '', text(head)) + quoted(text(literal))
        else:
            s += text(x)
    value = s[s.index(item + ' ') + len(item) + 1:].rstrip()
    return value[:-1]   # the FETCH response's closing parenthesis


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, default=11143)
    p.add_argument('--user', default='testuser187')
    p.add_argument('--password', default='pass')
    p.add_argument('--mailbox', default='corpus-scratch')
    p.add_argument('files', nargs='+')
    a = p.parse_args()
    imap = imaplib.IMAP4('127.0.0.1', a.port)
    imap.login(a.user, a.password)
    imap.create(a.mailbox)
    for f in a.files:
        raw = open(f, 'rb').read()
        if not f.endswith('.lf.eml'):
            raw = re.sub(rb'(?<!\r)\n', b'\r\n', raw)
        _, count = imap.select(a.mailbox)
        if int(count[0]) > 0:
            imap.store('1:*', '+FLAGS', '\\Deleted')
            imap.expunge()
        imap.append(a.mailbox, None, None, raw)
        imap.select(a.mailbox)
        answers = [item + ' ' + fetch_item(imap, item) for item in ('ENVELOPE', 'BODYSTRUCTURE', 'BODY')]
        print('== ' + os.path.basename(f))
        print(' '.join(answers))
    imap.logout()


if __name__ == '__main__':
    main()
