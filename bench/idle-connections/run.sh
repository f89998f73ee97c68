#!/usr/bin/env bash
# Heap per idle connection after 64 KiB each way, measured inside the server's JVM.
#   bench/idle-connections/run.sh [N=10000] [tls|plain|sslsocket]
# Needs about N+200 file descriptors per JVM (ulimit -n); the clients run in a second JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
N=${1:-10000}
MODE=${2:-}
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((N + 200)) ]; then
    ulimit -n $((N + 200)) 2>/dev/null || lb_die "need ulimit -n >= $((N + 200)) for $N connections (have $(ulimit -n))"
fi
cd "$ROOT"
JAVA_HOME=$LB_JAVA_HOME "$LB_MVN" -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
exec "$LB_JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Xmx1g -cp "$CP" dev.letterbox.bench.IdleConnections server "$N" $MODE
