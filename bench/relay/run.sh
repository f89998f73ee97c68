#!/usr/bin/env bash
# Outbound relay throughput: two Letterbox instances in one JVM on loopback (dev.letterbox.bench.RelayThroughput).
#   bench/relay/run.sh [MESSAGES=2000] [SIZE=10240] [WORKERS...=1 4 16]
# Talks to 127.0.0.1 only (its own DNS server on a UDP port there); leaves nothing behind but temp dirs.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
MESSAGES=${1:-2000}; SIZE=${2:-10240}; shift $(( $# > 2 ? 2 : $# ))
WORKERS=${*:-1 4 16}
cd "$ROOT"
JAVA_HOME=$LB_JAVA_HOME "$LB_MVN" -q -B -DskipTests package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
# shellcheck disable=SC2086
exec "$LB_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -Djava.net.preferIPv4Stack=true \
    -cp "$CP" dev.letterbox.bench.RelayThroughput "$MESSAGES" "$SIZE" $WORKERS
