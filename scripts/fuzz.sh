#!/usr/bin/env bash
# Hostile input against the real service, with the full budget: FUZZ_RUNS
# generated requests (100,000 by default) in FUZZ_LANES concurrent lanes.
# `npm test` runs the same property with a CI budget. A failing input is
# written in full to test-results/fuzz-failure.json. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_npm_dependencies
ensure_temporal_cli
ensure_postgres
ensure_temporal_server

mkdir -p "$ROOT/test-results"
export FUZZ_RUNS="${FUZZ_RUNS:-100000}"
export FUZZ_REPORT=1
export FUZZ_FAILURE_FILE="${FUZZ_FAILURE_FILE:-$ROOT/test-results/fuzz-failure.json}"
rm -f "$FUZZ_FAILURE_FILE"
log "fuzzing with $FUZZ_RUNS generated requests"
cd "$ROOT" && exec npx jest --runInBand test/fuzz "$@"
