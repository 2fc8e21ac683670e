#!/usr/bin/env bash
# Runs one test executable of the workspace build the way `cargo test` would (from its package's
# directory), so a step after `cargo test --workspace` compiles nothing: `cargo test -p PKG`
# resolves dependency features for PKG alone, which recompiled ~90 crates (3 min) for the
# PostgreSQL step. Usage: scripts/run-built-test.sh PKG TARGET [TEST ARGS...]
#   TARGET: a test target's name (`suite`, `e2e`), or `lib` for the package's unit tests.
. "$(dirname "$0")/lib.sh"
cd "$REPO"
pkg="$1" target="$2"; shift 2
found="$(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null \
    | python3 -c '
import json, sys
pkg, target = sys.argv[1], sys.argv[2]
def package(pid):  # "path+file:///x/server#wallet-server@0.1.0" or "path+file:///x/wallet-core#0.1.0"
    url, _, frag = pid.partition("#")
    return frag.split("@")[0] if "@" in frag else url.rstrip("/").rsplit("/", 1)[-1]
for line in sys.stdin:
    try: m = json.loads(line)
    except ValueError: continue
    if m.get("reason") != "compiler-artifact" or not m.get("executable"): continue
    if not m.get("profile", {}).get("test"): continue
    t = m["target"]
    name = "lib" if "lib" in t["kind"] else t["name"]
    if name == target and package(m["package_id"]) == pkg:
        print(m["executable"], m["manifest_path"])
' "$pkg" "$target" | head -1)"
[ -n "$found" ] || { echo "run-built-test: no test $target of $pkg (run cargo test --workspace first)" >&2; exit 1; }
exe="${found% *}" manifest="${found#* }"
cd "$(dirname "$manifest")"
CARGO_MANIFEST_DIR="$(dirname "$manifest")" exec "$exe" "$@"
