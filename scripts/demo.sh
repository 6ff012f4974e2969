#!/usr/bin/env bash
# One command, fresh machine: build, start the embedded stack (Kafka KRaft + PostgreSQL, no Docker), start the five
# services, run one SFT job and one reward job through the real broker and database, a job whose dataset does not
# exist (it must end FAILED with a reason), and an eval job (tuned vs base, judged by the new reward model); print
# final states and metrics, then stop everything. Exit code 0 only when every job ended as expected.
#   TUNELINE_SKIP_BUILD=1   reuse an existing build
#   TUNELINE_DEMO_TIMEOUT   seconds to wait for the jobs (default 900)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STACK=${TUNELINE_STACK_DIR:-$ROOT/.stack}
export TUNELINE_STACK_DIR=$STACK
export TUNELINE_API_KEYS=${TUNELINE_API_KEYS:-tl-demo-key}
KEY=${TUNELINE_API_KEYS%%,*}
GW=http://127.0.0.1:8080
t0=$(date +%s)

if [ "${TUNELINE_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building (mvn install -DskipTests)"
  mvn -B -q install -DskipTests
fi
t_build=$(date +%s)

SAMPLER=
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  "$ROOT/scripts/stack.sh" down
}
trap cleanup EXIT

echo "== starting the stack"
"$ROOT/scripts/stack.sh" up
"$ROOT/scripts/stack.sh" services

# peak memory of the whole stack (services, broker, PostgreSQL processes), sampled every second; proportional set
# size (Pss) so memory shared between PostgreSQL's processes is counted once
rss_now() {
  local pids total=0 p r
  pids=$(cat "$STACK"/pids/*.pid 2>/dev/null; pgrep -f "$STACK/(pg|kafka)" || true)
  for p in $(echo "$pids" | sort -u); do
    r=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${r:-0}))
  done
  echo "$total"
}
echo 0 >"$STACK/peak-rss-kb"
breakdown() { # name=MiB for each process of the stack
  local f p
  for f in "$STACK"/pids/*.pid; do
    p=$(cat "$f"); echo "$(basename "$f" .pid | sed 's/^svc-//')=$(( $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0) / 1024 ))"
  done | tr '\n' ' '
}
( peak=0; while true; do n=$(rss_now); [ "$n" -gt "$peak" ] && { peak=$n; echo "$peak" >"$STACK/peak-rss-kb"; breakdown >"$STACK/peak-breakdown"; }; sleep 1; done ) &
SAMPLER=$!

submit() { # body -> job id
  curl -fsS -X POST "$GW/v1/jobs" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
job() { curl -fsS "$GW/v1/jobs/$1" -H "Authorization: Bearer $KEY"; }

echo "== submitting jobs"
SFT=$(submit '{"type":"sft","dataset":"code_alpaca_2k","baseModel":"tiny-gpt2","config":{"maxSteps":150,"batchSize":8,"learningRate":0.005,"maxSeqLength":96,"maxRows":800,"filter":"empty-input","evalSamples":48,"maxNewTokens":32,"temperature":0.7,"repetitionPenalty":1.2,"hiddenSize":64,"layers":2,"warmupRatio":0.05}}')
RWD=$(submit '{"type":"reward","dataset":"hh_helpful_pairs","baseModel":"tiny-gpt2","config":{"maxSteps":100,"batchSize":8,"learningRate":0.001,"maxSeqLength":128,"maxRows":800,"evalSamples":100,"hiddenSize":64,"layers":2}}')
echo "sft job:    $SFT"
echo "reward job: $RWD"

state_of() { job "$1" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], j["step"], j["totalSteps"], j["lastLoss"])'; }
wait_for() { # job ids...: polls until every job is terminal or the deadline passes
  local id line all
  while :; do
    all=done; line=
    for id in "$@"; do
      s=$(state_of "$id"); line="$line  ${id:0:8}: $(printf '%-34s' "$s")"
      case "${s%% *}" in QUEUED|PREPARING|TRAINING|EVALUATING) all=pending ;; esac
    done
    echo "$line"
    [ "$all" = done ] && return 0
    if [ "$(date +%s)" -gt "$deadline" ]; then echo "timed out waiting for jobs" >&2; return 1; fi
    sleep 3
  done
}
deadline=$(( $(date +%s) + ${TUNELINE_DEMO_TIMEOUT:-900} ))
BAD=$(submit '{"type":"sft","dataset":"no_such_dataset","baseModel":"tiny-gpt2"}')
echo "bad job:    $BAD (its dataset does not exist)"
wait_for "$SFT" "$RWD" "$BAD" || true

echo "== win-rate: the tuned SFT model vs its untrained base, judged by the reward model just trained"
EVAL=$(submit "{\"type\":\"eval\",\"dataset\":\"code_alpaca_2k\",\"baseModel\":\"jobs/$SFT/run/final\",\"config\":{\"compareModel\":\"jobs/$SFT/base\",\"judgeModel\":\"jobs/$RWD/run/final\",\"filter\":\"empty-input\",\"maxRows\":600,\"evalSamples\":48,\"maxNewTokens\":32,\"temperature\":0.7,\"repetitionPenalty\":1.2}}")
echo "eval job:   $EVAL"
wait_for "$EVAL" || true
t_end=$(date +%s)

echo "== results"
ok=0
for id in "$SFT" "$RWD" "$EVAL"; do
  job "$id" | python3 "$ROOT/scripts/job_report.py" || ok=1
done
job "$BAD" | python3 "$ROOT/scripts/job_report.py" --expect-failed || ok=1
if command -v node >/dev/null && [ "${TUNELINE_DEMO_OPENAI:-1}" = 1 ]; then
  echo "== the official openai npm client against the gateway (models, completion with echo + logprobs, streamed chat)"
  "$ROOT/gateway/src/test/js/run-openai-test.sh" "$GW" "$KEY" || ok=1
fi
peak=$(cat "$STACK/peak-rss-kb")
echo "== timings: build $((t_build - t0)) s, stack + jobs $((t_end - t_build)) s, total $((t_end - t0)) s; peak memory (sum of Pss) of the stack $((peak / 1024)) MiB"
echo "   at the peak (MiB, PostgreSQL's server processes not itemised): $(cat "$STACK/peak-breakdown" 2>/dev/null)"
exit $ok
