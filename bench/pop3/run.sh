#!/usr/bin/env bash
# POP3 download under load: Letterbox (built from this tree) against Dovecot (Debian's package) on
# this machine, in the same run, with the peers' pop3-load.sh (python3 poplib clients).
#   bench/pop3/run.sh [ROUNDS=3]
# Environment: CLIENTS=10 LOAD_ROUNDS=10 SEED_MSGS=200 OFFSET=37000 (Letterbox port offset)
# Both servers' INBOXes of testuser101..(100+CLIENTS) are seeded over IMAP with the same generated
# messages by pop3-load.sh itself, so both serve identical mailboxes. Needs root (the reference
# daemons drop privileges). Talks to 127.0.0.1 only; stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
ROUNDS=${1:-3}
CLIENTS=${CLIENTS:-10}; LOAD_ROUNDS=${LOAD_ROUNDS:-10}; SEED_MSGS=${SEED_MSGS:-200}; OFFSET=${OFFSET:-37000}
LB_POP3=$((110 + OFFSET)); LB_IMAP=$((143 + OFFSET))

. "$ROOT/bench/lib.sh"
bench_build

bench_new_data pop3 "$OFFSET"
cat >> "$DATA/letterbox.toml" <<TOML
# the load clients log in without TLS from loopback, as they do against the reference Dovecot
[pop3]
plaintext_auth_on_loopback = true
[imap]
plaintext_auth_on_loopback = true
TOML
bench_start_letterbox "$DATA" $LB_POP3
echo "Letterbox pid $LB_PID, POP3 $LB_POP3, IMAP $LB_IMAP, data $DATA" >&2
"$PEERS/start-reference.sh" >&2

run_load() { # name pop3-port imap-port
    local out
    out=$("$PEERS/pop3-load.sh" --host 127.0.0.1 --port "$2" --imap-port "$3" --clients "$CLIENTS" \
        --rounds "$LOAD_ROUNDS" --seed-msgs "$SEED_MSGS" --user-pattern 'testuser%d@example.test' 2>&1)
    echo "$out" | sed "s/^/  [$1] /" >&2
    echo "$1 $(echo "$out" | sed -n 's/^pop3 msgs\/s: //p') $(echo "$out" | sed -n 's/^pop3 MB\/s: //p')"
}

results=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
    echo "== round $r" >&2
    if [ $((r % 2)) -eq 1 ]; then
        run_load letterbox "$LB_POP3" "$LB_IMAP" >> "$results"
        run_load dovecot 11110 11143 >> "$results"
    else
        run_load dovecot 11110 11143 >> "$results"
        run_load letterbox "$LB_POP3" "$LB_IMAP" >> "$results"
    fi
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo "rounds: $ROUNDS; $CLIENTS clients x $LOAD_ROUNDS logins, $SEED_MSGS messages each"
echo "per round: $(tr '\n' ';' < "$results")"
lb=$(awk '$1=="letterbox"{print $2}' "$results" | median); dv=$(awk '$1=="dovecot"{print $2}' "$results" | median)
lbm=$(awk '$1=="letterbox"{print $3}' "$results" | median); dvm=$(awk '$1=="dovecot"{print $3}' "$results" | median)
echo "letterbox: $lb msgs/s, $lbm MB/s"
echo "dovecot:   $dv msgs/s, $dvm MB/s"
echo "ratio letterbox/dovecot: $(awk -v a="$lb" -v b="$dv" 'BEGIN{ if (b+0==0) print "nan"; else printf "%.2f", a/b }')"
rm -f "$results"
