#!/usr/bin/env bash
# IMAP bench: Letterbox and the reference Dovecot side by side, in the same run, same machine.
#   bench/imap/run.sh [load|big|idle|push|many|imaptest|cmdcpu|all]   (default all: load, push, idle)
#   HEAP (1g) sets Letterbox's heap (-Xmx) for every mode but big and many.
# - load: imap-load.py (select, fetch, store, append, expunge, search from CLIENTS concurrent clients)
# - big:  imap-big.py (a BIG-message mailbox: SELECT, UID FETCH 1:* (FLAGS), SEARCH UNSEEN; the second
#         run also REPEAT (5) times more for a median and, on Letterbox, its CPU per command); Letterbox
#         runs with a BIG_HEAP (128 MiB) heap; it is then restarted and measured once more: the first SELECT
#         after a restart reads the index snapshot written at the stop. Letterbox's mailbox is filled through the store
#         (BenchBigMailbox), Dovecot's by pipelined APPENDs (hours for a million: BIG_SIDES=letterbox
#         leaves Dovecot out). The issue's goal: BIG=1000000 BIG_HEAP=256m.
# - idle: /work/shared/peers/idle-mem.sh (memory per connection parked in IDLE)
# - many: imap-idle-many.py parks MANY (9500) sessions in IDLE, Letterbox only (both processes need one
#         file descriptor per session; these machines cap that at 20000), with a 2 GiB heap: live heap
#         and RSS per session, to check the 50,000-sessions-in-2-GiB target by extrapolation
# - push: imap-idle-latency.py (APPEND on one connection until "* n EXISTS" on another one in IDLE)
# - imaptest: imaptest's stress mix (/work/shared/peers/imap-stress.sh) against Letterbox and Dovecot
#         in turn, for IMAPTEST_CLIENTS (20 100) clients, sessions that stay logged in (logout=0) and
#         that log out and back in, ROUNDS (3) rounds of DURATION seconds, the order of the two servers
#         swapped every round, after an unrecorded run of WARMUP_SECS (30) on each server (WARMUP=1:
#         Letterbox's JIT compiles its paths meanwhile, as in a server that has been up a while). Per run:
#         ops/s, imaptest's error lines, CPU per command (Letterbox's JVM; Dovecot's master with its
#         children, those that exited too) and Letterbox's RSS afterwards; then the medians and the
#         ratio Letterbox / Dovecot. IMAPTEST=/path/to/imaptest (built by hand, see
#         /work/shared/peers/README.md)
# - cmdcpu: imap-cmd-cpu.py against each server in turn: server CPU per command (SELECT, FETCH FLAGS,
#         FETCH of a body and of header fields, STORE, SEARCH UNSEEN and FROM, SORT, APPEND, STORE \Deleted +
#         EXPUNGE) on a MESSAGES-message mailbox, one connection, CMD_SECONDS (4) per kind after an
#         unrecorded pass; CPU from /proc (Letterbox's JVM, every thread; Dovecot's master and all its
#         processes), then both side by side
# Env: CLIENTS=20 USERS=20 DURATION=30 MESSAGES=200 BIG=100000 CONNS=2000 PORT_OFFSET=30000
#      ROUNDS=3 IMAPTEST_CLIENTS="20 100" WARMUP=1 WARMUP_SECS=30 (imaptest); LB_BENCH_DATA (the data directory)
# Dovecot comes from /work/shared/peers/start-reference.sh (IMAP on 127.0.0.1:11143). Run as root.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
PEERS=${PEERS:-/work/shared/peers}
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
WHAT=${1:-all}
CLIENTS=${CLIENTS:-20}; USERS=${USERS:-20}; MESSAGES=${MESSAGES:-200}
DURATION=${DURATION:-30}  # not SECONDS: that is bash's own clock
BIG=${BIG:-100000}; CONNS=${CONNS:-2000}; OFFSET=${PORT_OFFSET:-30000}
LB_PORT=$((143 + OFFSET)); DOVECOT_PORT=11143
DATA=${LB_BENCH_DATA:-/var/tmp/letterbox-imap-bench}
PASS_LB=pass       # the reference servers' password; BenchUsers writes it straight to the store
MANY=${MANY:-9500}
CMD_SECONDS=${CMD_SECONDS:-4}; REPEAT=${REPEAT:-5}
HEAP=${HEAP:-1g}; [ "$WHAT" = big ] && HEAP=${BIG_HEAP:-128m}; [ "$WHAT" = many ] && HEAP=2g

