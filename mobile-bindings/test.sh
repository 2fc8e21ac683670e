#!/usr/bin/env bash
# Packages the SDK and tests the packages against a real sandbox wallet-server:
#   1. the library once, `--profile mobile`, through maturin's uniffi mode: the Python wheel
#      (`walletpay`), whose libwallet_ffi.so is then the one every other package uses;
#   2. the size budget on that library (scripts/ffi-size.sh, when present);
#   3. Kotlin: sources generated from it, compiled by kotlinc into a versioned jar with a POM
#      (a file Maven repository: dist/kotlin/com/walletpay/sdk/VERSION/);
#   4. Swift: sources and C headers generated into the SwiftPM layout of mobile-bindings/swift/
#      (not compiled: there is no Swift toolchain here);
#   5. the Python tests and quickstart from a fresh virtual environment with the wheel installed
#      by pip, and the Kotlin tests and quickstart compiled against the jar.
#
#   mobile-bindings/test.sh            # everything
#   mobile-bindings/test.sh package    # steps 1-4 and the tests' compilation only: no server
#   mobile-bindings/test.sh test       # step 5 only, on the packages `package` left in dist/
#   mobile-bindings/test.sh python     # package, then only the Python tests
#   mobile-bindings/test.sh kotlin     # package, then only the Kotlin tests
#
# scripts/test.sh runs `package` in the background with a target dir of its own (nothing in it
# is shared with the workspace's debug build), beside the workspace build, and `test` later.
#
# Needs: cargo, python3 with venv, java (17+), npm (first run only: kotlin-compiler), Debian
# libjna-java (/usr/share/java/jna.jar, or set JNA_JAR). Installs maturin (pinned) into a venv
# under $WALLET_TOOLS_DIR once. Honors CARGO_TARGET_DIR (default <repo>/target). With
# WALLET_SKIP_BUILD set (scripts/test.sh, after its workspace build), wallet-server and
# uniffi-bindgen are taken as built (debug); the mobile-profile library is always built here.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
ONLY="${1:-all}"
TOOLS="${WALLET_TOOLS_DIR:-$ROOT/.tools}"
DIST="$HERE/dist"
BUILD="$HERE/build"
KOTLIN_VERSION="2.4.20"
MATURIN_VERSION="1.16.0"
JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"
# What the POM declares: the JNA the tests run with (Debian's) and the coroutines kotlinc ships.
JNA_VERSION="5.13.0"
COROUTINES_VERSION="1.8.0"

step() { printf '\n== %s\n' "$*"; }

VERSION="$(cargo metadata --no-deps --format-version 1 --offline \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "wallet-ffi"))')"

PACKAGE=yes TEST=yes
case "$ONLY" in
    package) TEST="" ;;
    test) PACKAGE="" ;;
esac
BINDGEN="$CARGO_TARGET_DIR/debug/uniffi-bindgen"
export WALLET_SERVER_BIN="${WALLET_SERVER_BIN:-$CARGO_TARGET_DIR/debug/wallet-server}"
# The binding tests compare `message(lang)` with the catalogue the library embeds.
export WALLET_I18N_LOCALES="$ROOT/core/wallet-i18n/locales"
if [[ -n "$TEST" && -z "${WALLET_SKIP_BUILD:-}" ]]; then
    step "build wallet-server (debug)"
    cargo build -p wallet-server
fi
[[ -z "$TEST" || -x "$WALLET_SERVER_BIN" ]] || { echo "missing $WALLET_SERVER_BIN" >&2; exit 1; }

KOTLIN_DIR="$TOOLS/kotlin-compiler-$KOTLIN_VERSION"
KOTLIN_HOME="$KOTLIN_DIR/package"
KLIB="$KOTLIN_HOME/lib"
DEPS="$JNA_JAR:$KLIB/kotlinx-coroutines-core-jvm.jar"
REPO_DIR="$DIST/kotlin/com/walletpay/sdk/$VERSION"
JAR="$REPO_DIR/sdk-$VERSION.jar"
LIB="$DIST/lib/libwallet_ffi.so"

if [[ -n "$PACKAGE" ]]; then
# The generator: the workspace's own, at the runtime's uniffi version (maturin `cargo run`s it too).
if [[ ! -x "$BINDGEN" || -z "${WALLET_SKIP_BUILD:-}" ]]; then
    step "build uniffi-bindgen (debug)"
    cargo build -p uniffi-bindgen
