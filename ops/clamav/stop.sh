#!/usr/bin/env bash
# Idempotent stop of the clamd started by start.sh: only the process named in
# our pid file, and only if it is a clamd (a stale pid may have been reused).
# Nothing running: exits 0.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run_dir="${CLAMD_RUN_DIR:-${TMPDIR:-/tmp}/mxhub-clamd-${CLAMD_PORT:-13310}}"
pid_file="$run_dir/clamd.pid"

pid="$(cat "$pid_file" 2>/dev/null || true)"
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null ||
   [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "clamd" ]; then
  echo "clamd: not running"
  rm -f "$pid_file" "$run_dir/clamd.sock"
  exit 0
fi

kill -TERM "$pid"
for _ in $(seq 1 40); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.25
done
if kill -0 "$pid" 2>/dev/null; then
  echo "clamd: pid $pid ignored TERM for 10s, killing"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pid_file" "$run_dir/clamd.sock"
echo "clamd: stopped pid $pid"
