#!/usr/bin/env bash
# Starts, idempotently, a single-node KRaft Kafka broker (combined broker and
# controller) for development and the integration tests. Listens on 127.0.0.1
# only. Exits 0 once the broker answers a metadata request, 1 if it does not
# within KAFKA_START_TIMEOUT seconds.
#
#   KAFKA_PORT             PLAINTEXT port          (default 19092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port   (default 19093)
#   KAFKA_START_TIMEOUT    seconds to wait         (default 90)
#   KAFKA_RUN_DIR          config, data, logs, pid (default ops/kafka/run); a
#                          second directory and ports give a second broker
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
run="${KAFKA_RUN_DIR:-$here/run}"
port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
timeout_s="${KAFKA_START_TIMEOUT:-90}"
mkdir -p "$run/logs" "$run/data"
run="$(cd "$run" && pwd)"
pid_file="$run/kafka.pid"
log_file="$run/logs/kafka.out"

# Test files start the broker from parallel jest workers: serialise them so
# only one formats the storage and launches the JVM.
exec 9>"$run/start.lock"
if ! flock -w "$((timeout_s + 30))" 9; then
  echo "kafka: another start.sh holds $run/start.lock" >&2
  exit 1
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

# A TCP accept is not enough: the broker must serve metadata (and so be able
# to create topics). kafkajs is a dependency of the repo, so it is at hand.
broker_answers() {
  (cd "$repo" && KAFKA_PROBE_BROKER="127.0.0.1:$port" timeout 10 node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const kafka = new Kafka({ brokers: [process.env.KAFKA_PROBE_BROKER], clientId: "mxhub-start-probe",
      logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 0 } });
    const admin = kafka.admin();
    admin.connect().then(() => admin.describeCluster()).then(() => admin.listTopics())
      .then(() => admin.disconnect()).then(() => process.exit(0), () => process.exit(1));
  ') >/dev/null 2>&1
}

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

if pid="$(running_pid)" && port_open && broker_answers; then
  echo "kafka: already running (pid $pid, 127.0.0.1:$port)"
  exit 0
fi

if ! running_pid >/dev/null; then
  rm -f "$pid_file"
  if port_open; then
    if broker_answers; then
      echo "kafka: a broker not started by this script answers on 127.0.0.1:$port; using it"
      exit 0
    fi
    echo "kafka: port $port is taken by something that is not a Kafka broker" >&2
    exit 1
  fi

  if ! compgen -G "$here/lib/*.jar" >/dev/null; then
    echo "kafka: fetching broker jars into $here/lib (mvn)"
    (cd "$here" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime)
  fi

  # Rewritten on each start so a changed port takes effect; node.id stays 1,
  # which is all the formatted storage depends on.
  cat >"$run/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$run/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
EOF

  cd "$here"
  if [[ ! -f "$run/data/meta.properties" ]]; then
    cluster_id="$(java -cp "lib/*" -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$run/logs" \
      kafka.tools.StorageTool random-uuid)"
    java -cp "lib/*" -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$run/logs" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$run/server.properties" >>"$log_file" 2>&1
  fi

  # setsid: the broker must outlive the shell (and the test worker) that
  # started it. 9>&-: it must not inherit, and so hold forever, the start lock.
  setsid nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$run/logs" \
    -cp "lib/*" kafka.Kafka "$run/server.properties" >>"$log_file" 2>&1 </dev/null 9>&- &
  echo $! >"$pid_file"
  echo "kafka: starting (pid $!, 127.0.0.1:$port, logs in $run/logs)"
fi

deadline=$((SECONDS + timeout_s))
while ((SECONDS < deadline)); do
  if ! pid="$(running_pid)"; then
    echo "kafka: the broker exited during start-up; last lines of $log_file:" >&2
    tail -n 30 "$log_file" >&2 || true
    exit 1
  fi
  if port_open && broker_answers; then
    echo "kafka: ready on 127.0.0.1:$port (pid $pid)"
    exit 0
  fi
  sleep 0.5
done
echo "kafka: not ready after ${timeout_s}s; see $run/logs" >&2
exit 1
