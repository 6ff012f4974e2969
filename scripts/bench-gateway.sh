#!/usr/bin/env bash
# Gateway generation throughput over loopback HTTP: 1 vs 8 concurrent clients (batching on), and 8 clients with
# batching off (max batch size 1) as the control. Starts its own PostgreSQL + Kafka (scripts/stack.sh with a private
# directory and ports) and the gateway fast-jar, and stops all of them at the end. libtorch runs one intra-op thread
# (TUNELINE_BENCH_THREADS), as the stack's services do: on a small shared CPU two spinning threads slow a batch down.
#   scripts/bench-gateway.sh [newTokens=32] [requestsPerRun=32] [repeats=3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
NEW=${1:-32}
REQ=${2:-32}
REP=${3:-3}
WORK=$ROOT/gateway/target/bench
PORT=${TUNELINE_BENCH_PORT:-18080}
export TUNELINE_STACK_DIR=$WORK/stack TUNELINE_KAFKA_PORT=${TUNELINE_BENCH_KAFKA_PORT:-19092} TUNELINE_PG_PORT=${TUNELINE_BENCH_PG_PORT:-15432}
SHARED=$(cd "$ROOT/.." && pwd)/shared
mkdir -p "$WORK/models"

# package (not install): the reactor's own jars, nothing written to ~/.m2; the last module written is the gateway's
mvn -B -q -o -pl gateway -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
mvn -B -q -o -pl local-stack -am package -DskipTests >/dev/null
CP="gateway/target/test-classes:gateway/target/classes:$(cat "$WORK/cp.txt")"
export OPT_OUT_TRACKING=true DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE
bench() { java -Dai.djl.offline=true -Xss4m -Xmx2g -cp "$CP" dev.tuneline.gateway.bench.GatewayBench "$@"; }
[ -f "$WORK/models/bench-lm/model.safetensors" ] || bench write-model "$WORK/models/bench-lm" "$SHARED/data/tokenizers/gpt2-hf"

GW_PID=
cleanup() {
  [ -n "$GW_PID" ] && kill -TERM "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
  scripts/stack.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT
scripts/stack.sh up

start_gateway() { # maxBatchSize
  TUNELINE_API_KEYS=bench-key TUNELINE_RATE_LIMIT_RPS=100000 TUNELINE_RATE_LIMIT_BURST=100000 \
  TUNELINE_MODEL_ROOT="$WORK/models" TUNELINE_DATA_ROOT="$SHARED/data" KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$TUNELINE_KAFKA_PORT \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$TUNELINE_PG_PORT/tuneline \
  QUARKUS_DATASOURCE_USERNAME=tuneline QUARKUS_DATASOURCE_PASSWORD=tuneline \
    java -Xmx2g -Xss4m -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${TUNELINE_BENCH_THREADS:-1}" -Dquarkus.http.port="$PORT" \
      -Dtuneline.gateway.inference.max-batch-size="$1" -Dtuneline.gateway.inference.queue-capacity=256 \
      -jar gateway/target/quarkus-app/quarkus-run.jar >"$WORK/gateway-$1.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$WORK/gateway-$1.log"; exit 1; }
    sleep 0.2
  done
  curl -sS -o /dev/null -H "Authorization: Bearer bench-key" -H "Content-Type: application/json" \
    -d '{"name":"bench-lm","path":"bench-lm"}' "http://127.0.0.1:$PORT/v1/models" || true
}
stop_gateway() { kill -TERM "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=; }

echo "generation throughput, $NEW new tokens per request (greedy), $REQ requests per run, median of $REP runs,"
echo "$(nproc) CPU cores, libtorch threads ${TUNELINE_BENCH_THREADS:-1}, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| gateway      | clients | requests |  tokens |  wall s | tokens/s | tokens/s of runs   | mean ms |"
echo "|--------------|---------|----------|---------|---------|----------|--------------------|---------|"
start_gateway 8
bench run "http://127.0.0.1:$PORT" bench-key bench-lm "batch<=8" "$NEW" "$REQ" "$REP" 1 8
# mixed budgets (4, 12, 28, 60 new tokens; mean 26) against uniform 26: rows of one batch stop at their own budget
bench run "http://127.0.0.1:$PORT" bench-key bench-lm "uniform 26" 26 "$REQ" "$REP" 8
bench run "http://127.0.0.1:$PORT" bench-key bench-lm "mixed 4-60" -1 "$REQ" "$REP" 8
stop_gateway
start_gateway 1
bench run "http://127.0.0.1:$PORT" bench-key bench-lm "no batching" "$NEW" "$REQ" "$REP" 1 8
stop_gateway
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
