#!/usr/bin/env bash
# The mobile library's size budget (issue 15). Strips a copy of LIBPATH (the `mobile` profile
# already strips; this also catches a library built some other way), prints its size and fails
# when it is over the budget: 6 MiB = 6,291,456 bytes, issue 15's goal (FFI_SIZE_BUDGET
# overrides, in bytes). The library is 4,837,720 bytes on x86_64 with the `mobile` profile.
# It also fails when wallet-ffi's normal dependency tree carries what the mobile library leaves
# out: QR image decoding (rxing, image), a compiled-in root list (webpki-roots), aws-lc, and the
# offline rules the provider checks again (zxcvbn, phonenumber and the regex engine they bring).
#
#   cargo build --profile mobile -p wallet-ffi
#   scripts/ffi-size.sh "$CARGO_TARGET_DIR/mobile/libwallet_ffi.so"
#
# Needs binutils' strip and cargo. Figures: docs/benchmarks.md § Mobile library size.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="${1:?usage: $0 LIBPATH}"
budget="${FFI_SIZE_BUDGET:-6291456}"
[[ -f "$lib" ]] || { echo "ffi-size: no library at $lib" >&2; exit 1; }

copy="$(mktemp)"
trap 'rm -f "$copy"' EXIT
strip -o "$copy" "$lib"
size="$(stat -c %s "$copy")"
awk -v n="$(basename "$lib")" -v s="$size" -v b="$budget" 'BEGIN {
    printf "ffi-size: %s stripped is %d bytes (%.2f MiB); budget %d bytes (%.2f MiB)\n",
        n, s, s / 1048576, b, b / 1048576 }'

status=0
if (( size > budget )); then
    echo "ffi-size: FAILED: over the budget by $(( size - budget )) bytes" >&2
    status=1
fi

# Feature unification can switch these back on through a new dependency: `cargo tree` shows
# what `cargo build -p wallet-ffi` compiles.
unwanted="$(cargo tree --manifest-path "$root/Cargo.toml" -p wallet-ffi -e normal \
    --prefix none --locked 2>/dev/null \
    | grep -oE '^(rxing|image|webpki-roots|aws-lc-rs|aws-lc-sys|zxcvbn|phonenumber|regex) v[^ ]+' | sort -u || true)"
if [[ -n "$unwanted" ]]; then
    echo "ffi-size: FAILED: wallet-ffi depends on what the mobile library leaves out:" >&2
    echo "$unwanted" | sed 's/^/  /' >&2
    status=1
fi
[[ $status -eq 0 ]] && echo "ffi-size: within budget"
exit $status
