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
