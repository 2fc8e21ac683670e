// The sandbox POS page in headless Chromium against a real wallet-server, with a real payer on
// the real `wallet` CLI (encrypted store, Secret Service). Run through scripts/pos-e2e.sh, which
// starts the server and sets the environment harness.mjs reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, until } from 'selenium-webdriver';
import { SERVER, enrolPayer, ledgerCheck, payerCli, screenshot as saveScreenshot, startChromium } from './harness.mjs';

const PHONE = '13812345678';
const BANK_PHONE = '13900001111';
const PIN = '280419';
const PASSWORD = 'correct-Horse-battery-staple-93';

const wallet = payerCli('payer');

let driver;

async function screenshot(name) {
  await saveScreenshot(driver, 'pos', name);
}

const byId = (id) => driver.findElement(By.id(id));

async function fill(id, text) {
  const el = await byId(id);
  await el.clear();
  await el.sendKeys(text);
}

async function textOf(id) {
  return (await byId(id)).getText();
}

/** Waits until element `id` shows text matching `re`. */
async function waitText(id, re, ms = 15000) {
  const el = await byId(id);
  await driver.wait(async () => re.test(await el.getText()), ms, `#${id} never matched ${re}`);
  return el.getText();
}

before(async () => {
  // The payer: sign-up, PIN, a sandbox card that approves, ¥500 in the wallet.
  enrolPayer(wallet, { phone: PHONE, bankPhone: BANK_PHONE, pin: PIN, password: PASSWORD, topup: '500' });

  driver = await startChromium('1100,1500');
});

after(async () => {
  if (driver) await driver.quit();
});

