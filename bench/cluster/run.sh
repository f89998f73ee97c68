#!/usr/bin/env bash
# PostgreSQL and several nodes (issue 12): SMTP intake and imaptest with persistent sessions on
#   sqlite   one node on the embedded store (SQLite in its data directory)
#   pg       one node on PostgreSQL, clients connect to it directly
#   pg-h1    1 node  \
#   pg-h2    2 nodes  > on one PostgreSQL database, behind haproxy (TCP mode, send-proxy-v2, round robin)
#   pg-h3    3 nodes /
#   ref      Postfix -> Dovecot LMTP for SMTP, Dovecot for IMAP (/work/shared/peers/start-reference.sh)
# in one run, ROUNDS rounds in alternating order, with the CPU the database and the Letterbox JVMs
# spent in each measurement (utime + stime from /proc/PID/stat; exited PostgreSQL backends through
# the postmaster's cutime/cstime).
#
#   IMAPTEST=/path/to/imaptest bench/cluster/run.sh [ROUNDS=3]
#
# Env: MSGS=3000 SIZE=10240 SESSIONS=10 (smtp-load.sh, a new connection per message)
#      CLIENTS=20 DURATION=30 (imap-stress.sh --extra logout=0)
#      OFFSET=41000: node k (sqlite 0, pg 1, cluster 2..4) listens at port offset OFFSET + k*STRIDE,
#        haproxy's n-node frontends at OFFSET + (4+n)*STRIDE, PostgreSQL on OFFSET+432, DNS on OFFSET+53
#      STRIDE=1000; STRIDE=1 puts "sqlite pg" alone in one range of 1000 ports (a node's ports are
#        offset + 25, 80, 110, 143, 443, 465, 587, 993, 995 and 4190, no two of them a port apart);
#        the cluster nodes and haproxy are started only when CONFIGS names a pg-h configuration
#      CONFIGS="sqlite pg pg-h1 pg-h2 pg-h3 ref"  WARMUP=1 (an unrecorded load on every node first: 1000
#        messages and WARMUP_SECS=30 of imaptest, so the JIT has compiled the paths, as in a server that
#        has been up a while; with 10 s, the first recorded round on PostgreSQL ran at two thirds of the next)
#      KEEP=1 keeps the data directories and logs (printed at the end)
#      PG_STATEMENTS=1: a diagnostic, not for the figures (it costs PostgreSQL some CPU): loads
#        pg_stat_statements and prints, for every PostgreSQL load, statements per operation and the
#        statements that took most of the database's time (the PG_TOP=12 first)
# Letterbox trusts 127.0.0.0/8 (no inbound checks). Its SMTP load goes to testuser201..209, which
# imaptest (testuser1..200) never opens, so imaptest's mailboxes do not grow with the SMTP rounds.
# PostgreSQL is Debian's (a throw-away cluster run as the postgres user; fsync ON, the default),
# pool_size the default 8. "pg" has a database of its own, so no other node hears its changes.
# Needs root. Everything listens on and talks to 127.0.0.1 only; everything started here is stopped
# at exit (the reference daemons stay up, as for the other benches).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
ROUNDS=${1:-3}
MSGS=${MSGS:-3000}; SIZE=${SIZE:-10240}; SESSIONS=${SESSIONS:-10}
CLIENTS=${CLIENTS:-20}; DURATION=${DURATION:-30}   # not SECONDS: that is bash's own clock
OFFSET=${OFFSET:-41000}; STRIDE=${STRIDE:-1000}; WARMUP=${WARMUP:-1}; WARMUP_SECS=${WARMUP_SECS:-30}; KEEP=${KEEP:-0}; PG_STATEMENTS=${PG_STATEMENTS:-0}; PG_TOP=${PG_TOP:-12}
CONFIGS=${CONFIGS:-sqlite pg pg-h1 pg-h2 pg-h3 ref}
IMAPTEST=${IMAPTEST:?set IMAPTEST=/path/to/imaptest (built by hand, see $PEERS/README.md)}
[ -x "$IMAPTEST" ] || { echo "no imaptest at $IMAPTEST" >&2; exit 2; }
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL binaries (apt-get install postgresql)" >&2; exit 2; }
[ -x "$HAPROXY" ] || { echo "no haproxy at $HAPROXY (apt-get install haproxy)" >&2; exit 2; }
PG_PORT=$((OFFSET + 432)); DNS_PORT=$((OFFSET + 53))
node_offset() { echo $((OFFSET + $1 * STRIDE)); }       # node 0 sqlite, 1 pg, 2..4 the cluster
ha_offset() { echo $((OFFSET + (4 + $1) * STRIDE)); }   # haproxy in front of n cluster nodes
case " $CONFIGS " in *" pg-h"*) CLUSTER=1 ;; *) CLUSTER=0 ;; esac
LB_RCPT='testuser20%d@example.test'; LB_RCPT_USERS=9  # testuser201..209
CLK=$(getconf CLK_TCK)

