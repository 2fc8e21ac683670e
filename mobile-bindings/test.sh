#!/usr/bin/env bash
# Builds wallet-ffi and wallet-server, generates the Kotlin, Swift and Python bindings
# (uniffi library mode) and runs the Python and Kotlin (JVM) binding tests against a real
# sandbox wallet-server.
#
#   mobile-bindings/test.sh            # everything
#   mobile-bindings/test.sh python     # only the Python test (after generating)
#   mobile-bindings/test.sh kotlin     # only the Kotlin test (after generating)
#
# Needs: cargo, python3, java (17+), npm (first run only: downloads kotlin-compiler into
# $WALLET_TOOLS_DIR, default <repo>/.tools), Debian libjna-java (/usr/share/java/jna.jar, or set
# JNA_JAR). Honors CARGO_TARGET_DIR (default <repo>/target).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
ONLY="${1:-all}"
TOOLS="${WALLET_TOOLS_DIR:-$ROOT/.tools}"
GEN="$HERE/generated"
BUILD="$HERE/build"
KOTLIN_VERSION="2.4.20"
JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"

step() { printf '\n== %s\n' "$*"; }

# Built one package at a time: each then reuses the feature set everyone else builds it with
# (wallet-ffi leaves out wallet-core's desktop keyring), so nothing is compiled twice.
# scripts/test.sh builds the whole workspace once and sets WALLET_SKIP_BUILD, so CI compiles
# every crate with one feature set only.
if [[ -z "${WALLET_SKIP_BUILD:-}" ]]; then
    step "build wallet-ffi, uniffi-bindgen and wallet-server (debug)"
    cargo build -p wallet-ffi
    cargo build -p uniffi-bindgen
    cargo build -p wallet-server
fi
LIB="$CARGO_TARGET_DIR/debug/libwallet_ffi.so"
export WALLET_SERVER_BIN="$CARGO_TARGET_DIR/debug/wallet-server"
[[ -f "$LIB" ]] || { echo "missing $LIB" >&2; exit 1; }

step "generate bindings (library mode)"
for lang in kotlin swift python; do
    rm -rf "${GEN:?}/$lang"
    "$CARGO_TARGET_DIR/debug/uniffi-bindgen" generate "$LIB" --language "$lang" --out-dir "$GEN/$lang" --no-format
done
# Python loads the library from beside the generated module.
cp "$LIB" "$GEN/python/"

status=0

if [[ "$ONLY" == all || "$ONLY" == python ]]; then
    step "python binding test"
    PYTHONPATH="$GEN/python" python3 "$HERE/tests/python/test_wallet.py" || status=1
fi

if [[ "$ONLY" == all || "$ONLY" == kotlin ]]; then
    KOTLIN_DIR="$TOOLS/kotlin-compiler-$KOTLIN_VERSION"
    KOTLIN_HOME="$KOTLIN_DIR/package"
    if [[ ! -x "$KOTLIN_HOME/bin/kotlinc" ]]; then
        step "download kotlin-compiler $KOTLIN_VERSION into $KOTLIN_DIR"
        rm -rf "$KOTLIN_DIR" && mkdir -p "$KOTLIN_DIR"
        (cd "$KOTLIN_DIR" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null \
            && tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" \
            && rm "kotlin-compiler-$KOTLIN_VERSION.tgz")
    fi
    [[ -f "$JNA_JAR" ]] || { echo "JNA not found at $JNA_JAR (apt-get install libjna-java)" >&2; exit 1; }
    KLIB="$KOTLIN_HOME/lib"
    CP="$JNA_JAR:$KLIB/kotlinx-coroutines-core-jvm.jar:$KLIB/kotlin-test.jar"

    step "kotlin binding test (compile)"
    mkdir -p "$BUILD"
    "$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$CP" -d "$BUILD/wallet-test.jar" \
        "$GEN/kotlin/uniffi/wallet_ffi/wallet_ffi.kt" "$HERE/tests/kotlin/WalletTest.kt"

    step "kotlin binding test (run)"
    java -Djna.library.path="$(dirname "$LIB")" \
        -cp "$BUILD/wallet-test.jar:$CP:$KLIB/kotlin-stdlib.jar" \
        WalletTestKt || status=1
fi

if [[ $status -ne 0 ]]; then
    echo "binding tests FAILED" >&2
else
    echo "binding tests passed"
fi
exit $status
