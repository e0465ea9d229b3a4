#!/usr/bin/env bash
# Runs every test against the real PostgreSQL and a real Temporal dev server,
# installing and starting what is missing first. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_npm_dependencies
ensure_temporal_cli
ensure_scim_tester
ensure_chromium
ensure_postgres
ensure_temporal_server

log "type-checking"
(cd "$ROOT" && npx tsc -p tsconfig.json --noEmit)
build_dashboard

mkdir -p "$ROOT/test-results"
results="$ROOT/test-results/jest.json"
rm -f "$results"
status=0
(cd "$ROOT" && npx jest --runInBand --json --outputFile="$results" "$@") || status=$?

if [ -s "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${r.numPassedTests} passed, ${failed} failed`);
  ' "$results"
else
  echo "0 passed, 1 failed"
fi
exit "$status"
