#!/usr/bin/env bash
# Runs the benchmarks against PostgreSQL and a Temporal dev server it starts if needed.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
ensure_npm_dependencies
ensure_temporal_cli
ensure_postgres
ensure_temporal_server
cd "$ROOT" && npx tsc -p tsconfig.json && node dist/bench/deprovision-latency.js 2>&1 | grep -v '^\s*$'
cd "$ROOT" && node dist/bench/group-scale.js 2>&1 | grep -v '^\s*$'
