#!/usr/bin/env bash
# Regenerates what the UI takes from Rust: its TypeScript types (ui/src/generated/) from
# wallet-core's Rust types, and the in-memory backend's fixtures (ui/src/backend/fixtures/):
# the provider's limits, fee and sandbox cards (wallet-server), then the core's answers
# (wallet-core, which inspects those cards).
#   scripts/gen-ts.sh          write the files
#   scripts/gen-ts.sh --check  fail (exit 1) when the checked-in files are stale
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/ui/src/generated"
fixtures="$root/ui/src/backend/fixtures"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

generate() {
  WALLET_TS_OUT="$1" cargo test --quiet --manifest-path "$root/Cargo.toml" \
    -p wallet-core --features ts --lib ts_export::export_bindings -- --exact >/dev/null
}

generate_fixtures() {
  WALLET_FIXTURES_OUT="$1" cargo test --quiet --manifest-path "$root/Cargo.toml" \
    -p wallet-server --test suite ui_fixture::provider_fixture_is_fresh -- --exact >/dev/null
  WALLET_FIXTURES_OUT="$1" cargo test --quiet --manifest-path "$root/Cargo.toml" \
    -p wallet-core --features ts --lib ui_fixtures::export_ui_fixtures -- --exact >/dev/null
}

case "${1:-}" in
  --check)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    generate "$tmp/types"
    generate_fixtures "$tmp/fixtures"
    stale=0
    diff -ru "$dest" "$tmp/types" || stale=1
    diff -ru "$fixtures" "$tmp/fixtures" || stale=1
    if [ "$stale" = 1 ]; then
      echo "ui/src/generated or ui/src/backend/fixtures is stale: run scripts/gen-ts.sh and commit the result" >&2
      exit 1
    fi
    echo "ui/src/generated and ui/src/backend/fixtures are up to date"
    ;;
  "")
    rm -f "$dest"/*.ts
    mkdir -p "$dest" "$fixtures"
    generate "$dest"
    generate_fixtures "$fixtures"
    echo "wrote $(ls "$dest" | wc -l) files to ui/src/generated and $(ls "$fixtures" | wc -l) to ui/src/backend/fixtures"
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
