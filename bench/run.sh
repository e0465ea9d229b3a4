#!/usr/bin/env bash
# `npm run bench`: the benchmark suite (bench/suite.ts) against PostgreSQL, a
# Temporal dev server it starts if needed, and the peer (PyPI scim2-server,
# pinned, installed into .tools/). BENCH_SCALE=small for a smoke run.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
SCIM2_SERVER_VERSION="0.8.3"
PEER_VENV="$TOOLS_DIR/scim2-server-venv"

ensure_peer() {
  # Read whole before matching: grep -q stopping early would fail the pipe under pipefail.
  local shown
  shown="$("$PEER_VENV/bin/pip" show scim2-server 2>/dev/null || true)"
  if grep -q "^Version: $SCIM2_SERVER_VERSION$" <<<"$shown"; then
    return
  fi
  log "installing the peer, scim2-server==$SCIM2_SERVER_VERSION, into .tools/"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$PEER_VENV"
  "$PEER_VENV/bin/pip" install --quiet --disable-pip-version-check "scim2-server==$SCIM2_SERVER_VERSION"
}

ensure_npm_dependencies
ensure_temporal_cli
ensure_postgres
ensure_temporal_server
ensure_peer || log "scim2-server could not be installed; the bench runs without the peer"
cd "$ROOT" && npx tsc -p bench/tsconfig.json
node dist/bench/suite.js
