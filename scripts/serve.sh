#!/usr/bin/env bash
# Serve HazardTrack: gunicorn for pages and static files, plus the background-job worker.
# Ctrl-C (or SIGTERM) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-2}
# Pages answer in milliseconds; long exports and imports run in the worker, so a
# request that takes a minute is a bug, not a reason to wait longer.
TIMEOUT=${TIMEOUT:-60}
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl, shared by every gunicorn
# of the same user: another instance's reload through it HUPs our workers mid-request
# (docs/benchmarks.md). One socket per instance, beside its data.
mkdir -p var
CONTROL_SOCKET=${CONTROL_SOCKET:-var/gunicorn-$PORT.ctl}

"$PY" manage.py demo_logins || true
echo
echo "HazardTrack: http://$HOST:$PORT/  (Ctrl-C 停止)"

"$PY" -m gunicorn config.wsgi:application \
  --bind "$HOST:$PORT" --workers "$WORKERS" --timeout "$TIMEOUT" \
  --access-logfile - --graceful-timeout 20 --control-socket "$CONTROL_SOCKET" &
GUNICORN=$!
"$PY" manage.py run_worker &
WORKER=$!

stop() {
  kill -TERM "$GUNICORN" "$WORKER" 2>/dev/null || true
  wait "$GUNICORN" "$WORKER" 2>/dev/null || true
}
trap stop INT TERM EXIT
wait -n "$GUNICORN" "$WORKER"
