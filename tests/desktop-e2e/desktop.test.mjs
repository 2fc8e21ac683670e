// Desktop end-to-end test: the real `wallet-desktop` binary in real WebKitGTK (through
// tauri-driver + WebKitWebDriver), against a real `wallet-server --sandbox` with a temporary
// database, with its profile in a temporary WALLET_HOME and its key in the Secret Service.
//
// Run it through scripts/desktop-e2e.sh, which builds everything and provides the X server and
// the Secret Service session. Environment: CARGO_TARGET_DIR (default <repo>/target),
// TAURI_DRIVER (default <repo>/.tools/bin/tauri-driver), ARTIFACTS (default <repo>/tests/artifacts).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { Builder, By, Key, until } from 'selenium-webdriver';
import { Select } from 'selenium-webdriver/lib/select.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const SERVER_BIN = path.join(TARGET, 'debug', 'wallet-server');
const CLI_BIN = path.join(TARGET, 'debug', 'wallet');
const APP_BIN = path.join(TARGET, 'debug', 'wallet-desktop');
const TAURI_DRIVER = process.env.TAURI_DRIVER || path.join(ROOT, '.tools', 'bin', 'tauri-driver');
const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests', 'artifacts');

const PHONE = '13800138000';
const NAME = '李明';
const ID_NUMBER = '11010519491231002X';
const PASSWORD = 'correct-Horse-battery-staple-93';
/** Not a run, not repeated, not in the common-PIN list, not from the phone, ID or birthday. */
const PIN = '860527';
/** Another user's phone (their own device is the CLI), reported lost from the desktop. */
const PHONE_A = '13900139000';
/** A's number after the phone-number change. */
const PHONE_A2 = '13700137000';
/** A's number now. */
let phoneA = PHONE_A;

const run = promisify(execFile);
const children = [];
let tmp;
let serverUrl;
let driverPort;
let driver;

/** A free TCP port on loopback. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}

function startChild(name, cmd, args, env) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.log = log;
  return child;
}

/** Starts `wallet-server serve` on a free port and returns its base URL. */
async function startServer(db) {
  // No minimum interval between SMS codes: the lost-phone tests sign the same number in again
  // within seconds.
  const child = startChild('server', SERVER_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--sandbox', '--otp-min-interval-secs', '0'], {
    RUST_LOG: process.env.RUST_LOG || 'info',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wallet-server did not start:\n${child.log.join('')}`)), 60_000);
    let buf = '';
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      const m = buf.match(/wallet-server listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wallet-server exited with ${code}:\n${child.log.join('')}`));
    });
  });
}

/** The sandbox bank's test card for `bank` with `outcome` (from `wallet-server sandbox cards`). */
async function sandboxCard(bank, outcome, cardType = 'debit') {
  const { stdout } = await run(SERVER_BIN, ['sandbox', 'cards', '--json']);
  const card = JSON.parse(stdout).cards.find((c) => c.bank === bank && c.outcome === outcome && c.card_type === cardType);
  assert.ok(card, `no ${bank} ${cardType} ${outcome} test card in: ${stdout}`);
  return card.number;
}

/** The newest OTP the sandbox SMS outbox holds for `phone`. */
async function latestOtp(phone, purpose) {
  const { stdout } = await run(SERVER_BIN, ['otp', 'outbox', '--phone', phone, '--server', serverUrl, '--json']);
  const { messages } = JSON.parse(stdout);
  const msg = messages.find((m) => !purpose || m.purpose === purpose);
  assert.ok(msg, `no ${purpose ?? ''} OTP in the outbox for ${phone}: ${stdout}`);
  assert.match(msg.code, /^\d{6}$/);
  return msg.code;
}

/** Runs a `wallet-server merchant ...` tool against the test server and returns its JSON. */
async function merchantTool(...args) {
  const { stdout } = await run(SERVER_BIN, ['merchant', ...args, '--server', serverUrl, '--json']).catch((e) => {
    throw new Error(`wallet-server merchant ${args[0]} failed: ${e.stderr || e.message}`);
  });
  return JSON.parse(stdout);
}

/** A merchant on record at the server: id, API key and its static payload. */
async function createMerchant(name, city, mcc = '5812') {
  const out = await merchantTool('create', '--name', name, '--city', city, '--mcc', mcc);
  const id = out.id ?? out.merchant_id ?? out.merchant?.merchant_id;
  assert.ok(id && out.api_key && out.payload, `merchant create answered ${JSON.stringify(out)}`);
  return { id, apiKey: out.api_key, payload: out.payload };
}

/** A merchant order: a dynamic code, or with `phone` a remote order for that account. */
async function createOrder(merchant, amount, extra = []) {
  const out = await merchantTool('order', '--merchant', merchant.id, '--api-key', merchant.apiKey, '--amount', amount, ...extra);
  const orderId = out.order_id ?? out.order?.order_id;
  assert.ok(orderId, `merchant order answered ${JSON.stringify(out)}`);
  return { orderId, payload: out.payload ?? out.order?.payload };
}

async function orderStatus(merchant, orderId) {
  const out = await merchantTool('show-order', '--merchant', merchant.id, '--api-key', merchant.apiKey, '--order', orderId);
  return out.status ?? out.order?.status;
}

/**
 * Runs the `wallet` CLI as another device (its own home directory under the temp dir) with
 * `--json`; answers `{ code, json }` (the exit code and the one JSON object it prints).
 */
