#!/usr/bin/env bash
# Regenerates the package lists of THIRD-PARTY-NOTICES.md, grouped by licence: the Rust crates
# (from `cargo metadata` over Cargo.lock) and the UI's npm packages (from ui/package-lock.json).
# The rest of that file is written by hand.
#   scripts/notices.sh          rewrite the generated sections
#   scripts/notices.sh --check  fail (exit 1) when they are stale
# Needs cargo and python3; works offline once the crates are fetched.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
case "$mode" in
  ""|--check) ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

meta="$(mktemp)"
trap 'rm -f "$meta"' EXIT
if ! cargo metadata --format-version 1 --locked --offline \
    --manifest-path "$root/Cargo.toml" >"$meta" 2>/dev/null; then
  cargo metadata --format-version 1 --locked --manifest-path "$root/Cargo.toml" >"$meta"
fi

python3 - "$root" "$meta" "$mode" <<'PY'
import json
import sys
import textwrap
from collections import defaultdict

root, meta_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
notices = f"{root}/THIRD-PARTY-NOTICES.md"

# Workspace members whose code ships (the rest are tests and build tools).
SHIPPED = {"wallet-protocol", "wallet-core", "wallet-server", "wallet-cli", "wallet-desktop",
           "wallet-ffi"}
FIRST = ["MIT", "Apache-2.0"]


def norm(expr):
    """One spelling per licence expression: `/` is OR, and a plain OR list is sorted."""
    if not expr:
        return None
    expr = " OR ".join(p.strip() for p in expr.split("/"))
    if "(" in expr or " AND " in expr or " WITH " in expr:
        return expr
    parts = [p.strip() for p in expr.split(" OR ")]
    parts.sort(key=lambda p: (FIRST.index(p) if p in FIRST else len(FIRST), p))
    return " OR ".join(parts)


def section(groups):
    """Markdown: one heading per licence (most packages first), then the packages."""
    out = []
    for lic, pkgs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"#### {lic} ({len(pkgs)})")
        out.append("")
        out.extend(textwrap.wrap(", ".join(sorted(pkgs, key=str.lower)), width=100,
                                 break_long_words=False, break_on_hyphens=False))
        out.append("")
    return out


meta = json.load(open(meta_path))
pkgs = {p["id"]: p for p in meta["packages"]}
members = set(meta["workspace_members"])
deps = {n["id"]: n["deps"] for n in meta["resolve"]["nodes"]}


def closure(roots, kinds):
    seen, todo = set(), list(roots)
    while todo:
        for d in deps[todo.pop()]:
            if {k["kind"] for k in d["dep_kinds"]} & kinds and d["pkg"] not in seen:
                seen.add(d["pkg"])
                todo.append(d["pkg"])
    return seen - members


shipped = closure([i for i in members if pkgs[i]["name"] in SHIPPED], {None, "build"})
every = closure(members, {None, "build", "dev"})


def crate_groups(ids):
    groups = defaultdict(list)
    for i in ids:
        p = pkgs[i]
        lic = norm(p.get("license")) or "licence file only: " + (p.get("license_file") or "?")
        groups[lic].append(f"{p['name']} {p['version']}")
    return groups


lock = json.load(open(f"{root}/ui/package-lock.json"))["packages"]
npm_run, npm_dev = defaultdict(list), defaultdict(list)
for path, p in lock.items():
    if not path:
        continue
    name = path.split("node_modules/")[-1]
    (npm_dev if p.get("dev") else npm_run)[norm(p.get("license")) or "not stated"].append(
        f"{name} {p.get('version', '?')}")

generated = {
    "rust": [
        f"{len(shipped)} crates build the shipped programs (`wallet-server`, `wallet`, the desktop app,",
        "`wallet-ffi`), for every target platform, build-time crates included:",
        "",
        *section(crate_groups(shipped)),
        f"{len(every - shipped)} more are used only by tests, benchmarks and the `uniffi-bindgen` tool:",
        "",
        *section(crate_groups(every - shipped)),
    ],
    "npm": [
        f"{sum(map(len, npm_run.values()))} packages are bundled into the desktop app's UI:",
        "",
        *section(npm_run),
        f"{sum(map(len, npm_dev.values()))} more build and test the UI (Vite, Vitest, TypeScript, the Tauri CLI, ...)",
        "and are not bundled:",
        "",
        *section(npm_dev),
    ],
}

text = open(notices).read()
for name, lines in generated.items():
    begin = f"<!-- begin generated: {name} (scripts/notices.sh) -->"
    end = f"<!-- end generated: {name} -->"
    head, sep, rest = text.partition(begin)
    _, sep2, tail = rest.partition(end)
    if not sep or not sep2:
        sys.exit(f"{notices}: markers for {name} missing")
    text = head + begin + "\n" + "\n".join(lines).rstrip("\n") + "\n" + end + tail

if mode == "--check":
    if text != open(notices).read():
        sys.exit("THIRD-PARTY-NOTICES.md is stale: run scripts/notices.sh and commit the result")
    print("THIRD-PARTY-NOTICES.md is up to date")
else:
    open(notices, "w").write(text)
    print(f"THIRD-PARTY-NOTICES.md: {len(shipped)} + {len(every - shipped)} crates, "
          f"{sum(map(len, npm_run.values()))} + {sum(map(len, npm_dev.values()))} npm packages")
PY