fi

MATURIN_VENV="$TOOLS/maturin-$MATURIN_VERSION"
"$ROOT/scripts/pinned-venv.sh" "$MATURIN_VENV" "maturin==$MATURIN_VERSION"

rm -rf "$DIST" "$BUILD"
mkdir -p "$DIST/python" "$DIST/lib" "$BUILD"

# maturin runs `cargo rustc --profile mobile --crate-type cdylib` itself and generates the
# Python modules with the workspace's own uniffi-bindgen (it finds the `uniffi-bindgen` bin in
# the workspace and `cargo run`s it), so generator and runtime are one uniffi version. The
# generator reads uniffi's metadata from the library's symbol table, which `strip = "symbols"`
# (the profile's) would take away: the library is linked with its symbols
# (CARGO_PROFILE_MOBILE_STRIP=debuginfo, nothing else changes) and stripped below, after
# Kotlin and Swift are generated from it too.
step "the SDK library (--profile mobile) and the Python wheel (maturin, uniffi mode)"
CARGO_PROFILE_MOBILE_STRIP=debuginfo "$MATURIN_VENV/bin/maturin" build --quiet \
    --manifest-path "$HERE/wallet-ffi/Cargo.toml" --profile mobile \
    --compatibility linux --out "$DIST/python"
WHEEL="$(ls "$DIST"/python/walletpay-"$VERSION"-*.whl)"
WHEEL_LIB="walletpay/_ffi/libwallet_ffi.so"
python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
    "$WHEEL" "$WHEEL_LIB" "$BUILD/libwallet_ffi.symbols.so"

step "generate Kotlin and Swift (library mode, from the same library)"
for lang in kotlin swift; do
    "$BINDGEN" generate "$BUILD/libwallet_ffi.symbols.so" --library --language "$lang" \
        --out-dir "$BUILD/gen/$lang" --no-format >/dev/null
done

# The one compilation, stripped: what the wheel ships, the jar's tests load and the size
# check measures.
strip --strip-all -o "$LIB" "$BUILD/libwallet_ffi.symbols.so"
python3 "$HERE/wheel_replace.py" "$WHEEL" "$WHEEL_LIB" "$LIB"
echo "wheel $(basename "$WHEEL"), library $(stat -c %s "$LIB") bytes stripped"

if [[ -x "$ROOT/scripts/ffi-size.sh" ]]; then
    step "size budget"
    "$ROOT/scripts/ffi-size.sh" "$LIB"
fi

