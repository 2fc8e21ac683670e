// What the POS and checkout tests share: the environment scripts/pos-e2e.sh sets, the payer on
// the real `wallet` CLI, the provider's tools, and headless Chromium.
//   POS_SERVER_URL   the server (sandbox mode)
//   POS_SERVER_DB    its database file (for `wallet-server ledger check`)
//   WALLET_SERVER_BIN, WALLET_BIN   the binaries
//   POS_SCRATCH      a scratch directory (each payer's WALLET_HOME goes here)
//   ARTIFACTS        where screenshots go
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Builder } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';

export const SERVER = process.env.POS_SERVER_URL;
export const DB = process.env.POS_SERVER_DB;
const SERVER_BIN = process.env.WALLET_SERVER_BIN;
const WALLET_BIN = process.env.WALLET_BIN;
const SCRATCH = process.env.POS_SCRATCH;
const ARTIFACTS = process.env.ARTIFACTS;
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMEDRIVER = process.env.CHROMEDRIVER_BIN || '/usr/bin/chromedriver';

for (const [name, v] of Object.entries({ SERVER, DB, SERVER_BIN, WALLET_BIN, SCRATCH, ARTIFACTS })) {
  if (!v) throw new Error(`${name} is not set: run scripts/pos-e2e.sh`);
}

/** A payer's `wallet` CLI in its own WALLET_HOME under the scratch dir: runs it with --json and
 * returns the parsed object (throws on exit ≠ 0). */
export function payerCli(dir) {
  const home = path.join(SCRATCH, dir);
  mkdirSync(home, { recursive: true });
  return (args, stdin) => {
    const out = execFileSync(WALLET_BIN, ['--json', ...args], {
      input: stdin === undefined ? '' : `${stdin}\n`,
      env: { ...process.env, WALLET_HOME: home, WALLET_SERVER: SERVER, WALLET_LANG: 'en' },
      encoding: 'utf8',
    });
    return JSON.parse(out.trim().split('\n').pop());
  };
}

export function serverTool(args) {
  const out = execFileSync(SERVER_BIN, args, { encoding: 'utf8', env: { ...process.env, WALLET_SERVER: SERVER } });
  return JSON.parse(out);
}

export function latestCode(phone) {
  return serverTool(['otp', 'outbox', '--phone', phone, '--server', SERVER, '--json']).messages[0].code;
}

/** Every ledger invariant holds in the live server's database. */
export function ledgerCheck() {
  const res = serverTool(['ledger', 'check', '--db', DB, '--json']);
  assert.equal(res.ok, true, JSON.stringify(res));
}

/** Sign-up, PIN, a sandbox debit card that approves, and a top-up of `topup` yuan. */
export function enrolPayer(wallet, { phone, bankPhone, pin, password, topup }) {
  wallet(['signup', '--phone', phone, '--name', '李明', '--id-number', '11010519491231002X', '--password-stdin'], password);
  wallet(['verify', '--code', latestCode(phone)]);
  wallet(['pin', 'set', '--pin-stdin'], pin);
  const card = serverTool(['sandbox', 'cards', '--json']).cards.find(
    (c) => c.outcome === 'approve' && c.card_type === 'debit',
  );
  assert.ok(card, 'a sandbox card that approves');
  wallet(['card', 'bind', '--number', card.number, '--bank-phone', bankPhone]);
  wallet(['card', 'verify', '--code', latestCode(bankPhone)]);
  assert.equal(wallet(['topup', topup, '--pin-stdin'], pin).status, 'succeeded');
  ledgerCheck();
}

/** Headless Chromium with a window of `size` (`W,H`) and any extra arguments. */
export function startChromium(size, ...extra) {
  const options = new chrome.Options()
    .setChromeBinaryPath(CHROMIUM)
    .addArguments(
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extra,
      `--window-size=${size}`,
    );
  return (
    new Builder()
      .forBrowser('chrome')
      .setChromeOptions(options)
      // Chromium stays off the private session bus (kept for the CLI's Secret Service): no
      // desktop portals to start in a headless run.
      .setChromeService(
        new chrome.ServiceBuilder(CHROMEDRIVER).setEnvironment({
          ...process.env,
          DBUS_SESSION_BUS_ADDRESS: 'disabled:',
        }),
      )
      .build()
  );
}

/** Saves the page as $ARTIFACTS/PREFIX-NAME.png. */
export async function screenshot(driver, prefix, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `${prefix}-${name}.png`), await driver.takeScreenshot(), 'base64');
}
