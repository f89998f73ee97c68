#!/usr/bin/env bash
# What a 200-rule Sieve script adds to a delivery: compile once, then run per message.
#   bench/sieve/run.sh [seconds=5]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
cd "$ROOT"
JAVA_HOME=$LB_JAVA_HOME "$LB_MVN" -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
exec "$LB_JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Xmx256m -cp "$CP" dev.letterbox.bench.SieveRules "$@"
