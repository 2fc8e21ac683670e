#!/usr/bin/env bash
# Installs everything the product and its tests need on a fresh Debian 12 machine that has only
# the Rust toolchain, Node 20/npm, Python 3.11 and a JDK. Safe to run again: it skips what is there.
. "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
  build-essential pkg-config libssl-dev            # SQLCipher links system libcrypto
  libwebkit2gtk-4.1-dev libdbus-1-dev              # Tauri 2 (WebKitGTK) and Secret Service
  librsvg2-dev libayatana-appindicator3-dev file   # Tauri bundling
  xvfb xauth imagemagick webkit2gtk-driver         # headless windows, screenshots, WebDriver
  gnome-keyring dbus-x11 libsecret-tools keyutils  # a real Secret Service headless
  libjna-java                                      # Kotlin binding tests on the JVM
  sqlite3 curl                                     # inspect the store; health checks in run.sh
  fonts-wqy-microhei fuse3                         # CJK glyphs in the UI; fusermount for cleanup
  chromium chromium-driver                         # POS page test in headless Chromium
  zbar-tools                                       # zbarimg: QR image decoding benchmark baseline
  postgresql                                       # PostgreSQL 15 + pgbench: the provider's PostgreSQL backend tests
  python3-venv                                     # the contract fuzz run's Schemathesis venv (tests/fuzz-api)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ -f "$REPO/ui/package.json" ]] && [[ ! -d "$REPO/ui/node_modules" || "$REPO/ui/package-lock.json" -nt "$REPO/ui/node_modules/.package-lock.json" ]]; then
  log "npm: ui dependencies"
  (cd "$REPO/ui" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ -f "$REPO/tests/desktop-e2e/package.json" ]] && [[ ! -d "$REPO/tests/desktop-e2e/node_modules" || "$REPO/tests/desktop-e2e/package-lock.json" -nt "$REPO/tests/desktop-e2e/node_modules/.package-lock.json" ]]; then
  log "npm: desktop E2E dependencies"
  (cd "$REPO/tests/desktop-e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ -f "$REPO/tests/pos-e2e/package.json" ]] && [[ ! -d "$REPO/tests/pos-e2e/node_modules" || "$REPO/tests/pos-e2e/package-lock.json" -nt "$REPO/tests/pos-e2e/node_modules/.package-lock.json" ]]; then
  log "npm: POS E2E dependencies"
  (cd "$REPO/tests/pos-e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The Rust tools (cargo-deny, tauri-driver): scripts/tools.sh, which scripts/test.sh runs beside
# the workspace build.
log "setup done"