ROUNDS=${ROUNDS:-3}; IMAPTEST_CLIENTS=${IMAPTEST_CLIENTS:-20 100}; WARMUP_SECS=${WARMUP_SECS:-30}
if [ "$WHAT" = imaptest ]; then
    IMAPTEST=${IMAPTEST:?set IMAPTEST=/path/to/imaptest (built by hand, see $PEERS/README.md)}
    [ -x "$IMAPTEST" ] || { echo "no imaptest at $IMAPTEST" >&2; exit 2; }
fi

. "$ROOT/bench/lib.sh"
bench_build

mkdir -p "$DATA"
cat > "$DATA/letterbox.toml" <<TOML
hostname = "mail.example.test"
[listen]
address = "127.0.0.1"
port_offset = $OFFSET
[limits]
max_connections = 100000        # the idle run opens CONNS sessions from one address
max_connections_per_ip = 100000
[imap]
plaintext_auth_on_loopback = true
[log]
level = "warning"
TOML
"$LB_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.letterbox.bench.BenchUsers "$DATA" 200 "$PASS_LB"

if [ "$WHAT" = big ]; then
    "$LB_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.letterbox.bench.BenchBigMailbox "$DATA" \
        testuser200@example.test Big100k "$BIG"
fi
ulimit -n 65536 2>/dev/null || true
if (exec 3<>/dev/tcp/127.0.0.1/$LB_PORT) 2>/dev/null; then # else the bench would measure that process
    echo "port $LB_PORT is taken by another process; choose another PORT_OFFSET" >&2
    exit 1
fi
start_letterbox() {
    "$LB_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx$HEAP -jar target/letterbox.jar serve \
        --data "$DATA" --config "$DATA/letterbox.toml" >> "$DATA/server.log" 2>&1 &
    LB_PID=$!
    for _ in $(seq 1 120); do
        (exec 3<>/dev/tcp/127.0.0.1/$LB_PORT) 2>/dev/null && break
        sleep 0.5
    done
}
: > "$DATA/server.log"
rm -rf "$DATA/index-cache" # the first start builds the indexes from the database (big: the restart reads the snapshot)
start_letterbox
trap 'kill $LB_PID 2>/dev/null; wait $LB_PID 2>/dev/null || true' EXIT
"$PEERS/start-reference.sh" >/dev/null
echo "Letterbox pid $LB_PID on $LB_PORT (heap $HEAP); Dovecot on $DOVECOT_PORT"

run_load() {
    for side in letterbox dovecot; do
        if [ $side = letterbox ]; then port=$LB_PORT; pass=$PASS_LB; else port=$DOVECOT_PORT; pass=pass; fi
        echo "== load: $side"
        python3 "$ROOT/bench/imap/imap-load.py" --port $port --password $pass --user-pattern 'testuser%d@example.test' \
            --users "$USERS" --clients "$CLIENTS" --seconds "$DURATION" --messages "$MESSAGES"
    done
}

run_big() {
    for side in ${BIG_SIDES:-letterbox dovecot}; do
        if [ $side = letterbox ]; then port=$LB_PORT; pass=$PASS_LB; else port=$DOVECOT_PORT; pass=pass; fi
        echo "== big mailbox: $side"
        local cpu=""; [ $side = letterbox ] && cpu="--pid $LB_PID"  # Dovecot serves from a child process
        python3 "$ROOT/bench/imap/imap-big.py" --port $port --password $pass --user testuser200@example.test --count "$BIG" $cpu
        python3 "$ROOT/bench/imap/imap-big.py" --port $port --password $pass --user testuser200@example.test --count "$BIG" \
            --repeat "$REPEAT" $cpu
        if [ $side = letterbox ]; then
            # stopped cleanly it writes its index snapshot; the first SELECT after the start reads that
            kill $LB_PID; wait $LB_PID 2>/dev/null || true
            start_letterbox
            echo "== big mailbox: letterbox, restarted (index snapshot: $(du -k "$DATA/index-cache" | cut -f1) KiB)"
            python3 "$ROOT/bench/imap/imap-big.py" --port $port --password $pass --user testuser200@example.test \
                --count "$BIG" --pid $LB_PID
        fi
    done
    echo "Letterbox heap after the big-mailbox runs (max $HEAP):"
    "$LB_JAVA_HOME/bin/jcmd" $LB_PID GC.heap_info | head -3
}

