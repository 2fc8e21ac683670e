#!/usr/bin/env bash
# Regenerates the UI's TypeScript types (ui/src/generated/) from wallet-core's Rust types.
#   scripts/gen-ts.sh          write the files
#   scripts/gen-ts.sh --check  fail (exit 1) when the checked-in files are stale
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/ui/src/generated"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

generate() {
  WALLET_TS_OUT="$1" cargo test --quiet --manifest-path "$root/Cargo.toml" \
    -p wallet-core --features ts --lib ts_export::export_bindings -- --exact >/dev/null
}

case "${1:-}" in
  --check)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    generate "$tmp"
    if ! diff -ru "$dest" "$tmp"; then
      echo "ui/src/generated is stale: run scripts/gen-ts.sh and commit the result" >&2
      exit 1
    fi
    echo "ui/src/generated is up to date"
    ;;
  "")
    rm -f "$dest"/*.ts
    mkdir -p "$dest"
    generate "$dest"
    echo "wrote $(ls "$dest" | wc -l) files to ui/src/generated"
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
