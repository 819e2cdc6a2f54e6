#!/usr/bin/env bash
# Idempotent bring-up of the clamd that mxhub's tests and embedded hubs use.
#
# Renders clamd.conf.template into run/, copies the shipped test signatures
# (./db) into run/db, starts clamd detached from this shell and waits until it
# answers PING on loopback TCP. Already running and answering: exits 0 at
# once. Installs nothing. See README.md.
#
# Environment:
#   CLAMD_PORT            loopback TCP port (default 13310, away from 3310)
#   CLAMD_RUN_DIR         config, pid, socket, log, spool (default ./run)
#   CLAMD_DB_SOURCE       databases copied into run/db (default ./db)
#   CLAMD_DB_DIR          use this database directory in place, no copy
#                         (production: freshclam's, e.g. /var/lib/clamav)
#   CLAMD_START_TIMEOUT   seconds to wait for PONG (default 60)
#   CLAMD_BIN             clamd binary (default: found on PATH or /usr/sbin)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${CLAMD_PORT:-13310}"
run_dir="${CLAMD_RUN_DIR:-${TMPDIR:-/tmp}/mxhub-clamd-${CLAMD_PORT:-13310}}"
db_source="${CLAMD_DB_SOURCE:-$here/db}"
timeout_s="${CLAMD_START_TIMEOUT:-60}"
pid_file="$run_dir/clamd.pid"
log_file="$run_dir/clamd.log"

# One PING over bash's /dev/tcp, bounded so a hung listener cannot stall us.
# (The inner script is single-quoted on purpose: it gets the port as $1.)
ping_clamd() {
  # shellcheck disable=SC2016
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "nPING\n" >&3
    IFS= read -r reply <&3 && [ "$reply" = "PONG" ]
  ' _ "$port" 2>/dev/null
}

find_clamd() {
  if [ -n "${CLAMD_BIN:-}" ]; then echo "$CLAMD_BIN"; return; fi
  command -v clamd 2>/dev/null && return
  for candidate in /usr/sbin/clamd /usr/local/sbin/clamd; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
}

if ping_clamd; then
  echo "clamd: already answering on 127.0.0.1:$port"
  exit 0
fi

# Test workers may call this at the same moment: one starts clamd, the others
# wait for the lock and then find it answering.
mkdir -p "$run_dir"
exec 9>"$run_dir/start.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w $((timeout_s + 30)) 9 || { echo "clamd: another start.sh holds $run_dir/start.lock" >&2; exit 1; }
fi
if ping_clamd; then
  echo "clamd: already answering on 127.0.0.1:$port"
  exit 0
fi

clamd_bin="$(find_clamd || true)"
if [ -z "$clamd_bin" ] || [ ! -x "$clamd_bin" ]; then
  echo "clamd: binary not found. Install it with:" >&2
  echo "  apt-get update && apt-get install -y clamav clamav-daemon" >&2
  echo "(or set CLAMD_BIN to its path)" >&2
  exit 1
fi

is_our_clamd() {
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "clamd" ]
}

pid=""
if [ -f "$pid_file" ] && is_our_clamd "$(cat "$pid_file")"; then
  # Started by an earlier run and still loading: wait for it below.
  pid="$(cat "$pid_file")"
  echo "clamd: pid $pid is starting, waiting for it"
else
  mkdir -p "$run_dir/tmp"
  socket="$run_dir/clamd.sock"
  # sockaddr_un holds 108 bytes; a deep checkout would make clamd fail late
  # with an obscure bind error.
  if [ "${#socket}" -gt 100 ]; then
    echo "clamd: socket path too long (${#socket} > 100): $socket; set CLAMD_RUN_DIR" >&2
    exit 1
  fi
  if [ -n "${CLAMD_DB_DIR:-}" ]; then
    # In place: freshclam keeps it current and clamd's SelfCheck reloads it.
    db_dir="$CLAMD_DB_DIR"
  else
    # A fresh copy each start, so a removed signature file does not linger.
    db_dir="$run_dir/db"
    rm -rf "$db_dir"
    mkdir -p "$db_dir"
    shopt -s nullglob
    dbs=("$db_source"/*.{cvd,cld,cud,ndb,hdb,hsb,ldb,mdb,msb,ign2,fp,sfp,cdb,pdb,wdb,ftm,cfg,yar,yara})
    if [ "${#dbs[@]}" -eq 0 ]; then
      echo "clamd: no signature databases in $db_source" >&2
      exit 1
    fi
    cp "${dbs[@]}" "$db_dir/"
  fi
  escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
  sed -e "s|@RUN_DIR@|$(escape "$run_dir")|g" \
      -e "s|@DB_DIR@|$(escape "$db_dir")|g" \
      -e "s|@PORT@|$port|g" \
      "$here/clamd.conf.template" > "$run_dir/clamd.conf"
  rm -f "$pid_file" "$socket"
  # setsid: clamd must outlive this script and the test runner that called
  # it, and must not receive their terminal's signals.
  setsid "$clamd_bin" --config-file="$run_dir/clamd.conf" \
    >>"$run_dir/clamd.out" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "clamd: started pid $pid (port $port, socket $socket, databases in $db_dir)"
fi

deadline=$((SECONDS + timeout_s))
while [ "$SECONDS" -lt "$deadline" ]; do
  if ping_clamd; then
    echo "clamd: answering on 127.0.0.1:$port"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "clamd: exited during start-up; last log lines:" >&2
    tail -n 20 "$log_file" "$run_dir/clamd.out" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.5
done
echo "clamd: no PONG on 127.0.0.1:$port after ${timeout_s}s; see $log_file" >&2
exit 1
