#!/usr/bin/env bash
# Production on one machine (`make serve`, docs/operations.md): migrate, collect static files,
# refuse to start unless `manage.py check --deploy` is clean, then the ASGI app server (uvicorn,
# one process per core by default). Settings come from the same environment variables as
# always (config/settings.py); DEBUG must be off and SECRET_KEY set.
#
#   SECRET_KEY=... ALLOWED_HOSTS=league.example HTTPS=1 SECURE_HSTS_SECONDS=31536000 \
#   DATABASE_URL=postgres://... REDIS_URL=redis://... tools/serve.sh
#
# Several servers on one checkout (a rig behind a load balancer): start each with its own PORT;
# let the first one migrate and collect, the others skip that (MIGRATE=0 COLLECTSTATIC=0), e.g.
#   PORT=8001 tools/serve.sh & PORT=8002 MIGRATE=0 COLLECTSTATIC=0 tools/serve.sh & ...
#
# Variables of this script (the app's own are in README.md):
#   HOST (127.0.0.1)   PORT (8000)   WORKERS (the machine's cores)
#   MIGRATE (1)   COLLECTSTATIC (1)   CHECK_DEPLOY (1: refuse to start on a warning)
#   FORWARDED_ALLOW_IPS (127.0.0.1): proxies whose X-Forwarded-For/-Proto are believed
#   GRACEFUL_TIMEOUT (10 s): how long a stopping server waits for open requests and streams
#   PYTHON (.venv/bin/python, else python3)
# The script ends by exec'ing the server, so its PID is the server's; stop it with SIGTERM
# (graceful) or kill its process group.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
WORKERS="${WORKERS:-$(nproc 2>/dev/null || echo 2)}"
GRACEFUL_TIMEOUT="${GRACEFUL_TIMEOUT:-10}"
FORWARDED_ALLOW_IPS="${FORWARDED_ALLOW_IPS:-127.0.0.1}"

fail() { echo "serve: $*" >&2; exit 1; }

# As config/settings.py reads them: blank means unset.
debug="${DEBUG:-}"; debug="${debug//[[:space:]]/}"
key="${SECRET_KEY:-}"; key="${key//[[:space:]]/}"
case "${debug,,}" in
  1|true|yes|on) fail "DEBUG is on. Production serves with DEBUG off: unset DEBUG (make run is the development server)." ;;
esac
[ -n "$key" ] || fail "SECRET_KEY is not set. Set it to a long random value, e.g.
  export SECRET_KEY=\"\$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"
and keep it the same on every server and across restarts (sessions and CSRF tokens are signed with it)."

# Metrics of every worker process, summed by /metrics (league/metrics.py): one folder per
# server, emptied at each start (prometheus_client's multiprocess mode); the steps before the
# server do not write to it.
METRICS_DIR="${PROMETHEUS_MULTIPROC_DIR:-${TMPDIR:-/tmp}/league-metrics-$PORT}"
unset PROMETHEUS_MULTIPROC_DIR

manage() { "$PYTHON" manage.py "$@"; }

if [ "${MIGRATE:-1}" = 1 ]; then
  manage migrate --noinput
fi
if [ "${COLLECTSTATIC:-1}" = 1 ]; then
  manage collectstatic --noinput --verbosity 0
fi
if [ "${CHECK_DEPLOY:-1}" = 1 ]; then
  if ! report="$(manage check --deploy --fail-level WARNING 2>&1)"; then
    echo "$report" >&2
    fail "refusing to start: 'manage.py check --deploy' found the problems above.
  Production wants at least SECRET_KEY, ALLOWED_HOSTS=<your host name>, HTTPS=1 and
  SECURE_HSTS_SECONDS=31536000 (docs/operations.md, 'Environment')."
  fi
fi

mkdir -p "$METRICS_DIR"
find "$METRICS_DIR" -maxdepth 1 -name '*.db' -delete
export PROMETHEUS_MULTIPROC_DIR="$METRICS_DIR"

# Worker processes (WORKERS > 1: uvicorn's supervisor starts them) die with the server, even
# when it is killed with -9 (config/asgi.py).
if [ "$WORKERS" -gt 1 ]; then export LEAGUE_WORKER_DIES_WITH_SERVER=1; fi

echo "serve: http://$HOST:$PORT/ with $WORKERS worker processes (uvicorn, ASGI)"
# --no-access-log: the app writes one access line per request itself, with its request id
# (league/observability.py). Event streams are long-lived: the graceful timeout bounds how long
# a stopping server waits for them (browsers reconnect to another server).
exec "$PYTHON" -m uvicorn config.asgi:application \
  --host "$HOST" --port "$PORT" --workers "$WORKERS" \
  --proxy-headers --forwarded-allow-ips "$FORWARDED_ALLOW_IPS" \
  --timeout-graceful-shutdown "$GRACEFUL_TIMEOUT" \
  --lifespan off --no-access-log --no-server-header