run_push() {
    for side in letterbox dovecot; do
        if [ $side = letterbox ]; then port=$LB_PORT; pass=$PASS_LB; else port=$DOVECOT_PORT; pass=pass; fi
        echo "== IDLE push latency: $side"
        python3 "$ROOT/bench/imap/imap-idle-latency.py" --port $port --password $pass --user testuser199@example.test
    done
}

heap_used_kib() { # live heap after a full GC, in KiB
    "$LB_JAVA_HOME/bin/jcmd" $LB_PID GC.run >/dev/null
    "$LB_JAVA_HOME/bin/jcmd" $LB_PID GC.heap_info | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1
}

run_idle() {
    echo "== idle: letterbox"
    before=$(heap_used_kib)
    ( # while the connections idle: the live heap they hold
        for _ in $(seq 1 600); do
            n=$(ss -Htn state established "( sport = :$LB_PORT )" | wc -l)
            [ "$n" -ge "$CONNS" ] && break
            sleep 1
        done
        sleep 3
        after=$(heap_used_kib)
        echo "letterbox live heap: $before KiB before, $after KiB with $CONNS idle sessions:" \
            "$(( (after - before) / CONNS )) KiB per IDLE session (heap only)"
    ) &
    local measuring=$!
    USER_PATTERN='testuser%d@example.test' PASS=$PASS_LB PORT=$LB_PORT CONNS=$CONNS PIDS=$LB_PID HOLD=10 "$PEERS/idle-mem.sh"
    wait $measuring # not a bare wait: that would wait for the server too
    echo "== idle: dovecot"
    USER_PATTERN='testuser%d@example.test' PASS=pass PORT=$DOVECOT_PORT CONNS=$CONNS \
        TREE=$(cat /var/tmp/mail-peers/dovecot/run/master.pid) "$PEERS/idle-mem.sh"
}

run_many() {
    echo "== many IDLE sessions: letterbox"
    local before rss0 after rss1 n
    before=$(heap_used_kib)
    rss0=$(awk '/VmRSS/{print $2}' /proc/$LB_PID/status)
    python3 "$ROOT/bench/imap/imap-idle-many.py" --port $LB_PORT --password $PASS_LB --conns "$MANY" --hold 20 \
        > "$DATA/many.out" 2>&1 &
    local client=$!
    for _ in $(seq 1 300); do grep -q HOLDING "$DATA/many.out" && break; sleep 1; done
    sleep 3
    n=$(ss -Htn state established "( sport = :$LB_PORT )" | wc -l)
    after=$(heap_used_kib)
    rss1=$(awk '/VmRSS/{print $2}' /proc/$LB_PID/status)
    head -1 "$DATA/many.out"
    echo "letterbox: $n IDLE sessions, live heap $before -> $after KiB ($(( (after - before) / n )) KiB each)," \
        "RSS +$(( (rss1 - rss0) / n )) KiB each; 50,000 sessions ~ $(( (after - before) / n * 50000 / 1024 )) MiB of heap"
    wait $client
}

