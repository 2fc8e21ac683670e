#!/usr/bin/env bash
# Runs the product on this machine: the sandbox provider, then the desktop app when there is a
# display, or an interactive shell with the `wallet` CLI when there is none.
# Usage: scripts/run.sh            (server on http://127.0.0.1:8080, data in ~/.local/share/wallet-sandbox)
#        WALLET_PORT=9000 scripts/run.sh
. "$(dirname "$0")/lib.sh"
cd "$REPO"

"$REPO/scripts/setup.sh"

PORT="${WALLET_PORT:-8080}"
DATA="${WALLET_SANDBOX_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/wallet-sandbox}"
mkdir -p "$DATA"
export WALLET_SERVER="http://127.0.0.1:$PORT"

have_display=""
[[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]] && have_display=1

log "building (the whole workspace, so the artifacts are shared with scripts/test.sh)"
(cd ui && npm run build --silent)
cargo build --workspace
BIN="$CARGO_TARGET_DIR/debug"

# Its master key (sealing seeds and ID numbers at rest) is made at the first start next to the
# database, $DATA/server.db.master-key (0600): keep the two together.
log "sandbox provider on $WALLET_SERVER (database $DATA/server.db, master key next to it)"
"$BIN/wallet-server" serve --db "$DATA/server.db" --listen "127.0.0.1:$PORT" --sandbox &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS "$WALLET_SERVER/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

if [[ -n $have_display ]]; then
  log "desktop app (home $DATA/desktop)"
  WALLET_HOME="${WALLET_HOME:-$DATA/desktop}" "$BIN/wallet-desktop"
  exit 0
fi

cat <<TXT

No display: here is the wallet CLI against the sandbox provider ($WALLET_SERVER).
  wallet signup --phone 13800138000 --name 李明 --id-number 11010519491231002X --password-stdin
  wallet-server otp outbox --phone 13800138000 --server \$WALLET_SERVER   # the sandbox SMS outbox
  wallet verify --code 123456
  wallet whoami | wallet devices | wallet devices revoke ID | wallet logout
  Add --json for machine-readable output; --home DIR for a second device.
TXT
export PATH="$BIN:$PATH" WALLET_HOME="${WALLET_HOME:-$DATA/cli}"
if [[ -t 0 ]]; then
  echo "Type 'exit' to stop the sandbox."
  if [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then bash -i; else with_secret_service bash -i; fi
else
  echo "(stdin is not a terminal: the provider keeps running; Ctrl-C to stop)"
  wait $SERVER_PID
fi
