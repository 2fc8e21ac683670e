#!/usr/bin/env bash
# POS page end-to-end test: starts the real wallet-server binary (sandbox, a scratch database, a
# free port), then drives the POS page in headless Chromium (selenium-webdriver + the Debian
# chromium-driver) while a real payer pays with the real `wallet` CLI inside a private Secret
# Service session; then the web checkout page (checkout.test.mjs: a merchant site in the test
# sends the browser to the provider's checkout, paid by scan and by phone number, back to the
# site's return_url). Screenshots land in tests/artifacts/pos-*.png and checkout-*.png.
#
# Needs (Debian): chromium chromium-driver gnome-keyring dbus, Node 20 + npm.
# With WALLET_SKIP_BUILD set (scripts/test.sh), the binaries are taken as built.
. "$(dirname "$0")/lib.sh"
cd "$REPO"

if [ -z "${WALLET_SKIP_BUILD:-}" ]; then
  log "building wallet-server and the wallet CLI"
  # Two invocations: one `cargo build -p a -p b` unifies features and rebuilds the tree.
  cargo build -p wallet-server
  cargo build -p wallet-cli
fi
if [ -z "${WALLET_SKIP_BUILD:-}" ] || [ ! -d tests/pos-e2e/node_modules ]; then
  log "installing the POS test's npm dependencies"
  (cd tests/pos-e2e && npm ci --no-audit --no-fund)
fi

export WALLET_SERVER_BIN="$CARGO_TARGET_DIR/debug/wallet-server"
export WALLET_BIN="$CARGO_TARGET_DIR/debug/wallet"
for bin in "$WALLET_SERVER_BIN" "$WALLET_BIN" /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$bin" ] || { echo "missing $bin" >&2; exit 1; }
done

SCRATCH="$(mktemp -d /tmp/wallet-pos-e2e.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

log "starting wallet-server (sandbox)"
export POS_SERVER_DB="$SCRATCH/server.db"
"$WALLET_SERVER_BIN" serve --db "$POS_SERVER_DB" --listen 127.0.0.1:0 --sandbox \
  >"$SCRATCH/server.out" 2>"$SCRATCH/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if grep -q '^wallet-server listening on ' "$SCRATCH/server.out" 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SCRATCH/server.log" >&2; exit 1; }
  sleep 0.1
done
POS_SERVER_URL="$(sed -n 's/^wallet-server listening on //p' "$SCRATCH/server.out" | head -n1)"
[ -n "$POS_SERVER_URL" ] || { echo "the server never announced its address" >&2; exit 1; }
export POS_SERVER_URL POS_SCRATCH="$SCRATCH"
export ARTIFACTS="${ARTIFACTS:-$REPO/tests/artifacts}"
mkdir -p "$ARTIFACTS"

log "running the POS test against $POS_SERVER_URL"
status=0
# One file at a time (each drives its own Chromium): the POS page, then the web checkout.
(cd tests/pos-e2e && with_secret_service node --test --test-concurrency=1 --test-reporter=spec \
  pos.test.mjs checkout.test.mjs) || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- wallet-server log (last 50 lines)" >&2
  tail -n 50 "$SCRATCH/server.log" >&2 || true
fi
exit "$status"
