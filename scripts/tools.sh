#!/usr/bin/env bash
# Builds the Rust tools the tests use into $WALLET_TOOLS_DIR/bin (kept between CI runs):
# cargo-deny (licence and ban checks, deny.toml) and tauri-driver (the desktop E2E's WebDriver
# bridge). Each in a scratch target dir of its own, so it neither waits for nor fills the
# project's build cache and can run beside the workspace build (scripts/test.sh starts it in the
# background). Safe to run again: it skips what is there at the pinned version.
. "$(dirname "$0")/lib.sh"

# Tools run a few seconds per CI run: built for compile speed, not run speed.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false

install_tool() { # CRATE VERSION: cargo install, unless $WALLET_TOOLS_DIR has that version
  local crate="$1" version="$2"
  if grep -qF "\"$crate $version " "$WALLET_TOOLS_DIR/.crates.toml" 2>/dev/null \
      && [[ -x "$WALLET_TOOLS_DIR/bin/$crate" ]]; then
    return 0
  fi
  log "$crate $version into $WALLET_TOOLS_DIR"
  local scratch; scratch="$(mktemp -d)"
  CARGO_TARGET_DIR="$scratch" cargo install --locked --quiet --force "$crate" \
    --version "$version" --root "$WALLET_TOOLS_DIR"
  rm -rf "$scratch"
}

install_tool cargo-deny 0.20.2
install_tool tauri-driver 2.1.0
