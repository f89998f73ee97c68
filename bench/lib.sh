# Shared by the bench run scripts: build this tree, start Letterbox on a throw-away data directory
# with the reference servers' accounts, stop it (and remove the directory) when the script exits.
# Source after setting ROOT and loading scripts/toolchain.sh (lb_find_jdk, lb_find_maven).

# Builds the jar and the test classes (the bench tools); sets CP.
bench_build() {
    cd "$ROOT"
    JAVA_HOME=$LB_JAVA_HOME "$LB_MVN" -q -B -DskipTests package dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
    CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
}

# bench_new_data NAME OFFSET: a fresh data directory (in DATA) whose letterbox.toml listens on loopback
# with the port offset and logs warnings only; the caller appends its own sections.
bench_new_data() {
    DATA=$(mktemp -d "/tmp/letterbox-bench-$1.XXXXXX")
    printf 'hostname = "mail.example.test"\n[log]\nlevel = "warning"\n[listen]\naddress = "127.0.0.1"\nport_offset = %s\n' \
        "$2" > "$DATA/letterbox.toml"
}

# bench_start_letterbox DATA WAIT_PORT: DATA/letterbox.toml must exist. Creates example.test and
# testuser1..200@example.test with the reference servers' password "pass", starts the server, waits
# until WAIT_PORT answers; sets LB_PID and an EXIT trap that stops it and removes DATA.
bench_start_letterbox() {
    BENCH_DATA=$1 LB_PID=
    trap bench_stop_letterbox EXIT
    bench_launch_letterbox "$@"
}

# bench_launch_letterbox DATA WAIT_PORT [USERS=200]: as bench_start_letterbox, without the trap
# (for scripts that run several servers and stop them themselves); the accounts go to the store
# DATA/letterbox.toml names. Fails when WAIT_PORT answers before the server started: another
# process holds it, and the bench would measure that one.
bench_launch_letterbox() {
    local data=$1 port=$2 users=${3:-200}
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
        echo "port $port is taken by another process; choose another offset" >&2
        return 1
    fi
    "$LB_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.letterbox.bench.BenchUsers "$data" "$users" pass
    "$LB_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -jar "$ROOT/target/letterbox.jar" serve \
        --data "$data" --config "$data/letterbox.toml" > "$data/server.log" 2>&1 &
    LB_PID=$!
    for _ in $(seq 1 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
        kill -0 "$LB_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "Letterbox did not open port $port; see $data/server.log" >&2
    return 1
}

bench_stop_letterbox() {
    if [ -n "${LB_PID:-}" ]; then
        kill "$LB_PID" 2>/dev/null || true
        wait "$LB_PID" 2>/dev/null || true
    fi
    rm -rf "$BENCH_DATA"
}

# bench_ticks PID...: the CPU time (utime + stime, every thread) these processes have used so far,
# in clock ticks (getconf CLK_TCK a second); a process that is gone counts 0.
bench_ticks() {
    local t=0 p v
    for p in "$@"; do
        v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || v=0
        t=$((t + ${v:-0}))
    done
    echo $t
}

# bench_tree_ticks PID: as bench_ticks for PID, with its children: those that exited (its cutime and
# cstime) and those still running. For servers that fork a process per connection or per backend.
bench_tree_ticks() {
    local t
    t=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13 + $14 + $15}')
    # shellcheck disable=SC2046
    echo $((t + $(bench_ticks $(ps -o pid= --ppid "$1"))))
}

# bench_imaptest LABEL PORT CLIENTS SECS [EXTRA]: one imaptest stress run through the peers'
# imap-stress.sh (users testuser1..200@example.test, password "pass"; EXTRA e.g. "logout=0" for
# sessions that stay logged in). imaptest's report goes to stderr, each line prefixed "[LABEL]";
# stdout gets "OPS_PER_SECOND ERROR_LINES". Needs IMAPTEST and PEERS; IMAPTEST_WORKDIR is where the
# logs go: give each bench its own, as imap-stress.sh names a log by the second it started and the
# client count, and two benches started in the same second would write one file.
bench_imaptest() {
    local label=$1 port=$2 clients=$3 secs=$4 extra=${5:-} out rate errors
    out=$(IMAPTEST=$IMAPTEST WORKDIR=${IMAPTEST_WORKDIR:-/tmp/mail-peers-bench} \
        "$PEERS/imap-stress.sh" --port "$port" --clients "$clients" --secs "$secs" \
        ${extra:+--extra "$extra"} --user-pattern 'testuser%d@example.test' --pass pass 2>&1) || true
    echo "$out" | sed "s/^/  [$label] /" >&2
    rate=$(echo "$out" | sed -n 's/^imap ops\/s: //p')
    errors=$(echo "$out" | sed -n 's/.*error lines: \([0-9]*\).*/\1/p')
    echo "${rate:-0} ${errors:--}"
}

# bench_median: the median of the numbers on stdin, one a line ("-" for none).
bench_median() {
    sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'
}
