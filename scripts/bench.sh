#!/usr/bin/env bash
# Runs a benchmark main class from a module's test sources: scripts/bench.sh <module> <fully.qualified.Class> [args...]
# Prints the benchmark's table on stdout. Builds the module (tests skipped) first.
set -euo pipefail
cd "$(dirname "$0")/.."
module=$1; shift; cls=$1; shift
mvn -B -q -o -pl "$module" -am install -DskipTests >/dev/null 2>&1 || mvn -B -q -pl "$module" -am install -DskipTests
cp_file=$module/target/bench.classpath
mvn -B -q -o -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
export OPT_OUT_TRACKING=true DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE
exec java -Dai.djl.offline=true -Xss4m -Xmx4g -Dtuneline.shared.dir="$(cd .. && pwd)/shared" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$cls" "$@"
