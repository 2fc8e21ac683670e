#!/usr/bin/env bash
# Compares wallet-protocol's QR decoder with public EMVCo parsers on the same payloads.
# Installs the other parsers into this directory (node_modules/), writes the payload sets to
# payloads/, runs them (node) and our criterion bench (release), prints payloads/s and ratios.
# Usage: tests/bench-qr-compare/run.sh   (env: BENCH_SECONDS=3, CARGO_TARGET_DIR as usual)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

npm install --no-audit --no-fund --silent

# Payload sets, from the fixtures' MPM vectors that their sources expect to parse (no `error`,
# valid CRC), keeping those the other parser handles without throwing, so both sides time the
# same payloads: "emvqrcps" (generic parser) and "pix" (the Pix ones, for pix-utils).
mkdir -p payloads
rm -f payloads/*.txt
node -e '
const fs = require("fs");
const { Merchant } = require("emv-qrcps");
const pix = require("pix-utils");
const recs = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
const clean = recs.filter(r => !r.error && r.expect.valid_crc === true);
const ok = f => r => { try { return f(r.payload); } catch (e) { return false; } };
const a = clean.filter(ok(p => Merchant.Parser.toEMVQR(p) && true));
const b = clean.filter(r => r.scheme === "pix").filter(ok(p => !pix.hasError(pix.parsePix(p))));
console.log(`clean ${clean.length}; emv-qrcps parses ${a.length}; pix-utils parses ${b.length} Pix`);
fs.writeFileSync("payloads/emvqrcps.txt", a.map(r => r.payload).join("\n") + "\n");
fs.writeFileSync("payloads/pix.txt", b.map(r => r.payload).join("\n") + "\n");
' "$root/core/wallet-protocol/tests/fixtures/emvco_mpm.jsonl"
wc -l payloads/*.txt

node bench.js | tee "$here/payloads/node.jsonl"

cd "$root"
QR_COMPARE_DIR="$here/payloads" cargo bench -p wallet-protocol --bench qr_decode -- \
  --warm-up-time 1 --measurement-time "${BENCH_SECONDS:-3}" compare/ 2>&1 | tee "$here/payloads/criterion.log"

# Summary: criterion prints "thrpt:  [low mid high]"; take the middle value.
node -e '
const fs = require("fs");
const dir = process.argv[1];
const crit = fs.readFileSync(dir + "/criterion.log", "utf8").split("\n");
const ours = {};
let name = null;
const unit = { "elem/s": 1, "Kelem/s": 1e3, "Melem/s": 1e6, "Gelem/s": 1e9 };
for (const line of crit) {
  const m = line.match(/^(compare\/\S+)/);
  if (m) name = m[1];
  const t = line.match(/thrpt:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]/);
  if (t && name) { ours[name] = Number(t[1]) * unit[t[2]]; name = null; }
}
const fmt = n => Math.round(n).toLocaleString("en-US");
for (const line of fs.readFileSync(dir + "/node.jsonl", "utf8").split("\n").filter(Boolean)) {
  const r = JSON.parse(line);
  for (const kind of ["decode", "parse"]) {
    const o = ours[`compare/${kind}/${r.set}`];
    if (!o) continue;
    console.log(`${r.set} (${r.payloads} payloads): wallet-protocol ${kind} ${fmt(o)}/s vs ${r.parser} ${fmt(r.per_sec)}/s -> ${(o / r.per_sec).toFixed(1)}x`);
  }
}
' "$here/payloads"