test('a tester sells through the POS page: QR order, payment codes, refunds', async () => {
  await driver.get(`${SERVER}/pos`);
  assert.equal(await driver.getTitle(), 'Wallet sandbox POS');

  // 1. Create a merchant through the page; its key is shown once and kept out of the URL.
  await fill('m-name', 'Sandbox Cafe');
  await (await byId('merchant-create')).click();
  await driver.wait(until.elementIsVisible(await byId('merchant-current')), 10000);
  const merchantId = await textOf('merchant-id');
  assert.match(merchantId, /^mch_/);
  assert.match(await textOf('merchant-key-value'), /^mk_/);
  assert.ok(!(await driver.getCurrentUrl()).includes('mk_'), 'no API key in the URL');
  await screenshot('merchant');

  // 2. An order for ¥12.50: its QR code is drawn, then the payer pays it with the CLI.
  await fill('o-amount', '12.50');
  await fill('o-description', 'Two coffees');
  await (await byId('order-create')).click();
  await driver.wait(until.elementIsVisible(await byId('order-view')), 10000);
  const qr = await byId('order-qr');
  await driver.wait(async () => (await driver.executeScript('return arguments[0].complete && arguments[0].naturalWidth', qr)) > 0, 10000, 'QR image never loaded');
  const payload = await textOf('order-payload');
  const orderId = await textOf('order-id');
  assert.match(payload, /^000201/);
  assert.equal(await textOf('order-amount'), '¥12.50');
  assert.equal(await textOf('order-status'), 'Waiting for the payer');
  await screenshot('order');

  const paid = wallet(['pay', payload, '--pin-stdin'], PIN);
  assert.equal(paid.status, 'succeeded');
  assert.equal(paid.order_id, orderId);
  await waitText('order-status', /^Paid$/);
  ledgerCheck();
  await screenshot('order-paid');

  // 3. A payment code under the no-PIN limit pays at once; the same code again is refused.
  const first = wallet(['paycode']).code;
  await fill('c-code', first);
  await fill('c-amount', '8.80');
  await (await byId('charge-submit')).click();
  await waitText('charge-result', /^Paid ¥8\.80$/);
  ledgerCheck();
  await fill('c-code', first);
  await fill('c-amount', '8.80');
  await (await byId('charge-submit')).click();
  await waitText('charge-result', /already used/);
  await screenshot('paycode-used');

  // 4. Over the no-PIN limit (¥200): the page waits for the payer's PIN. A fresh code first.
  let fresh = first;
  const deadline = Date.now() + 40000;
  while (fresh === first && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    fresh = wallet(['paycode']).code;
  }
  assert.notEqual(fresh, first, 'the payment code rotates');
  await fill('c-code', fresh);
  await fill('c-amount', '300');
  await (await byId('charge-submit')).click();
  await waitText('charge-result', /Waiting for the payer's PIN/);
  await screenshot('paycode-waiting');
  const waiting = wallet(['orders']).orders;
  assert.equal(waiting.length, 1);
  assert.equal(waiting[0].amount.minor, 30000);
  wallet(['orders', 'confirm', waiting[0].order_id, '--pin-stdin'], PIN);
  await waitText('charge-result', /^Paid ¥300\.00$/);
  ledgerCheck();

  // 5. Refund the QR order: part, then the rest; the order panel follows.
  await fill('r-order', orderId);
  await fill('r-amount', '2.50');
  await (await byId('refund-submit')).click();
  await waitText('refund-result', /^Refunded ¥2\.50 of ¥12\.50$/);
  await fill('r-amount', '20');
  await (await byId('refund-submit')).click();
  await waitText('refund-result', /not possible/);
  await (await byId('r-amount')).clear();
  await (await byId('refund-submit')).click();
  await waitText('refund-result', /^Refunded in full \(¥12\.50\)$/);
  await waitText('order-status', /^Refunded$/);
  ledgerCheck();
  await screenshot('refunded');

  // The payer's money: 500 − 12.50 − 8.80 − 300 + 12.50.
  const balance = wallet(['balance']);
  assert.equal(balance.balance.minor, 50000 - 880 - 30000);
});

test('a wrong API key is refused in human words', async () => {
  await driver.get(`${SERVER}/pos`);
  if (await (await byId('merchant-current')).isDisplayed()) {
    await (await byId('merchant-forget')).click();
  }
  await fill('m-id', 'mch_00000000000000000000000000000000');
  await fill('m-key', 'mk_wrong');
  await (await byId('merchant-login')).click();
  await waitText('merchant-message', /merchant id or API key is wrong/);
  assert.equal(await (await byId('order-section')).isDisplayed(), false);
});

test('merchant notices: the page sets the notify URL and shows each delivery', async () => {
  const { createServer } = await import('node:http');
  // The documented verifier (server/README.md), run on what the merchant really receives.
  const { verify } = await import('../../docs/examples/notices/verify_notice.mjs');
  const got = [];
  const hook = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      // The first delivery is refused: the page shows it pending, then delivered on the retry.
      res.writeHead(got.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${hook.address().port}/wallet-notices`;
  try {
    await driver.get(`${SERVER}/pos`);
    if (await (await byId('merchant-current')).isDisplayed()) {
      await (await byId('merchant-forget')).click();
    }
    await fill('m-name', 'Notice Cafe');
    await (await byId('merchant-create')).click();
    await driver.wait(until.elementIsVisible(await byId('notices-section')), 10000);
    const secret = await textOf('merchant-secret-value');
    assert.match(secret, /^nsk_/);
    await waitText('notices-body', /No notify URL/);

    await fill('n-url', url);
    await (await byId('notify-save')).click();
    await waitText('notify-message', /^Notices go to /);

    await fill('o-amount', '6.60');
    await (await byId('order-create')).click();
    await driver.wait(until.elementIsVisible(await byId('order-view')), 10000);
    const orderId = await textOf('order-id');
    const paid = wallet(['pay', await textOf('order-payload'), '--pin-stdin'], PIN);
    assert.equal(paid.status, 'succeeded');
    await waitText('notices-body', /Pending \(1 attempt\), last: http 500/, 15000);
    await driver.executeScript('arguments[0].scrollIntoView()', await byId('notices-section'));
    await screenshot('notice-pending');
    // The first retry waits 15 s.
    await waitText('notices-body', /Delivered \(2 attempts\)/, 40000);
    const row = await textOf('notices-body');
    assert.ok(row.includes(orderId) && row.includes('paid') && row.includes('¥6.60'), row);
    await screenshot('notice-delivered');

    assert.equal(got.length, 2);
    for (const g of got) {
      const n = verify(secret, g.headers['wallet-notice-timestamp'], g.headers['wallet-notice-signature'], g.body);
      assert.equal(n.order_id, orderId);
      assert.equal(n.event, 'paid');
      assert.equal(n.notice_id, g.headers['wallet-notice-id']);
      assert.throws(() => verify('nsk_not_it', g.headers['wallet-notice-timestamp'], g.headers['wallet-notice-signature'], g.body));
    }
    ledgerCheck();
  } finally {
    hook.close();
  }
});