# Swift: the generated files into the SwiftPM layout; the three C headers share one clang module
# (`WalletFFI`), which the XCFramework's Headers carry (mobile-bindings/swift/Package.swift says how).
SWIFT="$HERE/swift"
rm -rf "$SWIFT/Sources/WalletPay" "$SWIFT/Headers"
mkdir -p "$SWIFT/Sources/WalletPay" "$SWIFT/Headers"
cp "$BUILD"/gen/swift/*.swift "$SWIFT/Sources/WalletPay/"
cp "$BUILD"/gen/swift/*.h "$SWIFT/Headers/"
{
    echo "module WalletFFI {"
    for h in "$SWIFT"/Headers/*.h; do echo "    header \"$(basename "$h")\""; done
    echo "    export *"
    echo "}"
} >"$SWIFT/Headers/module.modulemap"

if [[ ! -x "$KOTLIN_HOME/bin/kotlinc" ]]; then
    step "download kotlin-compiler $KOTLIN_VERSION into $KOTLIN_DIR"
    rm -rf "$KOTLIN_DIR" && mkdir -p "$KOTLIN_DIR"
    (cd "$KOTLIN_DIR" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null \
        && tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" \
        && rm "kotlin-compiler-$KOTLIN_VERSION.tgz")
fi
[[ -f "$JNA_JAR" ]] || { echo "JNA not found at $JNA_JAR (apt-get install libjna-java)" >&2; exit 1; }
step "Kotlin jar com.walletpay:sdk:$VERSION (kotlinc)"
mkdir -p "$REPO_DIR"
mapfile -t KT_SOURCES < <(find "$BUILD/gen/kotlin" -name '*.kt' | sort)
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$DEPS" -d "$JAR" "${KT_SOURCES[@]}"
(cd "$BUILD/gen/kotlin" && python3 -m zipfile -c "$REPO_DIR/sdk-$VERSION-sources.jar" com)
sed -e "s/@VERSION@/$VERSION/g" -e "s/@KOTLIN_VERSION@/$KOTLIN_VERSION/g" \
    -e "s/@JNA_VERSION@/$JNA_VERSION/g" -e "s/@COROUTINES_VERSION@/$COROUTINES_VERSION/g" \
    "$HERE/kotlin/sdk.pom.in" >"$REPO_DIR/sdk-$VERSION.pom"
ls -l "$REPO_DIR"

step "Kotlin quickstart and binding tests, compiled against the jar"
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JAR:$DEPS" -d "$BUILD/quickstart.jar" \
    "$HERE/examples/kotlin/Quickstart.kt"
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JAR:$DEPS:$KLIB/kotlin-test.jar" \
    -d "$BUILD/wallet-test.jar" "$HERE/tests/kotlin/WalletTest.kt"
fi # PACKAGE
[[ -n "$TEST" ]] || exit 0
WHEEL="$(ls "$DIST"/python/walletpay-"$VERSION"-*.whl)"
[[ -f "$LIB" && -f "$JAR" && -f "$BUILD/wallet-test.jar" ]] || { echo "no packages in $DIST: run mobile-bindings/test.sh package first" >&2; exit 1; }

# The real server the quickstarts talk to (the test suites start their own).
start_server() {
    SCRATCH="$(mktemp -d /tmp/wallet-sdk-quickstart.XXXXXX)"
    "$WALLET_SERVER_BIN" serve --db "$SCRATCH/server.db" --listen 127.0.0.1:0 --sandbox \
        >"$SCRATCH/server.out" 2>"$SCRATCH/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        grep -q 'listening on ' "$SCRATCH/server.out" 2>/dev/null && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SCRATCH/server.log" >&2; exit 1; }
        sleep 0.1
    done
    WALLET_SERVER_URL="$(grep -o 'http://[^ ]*' "$SCRATCH/server.out" | head -1)"
    export WALLET_SERVER_URL
}
SERVER_PID=""
SCRATCH=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    [[ -n "$SCRATCH" ]] && rm -rf "$SCRATCH"
    return 0
}
trap cleanup EXIT
start_server

status=0
ran=0

if [[ "$ONLY" == all || "$ONLY" == test || "$ONLY" == python ]]; then
    step "Python: the wheel into a fresh virtual environment (pip, no index)"
    rm -rf "$BUILD/venv"
    python3 -m venv "$BUILD/venv"
    "$BUILD/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$WHEEL"
    PY="$BUILD/venv/bin/python"
    # Imported from the environment, not the source tree: run from elsewhere, no PYTHONPATH.
    (cd "$BUILD" && env -u PYTHONPATH "$PY" -c \
        'import walletpay, os; assert "site-packages" in walletpay.__file__, walletpay.__file__; assert os.path.exists(os.path.join(os.path.dirname(walletpay.__file__), "py.typed"))')

    step "Python quickstart (mobile-bindings/examples/python/quickstart.py)"
    (cd "$BUILD" && env -u PYTHONPATH "$PY" "$HERE/examples/python/quickstart.py") || status=1

    step "Python binding tests"
    (cd "$BUILD" && env -u PYTHONPATH "$PY" "$HERE/tests/python/test_wallet.py") || status=1
    ran=$((ran + 1))
fi

if [[ "$ONLY" == all || "$ONLY" == test || "$ONLY" == kotlin ]]; then
    RUN_CP="$JAR:$DEPS:$KLIB/kotlin-stdlib.jar"
    step "Kotlin quickstart"
    java -Djna.library.path="$DIST/lib" -cp "$BUILD/quickstart.jar:$RUN_CP" \
        com.walletpay.example.QuickstartKt || status=1

    step "Kotlin binding tests"
    java -Djna.library.path="$DIST/lib" \
        -cp "$BUILD/wallet-test.jar:$RUN_CP:$KLIB/kotlin-test.jar" \
        WalletTestKt || status=1
    ran=$((ran + 1))
fi

if [[ $ran -eq 0 ]]; then
    echo "no binding test suite ran (argument: $ONLY)" >&2
    status=1
fi
if [[ $status -ne 0 ]]; then
    echo "binding tests FAILED" >&2
else
    echo "binding tests passed"
fi
exit $status
