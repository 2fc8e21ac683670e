#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, Rust unit/integration/E2E tests (real
# server process, real SQLCipher files, real Secret Service), the OpenAPI contract fuzz run
# (Schemathesis against a real server), UI unit tests, the uniffi binding
# tests in Python and Kotlin, and the desktop E2E in real WebKit under Xvfb.
# Installs what it needs first (scripts/setup.sh). Usage: scripts/test.sh
. "$(dirname "$0")/lib.sh"
cd "$REPO"
start=$(date +%s)

"$REPO/scripts/setup.sh"

# The SDK packages (mobile-bindings/test.sh package: the `--profile mobile` library, the wheel,
# the jar) build in a target dir of their own: that profile shares no artifact with the
# workspace's debug build, and two cargo processes on one target dir would wait for each other.
bg_start sdk-packages env CARGO_TARGET_DIR="$CARGO_TARGET_DIR-mobile" mobile-bindings/test.sh package

log "UI: unit tests and build (the desktop crate embeds ui/dist)"
(cd ui && npm test --silent && npm run build --silent)

log "cargo fmt --check"
cargo fmt --all --check

log "third-party notices list every crate and npm package in the lock files"
scripts/notices.sh --check

bg_start tools scripts/tools.sh

log "cargo build, with clippy's lints (whole workspace, all targets), then test"
# One compilation for lints, build and tests (docs/benchmarks.md § CI wall time):
# - clippy-driver wraps rustc for the workspace's own crates (what `cargo clippy` does), so the
#   build reports clippy's lints as errors and `cargo clippy` does not check every crate again;
# - `--all-targets` resolves features with the dev-dependencies, as `cargo test` does, so the test
#   step below compiles nothing more (a plain `cargo build` first compiled 77 crates twice).
# Every later cargo call in this run inherits the wrapper, so it finds these artifacts fresh.
RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
cargo build --workspace --all-targets --locked
export WALLET_SKIP_BUILD=1
# wallet-core's `ts_export` test among them compares the UI's generated TypeScript types with a
# fresh export (the desktop crate turns the `ts` feature on), as `scripts/gen-ts.sh --check` does;
# its `ui_fixtures` and the provider suite's `ui_fixture` do the same for the in-memory UI
# backend's fixtures (ui/src/backend/fixtures/).
with_secret_service cargo test --workspace --locked

log "dependency licences and banned crates (cargo deny, deny.toml; offline: no advisory database)"
bg_wait tools
PATH="$WALLET_TOOLS_DIR/bin:$PATH" cargo deny --offline check licenses bans

log "the provider's store conformance and in-process suites again on PostgreSQL (same binaries)"
# A private cluster (scripts/lib.sh) for this step only; every test makes its own database.
# The suites that read the SQLite file itself (binary, merchant_cli, openapi) stay on SQLite
# (at_rest's file scans use SQLite whatever the backend; its other cases run on PostgreSQL);
# every other module of the suite, new ones included, runs here. WALLET_REQUIRE_POSTGRES makes
# a missing server an error, never a silent skip.
# The workspace build's executables (scripts/run-built-test.sh): `cargo test -p` would compile
# the dependencies again with other features.
with_postgres env WALLET_TEST_BACKEND=postgres WALLET_REQUIRE_POSTGRES=1 bash -c \
  'scripts/run-built-test.sh wallet-server lib &&
   scripts/run-built-test.sh wallet-server suite --skip binary:: --skip merchant_cli:: --skip openapi::'
log "three provider instances on one PostgreSQL database, then crashes (real processes, real CLI)"
# One after the other: the crash test kills and restarts the cluster the instances test uses.
with_postgres with_secret_service env WALLET_REQUIRE_POSTGRES=1 bash -c \
  'scripts/run-built-test.sh wallet-e2e e2e instances:: && scripts/run-built-test.sh wallet-e2e e2e crash::'

log "the published contract: Schemathesis against a real provider, signed routes included"
tests/fuzz-api/run.sh

log "bindings: Python and Kotlin against a real server"
bg_wait sdk-packages
mobile-bindings/test.sh test

log "POS page in headless Chromium against a real server"
scripts/pos-e2e.sh

log "desktop E2E in WebKit under Xvfb"
scripts/desktop-e2e.sh

log "all tests passed in $(( $(date +%s) - start )) s"
