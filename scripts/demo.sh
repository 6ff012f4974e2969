#!/usr/bin/env bash
# One command, fresh machine: build, start the embedded stack (Kafka KRaft + PostgreSQL, no Docker), start the five
# services, run one SFT job and one reward job through the real broker and database, print their final state and
# metrics, then stop everything. Exit code 0 only when both jobs SUCCEEDED.
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

# peak resident memory of the whole stack (services, broker, PostgreSQL processes), sampled every second
rss_now() {
  local pids total=0 p r
  pids=$(cat "$STACK"/pids/*.pid 2>/dev/null; pgrep -f "$STACK" || true)
  for p in $(echo "$pids" | sort -u); do
    r=$(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${r:-0}))
  done
  echo "$total"
}
echo 0 >"$STACK/peak-rss-kb"
( peak=0; while true; do n=$(rss_now); [ "$n" -gt "$peak" ] && { peak=$n; echo "$peak" >"$STACK/peak-rss-kb"; }; sleep 1; done ) &
SAMPLER=$!

submit() { # body -> job id
  curl -fsS -X POST "$GW/v1/jobs" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
job() { curl -fsS "$GW/v1/jobs/$1" -H "Authorization: Bearer $KEY"; }

echo "== submitting jobs"
SFT=$(submit '{"type":"sft","dataset":"code_alpaca_2k","baseModel":"tiny-gpt2","config":{"maxSteps":60,"batchSize":8,"learningRate":0.003,"maxSeqLength":128,"maxRows":600,"filter":"empty-input","evalSamples":16,"maxNewTokens":32,"hiddenSize":64,"layers":2,"warmupRatio":0.05}}')
RWD=$(submit '{"type":"reward","dataset":"hh_helpful_pairs","baseModel":"tiny-gpt2","config":{"maxSteps":40,"batchSize":8,"learningRate":0.001,"maxSeqLength":128,"maxRows":800,"evalSamples":100,"hiddenSize":64,"layers":2}}')
echo "sft job:    $SFT"
echo "reward job: $RWD"

deadline=$(( $(date +%s) + ${TUNELINE_DEMO_TIMEOUT:-900} ))
while :; do
  s1=$(job "$SFT" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], j["step"], j["totalSteps"], j["lastLoss"])')
  s2=$(job "$RWD" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], j["step"], j["totalSteps"], j["lastLoss"])')
  printf '  sft: %-40s reward: %s\n' "$s1" "$s2"
  case "${s1%% *}${s2%% *}" in
    *QUEUED*|*PREPARING*|*TRAINING*|*EVALUATING*) ;;
    *) break ;;
  esac
  if [ "$(date +%s)" -gt "$deadline" ]; then echo "timed out waiting for the jobs" >&2; break; fi
  sleep 3
done
t_end=$(date +%s)

echo "== results"
ok=0
for id in "$SFT" "$RWD"; do
  job "$id" | python3 -c '
import json, sys
j = json.load(sys.stdin)
losses = j.get("losses") or []
print(f"{j[\"type\"]:>6} job {j[\"id\"]}: {j[\"state\"]}" + (f" ({j[\"reason\"]})" if j.get("reason") else ""))
if losses:
    print(f"        loss {losses[0][1]:.4f} at step {losses[0][0]} -> {losses[-1][1]:.4f} at step {losses[-1][0]}")
for k, v in sorted((j.get("metrics") or {}).items()):
    print(f"        {k} = {v:.4f}" if isinstance(v, float) else f"        {k} = {v}")
print(f"        model: {j.get(\"modelDir\")}")
sys.exit(0 if j["state"] == "SUCCEEDED" else 1)
' || ok=1
done
peak=$(cat "$STACK/peak-rss-kb")
echo "== timings: build $((t_build - t0)) s, stack + jobs $((t_end - t_build)) s, total $((t_end - t0)) s; peak RSS of the stack $((peak / 1024)) MiB"
exit $ok