async function cli(home, args, stdin) {
  const child = spawn(CLI_BIN, ['--json', '--server', serverUrl, '--home', path.join(tmp, home), ...args], {
    env: { ...process.env, WALLET_DEVICE_NAME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  child.stdin.end(stdin === undefined ? '' : `${stdin}\n`);
  const code = await new Promise((resolve) => child.once('close', resolve));
  try {
    return { code, json: JSON.parse(out.trim()) };
  } catch {
    throw new Error(`wallet ${args[0]} printed no JSON (exit ${code}): ${out} ${err}`);
  }
}

/** Signs `phone` up with the CLI in its own home (a phone of another user), verified by SMS. */
async function cliSignup(home, phone) {
  const started = await cli(home, ['signup', '--phone', phone, '--name', NAME, '--id-number', ID_NUMBER, '--password-stdin'], PASSWORD);
  assert.equal(started.code, 0, JSON.stringify(started.json));
  const verified = await cli(home, ['verify', '--code', await latestOtp(phone, 'signup')]);
  assert.equal(verified.code, 0, JSON.stringify(verified.json));
  return verified.json;
}

/** What a support agent sees for `phone` (`wallet-server support lookup`, straight on the database). */
async function supportLookup(phone) {
  const { stdout } = await run(SERVER_BIN, ['support', 'lookup', '--phone', phone, '--db', path.join(tmp, 'server.db'), '--json']);
  return JSON.parse(stdout);
}

/** Renders `payload` as a QR code PNG in the temp dir, as a photo or screenshot of it would be. */
async function qrPng(payload, name) {
  const file = path.join(tmp, name);
  await QRCode.toFile(file, payload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
  return file;
}

async function newSession() {
  return new Builder()
    .usingServer(`http://127.0.0.1:${driverPort}/`)
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application: APP_BIN } })
    .build();
}

const byTestId = (id) => By.css(`[data-testid="${id}"]`);

async function find(id, ms = 20_000) {
  const el = await driver.wait(until.elementLocated(byTestId(id)), ms, `no [data-testid=${id}]`);
  await driver.wait(until.elementIsVisible(el), ms, `[data-testid=${id}] not visible`);
  return el;
}

/** Waits until WebKit has painted the current DOM (its screenshots show the last painted frame). */
async function settle() {
  await driver.executeAsyncScript(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 250)));',
  );
}

/** Types six digits into a code or PIN field once it is enabled again. */
async function typeCode(id, digits) {
  const el = await find(id);
  await driver.wait(until.elementIsEnabled(el), 20_000, `[data-testid=${id}] stays disabled`);
  await el.sendKeys(digits);
}

/** Fails with what the UI says when `id` does not appear. */
async function findOrExplain(id, ms = 30_000) {
  return find(id, ms).catch(async (e) => {
    const errs = await driver.findElements(By.css('[data-testid$="-error"], [role="alert"]'));
    const texts = await Promise.all(errs.map((el) => el.getText().catch(() => '')));
    throw new Error(`no [data-testid=${id}] (screen=${await currentScreen()}, errors=${JSON.stringify(texts)}): ${e.message}`);
  });
}

/**
 * Opens a screen from home once home has stopped moving. Home's first loads can add a notice or a
 * banner above its rows, and a click aimed at a row that moved lands on the row next to it.
 */
async function openFromHome(id, screenName, ms = 20_000) {
  await driver.wait(until.elementLocated(By.css('[data-testid="screen-home"][aria-busy="false"]')), ms, 'home never finished loading');
  await (await find(id, ms)).click();
  await driver
    .wait(async () => (await currentScreen()) === screenName, ms)
    .catch(async () => {
      throw new Error(`[data-testid=${id}] opened the ${await currentScreen()} screen, not ${screenName}`);
    });
}

async function screenshot(name) {
  await settle();
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await writeFile(file, Buffer.from(await driver.takeScreenshot(), 'base64'));
  return file;
}

/** The app's screen as the UI reports it, for clearer failure messages. */
async function currentScreen() {
  try {
    return await driver.findElement(By.css('.app')).getAttribute('data-screen');
  } catch {
    return '(no app root)';
  }
}

