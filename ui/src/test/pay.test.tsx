import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendProvider } from '../backend/context';
import { FAKE_IMAGE_MAGIC, FOREIGN_QR, InMemoryBackend } from '../backend/memory';
import { I18nProvider, type Locale } from '../i18n';
import { polling } from '../polling';
import { Paycode } from '../screens/Paycode';
import { renderApp, signedInBackend } from './render';

const PIN = '860527';

/** Signed in, with a payment PIN and ¥500.00 in the wallet. */
function payer() {
  return signedInBackend().seedPin(PIN).seedBalance(50_000);
}

/** A picture file the fake decoder reads (the real decoder is tested in Rust and in the desktop E2E). */
function qrImage(payload: string, name = 'code.png'): File {
  return new File([new TextEncoder().encode(FAKE_IMAGE_MAGIC + payload)], name, { type: 'image/png' });
}

const saved = { ...polling };
beforeEach(() => {
  polling.intervalMs = 20;
  polling.ordersMs = 40;
});
afterEach(() => {
  Object.assign(polling, saved);
  vi.useRealTimers();
});

async function openScan(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId('action-scan'));
  return screen.findByTestId('screen-scan');
}

describe('scan to pay', () => {
  it('static code: merchant on record, amount required, PIN, receipt', async () => {
    const backend = payer();
    const { payload } = backend.seedMerchant({ name: 'Lanzhou Noodles', city: 'Shanghai', mcc: '5812' });
    const { user } = renderApp(backend);
    await openScan(user);

    // The file input has a visible label; the core decodes the image's bytes, then the payload.
    await user.upload(screen.getByLabelText('Choose an image of the QR code'), qrImage(payload));
    const confirm = await screen.findByTestId('pay-confirm');
    expect(confirm).toHaveAttribute('data-channel', 'static_qr');
    expect(backend.calls).toEqual(expect.arrayContaining(['decodeQrImage', 'decodeQr', 'resolveQr']));
    expect(screen.getByTestId('confirm-merchant-name')).toHaveTextContent('Lanzhou Noodles');
    expect(confirm).toHaveTextContent('Shanghai · Restaurant');
    await waitFor(() => expect(screen.getByTestId('confirm-source')).toHaveTextContent('Wallet balance (¥500.00 available)'));
    expect(screen.queryByTestId('name-mismatch')).not.toBeInTheDocument();

    // No amount typed: said in words at the field, and no PIN is asked for.
    await user.click(screen.getByTestId('pay-submit'));
    expect(await screen.findByTestId('pay-amount-error')).toHaveTextContent('Enter the amount to pay, like 23.50.');
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    expect(backend.calls).not.toContain('payQr');

    await user.type(screen.getByLabelText('Amount to pay'), '23.5');
    await user.click(screen.getByTestId('pay-submit'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Pay ¥23.50 to Lanzhou Noodles');
    await user.type(within(dialog).getByLabelText('Payment PIN'), PIN);

    const receipt = await screen.findByTestId('receipt');
    expect(receipt).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByTestId('receipt-status')).toHaveTextContent('Payment succeeded');
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('−¥23.50');
    expect(screen.getByTestId('receipt-merchant')).toHaveTextContent('Lanzhou Noodles');
    expect(screen.getByTestId('receipt-source')).toHaveTextContent('Wallet balance');
    expect(screen.getByTestId('receipt-reference')).toHaveTextContent(/^op-\d+$/);
    expect(screen.getByTestId('receipt-time')).toHaveTextContent('2026');

    // Home lists the payment with the merchant, a minus sign and a word.
    await user.click(screen.getByTestId('receipt-done'));
    const op = await screen.findByTestId('operation');
    expect(op).toHaveAttribute('data-kind', 'payment');
    expect(op).toHaveTextContent('Payment');
    expect(op).toHaveTextContent('Lanzhou Noodles');
    expect(within(op).getByTestId('operation-amount')).toHaveTextContent('−¥23.50');
  });

  it('dynamic code: the amount is locked and shown; the order is paid once', async () => {
    const backend = payer();
    const { merchantId } = backend.seedMerchant({ name: 'Tea House', city: 'Hangzhou', mcc: '5814' });
    const { orderId, payload } = backend.seedOrder(merchantId, 2_350);
    const { user } = renderApp(backend, 'zh-CN');
    await openScan(user);

    // Pasting the code's text works as well as an image.
    await user.type(screen.getByLabelText('或粘贴二维码内容'), payload);
    await user.click(screen.getByTestId('scan-text-submit'));
    const confirm = await screen.findByTestId('pay-confirm');
    expect(confirm).toHaveAttribute('data-channel', 'dynamic_qr');
    expect(screen.getByTestId('confirm-amount')).toHaveTextContent('¥23.50');
    expect(screen.queryByTestId('pay-amount')).not.toBeInTheDocument();
    expect(confirm).toHaveTextContent('金额（商家已设定）');
    expect(screen.getByTestId('confirm-summary')).toHaveTextContent('支付截止');
    expect(screen.getByTestId('confirm-expires')).toHaveTextContent(/\d{4}年/);
    expect(screen.getByTestId('pay-submit')).toHaveTextContent('付款 ¥23.50');

    // A wrong PIN is said in the dialog, which starts again empty.
    await user.click(screen.getByTestId('pay-submit'));
    await user.type(await screen.findByLabelText('支付密码'), '000000');
    expect(await screen.findByTestId('pin-dialog-input-error')).toHaveTextContent('支付密码错误');
    await user.type(screen.getByLabelText('支付密码'), PIN);

    expect(await screen.findByTestId('receipt-amount')).toHaveTextContent('−¥23.50');
    expect(screen.getByTestId('receipt-order')).toHaveTextContent(orderId);
    expect(backend.orderStatus(orderId)).toBe('paid');

    // The same code again: already paid, in words.
    await user.click(screen.getByTestId('receipt-done'));
    await openScan(user);
    await user.type(screen.getByLabelText('或粘贴二维码内容'), payload);
    await user.click(screen.getByTestId('scan-text-submit'));
    expect(await screen.findByTestId('scan-error')).toHaveTextContent('此订单已支付，无需再次付款。');
  });

  it('warns when the name printed in the code is not the merchant on record', async () => {
    const backend = payer();
    const { merchantId } = backend.seedMerchant({ name: 'Golden Dragon Restaurant' });
    const { payload } = backend.seedOrder(merchantId, 9_900, { printedName: 'City Water Bill' });
    const { user } = renderApp(backend);
    await openScan(user);
    await user.upload(screen.getByTestId('scan-file'), qrImage(payload));
    const warning = await screen.findByTestId('name-mismatch');
    expect(warning).toHaveAttribute('role', 'alert');
    expect(warning).toHaveTextContent('Check who you are paying');
    expect(warning).toHaveTextContent('The code says “City Water Bill”, but this merchant is registered as “Golden Dragon Restaurant”.');
    // The name on record is the one paid and shown everywhere else.
    expect(screen.getByTestId('confirm-merchant-name')).toHaveTextContent('Golden Dragon Restaurant');
    expect(screen.getByTestId('confirm-merchant')).toHaveTextContent('Golden Dragon Restaurant');
  });

  it('shows a link as text, never as a link, and never resolves it', async () => {
    const backend = payer();
    const { user, container } = renderApp(backend);
    await openScan(user);
    await user.upload(screen.getByTestId('scan-file'), qrImage(FOREIGN_QR.url));
    const info = await screen.findByTestId('qr-info');
    expect(info).toHaveAttribute('data-kind', 'url');
    expect(screen.getByTestId('qr-what')).toHaveTextContent('Wallet does not open links from QR codes');
    expect(screen.getByTestId('qr-text')).toHaveTextContent(FOREIGN_QR.url);
    expect(container.querySelector('a')).toBeNull();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(backend.calls).not.toContain('resolveQr');
  });

  it.each([
    ['pix', FOREIGN_QR.pix, 'This is a Pix (Brazil) payment code.', 'FULANO DE TAL'],
    ['promptpay', FOREIGN_QR.promptpay, 'This is a PromptPay (Thailand) payment code.', 'SOMCHAI'],
    ['upi', FOREIGN_QR.upi, 'This is a UPI payment link (India).', 'Chai Point'],
    ['alipay', FOREIGN_QR.alipay, 'This is an Alipay code.', FOREIGN_QR.alipay],
    ['wechat', FOREIGN_QR.wechat, 'This is a WeChat Pay code.', FOREIGN_QR.wechat],
    ['text', FOREIGN_QR.text, 'This code holds plain text, not a payment.', FOREIGN_QR.text],
  ])('names a %s code and does not pay it', async (_, payload, what, shown) => {
    const backend = payer();
    const { user, container } = renderApp(backend);
    await openScan(user);
    await user.type(screen.getByTestId('scan-text'), payload);
    await user.click(screen.getByTestId('scan-text-submit'));
    expect(await screen.findByTestId('qr-what')).toHaveTextContent(what);
    expect(screen.getByTestId('qr-info')).toHaveTextContent(shown);
    expect(container.querySelector('a')).toBeNull();
    expect(backend.calls).not.toContain('resolveQr');
    await user.click(screen.getByTestId('scan-again'));
    expect(await screen.findByTestId('scan-file')).toBeInTheDocument();
  });

  it('explains broken images and codes by their code, in the user’s language', async () => {
    const backend = payer();
    const { user } = renderApp(backend, 'zh-TW');
    await openScan(user);
    await user.upload(screen.getByTestId('scan-file'), new File(['GIF89a…'], 'x.png', { type: 'image/png' }));
    expect(await screen.findByTestId('scan-error')).toHaveTextContent('無法將此檔案辨識為圖片');
    await user.upload(screen.getByTestId('scan-file'), qrImage(''));
    expect(await screen.findByTestId('scan-error')).toHaveTextContent('圖片中找不到 QR 碼');
    const { payload } = backend.seedMerchant({ name: 'Shop' });
    await user.type(screen.getByTestId('scan-text'), `${payload.slice(0, -4)}0000`);
    await user.click(screen.getByTestId('scan-text-submit'));
    const err = await screen.findByTestId('scan-error');
    await waitFor(() => expect(err).toHaveTextContent('此 QR 碼已損壞或遭竄改'));
    expect(err.textContent).not.toMatch(/QR_/);
  });

  it('a balance too low says what to do and offers a top-up', async () => {
    const backend = signedInBackend().seedPin(PIN).seedBalance(1_000);
    const { payload } = backend.seedMerchant({ name: 'Bakery' });
    const { user } = renderApp(backend);
    await openScan(user);
    await user.upload(screen.getByTestId('scan-file'), qrImage(payload));
    await user.type(await screen.findByLabelText('Amount to pay'), '88');
    await user.click(screen.getByTestId('pay-submit'));
    await user.type(await screen.findByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('pay-error')).toHaveTextContent('Your wallet balance is not enough. Enter a smaller amount or top up first.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('pay-topup'));
    expect(await screen.findByTestId('screen-topup')).toBeInTheDocument();
  });
});

/** The Pay screen alone, for fake timers (Testing Library's `findBy` polls with real ones). */
function renderPaycode(backend: InMemoryBackend, locale: Locale = 'en') {
  const spies = { onBack: vi.fn(), onSettings: vi.fn(), onOrders: vi.fn() };
  render(
    <I18nProvider locale={locale}>
      <BackendProvider backend={backend}>
        <Paycode {...spies} />
      </BackendProvider>
    </I18nProvider>,
  );
  return spies;
}

const flush = () => act(async () => vi.advanceTimersByTimeAsync(0));
const tick = (ms: number) => act(async () => vi.advanceTimersByTimeAsync(ms));

describe('payment code', () => {
  it('provisions once, shows the code as images, counts down and rotates every 30 s', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T10:00:10Z') });
    polling.ordersMs = 60_000;
    const backend = payer();
    renderPaycode(backend);
    await flush();

    // No seed on this device yet: one refresh, then codes are made offline.
    expect(backend.calls.filter((c) => c === 'refreshPaycodeSeed')).toHaveLength(1);
    const qr = screen.getByTestId('paycode-qr');
    expect(qr).toHaveAttribute('alt', 'Payment code as a QR code');
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(screen.getByTestId('paycode-barcode')).toHaveAttribute('alt', 'Payment code as a barcode');
    // The SVG is never put into the page as markup.
    expect(document.querySelector('.paycode svg title')).toBeNull();

    const first = screen.getByTestId('paycode-digits').textContent ?? '';
    expect(first).toMatch(/^\d{4} •••• •••• •••• ••$/);
    expect(screen.getByTestId('paycode-countdown')).toHaveTextContent('New code in 20 s');
    expect(screen.getByTestId('paycode-countdown')).toHaveAttribute('aria-live', 'off');
    expect(screen.getByTestId('paycode-announce')).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByTestId('paycode-announce')).toHaveTextContent('A new payment code is shown. It is valid for 20 seconds.');

    // The digits only on request.
    await act(async () => screen.getByTestId('paycode-toggle-digits').click());
    expect(screen.getByTestId('paycode-toggle-digits')).toHaveAttribute('aria-pressed', 'true');
    const digits = screen.getByTestId('paycode-digits').textContent ?? '';
    expect(digits).toMatch(/^\d{4} \d{4} \d{4} \d{4} \d{2}$/);
    expect(digits.slice(0, 4)).toBe(first.slice(0, 4));

    await tick(5_000);
    expect(screen.getByTestId('paycode-countdown')).toHaveTextContent('New code in 15 s');
    // Screen readers are told once shortly before the change, not every second.
    await tick(10_000);
    expect(screen.getByTestId('paycode-announce')).toHaveTextContent('The payment code changes in 5 seconds.');
    await tick(1_000);
    expect(screen.getByTestId('paycode-announce')).toHaveTextContent('The payment code changes in 5 seconds.');

    // Runs out: a new code, made offline.
    backend.setOffline(true);
    await tick(4_000);
    await flush();
    const rotated = screen.getByTestId('paycode-digits').textContent ?? '';
    expect(rotated).toMatch(/^\d{4} \d{4} \d{4} \d{4} \d{2}$/);
    expect(rotated).not.toBe(digits);
    expect(screen.getByTestId('paycode-countdown')).toHaveTextContent('New code in 30 s');
    expect(screen.getByTestId('paycode-announce')).toHaveTextContent('A new payment code is shown. It is valid for 30 seconds.');
    expect(backend.calls.filter((c) => c === 'refreshPaycodeSeed')).toHaveLength(1);

    await tick(30_000);
    await flush();
    expect(screen.getByTestId('paycode-digits').textContent).not.toBe(rotated);
    expect(screen.queryByTestId('paycode-error')).not.toBeInTheDocument();
  });

  it('without a seed and offline, says to connect once; retry sets it up', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T10:00:00Z') });
    polling.ordersMs = 60_000;
    const backend = payer().setOffline(true);
    renderPaycode(backend, 'zh-CN');
    await flush();
    expect(screen.getByTestId('paycode-error')).toHaveTextContent('本设备尚未开通付款码。请联网一次后重试。');
    expect(screen.queryByTestId('paycode-qr')).not.toBeInTheDocument();
    backend.setOffline(false);
    await act(async () => screen.getByTestId('paycode-retry').click());
    await flush();
    expect(screen.getByTestId('paycode-qr')).toBeInTheDocument();
    expect(screen.getByTestId('paycode-countdown')).toHaveTextContent('30 秒后更新');
  });

  it('shows the no-PIN limits and lowers them within the ceilings', async () => {
    const backend = payer().seedPaycode();
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-pay'));
    expect(await screen.findByTestId('paycode-limits')).toHaveTextContent('Up to ¥200.00 per payment without the PIN; ¥1,000.00 left today.');
    expect(backend.calls).not.toContain('refreshPaycodeSeed');
    await user.click(screen.getByTestId('paycode-settings'));

    const per = await screen.findByLabelText('Limit per payment');
    expect(per).toHaveValue('200.00');
    expect(screen.getByTestId('screen-no-pin')).toHaveTextContent('At most ¥200.00.');
    expect(screen.getByTestId('screen-no-pin')).toHaveTextContent('At most ¥1,000.00. ¥1,000.00 of today’s limit is left.');

    await user.clear(per);
    await user.type(per, '500');
    await user.click(screen.getByTestId('no-pin-save'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('This is over the limit for one payment.');

    await user.clear(per);
    await user.type(per, '50');
    await user.clear(screen.getByLabelText('Limit per day'));
    await user.type(screen.getByLabelText('Limit per day'), '300');
    await user.click(screen.getByTestId('no-pin-save'));
    expect(await screen.findByTestId('no-pin-saved')).toHaveTextContent('Saved.');
    expect(screen.getByLabelText('Limit per payment')).toHaveValue('50.00');

    // Off: every payment waits for the PIN.
    const toggle = screen.getByRole('switch', { name: /Pay small amounts without the PIN/ });
    await user.click(toggle);
    expect(screen.getByLabelText('Limit per payment')).toBeDisabled();
    await user.click(screen.getByTestId('no-pin-save'));
    await screen.findByTestId('no-pin-saved');
    await user.click(screen.getByTestId('back'));
    expect(await screen.findByTestId('paycode-limits')).toHaveTextContent('No-PIN payments are off');
  });

  it('raising the no-PIN limits or switching them on asks for the PIN; lowering does not', async () => {
    const backend = payer().seedPaycode();
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-pay'));
    await user.click(await screen.findByTestId('paycode-settings'));
    const per = await screen.findByLabelText('Limit per payment');
    await user.clear(per);
    await user.type(per, '50');
    await user.click(screen.getByTestId('no-pin-save'));
    expect(await screen.findByTestId('no-pin-saved')).toBeInTheDocument();
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();

    // Back up to ¥100: the provider wants the PIN, the dialog asks for it.
    await user.clear(screen.getByLabelText('Limit per payment'));
    await user.type(screen.getByLabelText('Limit per payment'), '100');
    await user.click(screen.getByTestId('no-pin-save'));
    const dialog = await screen.findByTestId('pin-dialog');
    expect(dialog).toHaveTextContent('Switching no-PIN payments on or raising a limit needs your payment PIN.');
    expect(screen.queryByTestId('no-pin-saved')).not.toBeInTheDocument();
    await user.type(within(dialog).getByTestId('pin-dialog-input'), '999999');
    expect(await screen.findByTestId('pin-dialog-input-error')).toHaveTextContent('The payment PIN is wrong.');
    await user.type(within(screen.getByTestId('pin-dialog')).getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('no-pin-saved')).toBeInTheDocument();
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Limit per payment')).toHaveValue('100.00');

    // Off needs nothing; on again needs the PIN (cancel keeps it off).
    await user.click(screen.getByRole('switch', { name: /Pay small amounts without the PIN/ }));
    await user.click(screen.getByTestId('no-pin-save'));
    await screen.findByTestId('no-pin-saved');
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: /Pay small amounts without the PIN/ }));
    await user.click(screen.getByTestId('no-pin-save'));
    await user.click(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-cancel'));
    expect((await backend.paycodeSettings()).no_pin_enabled).toBe(false);
    // Each change is in the security log.
    const log = await backend.securityLog(null);
    expect(log.events.filter((e) => e.kind === 'no_pin_changed')).toHaveLength(3);
  });

  it('tells about a payment over the no-PIN limit waiting for the PIN', async () => {
    const backend = payer().seedPaycode();
    const { merchantId } = backend.seedMerchant({ name: 'Mall' });
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-pay'));
    backend.seedOrder(merchantId, 35_000, { channel: 'paycode' });
    expect(await screen.findByTestId('paycode-waiting')).toHaveTextContent('Mall asks for ¥350.00');
    await user.click(screen.getByTestId('paycode-waiting-open'));
    expect(await screen.findAllByTestId('order')).toHaveLength(1);
  });
});

