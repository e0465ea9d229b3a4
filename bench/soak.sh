#!/usr/bin/env bash
# `npm run soak`: SOAK_MINUTES (default 10) of mixed Okta and Entra ID traffic
# against a freshly started service, ending with the no-loss checks (see
# bench/soak.ts). Starts PostgreSQL and the Temporal dev server if needed.
# SOAK_REPORT=<file> also writes the figures there as JSON.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

ensure_npm_dependencies
ensure_temporal_cli
ensure_postgres
ensure_temporal_server

# Only the soak and what it imports: another benchmark's file cannot stop it.
cd "$ROOT" && npx tsc -p bench/soak.tsconfig.json
exec node dist/bench/soak.js
