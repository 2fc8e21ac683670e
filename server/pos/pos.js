// Wallet sandbox POS: a tester's till over the merchant API of this server.
// The merchant id and API key live in sessionStorage (this tab only) and go out only in the
// Authorization header; nothing secret is ever put in a URL.
'use strict';

const STORE_KEY = 'wallet-pos-merchant';
const POLL_MS = 1500;

const WORDS = {
  MERCHANT_KEY_INVALID: 'The merchant id or API key is wrong.',
  MERCHANT_INVALID: 'Check the name (up to 25 characters), city (up to 15) and the 4-digit category code.',
  SANDBOX_ONLY: 'This server is not in sandbox mode.',
  AMOUNT_INVALID: 'Enter an amount in yuan, like 12.50.',
  AMOUNT_OVER_LIMIT: 'The amount is over the limit for one payment.',
  PAYCODE_INVALID: 'This payment code is not valid. Ask the customer to refresh their code.',
  PAYCODE_USED: 'This payment code was already used. Ask the customer for a fresh one.',
  BALANCE_INSUFFICIENT: "The customer's balance is not enough.",
  DAILY_LIMIT_REACHED: "The customer's daily limit is reached.",
  ORDER_NOT_FOUND: 'No such order for this merchant.',
  REFUND_NOT_ALLOWED: 'This refund is not possible: the order is not paid, or less is left to refund.',
  IDEMPOTENCY_KEY_REUSED: 'This request clashes with an earlier one. Try again.',
  PAYER_NOT_FOUND: 'No Wallet account has this phone number.',
  MALFORMED_REQUEST: 'Something in the form is not valid.',
  NETWORK: 'The server cannot be reached. Check the connection and try again.',
  NOTIFY_URL_INVALID: 'The notify URL must be an http or https address.',
};

const STATUS_WORDS = {
  open: 'Waiting for the payer',
  paid: 'Paid',
  refunded: 'Refunded',
  declined: 'Declined by the payer',
  expired: 'Expired',
};

const $ = (id) => document.getElementById(id);

function say(el, text, tone) {
  el.textContent = text;
  el.classList.remove('ok', 'bad', 'wait');
  if (tone) el.classList.add(tone);
}

function errorWords(err) {
  return WORDS[err.code] || err.message || 'Something went wrong.';
}