. "$ROOT/bench/lib.sh"
bench_build

WORK=$(mktemp -d /tmp/letterbox-bench-cluster.XXXXXX)
IMAPTEST_WORKDIR=$WORK/imaptest
chmod 711 "$WORK"   # the postgres user must reach its directory inside
NODE_PIDS=(); NODE_DATA=(); DNS_PID=; HA_PID=; PG_STARTED=0
cleanup() {
    local p
    for p in "${NODE_PIDS[@]}" $HA_PID $DNS_PID; do kill "$p" 2>/dev/null || true; done
    for p in "${NODE_PIDS[@]}" $HA_PID $DNS_PID; do wait "$p" 2>/dev/null || true; done
    if [ "$PG_STARTED" = 1 ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -w -m fast stop >/dev/null 2>&1 || true
    fi
    if [ "$KEEP" = 1 ]; then
        echo "kept: $WORK ${NODE_DATA[*]}" >&2
    else
        rm -rf "$WORK" "${NODE_DATA[@]}"
    fi
}
trap cleanup EXIT

# --- PostgreSQL: a cluster of the bench's own, on loopback, with fsync on (the default)
mkdir "$WORK/pg"; chown postgres "$WORK/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg/data" -U letterbox --auth=trust -E UTF8 --no-locale \
    > "$WORK/pg/initdb.log" 2>&1
PG_OPTS="-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200"
[ "$PG_STATEMENTS" = 1 ] && PG_OPTS="$PG_OPTS -c shared_preload_libraries=pg_stat_statements"
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -t 60 -o "$PG_OPTS" start >&2
PG_STARTED=1
PM_PID=$(head -1 "$WORK/pg/data/postmaster.pid")
psql_admin() { "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U letterbox -d postgres "$@"; }
for db in lb_single lb_cluster; do psql_admin -c "CREATE DATABASE $db"; done
[ "$PG_STATEMENTS" = 1 ] && psql_admin -c "CREATE EXTENSION pg_stat_statements"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') pid $PM_PID on $PG_PORT," \
    "fsync $("$PG_BIN/psql" -Atq -h 127.0.0.1 -p "$PG_PORT" -U letterbox -d postgres -c 'SHOW fsync')" >&2

# --- a DNS server on loopback, so no node ever asks a real one (with checks off, nothing should ask)
"$LB_JAVA_HOME/bin/java" -cp "$CP" dev.letterbox.testing.TestDnsServer "$DNS_PORT" \
    "ptr:127.0.0.1:bench.localhost" "a:bench.localhost:127.0.0.1" > "$WORK/dns.log" 2>&1 &
DNS_PID=$!

# start_node K STORE_TOML PROXY: node K with this [store] section; PROXY=1 puts smtp and imap behind
# the PROXY protocol (haproxy only). Sets NODE_PID.
start_node() {
    local k=$1 store=$2 proxy=$3 off
    off=$(node_offset "$k")
    bench_new_data "node$k" "$off"
    NODE_DATA+=("$DATA")
    if [ "$proxy" = 1 ]; then   # still inside [listen], the last table bench_new_data wrote
        printf 'proxy_protocol = ["smtp", "imap"]\nproxy_trusted = ["127.0.0.1/32"]\n' >> "$DATA/letterbox.toml"
    fi
    cat >> "$DATA/letterbox.toml" <<TOML
[smtp]
# smtp-source opens a connection per message from 127.0.0.1: no per-IP pacing in the bench
command_rate_per_ip = 0
[imap]
plaintext_auth_on_loopback = true
[antispam]
trusted_networks = ["127.0.0.0/8"]
[dns]
servers = ["127.0.0.1:$DNS_PORT"]
$store
TOML
    # a proxied listener refuses a direct connect, but the port answers: good enough to wait on
    bench_launch_letterbox "$DATA" $((off + 143)) 209
    NODE_PID=$LB_PID
    NODE_PIDS+=("$LB_PID")
}

start_node 0 "" 0; SQLITE_PID=$NODE_PID
start_node 1 "[store]
backend = \"postgresql\"
url = \"postgresql://letterbox@127.0.0.1:$PG_PORT/lb_single\"" 0
PG_PID=$NODE_PID
CLUSTER_PIDS=()
for k in 2 3 4; do
    [ "$CLUSTER" = 1 ] || break
    # bodies over 128 KiB go to files: the nodes of one database share the directory
    start_node $k "[store]
backend = \"postgresql\"
url = \"postgresql://letterbox@127.0.0.1:$PG_PORT/lb_cluster\"
blob_dir = \"$WORK/cluster-blobs\"" 1
    CLUSTER_PIDS+=("$NODE_PID")
done
echo "Letterbox: sqlite pid $SQLITE_PID, pg pid $PG_PID, cluster pids ${CLUSTER_PIDS[*]}" >&2

# --- haproxy: frontends for 1, 2 and 3 cluster nodes, TCP mode, PROXY v2 header, round robin
if [ "$CLUSTER" = 1 ]; then
{
    printf 'global\n    maxconn 4096\ndefaults\n    mode tcp\n    timeout connect 5s\n    timeout client 10m\n    timeout server 10m\n'
    for n in 1 2 3; do
        for svc in smtp:25 imap:143; do
            printf 'listen %s_%s\n    bind 127.0.0.1:%s\n    balance roundrobin\n' "${svc%:*}" "$n" $(($(ha_offset $n) + ${svc#*:}))
            for k in $(seq 2 $((n + 1))); do
                printf '    server node%s 127.0.0.1:%s send-proxy-v2\n' "$k" $(($(node_offset $k) + ${svc#*:}))
            done
        done
    done
} > "$WORK/haproxy.cfg"
"$HAPROXY" -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 &
HA_PID=$!
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$(($(ha_offset 3) + 143))) 2>/dev/null && break; sleep 0.2; done
fi

case " $CONFIGS " in *" ref "*) "$PEERS/start-reference.sh" >&2 ;; esac  # shared: no RESET_MAIL

# --- measuring
ticks() { bench_ticks "$@"; }
# pg_ticks: the postmaster and its children, with those that exited
pg_ticks() { bench_tree_ticks "$PM_PID"; }

config_ports() { # config -> "SMTP_PORT IMAP_PORT"
    case $1 in
        sqlite) echo $(($(node_offset 0) + 25)) $(($(node_offset 0) + 143)) ;;
        pg) echo $(($(node_offset 1) + 25)) $(($(node_offset 1) + 143)) ;;
        pg-h[123]) echo $(($(ha_offset "${1#pg-h}") + 25)) $(($(ha_offset "${1#pg-h}") + 143)) ;;
        ref) echo 11025 11143 ;;
    esac
}
config_pids() { # the Letterbox JVMs that serve a config
    case $1 in
        sqlite) echo "$SQLITE_PID" ;;
        pg) echo "$PG_PID" ;;
        pg-h[123]) echo "${CLUSTER_PIDS[@]:0:${1#pg-h}}" ;;
        ref) echo "" ;;
    esac
}

