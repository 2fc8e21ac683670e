#!/usr/bin/env bash
# Desktop end-to-end test: builds the UI, wallet-server, the wallet CLI and wallet-desktop,
# installs tauri-driver when missing, then drives the real app in WebKitGTK under Xvfb inside a
# private D-Bus session with an unlocked GNOME Keyring (the Secret Service the app keeps its
# database key in).
#
# Needs (Debian): libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb xauth gnome-keyring dbus-x11,
# Node 20 + npm. Screenshots land in tests/artifacts/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

TOOLS="${WALLET_TOOLS_DIR:-$ROOT/.tools}"

# scripts/test.sh has already built the UI and the whole workspace (one feature set) and
# installed the npm packages; it sets WALLET_SKIP_BUILD so nothing is built twice.
if [ -z "${WALLET_SKIP_BUILD:-}" ]; then
  echo "== building the UI"
  (cd ui && npm ci --no-audit --no-fund && npm run build)

  echo "== building wallet-server, wallet (the CLI: other users' phones) and wallet-desktop"
  # Two invocations on purpose: one `cargo build -p a -p b` unifies features across both and
  # rebuilds the whole dependency tree instead of reusing each crate's everyday artifacts.
  cargo build -p wallet-server
  cargo build -p wallet-cli
  cargo build -p wallet-desktop

  echo "== installing the test's npm dependencies"
  (cd tests/desktop-e2e && npm ci --no-audit --no-fund)
fi

TAURI_DRIVER="$TOOLS/bin/tauri-driver"
[ -x "$TAURI_DRIVER" ] || WALLET_TOOLS_DIR="$TOOLS" "$ROOT/scripts/tools.sh"
export TAURI_DRIVER

mkdir -p tests/artifacts
export ARTIFACTS="$ROOT/tests/artifacts"

# The Secret Service needs a runtime dir (0700) and a session bus; keyrings go to a scratch
# XDG_DATA_HOME so a developer's own login keyring is never touched.
SCRATCH="$(mktemp -d)"
cleanup() {
  # xdg-document-portal (started by GTK on the private bus) may still have its FUSE mount here.
  fusermount -u "$SCRATCH/runtime/doc" 2>/dev/null || true
  rm -rf "$SCRATCH" 2>/dev/null || true
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$SCRATCH/runtime}"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME="$SCRATCH/data"
mkdir -p "$XDG_DATA_HOME"
# The app's settings file (provider, lock time) goes to scratch too, never the developer's own.
export XDG_CONFIG_HOME="$SCRATCH/config"
mkdir -p "$XDG_CONFIG_HOME"

echo "== running the desktop E2E test"
dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-reporter=spec tests/desktop-e2e/desktop.test.mjs
'

# The README's screenshots (docs/screenshots/) are refreshed from this run: small palette PNGs
# (ImageMagick), or plain copies where it is missing. Check them in when they changed.
echo "== refreshing docs/screenshots"
mkdir -p docs/screenshots
for shot in signup-form home-balance pay-confirm paycode history-chart settings lock; do
  src="tests/artifacts/desktop-$shot.png"
  [ -f "$src" ] || continue
  if command -v convert >/dev/null; then
    convert "$src" -resize 300x -strip -colors 128 "PNG8:docs/screenshots/$shot.png"
  else
    cp "$src" "docs/screenshots/$shot.png"
  fi
done