describe('orders', () => {
  function withOrders() {
    const backend = payer();
    const { merchantId } = backend.seedMerchant({ name: 'Fresh Mart', city: 'Beijing', mcc: '5411' });
    const remote = backend.seedOrder(merchantId, 4_200, { channel: 'remote_order', description: 'Groceries, order 1182' });
    const over = backend.seedOrder(merchantId, 30_000, { channel: 'paycode', expiresInSecs: 600 });
    return { backend, remote, over };
  }

  it('shows waiting orders on home with a badge, and pays one with the PIN', async () => {
    const { backend, remote } = withOrders();
    const { user } = renderApp(backend);
    const waiting = await screen.findByTestId('orders-waiting');
    expect(waiting).toHaveTextContent('Waiting for you');
    expect(screen.getByTestId('orders-badge')).toHaveTextContent('2 waiting');
    expect(screen.getByTestId('orders-waiting-text')).toHaveTextContent(/Fresh Mart asks for ¥(300|42)\.00, and 1 more/);
    await user.click(waiting);

    const items = await screen.findAllByTestId('order');
    expect(items).toHaveLength(2);
    const item = items.find((i) => i.getAttribute('data-order-id') === remote.orderId) as HTMLElement;
    expect(item).toHaveTextContent('Fresh Mart');
    expect(item).toHaveTextContent('Beijing · Supermarket');
    expect(item).toHaveTextContent('¥42.00');
    expect(item).toHaveTextContent('Groceries, order 1182');
    expect(item).toHaveTextContent('Sent to your phone number');
    expect(within(item).getByTestId('order-countdown')).toHaveTextContent(/Expires in 1[45]:\d\d/);

    await user.click(within(item).getByRole('button', { name: 'Pay ¥42.00 to Fresh Mart' }));
    await user.type(await screen.findByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('receipt-status')).toHaveTextContent('Payment succeeded');
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('−¥42.00');
    expect(screen.getByTestId('receipt-order')).toHaveTextContent(remote.orderId);
    expect(backend.orderStatus(remote.orderId)).toBe('paid');

    await user.click(screen.getByTestId('receipt-done'));
    await waitFor(() => expect(screen.getByTestId('orders-badge')).toHaveTextContent('1 waiting'));
  });

  it('declines an order after confirming, and explains an expired one', async () => {
    const { backend, over } = withOrders();
    const { merchantId } = backend.seedMerchant({ name: 'Late Cafe' });
    const late = backend.seedOrder(merchantId, 1_500, { channel: 'remote_order', expiresInSecs: 1 });
    const { user } = renderApp(backend, 'zh-TW');
    await user.click(await screen.findByTestId('home-orders'));
    await screen.findAllByTestId('order');

    await user.click(screen.getByRole('button', { name: '拒絕 Fresh Mart 的 ¥300.00 收款' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('拒絕向 Fresh Mart 付款 ¥300.00？');
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('orders-done')).toHaveTextContent('已拒絕向 Fresh Mart 付款 ¥300.00。');
    expect(backend.orderStatus(over.orderId)).toBe('declined');

    // The 1-second order runs out while shown: no pay button, and why.
    const lateItem = () => screen.getAllByTestId('order').find((i) => i.getAttribute('data-order-id') === late.orderId);
    await waitFor(() => expect(lateItem()).toHaveAttribute('data-expired', 'true'), { timeout: 3000 });
    const item = lateItem() as HTMLElement;
    expect(within(item).getByTestId('order-expired')).toHaveTextContent('已過期');
    expect(within(item).getByTestId('order-expired-body')).toHaveTextContent('此訂單已過期，無法再支付。');
    expect(within(item).queryByRole('button')).not.toBeInTheDocument();
  });

  it('an order that expired before the PIN went in is explained, not paid', async () => {
    const backend = payer();
    const { merchantId } = backend.seedMerchant({ name: 'Kiosk' });
    const o = backend.seedOrder(merchantId, 800, { channel: 'remote_order' });
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('home-orders'));
    await user.click(await screen.findByTestId(`order-pay-${o.orderId}`));
    backend.failNext('confirmOrder', 'ORDER_EXPIRED');
    await user.type(await screen.findByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('orders-error')).toHaveTextContent('This order expired and can no longer be paid. Ask the merchant for a new one.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('is empty when nothing waits', async () => {
    const { user } = renderApp(payer());
    expect(screen.queryByTestId('orders-waiting')).not.toBeInTheDocument();
    await user.click(await screen.findByTestId('home-orders'));
    expect(await screen.findByTestId('orders-empty')).toHaveTextContent('Nothing is waiting for you.');
  });
});
