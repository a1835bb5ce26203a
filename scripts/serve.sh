#!/usr/bin/env bash
# Serve HazardTrack: gunicorn for pages and static files, plus the background-job worker.
# Each is restarted with back-off when it dies (1 s, doubling to 60 s; back to 1 s after a
# minute of running), so a crashed or killed worker never takes the pages down with it.
# Ctrl-C (or SIGTERM) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Sync workers: one request each. Two more than the cores keep /healthz and the pages
# answering while two workers decode a field user's photos (docs/benchmarks.md, Photos).
WORKERS=${WORKERS:-$(($(nproc 2>/dev/null || echo 1) * 2 + 1))}
# Pages answer in milliseconds; long exports and imports run in the worker, so a
# request that takes a minute is a bug, not a reason to wait longer.
TIMEOUT=${TIMEOUT:-60}
BACKOFF_MAX=${BACKOFF_MAX:-60}
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl, shared by every gunicorn
# of the same user: another instance's reload through it HUPs our workers mid-request
# (docs/benchmarks.md). One socket per instance, beside its data.
mkdir -p var
CONTROL_SOCKET=${CONTROL_SOCKET:-var/gunicorn-$PORT.ctl}

"$PY" manage.py demo_logins || true
echo
echo "HazardTrack: http://$HOST:$PORT/  (Ctrl-C 停止)"

declare -A PIDS=() STARTED=() DELAY=()

start() {
  case "$1" in
    web)
      "$PY" -m gunicorn config.wsgi:application \
        --bind "$HOST:$PORT" --workers "$WORKERS" --timeout "$TIMEOUT" \
        --access-logfile - --graceful-timeout 20 --control-socket "$CONTROL_SOCKET" &
      ;;
    worker)
      "$PY" manage.py run_worker &
      ;;
  esac
  PIDS[$1]=$!
  STARTED[$1]=$SECONDS
}

STOPPING=0
stop() {
  STOPPING=1
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit 0
}
trap stop INT TERM EXIT

DELAY[web]=1
DELAY[worker]=1
start web
start worker
while true; do
  status=0
  exited=""
  wait -n -p exited "${PIDS[@]}" || status=$?
  [ "$STOPPING" = 1 ] && break
  for name in "${!PIDS[@]}"; do
    [ "${PIDS[$name]}" = "$exited" ] || continue
    if [ $((SECONDS - STARTED[$name])) -ge 60 ]; then DELAY[$name]=1; fi
    echo "serve.sh: $name (pid $exited) exited with status $status; restarting in ${DELAY[$name]} s" >&2
    sleep "${DELAY[$name]}" &
    wait $! || true
    [ "$STOPPING" = 1 ] && break 2
    start "$name"
    DELAY[$name]=$((DELAY[$name] * 2 > BACKOFF_MAX ? BACKOFF_MAX : DELAY[$name] * 2))
  done
done
