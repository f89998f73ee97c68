#!/usr/bin/env bash
# SMTP acceptance under load: Letterbox (built from this tree) against Postfix -> Dovecot LMTP
# (Debian's packages) on this machine, in the same run, with Postfix's smtp-source.
#   bench/smtp/run.sh [ROUNDS=3]
# Environment: MSGS=5000 SIZE=10240 SESSIONS=10 REUSE=0 OFFSET=30000 (Letterbox port offset)
#   CHECKS=1: Letterbox checks the mail it takes as from the Internet (iprev, SPF, DMARC; smtp-source
#   does not sign, so DKIM finds no signature), answered by a DNS server on loopback; CHECKS=0:
#   the client is a trusted network and nothing is checked.
# Needs root (the reference daemons drop privileges). Talks to 127.0.0.1 only; stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
ROUNDS=${1:-3}
MSGS=${MSGS:-5000}; SIZE=${SIZE:-10240}; SESSIONS=${SESSIONS:-10}; REUSE=${REUSE:-0}; OFFSET=${OFFSET:-30000}
CHECKS=${CHECKS:-1}; DNS_PORT=${DNS_PORT:-$((5300 + OFFSET % 1000))}
LB_PORT=$((25 + OFFSET))
PF_PORT=11025
PF_MAILDIRS=${PEERS_DIR:-/var/tmp/mail-peers}/dovecot/mail

. "$ROOT/bench/lib.sh"
bench_build

bench_new_data smtp "$OFFSET"
# Every name the checks ask about is answered here, on loopback: the bench never asks a real DNS server.
# smtp-source sends as bench@example.org with HELO bench.localhost from 127.0.0.1.
"$LB_JAVA_HOME/bin/java" -cp "$CP" dev.letterbox.testing.TestDnsServer "$DNS_PORT" \
    "ptr:127.0.0.1:bench.localhost" "a:bench.localhost:127.0.0.1" \
    "txt:example.org:v=spf1 ip4:127.0.0.0/8 -all" \
    "txt:_dmarc.example.org:v=DMARC1; p=reject; rua=mailto:dmarc@example.org" > "$DATA/dns.log" 2>&1 &
DNS_PID=$!
cat >> "$DATA/letterbox.toml" <<TOML
[smtp]
# smtp-source opens a connection per message from 127.0.0.1: no per-IP pacing in the bench
command_rate_per_ip = 0
[dns]
servers = ["127.0.0.1:$DNS_PORT"]
TOML
if [ "$CHECKS" = 0 ]; then
    printf '[antispam]\ntrusted_networks = ["127.0.0.0/8"]\n' >> "$DATA/letterbox.toml"
fi
bench_start_letterbox "$DATA" $LB_PORT
trap 'kill $DNS_PID 2>/dev/null; bench_stop_letterbox' EXIT
echo "Letterbox pid $LB_PID on port $LB_PORT, data $DATA" >&2

"$PEERS/start-reference.sh" >&2   # shared with other benches: no RESET_MAIL; smtp-load counts the Maildir delta

run_load() { # name port [extra args]
    local name=$1 port=$2; shift 2
    local out
    out=$("$PEERS/smtp-load.sh" --host 127.0.0.1 --port "$port" --msgs "$MSGS" --size "$SIZE" \
        --sessions "$SESSIONS" --reuse "$REUSE" "$@" 2>&1)
    echo "$out" | sed "s/^/  [$name] /" >&2
    local rate e2e
    rate=$(echo "$out" | sed -n 's/^smtp msgs\/s: //p')
    e2e=$(echo "$out" | sed -n 's/.*= \([0-9.]*\) msgs\/s$/\1/p')
    echo "$name $rate ${e2e:-}"
}

results=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
    echo "== round $r" >&2
    if [ $((r % 2)) -eq 1 ]; then
        run_load letterbox "$LB_PORT" >> "$results"
        run_load postfix "$PF_PORT" --maildir-root "$PF_MAILDIRS" >> "$results"
    else
        run_load postfix "$PF_PORT" --maildir-root "$PF_MAILDIRS" >> "$results"
        run_load letterbox "$LB_PORT" >> "$results"
    fi
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
lb=$(awk '$1=="letterbox"{print $2}' "$results" | median)
pf=$(awk '$1=="postfix"{print $2}' "$results" | median)
pf_box=$(awk '$1=="postfix" && $3!=""{print $3}' "$results" | median)
echo "rounds: $ROUNDS; $MSGS messages x $SIZE bytes, $SESSIONS sessions, reuse=$REUSE, checks=$CHECKS"
echo "per round (msgs/s): $(tr '\n' ';' < "$results")"
echo "letterbox accepted (250 = in the mailbox): $lb msgs/s"
echo "postfix accepted (250 = queued):           $pf msgs/s"
echo "postfix until in the Maildirs:             $pf_box msgs/s"
echo "ratio letterbox/postfix accepted: $(awk -v a="$lb" -v b="$pf" 'BEGIN{printf "%.2f", a/b}')"
echo "ratio letterbox/postfix in mailbox: $(awk -v a="$lb" -v b="$pf_box" 'BEGIN{printf "%.2f", a/b}')"
rm -f "$results"
