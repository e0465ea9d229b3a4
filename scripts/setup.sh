#!/usr/bin/env bash
# Installs everything the service and its tests use, starts PostgreSQL and the
# Temporal dev server if they are down, builds the TypeScript and migrates the
# database named by DATABASE_URL. Safe to run again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_npm_dependencies
ensure_temporal_cli
ensure_postgres
ensure_temporal_server

log "building"
(cd "$ROOT" && npx tsc -p tsconfig.json)
build_dashboard

log "migrating $DATABASE_URL"
(cd "$ROOT" && node dist/src/db/migrate-cli.js)