/** Strict yuan amount: "12", "12.5", "12.50", "¥12.50". Returns fen or null. */
function parseAmount(text) {
  const m = /^[¥￥]?\s*(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}

function yuan(money) {
  const v = (money.minor / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `¥${v}`;
}

function newKey() {
  if (crypto.randomUUID) return `pos-${crypto.randomUUID()}`;
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `pos-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function merchant() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
  } catch {
    return null;
  }
}

async function api(method, path, body, idempotencyKey) {
  const m = merchant();
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (m && m.api_key) headers.Authorization = `Bearer ${m.api_key}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw { code: 'NETWORK', message: String(e), network: true };
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    throw { code: (data && data.code) || 'INTERNAL', message: (data && (data.detail || data.title)) || `HTTP ${res.status}` };
  }
  return data;
}

const mpath = (suffix) => `/v1/merchants/${encodeURIComponent(merchant().merchant_id)}${suffix}`;
const qrSrc = (payload) => `/pos/qr.svg?payload=${encodeURIComponent(payload)}`;

// --- merchant -------------------------------------------------------------------------------

async function showMerchant() {
  const m = merchant();
  const signedIn = Boolean(m);
  $('merchant-current').hidden = !signedIn;
  $('merchant-choose').hidden = signedIn;
  for (const id of ['order-section', 'charge-section', 'refund-section', 'notices-section']) $(id).hidden = !signedIn;
  if (!signedIn) {
    stopNotices();
    return;
  }
  $('merchant-id').textContent = m.merchant_id;
  $('merchant-name').textContent = m.name || m.merchant_id;
  try {
    const qr = await api('GET', mpath('/qr'));
    $('merchant-name').textContent = qr.merchant.name;
    $('static-qr').src = qrSrc(qr.payload);
    $('static-payload').textContent = qr.payload;
    say($('merchant-message'), '');
    startNotices();
  } catch (err) {
    say($('merchant-message'), errorWords(err), 'bad');
    if (err.code === 'MERCHANT_KEY_INVALID') forgetMerchant(false);
  }
}

function forgetMerchant(clearMessage = true) {
  sessionStorage.removeItem(STORE_KEY);
  $('merchant-key-once').hidden = true;
  $('merchant-key-value').textContent = '';
  $('merchant-secret-once').hidden = true;
  $('merchant-secret-value').textContent = '';
  $('notice-secret-once').hidden = true;
  $('notice-secret-value').textContent = '';
  if (clearMessage) say($('merchant-message'), '');
  showMerchant();
}

async function createMerchant(ev) {
  ev.preventDefault();
  const btn = $('merchant-create');
  btn.disabled = true;
  say($('merchant-message'), 'Creating…', 'wait');
  try {
    const res = await api('POST', '/v1/merchants', {
      name: $('m-name').value,
      city: $('m-city').value,
      mcc: $('m-mcc').value,
    });
    sessionStorage.setItem(STORE_KEY, JSON.stringify({
      merchant_id: res.merchant.merchant_id,
      api_key: res.api_key,
      name: res.merchant.name,
    }));
    $('merchant-key-value').textContent = res.api_key;
    $('merchant-key-once').hidden = false;
    $('merchant-secret-value').textContent = res.notice_secret;
    $('merchant-secret-once').hidden = false;
    say($('merchant-message'), `Merchant ${res.merchant.name} created.`, 'ok');
    await showMerchant();
  } catch (err) {
    say($('merchant-message'), errorWords(err), 'bad');
  } finally {
    btn.disabled = false;
  }
}

async function useMerchant(ev) {
  ev.preventDefault();
  const id = $('m-id').value.trim();
  const key = $('m-key').value.trim();
  if (!id || !key) {
    say($('merchant-message'), 'Enter the merchant id and the API key.', 'bad');
    return;
  }
  sessionStorage.setItem(STORE_KEY, JSON.stringify({ merchant_id: id, api_key: key }));
  $('m-key').value = '';
  await showMerchant();
}

// --- orders (scan to pay) ---------------------------------------------------------------------

// One poller per panel ('order', 'charge'), so watching a charge never stops the order's.
const pollers = {};

function stopPolling() {
  for (const slot of Object.keys(pollers)) {
    clearTimeout(pollers[slot]);
    delete pollers[slot];
  }
}

/** Polls an order until it leaves `open`; `onChange(order)` after each read. */
function watchOrder(slot, orderId, onChange) {
  clearTimeout(pollers[slot]);
  const tick = async () => {
    try {
      const order = await api('GET', mpath(`/orders/${encodeURIComponent(orderId)}`));
      onChange(order);
      if (order.status !== 'open') {
        delete pollers[slot];
        return;
      }
    } catch (err) {
      if (!err.network) {
        onChange(null, err);
        delete pollers[slot];
        return;
      }
    }
    pollers[slot] = setTimeout(tick, POLL_MS);
  };
  pollers[slot] = setTimeout(tick, POLL_MS);
}

function showOrderStatus(order) {
  const tone = order.status === 'paid' ? 'ok' : order.status === 'open' ? 'wait' : 'bad';
  let words = STATUS_WORDS[order.status] || order.status;
  if (order.refunded && order.refunded.minor > 0 && order.status === 'paid') {
    words += ` (refunded ${yuan(order.refunded)})`;
  }
  say($('order-status'), words, tone);
  if (order.status === 'paid') $('r-order').value = order.order_id;
}

async function createOrder(ev) {
  ev.preventDefault();
  const fen = parseAmount($('o-amount').value);
  if (fen === null) {
    say($('order-message'), WORDS.AMOUNT_INVALID, 'bad');
    return;
  }
  const btn = $('order-create');
  btn.disabled = true;
  say($('order-message'), '');
  try {
    const body = { amount: { minor: fen, currency: 'CNY' } };
    const d = $('o-description').value.trim();
    if (d) body.description = d;
    const order = await api('POST', mpath('/orders'), body);
    $('order-view').hidden = false;
    $('order-qr').src = qrSrc(order.payload);
    $('order-id').textContent = order.order_id;
    $('order-amount').textContent = yuan(order.amount);
    $('order-payload').textContent = order.payload;
    showOrderStatus(order);
    watchOrder('order', order.order_id, (o, err) => (o ? showOrderStatus(o) : say($('order-status'), errorWords(err), 'bad')));
  } catch (err) {
    say($('order-message'), errorWords(err), 'bad');
  } finally {
    btn.disabled = false;
  }
}

// --- charges (show to pay) ------------------------------------------------------------------

// Kept while a charge may have reached the server (network error): a retry of the same code
// and amount reuses it, so it can never charge twice.
let pendingCharge = null;

async function charge(ev) {
  ev.preventDefault();
  const code = $('c-code').value.replace(/\s+/g, '');
  const fen = parseAmount($('c-amount').value);
  const result = $('charge-result');
  if (!/^\d{18}$/.test(code)) {
    say(result, 'Enter the 18 digits of the payment code.', 'bad');
    return;
  }
  if (fen === null) {
    say(result, WORDS.AMOUNT_INVALID, 'bad');
    return;
  }
  const same = pendingCharge && pendingCharge.code === code && pendingCharge.fen === fen;
  const key = same ? pendingCharge.key : newKey();
  pendingCharge = { code, fen, key };
  const btn = $('charge-submit');
  btn.disabled = true;
  say(result, 'Charging…', 'wait');
  $('charge-order').textContent = '';
  try {
    const order = await api('POST', mpath('/charges'), { code, amount: { minor: fen, currency: 'CNY' } }, key);
    pendingCharge = null;
    $('c-code').value = '';
    $('charge-order').textContent = `Order ${order.order_id}`;
    const show = (o) => {
      if (o.status === 'paid') {
        say(result, `Paid ${yuan(o.amount)}`, 'ok');
        $('r-order').value = o.order_id;
      } else if (o.status === 'open') {
        say(result, "Waiting for the payer's PIN…", 'wait');
      } else {
        say(result, STATUS_WORDS[o.status] || o.status, 'bad');
      }
    };
    show(order);
    if (order.status === 'open') watchOrder('charge', order.order_id, (o, err) => (o ? show(o) : say(result, errorWords(err), 'bad')));
  } catch (err) {
    if (!err.network) pendingCharge = null;
    say(result, errorWords(err), 'bad');
  } finally {
    btn.disabled = false;
  }
}

// --- refunds --------------------------------------------------------------------------------

let pendingRefund = null;

async function refund(ev) {
  ev.preventDefault();
  const orderId = $('r-order').value.trim();
  const text = $('r-amount').value.trim();
  const result = $('refund-result');
  const fen = text ? parseAmount(text) : null;
  if (!orderId) {
    say(result, 'Enter the order id.', 'bad');
    return;
  }
  if (text && fen === null) {
    say(result, WORDS.AMOUNT_INVALID, 'bad');
    return;
  }
  const same = pendingRefund && pendingRefund.orderId === orderId && pendingRefund.fen === fen;
  const key = same ? pendingRefund.key : newKey();
  pendingRefund = { orderId, fen, key };
  const btn = $('refund-submit');
  btn.disabled = true;
  say(result, 'Refunding…', 'wait');
  try {
    const body = fen === null ? {} : { amount: { minor: fen, currency: 'CNY' } };
    const order = await api('POST', mpath(`/orders/${encodeURIComponent(orderId)}/refund`), body, key);
    pendingRefund = null;
    const words = order.status === 'refunded'
      ? `Refunded in full (${yuan(order.refunded)})`
      : `Refunded ${yuan(order.refunded)} of ${yuan(order.amount)}`;
    say(result, words, 'ok');
    if ($('order-id').textContent === order.order_id) showOrderStatus(order);
  } catch (err) {
    if (!err.network) pendingRefund = null;
    say(result, errorWords(err), 'bad');
  } finally {
    btn.disabled = false;
  }
}

// --- merchant notices -------------------------------------------------------------------------

const NOTICES_MS = 3000;
let noticesTimer = null;

const DELIVERY_WORDS = {
  delivered: 'Delivered',
  pending: 'Pending',
  failed: 'Failed',
};

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The delivery cell: state in words (never colour alone), attempts, last answer, next try. */
function deliveryWords(n) {
  let words = `${DELIVERY_WORDS[n.status] || n.status} (${plural(n.attempts, 'attempt')})`;
  if (n.status !== 'delivered' && n.last_error) words += `, last: ${n.last_error}`;
  if (n.status === 'pending' && n.next_attempt_at) words += `, next try ${n.next_attempt_at.replace('T', ' ').replace('Z', '')}`;
  return words;
}

function showNotices(list) {
  if (document.activeElement !== $('n-url')) $('n-url').value = list.notify_url || '';
  const body = $('notices-body');
  body.replaceChildren();
  if (list.notices.length === 0) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = 5;
    cell.textContent = list.notify_url ? 'No notices yet.' : 'No notify URL: no notices are sent.';
    return;
  }
  for (const n of list.notices) {
    const row = body.insertRow();
    row.dataset.noticeId = n.notice_id;
    row.dataset.status = n.status;
    const cells = [
      n.occurred_at.replace('T', ' ').replace('Z', ''),
      n.order_id,
      n.event,
      yuan(n.amount),
      deliveryWords(n),
    ];
    for (const text of cells) row.insertCell().textContent = text;
    row.cells[4].className = n.status === 'delivered' ? 'ok' : n.status === 'failed' ? 'bad' : 'wait';
  }
}

