#!/usr/bin/env bash
# Brings the whole service up in the foreground: PostgreSQL (if down), the
# Temporal dev server with its Web UI, the worker and the api. Ctrl-C stops
# everything this script started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

temporal_was_up=false
ensure_npm_dependencies
ensure_temporal_cli
ensure_postgres
temporal_is_up && temporal_was_up=true
ensure_temporal_server

log "building"
(cd "$ROOT" && npx tsc -p tsconfig.json)
build_dashboard
log "migrating $DATABASE_URL"
(cd "$ROOT" && node dist/src/db/migrate-cli.js)

if [ -z "${ADMIN_API_KEY:-}" ]; then
  mkdir -p "$DATA_DIR"
  key_file="$DATA_DIR/admin-api-key"
  [ -s "$key_file" ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))" >"$key_file")
  ADMIN_API_KEY="$(cat "$key_file")"
  generated_key_note="(generated for development, kept in .data/admin-api-key)"
fi
export ADMIN_API_KEY
export PORT="${PORT:-3000}"

children=()
stop_all() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$temporal_was_up" = false ]; then stop_temporal_server; fi
  log "stopped"
}
trap stop_all INT TERM EXIT

(cd "$ROOT" && exec node dist/src/worker.js) &
children+=($!)
(cd "$ROOT" && exec node dist/src/api.js) &
children+=($!)

api_up=false
for _ in $(seq 1 60); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then api_up=true; break; fi
  sleep 0.5
done
if [ "$api_up" = false ]; then
  log "the api did not answer on port $PORT within 30 s; see the messages above"
  exit 1
fi

cat <<INFO

  Bulwark Directory Sync is up.

  SCIM base URL (point the IdP here):  http://127.0.0.1:$PORT/scim/v2
  Temporal UI:                         http://127.0.0.1:$TEMPORAL_UI_PORT
  Dashboard (sign in with the key):    http://127.0.0.1:$PORT/dashboard/
  Admin API key:                       $ADMIN_API_KEY ${generated_key_note:-}

  Get a tenant SCIM token (shown once):
    curl -s -X POST http://127.0.0.1:$PORT/admin/v1/tenants \\
      -H "Authorization: Bearer $ADMIN_API_KEY" -H 'Content-Type: application/json' -d '{"name":"Acme"}'
    curl -s -X POST http://127.0.0.1:$PORT/admin/v1/tenants/<tenant id>/scim \\
      -H "Authorization: Bearer $ADMIN_API_KEY"

  Ctrl-C stops everything.

INFO

wait -n "${children[@]}" || true
