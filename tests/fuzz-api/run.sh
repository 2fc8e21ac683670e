#!/usr/bin/env bash
# The published contract is the wire: Schemathesis 4 fuzzes the real wallet-server process (sandbox
# mode, a scratch SQLite database, a free loopback port) from its own OpenAPI document, on every
# operation: unauthenticated, merchant (the fuzz merchant's key) and signed (hooks.py signs each
# request the way devices do, for a device setup_fuzz.py enrolled through the sandbox outbox).
#
# Checks (schemathesis.toml): no 5xx, every status and content type documented, every body valid
# against its schema, every request the document calls valid accepted (no 400), 405 with Allow
# for undocumented methods. Bounded in examples per operation; a few minutes on 2 cores.
# Counts (operations, requests, failures) go to the log's last lines and docs/api.md.
#
# Installs Schemathesis (pinned) into a venv under $WALLET_TOOLS_DIR once. With WALLET_SKIP_BUILD
# set (scripts/test.sh), the server binary is taken as built.
# Usage: tests/fuzz-api/run.sh [extra schemathesis run options]
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$REPO"
HERE="$REPO/tests/fuzz-api"

SCHEMATHESIS_VERSION="4.32.5"
CRYPTOGRAPHY_VERSION="51.0.1"
VENV="$WALLET_TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"
"$REPO/scripts/pinned-venv.sh" "$VENV" \
  "schemathesis==$SCHEMATHESIS_VERSION" "cryptography==$CRYPTOGRAPHY_VERSION"
PY="$VENV/bin/python"
export PYTHONDONTWRITEBYTECODE=1

# WALLET_FUZZ_SERVER_BIN: fuzz another build (e.g. an older commit's, for a before/after count).
SERVER_BIN="${WALLET_FUZZ_SERVER_BIN:-$CARGO_TARGET_DIR/debug/wallet-server}"
if [[ -z "${WALLET_SKIP_BUILD:-}" && -z "${WALLET_FUZZ_SERVER_BIN:-}" ]]; then
  log "building wallet-server"
  cargo build -p wallet-server
fi
[[ -x "$SERVER_BIN" ]] || { echo "missing $SERVER_BIN" >&2; exit 1; }

SCRATCH="$(mktemp -d /tmp/wallet-fuzz-api.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

"$SERVER_BIN" serve --db "$SCRATCH/server.db" --listen 127.0.0.1:0 --sandbox \
  >"$SCRATCH/server.out" 2>"$SCRATCH/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q '^wallet-server listening on ' "$SCRATCH/server.out" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SCRATCH/server.log" >&2; exit 1; }
  sleep 0.1
done
URL="$(sed -n 's/^wallet-server listening on //p' "$SCRATCH/server.out" | head -n1)"
[[ -n "$URL" ]] || { echo "the server never announced its address" >&2; exit 1; }
case "$URL" in http://127.*) ;; *) echo "refusing to fuzz a non-loopback address: $URL" >&2; exit 1 ;; esac

log "fuzz setup: a device enrolled through the sandbox, a merchant ($URL)"
"$SERVER_BIN" sandbox cards --json >"$SCRATCH/cards.json"
(cd "$HERE" && "$PY" setup_fuzz.py "$URL" "$SCRATCH/cards.json" "$SCRATCH/state.json")

log "schemathesis $SCHEMATHESIS_VERSION against $URL/openapi.json"
status=0
# From the scratch directory: Schemathesis and Hypothesis leave their caches there.
(cd "$SCRATCH" && WALLET_FUZZ_STATE="$SCRATCH/state.json" SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$HERE" \
  "$VENV/bin/schemathesis" --config-file "$HERE/schemathesis.toml" run "$URL/openapi.json" \
    --no-color "$@") \
  | tee "$SCRATCH/schemathesis.log" || status=$?

log "contract fuzz: exit $status (log: the summary above)"
if [[ "$status" -ne 0 ]]; then
  echo "--- wallet-server log (last 30 lines)" >&2
  tail -n 30 "$SCRATCH/server.log" >&2 || true
fi
exit "$status"