describe('wallet desktop app', () => {
  before(async () => {
    for (const [what, file] of [
      ['wallet-server', SERVER_BIN],
      ['wallet', CLI_BIN],
      ['wallet-desktop', APP_BIN],
      ['tauri-driver', TAURI_DRIVER],
    ]) {
      assert.ok(existsSync(file), `${what} missing at ${file}; run scripts/desktop-e2e.sh`);
    }
    tmp = await mkdtemp(path.join(os.tmpdir(), 'wallet-desktop-e2e-'));
    serverUrl = await startServer(path.join(tmp, 'server.db'));

    driverPort = await freePort();
    const nativePort = await freePort();
    // tauri-driver launches WebKitWebDriver, which launches the app with this environment.
    startChild('tauri-driver', TAURI_DRIVER, ['--port', String(driverPort), '--native-port', String(nativePort)], {
      WALLET_SERVER: serverUrl,
      WALLET_HOME: path.join(tmp, 'home'),
      RUST_LOG: 'info',
    });
    await waitForPort(driverPort, 30_000);
    driver = await newSession();
  });

  after(async () => {
    if (driver) await driver.quit().catch(() => {});
    for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    if (tmp && !process.env.E2E_KEEP_TMP) await rm(tmp, { recursive: true, force: true });
    // A keep-alive socket to the stopped tauri-driver once held the process open after every
    // test had passed (CI waited on it): leave a moment for the report, then exit. Unref'd, so
    // it never delays an exit that happens anyway.
    setTimeout(() => process.exit(process.exitCode ?? 0), 3_000).unref();
  });

  it('signs up through the UI and lands on home', async () => {
    await (await find('welcome-signup', 60_000)).click();

    await (await find('signup-phone')).sendKeys(PHONE);
    await (await find('signup-name')).sendKeys(NAME);
    await (await find('signup-id')).sendKeys(ID_NUMBER);
    await (await find('signup-password')).sendKeys(PASSWORD);

    // The live meter shows Rust zxcvbn's verdict.
    const meter = await find('password-strength');
    await driver.wait(async () => (await meter.getAttribute('data-acceptable')) === 'true', 15_000, 'password never rated acceptable');
    assert.ok(Number(await meter.getAttribute('data-score')) >= 3);
    await screenshot('desktop-signup-form.png');

    await (await find('signup-submit')).click();
    const masked = await find('otp-phone', 30_000).catch(async (e) => {
      const err = await driver.findElements(byTestId('form-error'));
      const text = err.length ? await err[0].getText() : '';
      throw new Error(`no OTP screen (screen=${await currentScreen()}, error="${text}"): ${e.message}`);
    });
    assert.match(await masked.getText(), /138\*{4}8000/);
    await screenshot('desktop-otp.png');

    const code = await latestOtp(PHONE, 'signup');
    await (await find('otp-input')).sendKeys(code);

    const name = await find('home-name', 30_000).catch(async (e) => {
      const err = await driver.findElements(byTestId('form-error'));
      const text = err.length ? await err[0].getText() : '';
      throw new Error(`no home screen (screen=${await currentScreen()}, error="${text}"): ${e.message}`);
    });
    assert.match(await name.getText(), new RegExp(NAME));
    assert.match(await (await find('home-phone')).getText(), /138\*{4}8000/);
    // Balance stays hidden until tapped.
    assert.match(await (await find('balance-value')).getText(), /•/);

    const file = await screenshot('desktop-signup.png');
    console.log(`screenshot: ${file}`);
  });

  it('lists this device in the device list', async () => {
    await openFromHome('home-devices', 'devices');
    const current = await find('device-current', 30_000);
    assert.ok(await current.isDisplayed());
    const devices = await driver.findElements(byTestId('device'));
    assert.equal(devices.length, 1);
    assert.match(await devices[0].getText(), /Wallet desktop on /);
    await screenshot('desktop-devices.png');

    // The language menu switches the whole UI, dates included.
    await new Select(await find('language-select')).selectByValue('zh-CN');
    await driver.wait(async () => (await current.getText()) === '本机', 10_000, 'language did not switch');
    assert.match(await devices[0].getText(), /添加于 \d{4}年/);
    await screenshot('desktop-devices-zh-CN.png');
    await new Select(await find('language-select')).selectByValue('en');
    await driver.wait(async () => (await current.getText()) === 'This device', 10_000);

    await (await find('back')).click();
    await find('home-name');
  });

  it('reopens signed in: the encrypted profile and its key in the Secret Service survive a restart', async () => {
    await driver.quit();
    driver = await newSession();
    const name = await find('home-name', 60_000).catch(async (e) => {
      const err = await driver.findElements(byTestId('startup-error'));
      const text = err.length ? await err[0].getText() : '';
      throw new Error(`not signed in after restart (screen=${await currentScreen()}, error="${text}"): ${e.message}`);
    });
    assert.match(await name.getText(), new RegExp(NAME));
  });

  it('bind a sandbox card and top up through the UI', async () => {
    const number = await sandboxCard('CMB', 'approve');

    await openFromHome('action-cards', 'cards');
    await find('screen-cards');
    await (await find('cards-add')).click();

    // No payment PIN yet: the binding flow creates it first (entered twice).
    await typeCode('pin-new', PIN);
    await typeCode('pin-new-again', PIN);
    await findOrExplain('pin-created');

    // Live offline inspection while typing; the bank-reserved phone is prefilled.
    await (await find('bind-number')).sendKeys(number);
    const inspection = await find('bind-inspection');
    await driver.wait(async () => (await inspection.getAttribute('data-complete')) === 'true', 10_000, 'card number never inspected as complete');
    assert.match(await inspection.getText(), /China Merchants Bank · debit card · UnionPay/);
    assert.equal(await (await find('bind-phone')).getAttribute('value'), PHONE);
    await screenshot('desktop-bind-card.png');
    await (await find('bind-submit')).click();

    assert.match(await (await findOrExplain('bind-code-phone')).getText(), /138\*{4}8000/);
    await typeCode('bind-code', await latestOtp(PHONE, 'card_bind'));
    const done = await findOrExplain('bind-done');
    assert.match(await done.getText(), new RegExp(`China Merchants Bank debit card \\(${number.slice(-4)}\\)`));

    // The cards screen lists it as the default card.
    await (await find('bind-finish')).click();
    const card = await findOrExplain('card');
    assert.match(await card.getText(), new RegExp(`•••• ${number.slice(-4)}`));
    assert.match(await (await find('card-default')).getText(), /Default/);
    await screenshot('desktop-cards.png');
    await (await find('back')).click();

    // Top up ¥100.00: amount and card → confirm with the PIN → receipt.
    await openFromHome('action-topup', 'top-up');
    await (await find('amount')).sendKeys('100.00');
    await screenshot('desktop-topup.png');
    await (await find('move-continue')).click();
    assert.equal(await (await findOrExplain('confirm-amount')).getText(), '¥100.00');
    assert.match(await (await find('confirm-from')).getText(), new RegExp(`China Merchants Bank debit card \\(${number.slice(-4)}\\)`));
    await screenshot('desktop-topup-confirm.png');
    await typeCode('topup-pin', PIN);
    const receipt = await findOrExplain('receipt');
    await driver.wait(async () => (await receipt.getAttribute('data-status')) === 'succeeded', 30_000, 'top-up never succeeded');
    assert.equal(await (await find('receipt-amount')).getText(), '+¥100.00');
    await screenshot('desktop-topup-receipt.png');

    // Home shows the new balance (after a tap) and the operation with sign and word.
    await (await find('receipt-done')).click();
    await (await find('balance-toggle')).click();
    const balance = await find('balance-value');
    await driver.wait(async () => (await balance.getText()) === '¥100.00', 15_000, 'balance never showed ¥100.00');
    const op = await find('operation');
    assert.match(await op.getText(), /Top-up/);
    assert.match(await op.getText(), /\+¥100\.00/);
    assert.match(await op.getText(), /Succeeded/);
    await screenshot('desktop-home-balance.png');
  });
  it('pay a dynamic QR from an image file', async () => {
    const merchant = await createMerchant('Lanzhou Noodles', 'Shanghai', '5812');
    const { orderId, payload } = await createOrder(merchant, '23.50');
    assert.match(payload, /^000201/);
    const png = await qrPng(payload, 'dynamic-order.png');

    await openFromHome('action-scan', 'scan');
    await find('screen-scan');
    await screenshot('desktop-scan.png');

    // The real file chooser path: WebDriver "send keys" on the <input type=file> sets its file
    // list as a user's pick would; the page reads the bytes and the core decodes the image.
    const input = await driver.findElement(byTestId('scan-file'));
    await input.sendKeys(png);

    const confirm = await findOrExplain('pay-confirm');
    assert.equal(await confirm.getAttribute('data-channel'), 'dynamic_qr');
    assert.equal(await (await find('confirm-amount')).getText(), '¥23.50');
    assert.equal(await (await find('confirm-merchant-name')).getText(), 'Lanzhou Noodles');
    assert.match(await confirm.getText(), /Shanghai · Restaurant/);
    await driver.wait(async () => /¥100\.00 available/.test(await (await find('confirm-source')).getText()), 15_000, 'balance never shown');
    assert.equal((await driver.findElements(byTestId('name-mismatch'))).length, 0);
    await screenshot('desktop-pay-confirm.png');

    await (await find('pay-submit')).click();
    await typeCode('pin-dialog-input', PIN);
    const receipt = await findOrExplain('receipt');
    await driver.wait(async () => (await receipt.getAttribute('data-status')) === 'succeeded', 30_000, 'payment never succeeded');
    assert.equal(await (await find('receipt-status')).getText(), 'Payment succeeded');
    assert.equal(await (await find('receipt-amount')).getText(), '−¥23.50');
    assert.equal(await (await find('receipt-merchant')).getText(), 'Lanzhou Noodles');
    assert.equal(await (await find('receipt-order')).getText(), orderId);
    assert.ok((await (await find('receipt-reference')).getText()).length > 0);
    await screenshot('desktop-pay-receipt.png');

    // The merchant's side agrees: the order is paid.
    assert.equal(await orderStatus(merchant, orderId), 'paid');

    await (await find('receipt-done')).click();
    const op = await find('operation');
    assert.match(await op.getText(), /Payment/);
    assert.match(await op.getText(), /Lanzhou Noodles/);
    assert.match(await op.getText(), /−¥23\.50/);
  });

  it('shows a link from a QR image as text and does not open it', async () => {
    const png = await qrPng('https://wallet-login.example.net/verify', 'link.png');
    await openFromHome('action-scan', 'scan');
    await (await driver.findElement(byTestId('scan-file'))).sendKeys(png);
    const info = await findOrExplain('qr-info');
    assert.equal(await info.getAttribute('data-kind'), 'url');
    assert.equal(await (await find('qr-text')).getText(), 'https://wallet-login.example.net/verify');
    assert.equal((await driver.findElements(By.css('main a'))).length, 0);
    await (await find('back')).click();
    await (await find('back')).click();
    await find('home-name');
  });

  it('shows the payment code, made offline from this device', async () => {
    await openFromHome('action-pay', 'paycode');
    const qr = await findOrExplain('paycode-qr', 30_000);
    assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/);
    assert.match(await (await find('paycode-digits')).getText(), /^\d{4} •••• •••• •••• ••$/);
    assert.match(await (await find('paycode-countdown')).getText(), /^New code in \d+ s$/);
    // The image really loaded (an SVG the core made), with a size.
    const loaded = await driver.executeScript(
      'const i = arguments[0]; return i.complete && i.naturalWidth > 0;',
      qr,
    );
    assert.ok(loaded, 'payment-code QR image did not load');
    await (await find('paycode-toggle-digits')).click();
    assert.match(await (await find('paycode-digits')).getText(), /^\d{4} \d{4} \d{4} \d{4} \d{2}$/);
    await driver.wait(async () => /Up to ¥/.test(await (await find('paycode-limits')).getText()), 15_000, 'no-PIN limits never shown');
    await screenshot('desktop-paycode.png');

    // A cashier scans it: under the no-PIN limit it is paid at once, and the screen shows the
    // receipt by itself.
    const merchant = await createMerchant('Corner Store', 'Hangzhou', '5499');
    const code = (await (await find('paycode-digits')).getText()).replace(/\s/g, '');
    const charged = await merchantTool('charge-code', '--merchant', merchant.id, '--api-key', merchant.apiKey, '--code', code, '--amount', '8.80');
    assert.equal(charged.status ?? charged.order?.status, 'paid', JSON.stringify(charged));
    const receipt = await findOrExplain('receipt', 30_000);
    assert.equal(await receipt.getAttribute('data-status'), 'succeeded');
    assert.equal(await (await find('receipt-amount')).getText(), '−¥8.80');
    assert.equal(await (await find('receipt-merchant')).getText(), 'Corner Store');
    await (await find('receipt-done')).click();
    await find('home-name');
  });

  it('confirms a remote order from the orders inbox with the PIN', async () => {
    const merchant = await createMerchant('Fresh Mart', 'Beijing', '5411');
    const { orderId } = await createOrder(merchant, '12.00', ['--phone', PHONE, '--description', 'Groceries, order 1182']);
    // Home polls for orders: the badge appears by itself.
    const waiting = await find('orders-waiting', 30_000);
    assert.match(await waiting.getText(), /Fresh Mart asks for ¥12\.00/);
    await screenshot('desktop-home-orders.png');
    await waiting.click();
    const item = await findOrExplain('order');
    assert.match(await item.getText(), /Groceries, order 1182/);
    assert.match(await item.getText(), /Expires in \d+:\d\d/);
    await screenshot('desktop-orders.png');

    await (await find(`order-pay-${orderId}`)).click();
    await typeCode('pin-dialog-input', PIN);
    const receipt = await findOrExplain('receipt');
    await driver.wait(async () => (await receipt.getAttribute('data-status')) === 'succeeded', 30_000, 'order payment never succeeded');
    assert.equal(await (await find('receipt-amount')).getText(), '−¥12.00');
    assert.equal(await orderStatus(merchant, orderId), 'paid');
    await (await find('receipt-done')).click();
    await find('home-name');
  });

  it('search history and see the chart', async () => {
    // Two more payments at merchants of other categories (a Chinese name on purpose), through the
    // orders inbox with the PIN: 5812 eating out, 4121 taxi.
    const snack = await createMerchant('沙县小吃', '福州', '5812');
    const taxi = await createMerchant('Dida Taxi', 'Shanghai', '4121');
    for (const [merchant, amount] of [
      [snack, '18.00'],
      [taxi, '15.00'],
    ]) {
      const { orderId } = await createOrder(merchant, amount, ['--phone', PHONE, '--description', `order ${amount}`]);
      await openFromHome('home-orders', 'orders');
      await (await findOrExplain(`order-pay-${orderId}`)).click();
      await typeCode('pin-dialog-input', PIN);
      const receipt = await findOrExplain('receipt');
      await driver.wait(async () => (await receipt.getAttribute('data-status')) === 'succeeded', 30_000, `payment of ${amount} never succeeded`);
      assert.equal(await orderStatus(merchant, orderId), 'paid');
      await (await find('receipt-done')).click();
      await find('home-name');
    }

    // A transfer to another user: the masked name and number show before the PIN.
    const PHONE_B = '13600136000';
    await cliSignup('phone-b', PHONE_B);
    await openFromHome('action-transfer', 'transfer');
    await (await find('transfer-phone')).sendKeys(PHONE_B);
    await (await find('transfer-lookup')).click();
    const recipient = await findOrExplain('transfer-recipient');
    assert.equal(await recipient.getText(), 'Send to *明 (+86 136****6000)?');
    await (await find('amount')).sendKeys('5.00');
    await (await find('transfer-note')).sendKeys('lunch');
    await screenshot('desktop-history-transfer.png');
    await (await find('transfer-continue')).click();
    await typeCode('pin-dialog-input', PIN);
    const sent = await findOrExplain('receipt');
    assert.equal(await sent.getAttribute('data-status'), 'succeeded');
    assert.equal(await (await find('receipt-amount')).getText(), '−¥5.00');
    await (await find('receipt-done')).click();

    // History: synced on open; a 2-character search finds the one Chinese merchant.
    await openFromHome('home-history', 'history');
    await findOrExplain('history-list');
    await driver.wait(async () => (await driver.findElements(byTestId('history-entry'))).length >= 6, 20_000, 'history never listed the payments and the transfer');
    await screenshot('desktop-history-list.png');
    await (await find('history-search')).sendKeys('小吃');
    await driver.wait(
      async () => {
        const rows = await driver.findElements(byTestId('history-entry'));
        return rows.length === 1 && (await driver.findElement(byTestId('history-list')).getAttribute('data-filtered')) === 'true';
      },
      20_000,
      'the search did not narrow the list to one entry',
    );
    assert.equal(await (await find('history-party')).getText(), '沙县小吃');
    assert.equal(await (await find('history-amount')).getText(), '−¥18.00');
    await screenshot('desktop-history-search.png');
    await (await find('history-open')).click();
    assert.equal(await (await findOrExplain('detail-merchant')).getText(), '沙县小吃, 福州');
    assert.equal(await (await find('detail-mcc')).getText(), '5812');
    assert.equal(await (await find('detail-category')).getText(), 'Food & drink');
    assert.equal(await (await find('detail-status')).getText(), 'Succeeded');
    await screenshot('desktop-history-detail.png');
    await (await find('detail-back')).click();

    // The chart: this month by category, with the core's totals.
    await (await find('history-insight')).click();
    await findOrExplain('insight-chart');
    const totals = {};
    await driver.wait(async () => (await driver.findElements(byTestId('chart-bar'))).length >= 3, 20_000, 'the chart has fewer than 3 bars');
    for (const bar of await driver.findElements(byTestId('chart-bar'))) {
      totals[await bar.getAttribute('data-category')] = await bar.getAttribute('aria-label');
    }
    // 23.50 (Lanzhou Noodles) + 18.00 (沙县小吃); 15.00 taxi; 8.80 + 12.00 groceries. The transfer is not spending.
    assert.equal(totals.food, 'Food & drink: ¥41.50');
    assert.equal(totals.transport, 'Transport: ¥15.00');
    assert.equal(totals.groceries, 'Groceries: ¥20.80');
    assert.equal(await (await find('insight-spent')).getText(), 'Spent ¥77.30');
    await screenshot('desktop-history-chart.png');
    // Back to home through history (the next test needs home's polling).
    await (await find('back')).click();
    await find('screen-history');
    await (await find('back')).click();
    await find('home-name');
  });

  it('confirms a web checkout sent to this phone number from the checkout page', async () => {
    // The merchant's site makes a checkout; the payer types this number on the provider's
    // checkout page (its own call, as the page's script makes it); the app's inbox confirms it.
    const merchant = await createMerchant('Sandbox Books', 'Hangzhou', '5942');
    const made = await merchantTool(
      'checkout', '--merchant', merchant.id, '--api-key', merchant.apiKey, '--amount', '9.90',
      '--description', 'Web order 77', '--return-url', 'https://shop.example/return?cart=77',
    );
    const token = made.checkout_path.split('/').pop();
    const pushed = await fetch(`${serverUrl}/v1/checkout/${token}/phone`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: PHONE }),
    });
    assert.equal(pushed.status, 202);
    const waiting = await find('orders-waiting', 30_000);
    assert.match(await waiting.getText(), /Sandbox Books asks for ¥9\.90/);
    await waiting.click();
    const item = await findOrExplain('order');
    assert.match(await item.getText(), /Web order 77/);
    await screenshot('desktop-checkout-order.png');
    await (await find(`order-pay-${made.order_id}`)).click();
    await typeCode('pin-dialog-input', PIN);
    const receipt = await findOrExplain('receipt');
    await driver.wait(async () => (await receipt.getAttribute('data-status')) === 'succeeded', 30_000, 'checkout payment never succeeded');
    assert.equal(await (await find('receipt-amount')).getText(), '−¥9.90');
    // The checkout page now sends the payer back to the shop with the result.
    const view = await (await fetch(`${serverUrl}/v1/checkout/${token}`)).json();
    assert.equal(view.status, 'paid');
    assert.equal(view.return_url, `https://shop.example/return?cart=77&order_id=${made.order_id}&status=paid`);
    await (await find('receipt-done')).click();
    await find('home-name');
  });

  it('settings show the provider WALLET_SERVER chose; About shows version, build, provider and data location', async () => {
    await openFromHome('home-settings', 'settings');
    const current = await findOrExplain('settings-provider-current');
    assert.equal(await current.getText(), serverUrl);
    assert.equal(await current.getAttribute('data-source'), 'env');
    assert.match(await (await find('settings-provider-source')).getText(), /WALLET_SERVER/);
    // Signed in (and chosen by the environment): not editable here.
    assert.equal((await driver.findElements(byTestId('settings-provider-url'))).length, 0);
    await screenshot('desktop-settings.png');

    await (await find('settings-about')).click();
    assert.match(await (await findOrExplain('about-provider')).getText(), new RegExp(`^${serverUrl.replace(/[.]/g, '\\.')} \\(from WALLET_SERVER\\)`));
    assert.equal(await (await find('about-data-dir')).getText().then((t) => t.split('\n')[0]), path.join(tmp, 'home'));
    assert.equal(await (await find('about-identifier')).getText(), 'com.walletpay.desktop');
    assert.match(await (await find('about-version')).getText(), /^\d+\.\d+\.\d+/);
    assert.match(await (await find('about-build')).getText(), /\((debug|release)\)$/);
    await screenshot('desktop-about.png');
    await (await find('back')).click();
    await find('screen-settings');
  });

  it('text zoom: Ctrl + enlarges the page, Ctrl − shrinks it, the level survives a restart, Ctrl 0 resets', async () => {
    const zoom = () => driver.executeScript('return document.documentElement.dataset.zoom');
    const press = (key) => driver.actions().keyDown(Key.CONTROL).sendKeys(key).keyUp(Key.CONTROL).perform();
    await find('screen-settings');
    assert.equal(await zoom(), '1');
    await press('=');
    await press('=');
    await driver.wait(async () => (await zoom()) === '1.25', 5_000, 'Ctrl + did not zoom in');
    assert.equal(await (await find('zoom-level')).getText(), '125%');
    await screenshot('desktop-zoom.png');
    await press('-');
    await driver.wait(async () => (await zoom()) === '1.1', 5_000, 'Ctrl − did not zoom out');

    await driver.quit();
    driver = await newSession();
    await findOrExplain('home-name', 60_000);
    assert.equal(await zoom(), '1.1');
    // Back to 100 % before clicking anything: WebKitWebDriver places clicks without the page zoom.
    await press('0');
    await driver.wait(async () => (await zoom()) === '1', 5_000, 'Ctrl 0 did not reset');
    await openFromHome('home-settings', 'settings');
    await find('screen-settings');
  });

  it('"Lock now": the backend refuses wallet calls from the page until the PIN; quitting does not unlock', async () => {
    await (await find('settings-lock-now')).click();
    await findOrExplain('screen-lock');
    await screenshot('desktop-lock.png');
    // Not the page's state: a wallet command invoked straight from the page is refused.
    const answer = await driver.executeAsyncScript(
      "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke('balance').then((r) => done({ ok: r }), (e) => done({ err: e }));",
    );
    assert.equal(answer.err?.code, 'APP_LOCKED', JSON.stringify(answer));

    // Quitting does not unlock.
    await driver.quit();
    driver = await newSession();
    await findOrExplain('screen-lock', 60_000);
    await typeCode('lock-pin', '000001');
    assert.match(await (await find('lock-pin-error')).getText(), /wrong/i);
    await typeCode('lock-pin', PIN);
    await findOrExplain('home-name', 30_000);
    const ok = await driver.executeAsyncScript(
      "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke('balance').then((r) => done({ ok: r }), (e) => done({ err: e }));",
    );
    assert.ok(ok.ok, JSON.stringify(ok));
  });

  it('dialogs are native modal <dialog>s that keep focus inside; Escape closes them', async () => {
    await openFromHome('home-devices', 'devices');
    await (await find('logout')).click();
    const dialog = await find('confirm-dialog');
    assert.equal(await dialog.getTagName(), 'dialog');
    assert.equal(await driver.executeScript("return document.querySelector('[data-testid=confirm-dialog]').matches(':modal')"), true);
    const inside = () => driver.executeScript("return document.querySelector('[data-testid=confirm-dialog]').contains(document.activeElement)");
    assert.equal(await inside(), true);
    for (let i = 0; i < 6; i++) {
      await driver.actions().sendKeys(Key.TAB).perform();
      assert.equal(await inside(), true, `focus left the dialog after ${i + 1} Tab(s)`);
    }
    await driver.actions().keyDown(Key.SHIFT).sendKeys(Key.TAB).keyUp(Key.SHIFT).perform();
    assert.equal(await inside(), true, 'focus left the dialog on Shift+Tab');
    await screenshot('desktop-dialog.png');
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await driver.wait(async () => (await driver.findElements(byTestId('confirm-dialog'))).length === 0, 5_000, 'Escape did not close the dialog');
    await (await find('back')).click();
    await find('home-name');
  });

  it('pays one order from a card and one from the phone bill, chosen on the confirm screen', async () => {
    const merchant = await createMerchant('Night Market', 'Chengdu', '5999');
    for (const [amount, pick, from] of [
      ['30.00', 'card', /\(\d{4}\)$/],
      ['6.00', 'carrier', /^Phone bill$/],
    ]) {
      const { orderId } = await createOrder(merchant, amount, ['--phone', PHONE]);
      await openFromHome('home-orders', 'orders', 30_000);
      await (await findOrExplain(`order-pay-${orderId}`)).click();
      // The confirm step says where the money comes from: every source, the default picked.
      const picker = await findOrExplain('source-picker');
      await driver.wait(async () => (await picker.findElements(By.css('input[type=radio]'))).length >= 3, 15_000, 'sources never listed');
      const option = pick === 'card'
        ? await picker.findElement(By.css('[data-testid^="pick-source-card:"] input'))
        : await picker.findElement(By.css('[data-testid="pick-source-carrier"] input'));
      await option.click();
      await driver.wait(async () => option.isSelected(), 5_000, `${pick} never selected`);
      await settle();
      await screenshot(`desktop-source-${pick}-confirm.png`);
      await typeCode('pin-dialog-input', PIN);
      const receipt = await findOrExplain('receipt');
      await driver.wait(async () => (await receipt.getAttribute('data-status')) === 'succeeded', 30_000, `${pick} payment never succeeded`);
      assert.equal(await (await find('receipt-amount')).getText(), `−¥${amount}`);
      assert.match(await (await find('receipt-source')).getText(), from);
      await screenshot(`desktop-source-${pick}-receipt.png`);
      assert.equal(await orderStatus(merchant, orderId), 'paid');
      await (await find('receipt-done')).click();
      await find('home-name');
    }
  });

  it('a lost device is wiped and the welcome screen says why', async () => {
    // A friend's phone (the CLI, signed out) reports this account's phone lost.
    const sent = await cli('friend', ['report-lost', '--phone', PHONE, '--name', NAME, '--id-last6', ID_NUMBER.slice(-6)]);
    assert.equal(sent.code, 0, JSON.stringify(sent.json));
    assert.equal((await supportLookup(PHONE)).state, 'frozen');

    // Home polls the server; the next answer is DEVICE_REVOKED: the core wipes, the app says why.
    const notice = await findOrExplain('revoked-notice', 60_000);
    assert.match(await notice.getText(), /reported lost, or it was removed from another of your devices/);
    assert.match(await notice.getText(), /erased from this computer/);
    await screenshot('desktop-revoked.png');
  });

  it('report a lost phone from the welcome screen', async () => {
    const phoneA = PHONE_A;
    const a = await cliSignup('user-a', phoneA);
    const pinSet = await cli('user-a', ['pin', 'set', '--pin-stdin'], PIN);
    assert.equal(pinSet.code, 0, JSON.stringify(pinSet.json));
    assert.equal((await supportLookup(phoneA)).state, 'active');

    // Signed out (the previous test wiped this device; otherwise log out first).
    if ((await currentScreen()) !== 'welcome') {
      await openFromHome('home-devices', 'devices');
      await (await find('logout')).click();
      await (await find('confirm-ok')).click();
    }
    await (await find('welcome-lost', 30_000)).click();
    await (await find('lost-phone')).sendKeys(phoneA);
    assert.equal(await (await find('lost-mode-id')).isSelected(), true);
    await (await find('lost-name')).sendKeys(NAME);
    await (await find('lost-id-last6')).sendKeys(ID_NUMBER.slice(-6).toLowerCase());
    await screenshot('desktop-report-lost-form.png');
    await (await find('lost-submit')).click();

    const sent = await findOrExplain('report-lost-sent');
    assert.match(await sent.getText(), /If these details match a Wallet account/);
    assert.match(await sent.getText(), /frozen now/);
    await screenshot('desktop-report-lost-sent.png');

    // A is really frozen, and A's own device learns it is revoked on its next call.
    const lookup = await supportLookup(phoneA);
    assert.equal(lookup.state, 'frozen');
    assert.ok(lookup.frozen_since);
    assert.ok(lookup.devices.length > 0 && lookup.devices.every((d) => d.revoked_at), JSON.stringify(lookup.devices));
    assert.ok(lookup.devices.some((d) => d.device_id === a.device_id));
    const next = await cli('user-a', ['whoami']);
    assert.notEqual(next.code, 0);
    assert.equal(next.json.error.code, 'DEVICE_REVOKED', JSON.stringify(next.json));

    await (await find('report-lost-done')).click();
    await find('welcome-signup');
  });

  it('unfreezes on a new device: password + SMS code, then ID number + PIN, into the cooling-off', async () => {
    // A (frozen by the previous test) signs in on this desktop.
    await (await find('welcome-signin', 30_000)).click();
    await (await find('signin-phone')).sendKeys(PHONE_A);
    await (await find('signin-password')).sendKeys(PASSWORD);
    await (await find('signin-submit')).click();
    await findOrExplain('otp-phone');
    await (await find('otp-input')).sendKeys(await latestOtp(PHONE_A, 'login'));

    // Home says the account is frozen, one tap from the security screen.
    const banner = await findOrExplain('home-account-state');
    assert.equal(await banner.getAttribute('data-state'), 'frozen');
    await screenshot('desktop-home-frozen.png');
    await openFromHome('home-open-security', 'security');
    const state = await findOrExplain('account-state');
    assert.equal(await state.getAttribute('data-state'), 'frozen');
    assert.match(await state.getText(), /Frozen since /);

    await (await find('unfreeze-id')).sendKeys(ID_NUMBER);
    await (await find('unfreeze-submit')).click();
    await typeCode('pin-dialog-input', PIN);
    await findOrExplain('security-done');
    await driver.wait(async () => (await state.getAttribute('data-state')) === 'cooling_off', 15_000, 'never cooling off');
    assert.match(await state.getText(), /Until .+, withdrawals and transfers above ¥[\d,.]+ wait/);
    // The security log lists the freeze and the unfreeze, in words.
    const log = await findOrExplain('security-log');
    await driver.wait(async () => /Account unfrozen/.test(await log.getText()), 15_000, 'no unfreeze in the security log');
    assert.match(await log.getText(), /Account frozen/);
    await screenshot('desktop-security-unfrozen.png');

    const lookup = await supportLookup(PHONE_A);
    assert.equal(lookup.state, 'cooling_off');
    assert.ok(lookup.cooling_off_until);
    await (await find('back')).click();
    await find('home-name');
  });

  it('switches SMS-only sign-in on with the PIN, after a warning, and off again', async () => {
    await openFromHome('home-security', 'security');
    const sw = await find('sms-login-switch');
    await driver.wait(until.elementIsEnabled(sw), 15_000, 'the switch never loaded');
    assert.equal(await sw.isSelected(), false);
    assert.match(await (await find('sms-login-warning')).getText(), /SIM swap/);
    await sw.click();
    await typeCode('pin-dialog-input', PIN);
    const state = await find('sms-login-state');
    await driver.wait(async () => (await state.getText()).startsWith('On:'), 15_000, 'never switched on');
    assert.equal((await supportLookup(phoneA)).sms_login_enabled, true);
    await screenshot('desktop-sms-login-on.png');
    await sw.click();
    await driver.wait(async () => (await state.getText()).startsWith('Off:'), 15_000, 'never switched off');
    assert.equal((await supportLookup(phoneA)).sms_login_enabled, false);
  });

  it('changes the phone number: password + ID number, then the code sent to the new number', async () => {
    await (await find('security-change-phone')).click();
    await (await find('phone-change-phone')).sendKeys(PHONE_A2);
    await (await find('phone-change-password')).sendKeys(PASSWORD);
    await (await find('phone-change-id')).sendKeys(ID_NUMBER);
    await (await find('phone-change-send')).click();
    await findOrExplain('phone-change-codes');
    await typeCode('phone-change-code', await latestOtp(PHONE_A2, 'phone_change'));
    await screenshot('desktop-phone-change-codes.png');
    await (await find('phone-change-submit')).click();
    assert.match(await (await findOrExplain('phone-change-new')).getText(), /137\*{4}7000/);
    await screenshot('desktop-phone-change-done.png');
    phoneA = PHONE_A2;

    const lookup = await supportLookup(PHONE_A2);
    assert.match(lookup.phone_masked, /137\*{4}7000/);
    await (await find('phone-change-finish')).click();
    await find('screen-security');
    await (await find('back')).click();
    assert.match(await (await find('home-phone')).getText(), /137\*{4}7000/);
  });

  it('a new device shows "not you? freeze now" on home: one tap freezes the account and signs that device out', async () => {
    // Someone signs in to A's account on another device (A's password and an SMS code).
    const other = 'user-a-stranger';
    const started = await cli(other, ['login', '--phone', phoneA, '--password-stdin'], PASSWORD);
    assert.equal(started.code, 0, JSON.stringify(started.json));
    const enrolled = await cli(other, ['verify', '--code', await latestOtp(phoneA, 'login')]);
    assert.equal(enrolled.code, 0, JSON.stringify(enrolled.json));

    // Home polls the device events: the notice names the new device.
    const notice = await driver.wait(
      async () => {
        for (const n of await driver.findElements(By.css('[data-testid="device-notice"][data-kind="new_device"]'))) {
          if ((await n.getText()).includes(other)) return n;
        }
        return null;
      },
      30_000,
      'no new-device notice for the stranger',
    );
    assert.match(await notice.getText(), /New device “user-a-stranger” signed in to your account\. Not you\?/);
    await screenshot('desktop-new-device-notice.png');
    await (await notice.findElement(byTestId('freeze-now'))).click();
    const dialog = await find('confirm-dialog');
    assert.match(await dialog.getText(), /“user-a-stranger” is signed out and erased/);
    await (await find('confirm-ok')).click();
    await findOrExplain('freeze-done');
    const banner = await find('home-account-state');
    await driver.wait(async () => (await banner.getAttribute('data-state')) === 'frozen', 15_000, 'home never showed frozen');
    await screenshot('desktop-frozen-now.png');

    // The server agrees: frozen, the stranger's device revoked (its next call wipes it), this
    // desktop still signed in.
    const lookup = await supportLookup(phoneA);
    assert.equal(lookup.state, 'frozen');
    const stranger = lookup.devices.find((d) => d.device_id === enrolled.json.device_id);
    assert.ok(stranger?.revoked_at, JSON.stringify(lookup.devices));
    assert.ok(lookup.devices.some((d) => !d.revoked_at && d.name.startsWith('Wallet desktop on ')), JSON.stringify(lookup.devices));
    const next = await cli(other, ['whoami']);
    assert.equal(next.json.error?.code, 'DEVICE_REVOKED', JSON.stringify(next.json));
    await (await find('home-name')).getText();
  });
});
