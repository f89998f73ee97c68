#!/usr/bin/env bash
# Cost of parsing a message once at delivery (MessageStructure), 10 KB and 10 MB messages.
#   bench/message-parse/run.sh [seconds-per-case=3]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
cd "$ROOT"
JAVA_HOME=$LB_JAVA_HOME "$LB_MVN" -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
exec "$LB_JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Xmx512m -cp "$CP" dev.letterbox.bench.MessageParse "$@"
