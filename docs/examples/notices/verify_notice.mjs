// Verify a Wallet merchant notice (server/README.md, "Merchant notices"). Node 18+, no packages.
//
// Use verify(...) in your handler with the raw body (a Buffer, before JSON.parse) and the
// three headers. From the command line (what the end-to-end test runs):
//
//   NOTICE_SECRET=nsk_... node verify_notice.mjs TIMESTAMP SIGNATURE BODY_FILE
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const TOLERANCE_SECS = 300;

export function verify(secret, timestamp, signature, body, now = Math.floor(Date.now() / 1000)) {
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > TOLERANCE_SECS) {
    throw new Error('timestamp missing or too far from now');
  }
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  const expected = Buffer.from(`v1=${mac}`);
  const given = Buffer.from(signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Error('signature does not match');
  }
  return JSON.parse(body.toString('utf8'));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [timestamp, signature, file] = process.argv.slice(2);
  if (!file || !process.env.NOTICE_SECRET) {
    console.error('usage: NOTICE_SECRET=nsk_... node verify_notice.mjs TIMESTAMP SIGNATURE BODY_FILE');
    process.exit(2);
  }
  try {
    const n = verify(process.env.NOTICE_SECRET, timestamp, signature, readFileSync(file));
    console.log(`ok ${n.notice_id} ${n.event} ${n.order_id} ${n.amount.minor}`);
  } catch (e) {
    console.log(`refused: ${e.message}`);
    process.exit(1);
  }
}
