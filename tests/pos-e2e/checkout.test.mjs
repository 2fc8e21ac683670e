// Web checkout (issue 14) in headless Chromium against a real wallet-server, with a real payer
// on the real `wallet` CLI (encrypted store, Secret Service), and a small merchant website in
// this process: its /buy makes a checkout with the merchant's key and sends the browser to the
// provider's checkout page; the page returns to its /return, which checks the result with the
// merchant API before believing it. Run through scripts/pos-e2e.sh (same environment as
// pos.test.mjs). Screenshots land in $ARTIFACTS/checkout-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { By, until } from 'selenium-webdriver';
import { SERVER, enrolPayer, ledgerCheck, payerCli, screenshot as saveScreenshot, startChromium } from './harness.mjs';

const PHONE = '13812340001';
const MASKED = '+86 138****0001';
const BANK_PHONE = '13900002222';
const PIN = '280419';
const PASSWORD = 'correct-Horse-battery-staple-93';

const wallet = payerCli('checkout-payer');

// --- the merchant's website ----------------------------------------------------------------

let merchant; // { id, key }
let shop; // http.Server
let SHOP; // its base URL

async function api(method, p, body, key) {
  const res = await fetch(`${SERVER}${p}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function startShop() {
  shop = http.createServer(async (req, res) => {
    const url = new URL(req.url, SHOP);
    try {
      if (url.pathname === '/buy') {
        // The shop makes the checkout server-side (its key never reaches the browser).
        const minor = Number(url.searchParams.get('minor'));
        const made = await api(
          'POST',
          `/v1/merchants/${merchant.id}/checkouts`,
          {
            amount: { minor, currency: 'CNY' },
            description: url.searchParams.get('what') || 'Web order',
            return_url: `${SHOP}/return?cart=${encodeURIComponent(url.searchParams.get('cart') || '1')}`,
          },
          merchant.key,
        );
        res.writeHead(303, { location: `${SERVER}${made.checkout_path}` });
        res.end();
        return;
      }
      if (url.pathname === '/return') {
        // Never trust the query: ask the provider what the order's state is.
        const orderId = url.searchParams.get('order_id');
        const said = url.searchParams.get('status');
        const order = await api('GET', `/v1/merchants/${merchant.id}/orders/${encodeURIComponent(orderId)}`, undefined, merchant.key);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Sandbox Books: thank you</title>
<h1>Sandbox Books</h1>
<p id="said">The checkout said: ${esc(said)}</p>
<p id="verified">Order ${esc(order.order_id)}: ${esc(order.status)}</p>
<p id="cart">Cart ${esc(url.searchParams.get('cart'))}</p>`);
        return;
      }
      res.writeHead(404);
      res.end();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
  return new Promise((resolve) => {
    shop.listen(0, '127.0.0.1', () => {
      SHOP = `http://127.0.0.1:${shop.address().port}`;
      resolve();
    });
  });
}

// --- the browser ---------------------------------------------------------------------------

let driver;

async function screenshot(name) {
  await saveScreenshot(driver, 'checkout', name);
}

const byId = (id) => driver.findElement(By.id(id));

async function waitText(id, re, ms = 15000) {
  await driver.wait(until.elementLocated(By.id(id)), ms);
  const el = await byId(id);
  await driver.wait(async () => re.test(await el.getText()), ms, `#${id} never matched ${re}`);
  return el.getText();
}

async function waitUrl(prefix, ms = 20000) {
  await driver.wait(async () => (await driver.getCurrentUrl()).startsWith(prefix), ms, `never went to ${prefix}`);
  return driver.getCurrentUrl();
}

/** The shop sends the browser to a new checkout; answers the order id shown on the page. */
async function openCheckout(minor, what, cart) {
  await driver.get(`${SHOP}/buy?minor=${minor}&what=${encodeURIComponent(what)}&cart=${cart}`);
  await waitUrl(`${SERVER}/checkout/chk_`);
  await waitText('status', /^Waiting for payment$/);
  return byId('order-id').getText();
}

before(async () => {
  enrolPayer(wallet, { phone: PHONE, bankPhone: BANK_PHONE, pin: PIN, password: PASSWORD, topup: '200' });

  const created = await api('POST', '/v1/merchants', { name: 'Sandbox Books', city: 'Hangzhou', mcc: '5942' });
  merchant = { id: created.merchant.merchant_id, key: created.api_key };
  await startShop();

  driver = await startChromium('1000,1300', '--lang=en-US');
});

