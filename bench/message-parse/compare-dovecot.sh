#!/usr/bin/env bash
# Diffs Letterbox's ENVELOPE/BODYSTRUCTURE/BODY for the test corpus against a reference Dovecot
# (start it with /work/shared/peers/start-reference.sh). Expected differences are explained in
# src/test/resources/dev/letterbox/message/corpus/expected.txt ("# differs:").
#   bench/message-parse/compare-dovecot.sh [FILE...]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
. "$ROOT/scripts/toolchain.sh"
lb_find_jdk 1
lb_find_maven
cd "$ROOT"
if [ $# -eq 0 ]; then set -- src/test/resources/dev/letterbox/message/corpus/*.eml; fi
JAVA_HOME=$LB_JAVA_HOME "$LB_MVN" -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
diff <(python3 bench/message-parse/dovecot-answers.py "$@") \
     <("$LB_JAVA_HOME/bin/java" -cp "$CP" dev.letterbox.message.CorpusDump "$@") && echo "no differences"
