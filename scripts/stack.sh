#!/usr/bin/env bash
# The embedded default stack, no Docker: a real Kafka 4.1.2 broker (KRaft, from Maven jars), a real PostgreSQL
# (zonky binaries), and the five Tuneline services. Loopback only; everything lives under .stack/ (git-ignored).
#   scripts/stack.sh up        start Kafka + PostgreSQL (formats Kafka storage on first use, creates topics)
#   scripts/stack.sh services  start the five services (after `mvn install`), wait until ready
#   scripts/stack.sh down      stop services, then the broker, then PostgreSQL; leaves no process behind
#   scripts/stack.sh status    show what runs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK=${TUNELINE_STACK_DIR:-$ROOT/.stack}
KAFKA_PORT=${TUNELINE_KAFKA_PORT:-9092}
CTRL_PORT=$((KAFKA_PORT + 1))
PG_PORT=${TUNELINE_PG_PORT:-5432}
CP_FILE=$ROOT/local-stack/target/stack.classpath
SERVICES=(gateway dataset-service sft-worker reward-worker eval-service)
declare -A PORTS=([gateway]=8080 [dataset-service]=8081 [sft-worker]=8082 [reward-worker]=8083 [eval-service]=8084)
mkdir -p "$STACK/pids" "$STACK/logs"

log() { printf '[stack] %s\n' "$*" >&2; }

alive() { [ -f "$STACK/pids/$1.pid" ] && kill -0 "$(cat "$STACK/pids/$1.pid")" 2>/dev/null; }

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

stack_cp() {
  if [ ! -f "$CP_FILE" ]; then
    log "building local-stack module"
    (cd "$ROOT" && mvn -B -q -pl local-stack -am package -DskipTests)
  fi
  echo "$ROOT/local-stack/target/classes:$(cat "$CP_FILE")"
}

kafka_up() {
  if alive kafka; then log "kafka already running"; return; fi
  local cp dir=$STACK/kafka
  cp=$(stack_cp)
  mkdir -p "$dir/data"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  local java_opts=(-Xms256m -Xmx512m -XX:+UseSerialGC -Dlog4j2.configurationFile="$ROOT/local-stack/src/main/resources/log4j2-stack.properties")
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id
    id=$(java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid)
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format --standalone -t "$id" -c "$dir/server.properties" >"$STACK/logs/kafka-format.log" 2>&1
    log "kafka storage formatted (cluster $id)"
  fi
  nohup java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$STACK/logs/kafka.log" 2>&1 &
  echo $! >"$STACK/pids/kafka.pid"
  wait_port "$KAFKA_PORT" 60 || { log "kafka did not open port $KAFKA_PORT, see $STACK/logs/kafka.log"; tail -20 "$STACK/logs/kafka.log" >&2; exit 1; }
  java -Xmx128m -cp "$cp" dev.tuneline.stack.CreateTopics "127.0.0.1:$KAFKA_PORT" 3 >&2
  log "kafka up on 127.0.0.1:$KAFKA_PORT"
}

postgres_up() {
  if alive postgres; then log "postgres already running"; return; fi
  local cp
  cp=$(stack_cp)
  nohup java -Xmx128m -XX:+UseSerialGC -cp "$cp" dev.tuneline.stack.PostgresMain "$STACK/pg" "$PG_PORT" >"$STACK/logs/postgres.log" 2>&1 &
  echo $! >"$STACK/pids/postgres.pid"
  local i
  for ((i = 0; i < 300; i++)); do
    grep -q "postgres ready" "$STACK/logs/postgres.log" 2>/dev/null && { log "postgres up on 127.0.0.1:$PG_PORT"; return; }
    alive postgres || break
    sleep 0.2
  done
  log "postgres did not start, see $STACK/logs/postgres.log"; tail -20 "$STACK/logs/postgres.log" >&2; exit 1
}

services_up() {
  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
  export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/tuneline
  export QUARKUS_DATASOURCE_USERNAME=tuneline QUARKUS_DATASOURCE_PASSWORD=tuneline
  export TUNELINE_DATA_ROOT=${TUNELINE_DATA_ROOT:-$(cd "$ROOT/.." && pwd)/shared/data}
  export TUNELINE_MODEL_ROOT=${TUNELINE_MODEL_ROOT:-$STACK/models}
  export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$STACK/djl-cache}
  export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_WAIT_POLICY=PASSIVE
  export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}
  export TUNELINE_API_KEYS=${TUNELINE_API_KEYS:-tl-demo-key}
  mkdir -p "$TUNELINE_MODEL_ROOT"
  local s jar
  for s in "${SERVICES[@]}"; do
    if alive "svc-$s"; then continue; fi
    jar=$ROOT/$s/target/quarkus-app/quarkus-run.jar
    [ -f "$jar" ] || { log "$jar missing: run mvn -B install -DskipTests first"; exit 1; }
    nohup java -Xms64m -Xmx${TUNELINE_SERVICE_XMX:-640m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss4m \
      -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dquarkus.http.port="${PORTS[$s]}" \
      -jar "$jar" >"$STACK/logs/$s.log" 2>&1 &
    echo $! >"$STACK/pids/svc-$s.pid"
  done
  for s in "${SERVICES[@]}"; do
    local i ok=
    for ((i = 0; i < 600; i++)); do
      if curl -fsS "http://127.0.0.1:${PORTS[$s]}/q/health/ready" >/dev/null 2>&1; then ok=1; break; fi
      alive "svc-$s" || break
      sleep 0.2
    done
    [ -n "$ok" ] || { log "$s did not become ready, see $STACK/logs/$s.log"; tail -30 "$STACK/logs/$s.log" >&2; exit 1; }
    log "$s ready on :${PORTS[$s]}"
  done
}

stop_pid() { # name seconds
  local f=$STACK/pids/$1.pid pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < $2 * 5; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$1 did not stop in $2 s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    log "$1 stopped"
  fi
  rm -f "$f"
}

down() {
  local s
  for s in "${SERVICES[@]}"; do stop_pid "svc-$s" 30; done
  stop_pid kafka 40
  stop_pid postgres 30
  # a postgres left by a killed launcher: stop it through its own pid file
  if [ -f "$STACK/pg/postmaster.pid" ]; then
    local pgpid
    pgpid=$(head -1 "$STACK/pg/postmaster.pid")
    if kill -0 "$pgpid" 2>/dev/null; then kill -INT "$pgpid" 2>/dev/null || true; sleep 2; fi
  fi
  local left
  left=$(pgrep -f "$STACK" || true)
  if [ -n "$left" ]; then log "killing leftovers: $left"; kill -KILL $left 2>/dev/null || true; fi
}

status() {
  local n
  for n in postgres kafka "${SERVICES[@]/#/svc-}"; do
    if alive "$n"; then echo "$n: running (pid $(cat "$STACK/pids/$n.pid"))"; else echo "$n: stopped"; fi
  done
}

case "${1:-}" in
  up) postgres_up; kafka_up ;;
  services) services_up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|services|down|status" >&2; exit 2 ;;
esac