# load CONFIG smtp|imap [MSGS|SECS]: runs one load, prints its output to stderr and
# "rate ops extra" (extra: SMTP to Postfix, msgs/s until in the Maildirs; imap: error lines)
load() {
    local config=$1 kind=$2 size=$3 ports out rate
    read -r -a ports <<< "$(config_ports "$config")"
    if [ "$kind" = smtp ]; then
        local args=(--host 127.0.0.1 --port "${ports[0]}" --msgs "$size" --size "$SIZE" --sessions "$SESSIONS")
        if [ "$config" = ref ]; then args+=(--maildir-root "${PEERS_DIR:-/var/tmp/mail-peers}/dovecot/mail")
        else args+=(--rcpt-pattern "$LB_RCPT" --rcpt-users "$LB_RCPT_USERS"); fi
        out=$("$PEERS/smtp-load.sh" "${args[@]}" 2>&1)
        echo "$out" | sed "s/^/  [$config smtp] /" >&2
        rate=$(echo "$out" | sed -n 's/^smtp msgs\/s: //p')
        local accepted e2e
        accepted=$(echo "$out" | sed -n 's/^accepted: \([0-9]*\).*/\1/p')
        e2e=$(echo "$out" | sed -n 's/.*= \([0-9.]*\) msgs\/s$/\1/p')
        echo "${rate:-0} ${accepted:-0} ${e2e:--}"
    else
        local errors
        read -r rate errors <<< "$(bench_imaptest "$config imap" "${ports[1]}" "$CLIENTS" "$size" logout=0)"
        echo "$rate $(awk -v r="$rate" -v s="$size" 'BEGIN{printf "%d", r * s}') $errors"
    fi
}

