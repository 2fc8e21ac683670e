// The provider's web checkout page (server/src/http/routes/checkout.rs renders it). It follows
// the order (GET /v1/checkout/<token> every 1.5 s), sends the order to a phone number's Wallet
// inbox (POST /v1/checkout/<token>/phone), and once the order is paid, declined or expired
// sends the payer back to the merchant's return_url with the result. No cookies, no storage:
// the token in the address is all the page has.
(() => {
  'use strict';

  const POLL_MS = 1500;
  const RETURN_AFTER_MS = 3000;

  const $ = (id) => document.getElementById(id);
  const words = JSON.parse($('checkout-words').textContent);
  const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? vars[k] : ''));
  const token = decodeURIComponent(location.pathname.split('/').pop() || '');
  const api = `/v1/checkout/${encodeURIComponent(token)}`;

  let settled = false;

  const expires = $('expires-at');
  if (expires) {
    const when = new Date(expires.getAttribute('datetime'));
    if (!Number.isNaN(when.getTime())) {
      expires.textContent = when.toLocaleString(document.documentElement.lang);
    }
  }

  function hideOptions() {
    const options = $('pay-options');
    if (options) options.hidden = true;
  }

  function show(view) {
    const status = $('status');
    status.dataset.status = view.status;
    status.textContent = words[`status_${view.status}`] || view.status;
    if (view.status === 'open') return;
    settled = true;
    hideOptions();
    $('expires').hidden = true;
    if (view.return_url) {
      const merchant = view.merchant.name;
      const link = $('return-link');
      link.href = view.return_url;
      link.textContent = fill(words.return_link, { merchant });
      $('returning').textContent = fill(words.returning, { merchant });
      $('result').hidden = false;
      setTimeout(() => location.assign(view.return_url), RETURN_AFTER_MS);
    }
  }

  function gone() {
    settled = true;
    hideOptions();
    const status = $('status');
    status.dataset.status = 'gone';
    status.textContent = words.gone;
  }

  async function poll() {
    if (settled) return;
    try {
      const res = await fetch(api, {
        headers: { accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
      if (res.status === 404) {
        gone();
        return;
      }
      if (res.ok) show(await res.json());
    } catch {
      // A network blip: the next tick tries again.
    }
    if (!settled) setTimeout(poll, POLL_MS);
  }

  const form = $('phone-form');
  if (form) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const out = $('phone-result');
      const button = $('phone-submit');
      const phone = $('phone').value.trim();
      out.textContent = '';
      out.dataset.outcome = '';
      if (!phone) {
        out.textContent = words.phone_invalid;
        out.dataset.outcome = 'invalid';
        return;
      }
      button.disabled = true;
      try {
        const res = await fetch(`${api}/phone`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ phone }),
          credentials: 'omit',
        });
        const body = await res.json().catch(() => ({}));
        if (res.status === 202) {
          out.textContent = fill(words.phone_sent, { phone: body.phone_masked || '' });
          out.dataset.outcome = 'sent';
        } else if (res.status === 400) {
          out.textContent = words.phone_invalid;
          out.dataset.outcome = 'invalid';
        } else if (res.status === 429) {
          out.textContent = words.too_many;
          out.dataset.outcome = 'too_many';
        } else if (res.status === 404) {
          gone();
        } else {
          // 409: paid, declined or expired meanwhile; the next poll shows which.
          out.textContent = words.error;
          out.dataset.outcome = 'error';
        }
      } catch {
        out.textContent = words.error;
        out.dataset.outcome = 'error';
      } finally {
        button.disabled = false;
      }
    });
  }

  poll();
})();
