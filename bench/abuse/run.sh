#!/usr/bin/env bash
# Abuse bench: a normal client's LOGIN + SELECT + FETCH round over IMAPS (p50/p99/max) alone, while
# thousands of silent and slow connections are held from many loopback addresses, while more than
# max_connections are held (slots full), while a password brute force runs, and alone again
# (abuse.py's docstring says exactly what each phase does).
#   bench/abuse/run.sh
# Env: DURATION=20 (seconds measured per phase) OFFSET=38000 (port offset) PHASES=baseline,silent,brute,full,after
#      SILENT=4000 SLOW=400 FULL_SILENT=7000 BRUTE_THREADS=48 MAX_CONNECTIONS=6000
# Prints one line per phase: phase p50_ms p99_ms max_ms ops errors. Talks to 127.0.0.0/8 only; stops
# the server it started and removes its data directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
DURATION=${DURATION:-20}; OFFSET=${OFFSET:-38000}; PHASES=${PHASES:-baseline,silent,brute,full,after}
SILENT=${SILENT:-4000}; SLOW=${SLOW:-400}; FULL_SILENT=${FULL_SILENT:-7000}; BRUTE_THREADS=${BRUTE_THREADS:-48}
MAX_CONNECTIONS=${MAX_CONNECTIONS:-6000}

# The server and the attackers each hold one descriptor per connection: ask for what the machine allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((FULL_SILENT + 1000)) ] ||
    { echo "open-file limit $(ulimit -n) is below FULL_SILENT+1000; lower FULL_SILENT" >&2; exit 1; }

. "$ROOT/bench/lib.sh"
bench_build

bench_new_data abuse "$OFFSET"
cat >> "$DATA/letterbox.toml" <<TOML
[limits]
# above SILENT+SLOW (held without evictions), below FULL_SILENT (slots full: evictions)
max_connections = $MAX_CONNECTIONS
max_connections_per_ip = 100
TOML
bench_start_letterbox "$DATA" $((993 + OFFSET))
# keep the server's log (warnings and above) for a look after the run
trap 'cp "$DATA/server.log" "$ROOT/target/abuse-server.log" 2>/dev/null; bench_stop_letterbox' EXIT
echo "Letterbox pid $LB_PID, IMAPS $((993 + OFFSET)), data $DATA; max_connections $MAX_CONNECTIONS" >&2

python3 "$ROOT/bench/abuse/abuse.py" --offset "$OFFSET" --seconds "$DURATION" --phases "$PHASES" \
    --silent "$SILENT" --slow "$SLOW" --full-silent "$FULL_SILENT" --brute-threads "$BRUTE_THREADS"
echo "server log lines (warning and above): $(grep -c . "$DATA/server.log"); kept in target/abuse-server.log" >&2