# statements_report CONFIG KIND ROUND OPS: with PG_STATEMENTS=1, what the Letterbox databases ran
# since the last reset, per operation of the load
STATEMENTS=$WORK/statements
statements_report() {
    local ops=$4
    [ "$ops" -gt 0 ] || return 0
    {
        echo "== round $3, $1 $2: PostgreSQL statements per operation ($ops operations)"
        psql_admin -A -F ' | ' -c "
            WITH s AS (SELECT * FROM pg_stat_statements
                       WHERE dbid IN (SELECT oid FROM pg_database WHERE datname LIKE 'lb\_%'))
            SELECT round(sum(calls)::numeric / $ops, 2) AS statements_per_op,
                   round((sum(total_exec_time) / $ops)::numeric, 3) AS exec_ms_per_op FROM s" | sed '$d'
        psql_admin -A -F ' | ' -c "
            WITH s AS (SELECT * FROM pg_stat_statements
                       WHERE dbid IN (SELECT oid FROM pg_database WHERE datname LIKE 'lb\_%'))
            SELECT round(calls::numeric / $ops, 3) AS per_op,
                   round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct_time,
                   round(mean_exec_time::numeric, 3) AS mean_ms,
                   left(regexp_replace(query, '\s+', ' ', 'g'), 150) AS query
            FROM s ORDER BY total_exec_time DESC LIMIT $PG_TOP" | sed '$d'
    } >> "$STATEMENTS"
}

# measure ROUND CONFIG KIND: one load with the CPU spent meanwhile; appends to RESULTS:
# round config kind rate ops extra pg_ticks letterbox_ticks haproxy_ticks
RESULTS=$WORK/results
measure() {
    local round=$1 config=$2 kind=$3 pids p0 l0 h0 res
    pids=$(config_pids "$config")
    [ "$PG_STATEMENTS" = 1 ] && psql_admin -o /dev/null -c "SELECT pg_stat_statements_reset()"
    p0=$(pg_ticks); l0=$(ticks $pids); h0=$(ticks $HA_PID)
    if [ "$kind" = smtp ]; then res=$(load "$config" smtp "$MSGS"); else res=$(load "$config" imap "$DURATION"); fi
    # shellcheck disable=SC2086
    echo "$round $config $kind $res $(($(pg_ticks) - p0)) $(($(ticks $pids) - l0)) $(($(ticks $HA_PID) - h0))" \
        | tee -a "$RESULTS" >&2
    if [ "$PG_STATEMENTS" = 1 ] && [ "${config#pg}" != "$config" ]; then
        statements_report "$config" "$kind" "$round" "$(echo "$res" | awk '{print $2}')"
    fi
}

