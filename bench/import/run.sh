#!/usr/bin/env bash
# Importing an mbox: `letterbox import` (built from this tree, default heap) against Dovecot's
# `doveadm import` of the same file into the reference Dovecot (../shared/peers, Maildir), same run.
#   bench/import/run.sh [MB=1024]
# Prints each one's wall time, MB/s and peak RSS (GNU time). The mbox (messages of 2-200 KiB,
# a few of 5 MiB) is generated once into /var/tmp/lb-import-bench/.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
MB=${1:-1024}
WORK=/var/tmp/lb-import-bench
MBOX=$WORK/bench-$MB.mbox
mkdir -p "$WORK"
if [ ! -f "$MBOX" ]; then
    python3 - "$MBOX" "$MB" <<'PY'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
random.seed(7)
line = ("x" * 75 + "\n").encode()
with open(path, "wb") as f:
    n = 0
    while f.tell() < mb << 20:
        size = 5 << 20 if n % 500 == 499 else random.choice([2, 4, 8, 16, 32, 64, 200]) << 10
        head = (f"From bench@example.org Mon Jan  1 09:30:00 2024\nFrom: bench@example.org\nTo: user@example.test\n"
                f"Subject: bench {n}\nMessage-ID: <{n}@bench>\nDate: Mon, 01 Jan 2024 09:30:00 +0000\n\n").encode()
        f.write(head + line * (size // len(line)) + b"\n")
        n += 1
PY
fi
echo "mbox: $MBOX ($(du -m "$MBOX" | cut -f1) MB, $(grep -c '^From ' "$MBOX") messages); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# Letterbox: a fresh data dir, one account, the import
DATA=$WORK/letterbox-data; rm -rf "$DATA"
"$ROOT/letterbox" domain add example.test --data "$DATA" >/dev/null
echo passpass | "$ROOT/letterbox" user add user@example.test --password-stdin --data "$DATA" >/dev/null
/usr/bin/time -f "letterbox import: %e s wall, %M KB peak RSS" "$ROOT/letterbox" import user@example.test "$MBOX" --data "$DATA" \
    2> >(grep -v "messages .* of " >&2)

# Dovecot: the reference server's config, a fresh user mailbox
CONF=${PEERS_DIR:-/var/tmp/mail-peers}/dovecot/etc/dovecot.conf
if [ -f "$CONF" ]; then
    U=testuser199@example.test
    doveadm -c "$CONF" expunge -u "$U" mailbox '*' all >/dev/null 2>&1 || true
    SRC=$WORK/dovecot-src; rm -rf "$SRC"; mkdir -p "$SRC"; ln -s "$MBOX" "$SRC/inbox"
    chmod -R a+rX "$WORK" 2>/dev/null || true; chmod 1777 "$SRC" # doveadm runs as the mail user and keeps an index beside the source
    /usr/bin/time -f "doveadm import: %e s wall, %M KB peak RSS" doveadm -c "$CONF" import -u "$U" "mbox:$SRC:INBOX=$SRC/inbox" "" all
else
    echo "no reference Dovecot ($CONF): start it with $PEERS/start-reference.sh"
fi
[ -f "$CONF" ] && echo "dovecot INBOX: $(doveadm -c "$CONF" mailbox status -u "$U" messages INBOX)"
