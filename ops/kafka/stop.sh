#!/usr/bin/env bash
# Stops the broker started by ops/kafka/start.sh: SIGTERM (a controlled
# shutdown that flushes logs and producer state), then SIGKILL if it has not
# exited within KAFKA_STOP_TIMEOUT seconds (default 30). No-op when not running.
# KAFKA_RUN_DIR picks the broker, as for start.sh (default ops/kafka/run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pid_file="${KAFKA_RUN_DIR:-$here/run}/kafka.pid"
timeout_s="${KAFKA_STOP_TIMEOUT:-30}"

if [[ ! -f "$pid_file" ]]; then
  echo "kafka: not running"
  exit 0
fi
pid="$(cat "$pid_file")"
if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
  rm -f "$pid_file"
  echo "kafka: not running (stale pid file removed)"
  exit 0
fi

kill -TERM "$pid"
deadline=$((SECONDS + timeout_s))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
  echo "kafka: pid $pid still running after ${timeout_s}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$pid_file"
echo "kafka: stopped (pid $pid)"