if [ "$WARMUP" = 1 ]; then  # JIT-compile every node's paths before anything is recorded
    for config in $CONFIGS; do
        case $config in sqlite|pg|pg-h3) ;; *) continue ;; esac
        echo "== warm-up: $config" >&2
        load "$config" smtp 1000 > /dev/null
        load "$config" imap "$WARMUP_SECS" > /dev/null
    done
fi

: > "$RESULTS"
read -r -a order <<< "$CONFIGS"
for r in $(seq 1 "$ROUNDS"); do
    echo "== round $r (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    list=("${order[@]}")
    if [ $((r % 2)) -eq 0 ]; then
        list=(); for ((i = ${#order[@]} - 1; i >= 0; i--)); do list+=("${order[i]}"); done
    fi
    for config in "${list[@]}"; do
        measure "$r" "$config" smtp
        measure "$r" "$config" imap
    done
done

# --- summary: medians of the rounds; CPU summed over the rounds
med() { awk -v c="$1" -v k="$2" -v f="$3" '$2==c && $3==k {print $f}' "$RESULTS" | bench_median; }
echo
echo "rounds: $ROUNDS (alternating order); SMTP $MSGS x $SIZE bytes, $SESSIONS sessions, a connection per message;"
echo "imaptest $CLIENTS clients, ${DURATION} s, logout=0; PostgreSQL fsync on, pool_size 8; checks off"
echo "per run: round config kind rate ops extra pg_ticks letterbox_ticks haproxy_ticks (ticks: 1/$CLK s)"
sed 's/^/  /' "$RESULTS"
echo
printf '%-7s %-5s %10s %8s %9s %9s %9s %9s %8s\n' config load "median/s" "x sqlite" "pg CPU s" "LB CPU s" "HA CPU s" "DB share" "CPU ms/op"
for kind in smtp imap; do
    base=$(med sqlite "$kind" 4)
    for config in $CONFIGS; do
        m=$(med "$config" "$kind" 4)
        awk -v c="$config" -v k="$kind" -v m="$m" -v b="$base" -v clk="$CLK" '
            $2==c && $3==k {ops += $5; pg += $7; lb += $8; ha += $9}
            END {
                ratio = (b != "-" && b > 0 && m != "-") ? sprintf("%.2f", m / b) : "-"
                if (c == "ref") { printf "%-7s %-5s %10s %8s %9s %9s %9s %9s %8s\n", c, k, m, ratio, "-", "-", "-", "-", "-"; exit }
                share = (pg + lb > 0) ? sprintf("%.2f", pg / (pg + lb)) : "-"
                perop = (ops > 0) ? sprintf("%.2f", (pg + lb + ha) / clk * 1000 / ops) : "-"
                printf "%-7s %-5s %10s %8s %9.1f %9.1f %9.1f %9s %8s\n", c, k, m, ratio, pg / clk, lb / clk, ha / clk, share, perop
            }' "$RESULTS"
    done
done
ref_e2e=$(med ref smtp 6)
[ "$ref_e2e" != "-" ] && echo "Postfix until in the Maildirs (median): $ref_e2e msgs/s"
echo "DB share = PostgreSQL CPU s / (PostgreSQL + Letterbox JVMs) CPU s over every round of that load;"
echo "CPU ms/op = (PostgreSQL + Letterbox + haproxy CPU) / messages or imaptest commands"
if [ "$PG_STATEMENTS" = 1 ]; then echo; cat "$STATEMENTS"; fi