async function refreshNotices() {
  try {
    showNotices(await api('GET', mpath('/notices')));
  } catch (err) {
    say($('notify-message'), errorWords(err), 'bad');
  }
}

// Bumped by every start and stop, so a refresh still in flight never re-arms a stopped timer.
let noticesRound = 0;

function startNotices() {
  stopNotices();
  const round = noticesRound;
  const tick = async () => {
    await refreshNotices();
    if (round === noticesRound) noticesTimer = setTimeout(tick, NOTICES_MS);
  };
  tick();
}

function stopNotices() {
  noticesRound += 1;
  clearTimeout(noticesTimer);
  noticesTimer = null;
}

async function saveNotifyUrl(url) {
  say($('notify-message'), 'Saving…', 'wait');
  try {
    const s = await api('PUT', mpath('/notice-settings'), { notify_url: url });
    $('n-url').value = s.notify_url || '';
    say($('notify-message'), s.notify_url ? `Notices go to ${s.notify_url}` : 'Notices stopped.', 'ok');
    await refreshNotices();
  } catch (err) {
    say($('notify-message'), errorWords(err), 'bad');
  }
}

async function rotateNoticeSecret() {
  say($('notify-message'), 'Making a new secret…', 'wait');
  try {
    const s = await api('POST', mpath('/notice-secret'));
    $('notice-secret-value').textContent = s.notice_secret;
    $('notice-secret-once').hidden = false;
    say($('notify-message'), 'New notice secret made: the old one no longer signs.', 'ok');
  } catch (err) {
    say($('notify-message'), errorWords(err), 'bad');
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('merchant-create-form').addEventListener('submit', createMerchant);
  $('merchant-login-form').addEventListener('submit', useMerchant);
  $('merchant-forget').addEventListener('click', () => {
    stopPolling();
    forgetMerchant();
  });
  $('order-form').addEventListener('submit', createOrder);
  $('charge-form').addEventListener('submit', charge);
  $('refund-form').addEventListener('submit', refund);
  $('notify-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    saveNotifyUrl($('n-url').value.trim() || null);
  });
  $('notify-clear').addEventListener('click', () => saveNotifyUrl(null));
  $('notice-secret-rotate').addEventListener('click', rotateNoticeSecret);
  showMerchant();
});