after(async () => {
  if (driver) await driver.quit();
  if (shop) shop.close();
});

test('a web checkout paid by scanning its code with the app returns to the shop', async () => {
  const orderId = await openCheckout(1250, 'Two novels', 7);
  assert.match(orderId, /^ord_/);
  assert.equal(await byId('merchant-name').getText(), 'Sandbox Books');
  assert.equal(await byId('amount').getText(), '¥12.50');
  assert.equal(await byId('description').getText(), 'Two novels');
  assert.ok(await (await byId('qr')).isDisplayed(), 'the QR code is shown');
  const url = await driver.getCurrentUrl();
  assert.ok(!url.includes(merchant.key) && !(await driver.getPageSource()).includes('mk_'), 'no merchant key');
  await screenshot('open');

  // The code as the app scans it (the text sits in a collapsed <details>).
  const payload = await driver.executeScript("return document.getElementById('payload').textContent");
  assert.match(payload, /^000201/);
  const paid = wallet(['pay', payload, '--pin-stdin'], PIN);
  assert.equal(paid.status, 'succeeded');
  assert.equal(paid.order_id, orderId);
  assert.equal(paid.channel, 'checkout');
  ledgerCheck();

  await waitText('status', /^Paid\. Thank you!$/);
  await waitText('returning', /Returning to Sandbox Books/);
  await screenshot('paid');

  const back = await waitUrl(`${SHOP}/return`);
  const q = new URL(back).searchParams;
  assert.equal(q.get('cart'), '7');
  assert.equal(q.get('order_id'), orderId);
  assert.equal(q.get('status'), 'paid');
  await waitText('verified', new RegExp(`^Order ${orderId}: paid$`));
  await screenshot('returned');
  assert.equal(wallet(['balance']).balance.minor, 20000 - 1250);
});

test('pay with my phone number: the order waits in the app and the CLI confirms it', async () => {
  const orderId = await openCheckout(3000, 'A cookbook', 8);

  // A number without an account gets the very same answer as the payer's.
  await (await byId('phone')).sendKeys('13900009999');
  await (await byId('phone-submit')).click();
  const stranger = await waitText('phone-result', /has a Wallet account/);
  assert.match(stranger, /^If \+86 139\*\*\*\*9999 has a Wallet account, the order is waiting in its app\./);

  await (await byId('phone')).clear();
  await (await byId('phone')).sendKeys(PHONE);
  await (await byId('phone-submit')).click();
  const sent = await waitText('phone-result', new RegExp(`^If \\+86 138\\*\\*\\*\\*0001 has a Wallet account`));
  assert.equal(sent.replace(MASKED, 'X'), stranger.replace('+86 139****9999', 'X'), 'the same words either way');
  await screenshot('phone-sent');

  const waiting = wallet(['orders']).orders;
  assert.equal(waiting.length, 1);
  assert.equal(waiting[0].order_id, orderId);
  assert.equal(waiting[0].channel, 'checkout');
  assert.equal(waiting[0].amount.minor, 3000);
  const confirmed = wallet(['orders', 'confirm', orderId, '--pin-stdin'], PIN);
  assert.equal(confirmed.status, 'succeeded');
  ledgerCheck();

  await waitText('status', /^Paid\. Thank you!$/);
  await screenshot('phone-paid');
  const back = await waitUrl(`${SHOP}/return`);
  assert.equal(new URL(back).searchParams.get('status'), 'paid');
  await waitText('verified', new RegExp(`^Order ${orderId}: paid$`));
  assert.equal(wallet(['balance']).balance.minor, 20000 - 1250 - 3000);
});

test('a checkout declined in the app returns to the shop as declined', async () => {
  const orderId = await openCheckout(500, 'A bookmark', 9);
  await (await byId('phone')).sendKeys(PHONE);
  await (await byId('phone-submit')).click();
  await waitText('phone-result', /has a Wallet account/);
  wallet(['orders', 'decline', orderId]);
  await waitText('status', /^Declined in the Wallet app$/);
  await screenshot('declined');
  const back = await waitUrl(`${SHOP}/return`);
  assert.equal(new URL(back).searchParams.get('status'), 'declined');
  await waitText('verified', new RegExp(`^Order ${orderId}: declined$`));
  ledgerCheck();
});

test('a made-up checkout link shows that it does not exist', async () => {
  await driver.get(`${SERVER}/checkout/chk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
  await waitText('status', /expired or does not exist/);
});