run_imaptest() {
    local clk results=$DATA/imaptest-results dovecot_pid
    clk=$(getconf CLK_TCK)
    dovecot_pid=$(cat /var/tmp/mail-peers/dovecot/run/master.pid)
    IMAPTEST_WORKDIR=$DATA/imaptest   # logs of its own (bench_imaptest)
    if [ "${WARMUP:-1}" = 1 ]; then
        # Both servers run the load unrecorded first: Letterbox until its JIT has compiled the paths
        # (a server that has run for a while), Dovecot for the same time (its caches and indexes).
        echo "== imaptest warm-up, ${WARMUP_SECS} s on each server" >&2
        bench_imaptest "warm-up" "$LB_PORT" 20 "$WARMUP_SECS" logout=0 > /dev/null
        bench_imaptest "warm-up" "$DOVECOT_PORT" 20 "$WARMUP_SECS" logout=0 > /dev/null
    fi
    : > "$results"
    for clients in $IMAPTEST_CLIENTS; do
        for sessions in persistent reconnecting; do
            local extra=""; [ $sessions = persistent ] && extra=logout=0
            for r in $(seq 1 "$ROUNDS"); do
                local sides="letterbox dovecot"; [ $((r % 2)) -eq 0 ] && sides="dovecot letterbox"
                echo "== imaptest $clients clients, $sessions, round $r (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
                for side in $sides; do
                    local port=$LB_PORT c0 rate errors cpu rss=-
                    [ $side = dovecot ] && port=$DOVECOT_PORT
                    if [ $side = letterbox ]; then c0=$(bench_ticks $LB_PID); else c0=$(bench_tree_ticks "$dovecot_pid"); fi
                    read -r rate errors <<< "$(bench_imaptest "$side $clients $sessions" $port "$clients" "$DURATION" "$extra")"
                    if [ $side = letterbox ]; then
                        cpu=$(($(bench_ticks $LB_PID) - c0))
                        rss=$(awk '/VmRSS/{print $2}' /proc/$LB_PID/status)
                    else
                        cpu=$(($(bench_tree_ticks "$dovecot_pid") - c0))
                    fi
                    echo "$clients $sessions $r $side $rate $errors $cpu $rss" | tee -a "$results" >&2
                done
            done
        done
    done
    med() { awk -v c="$1" -v m="$2" -v s="$3" '$1==c && $2==m && $4==s {print $5}' "$results" | bench_median; }
    echo
    echo "imaptest stress, $ROUNDS round(s) of ${DURATION} s, order swapped every round; load now $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "per run: clients sessions round server ops/s error_lines cpu_ticks rss_kib (ticks: 1/$clk s; Dovecot: master + children)"
    sed 's/^/  /' "$results"
    echo
    printf '%-7s %-12s %12s %12s %8s %9s %9s %11s %11s\n' clients sessions "LB ops/s" "Dov ops/s" "LB/Dov" "LB errs" "Dov errs" "LB CPU ms/op" "Dov CPU ms/op"
    for clients in $IMAPTEST_CLIENTS; do
        for sessions in persistent reconnecting; do
            local lb dov
            lb=$(med "$clients" $sessions letterbox); dov=$(med "$clients" $sessions dovecot)
            awk -v c="$clients" -v m=$sessions -v lb="$lb" -v dov="$dov" -v secs="$DURATION" -v clk="$clk" '
                $1==c && $2==m { side = $4; errs[side] += $6; cpu[side] += $7; ops[side] += $5 * secs }
                function perop(s) { return ops[s] > 0 ? sprintf("%.3f", cpu[s] / clk * 1000 / ops[s]) : "-" }
                END {
                    ratio = (dov != "-" && dov > 0 && lb != "-") ? sprintf("%.2f", lb / dov) : "-"
                    printf "%-7s %-12s %12s %12s %8s %9d %9d %11s %11s\n", c, m, lb, dov, ratio, errs["letterbox"], errs["dovecot"], perop("letterbox"), perop("dovecot")
                }' "$results"
        done
    done
    echo "medians of the rounds; error lines and CPU summed over the rounds; Letterbox RSS $(awk '/VmRSS/{print $2}' /proc/$LB_PID/status) KiB now"
}

run_cmdcpu() {
    local out=$DATA/cmd-cpu.out
    : > "$out"
    for side in letterbox dovecot; do
        echo "== CPU per command: $side (load $(cut -d' ' -f1-3 /proc/loadavg))"
        if [ $side = letterbox ]; then
            python3 "$ROOT/bench/imap/imap-cmd-cpu.py" --port $LB_PORT --password $PASS_LB --user testuser198@example.test \
                --pid $LB_PID --seconds "$CMD_SECONDS" --messages "$MESSAGES"
        else
            python3 "$ROOT/bench/imap/imap-cmd-cpu.py" --port $DOVECOT_PORT --password pass --user testuser198@example.test \
                --pid "$(cat /var/tmp/mail-peers/dovecot/run/master.pid)" --tree --seconds "$CMD_SECONDS" --messages "$MESSAGES"
        fi | sed "s/^/$side /" | tee -a "$out"
    done
    echo
    printf '%-14s %12s %12s %8s\n' command "LB ms/op" "Dov ms/op" "LB/Dov"
    awk '{ms[$1" "$3] = $(NF - 1); if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 } }
         END { for (i = 1; i <= n; i++) { k = order[i]; lb = ms["letterbox " k]; dv = ms["dovecot " k];
               ratio = (dv + 0 > 0) ? sprintf("%.2f", lb / dv) : "-"
               printf "%-14s %12s %12s %8s\n", k, lb, dv, ratio } }' "$out"
}

case $WHAT in
    load) run_load ;;
    big) run_big ;;
    idle) run_idle ;;
    push) run_push ;;
    many) run_many ;;
    imaptest) run_imaptest ;;
    cmdcpu) run_cmdcpu ;;
    all) run_load; run_push; run_idle ;;
    *) echo "usage: $0 [load|big|idle|push|many|imaptest|cmdcpu|all]" >&2; exit 2 ;;
esac
