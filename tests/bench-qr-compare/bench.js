// Times other public EMVCo parsers on the payload sets written by run.sh (payloads/<set>.txt),
// parse only, same payloads, many iterations; prints one JSON line per (parser, set).
'use strict';
const fs = require('fs');
const path = require('path');
const { Merchant } = require('emv-qrcps');
const pix = require('pix-utils');

const dir = path.join(__dirname, 'payloads');
const seconds = Number(process.env.BENCH_SECONDS || 3);

function load(set) {
  return fs.readFileSync(path.join(dir, `${set}.txt`), 'utf8').split('\n').filter(Boolean);
}

function time(name, set, payloads, parse) {
  let sink = 0;
  // Warm-up (JIT), then count whole passes over the set for `seconds`.
  const warmEnd = process.hrtime.bigint() + 500_000_000n;
  while (process.hrtime.bigint() < warmEnd) for (const p of payloads) sink += parse(p);
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let passes = 0;
  let now = start;
  while (now < end) {
    for (const p of payloads) sink += parse(p);
    passes++;
    now = process.hrtime.bigint();
  }
  const secs = Number(now - start) / 1e9;
  const rate = (passes * payloads.length) / secs;
  console.log(JSON.stringify({ parser: name, set, payloads: payloads.length, per_sec: Math.round(rate), sink }));
}

// emv-qrcps (steplix): generic MPM parser, parse only (it does not check the CRC).
const emvqrcps = (p) => {
  const q = Merchant.Parser.toEMVQR(p);
  return typeof q === "object" ? 1 : 0;
};
// pix-utils: Pix BR Code parser, validates the CRC and Pix rules.
const pixutils = (p) => {
  const r = pix.parsePix(p);
  return pix.hasError(r) ? 0 : 1;
};

time('emv-qrcps@0.0.7 Parser.toEMVQR', 'emvqrcps', load('emvqrcps'), emvqrcps);
time('pix-utils@2.8.2 parsePix', 'pix', load('pix'), pixutils);
