import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CARDS } from '../backend/memory';
import { formatMoney, toDecimal } from '../i18n/money';
import { polling } from '../polling';
import { renderApp, signedInBackend } from './render';

const PIN = '860527';
const last4 = (n: string) => n.slice(-4);

/** Signed in, with a payment PIN and the approving CMB debit card as default. */
function withCard() {
  return signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.approve);
}

const interval = polling.intervalMs;
beforeEach(() => {
  polling.intervalMs = 20;
});
afterEach(() => {
  polling.intervalMs = interval;
});

describe('money formatting', () => {
  it('formats integer minor units per locale without floats', () => {
    const m = (minor: number) => ({ minor, currency: 'CNY' as const });
    expect(formatMoney(m(123_450), 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoney(m(123_450), 'zh-TW')).toBe('¥1,234.50');
    expect(formatMoney(m(123_450), 'en')).toBe('¥1,234.50');
    expect(formatMoney(m(5), 'en')).toBe('¥0.05');
    expect(formatMoney(m(-5), 'en')).toBe('−¥0.05');
    expect(formatMoney(m(10_000), 'en', 'always')).toBe('+¥100.00');
    expect(formatMoney(m(10_000), 'en', 'never')).toBe('¥100.00');
    // 0.1 + 0.2 style float errors cannot happen: the digits come from the integer.
    expect(formatMoney(m(30), 'zh-CN')).toBe('¥0.30');
    expect(formatMoney(m(100_000_000_000_001), 'en')).toBe('¥1,000,000,000,000.01');
    expect(formatMoney({ minor: 100, currency: 'TWD' }, 'zh-TW')).toBe('NT$1.00');
    expect(toDecimal(m(123_450))).toBe('1234.50');
    expect(toDecimal(m(7))).toBe('0.07');
  });
});

describe('binding a card', () => {
  it('creates the payment PIN first, inspects the number as it is typed, then takes the bank code', async () => {
    const { user, backend } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('action-cards'));
    expect(await screen.findByText('No bank cards yet. Add one to top up and withdraw.')).toBeInTheDocument();
    await user.click(screen.getByTestId('cards-add'));

    // No PIN yet: the flow asks for one, with the core's verdict on weak ones.
    expect(await screen.findByRole('heading', { name: 'First, create your payment PIN' })).toBeInTheDocument();
    const pinInput = screen.getByLabelText('New 6-digit payment PIN');
    expect(pinInput).toHaveAttribute('type', 'password');
    await user.type(pinInput, '111111');
    expect(await screen.findByTestId('pin-new-error')).toHaveTextContent('This payment PIN is too easy to guess');
    expect(backend.calls).toContain('checkNewPin');
    await user.type(screen.getByLabelText('New 6-digit payment PIN'), PIN);
    await user.type(await screen.findByLabelText('Enter the same PIN again'), '860528');
    expect(await screen.findByTestId('pin-new-error')).toHaveTextContent('The two PINs were different');
    await user.type(screen.getByLabelText('New 6-digit payment PIN'), PIN);
    await user.type(await screen.findByLabelText('Enter the same PIN again'), PIN);
    expect(await screen.findByTestId('pin-created')).toHaveTextContent('Payment PIN created');
    expect(backend.calls).toContain('setPin');

    // Live offline inspection, grouped by four.
    const number = screen.getByLabelText('Card number');
    await user.type(number, SANDBOX_CARDS.approve.slice(0, 8));
    await waitFor(() => expect(screen.getByTestId('bind-inspection')).toHaveTextContent('China Merchants Bank · debit card · UnionPay'));
    expect(screen.getByTestId('bind-inspection')).not.toHaveTextContent('looks right');
    await user.type(number, SANDBOX_CARDS.approve.slice(8));
    expect(number).toHaveValue(SANDBOX_CARDS.approve.replace(/(\d{4})(?=\d)/g, '$1 '));
    await waitFor(() => expect(screen.getByTestId('bind-inspection')).toHaveAttribute('data-complete', 'true'));
    expect(screen.getByTestId('bind-inspection')).toHaveTextContent('Number looks right');
    expect(screen.getByTestId('bind-holder')).toHaveTextContent('李明');
    expect(screen.getByLabelText('Mobile number at the bank')).toHaveValue('13800138000');

    await user.click(screen.getByTestId('bind-submit'));
    expect(await screen.findByTestId('bind-code-phone')).toHaveTextContent('+86 138****8000');
    await user.type(screen.getByLabelText('Bank verification code'), '000000');
    expect(await screen.findByTestId('form-error')).toHaveTextContent('That code is not right');
    await user.type(screen.getByLabelText('Bank verification code'), backend.lastCode ?? '');
    expect(await screen.findByTestId('bind-done')).toHaveTextContent(`China Merchants Bank debit card (${last4(SANDBOX_CARDS.approve)}) is in your wallet.`);

    await user.click(screen.getByTestId('bind-finish'));
    const card = await screen.findByTestId('card');
    expect(card).toHaveTextContent('China Merchants Bank');
    expect(within(card).getByTestId('card-default')).toHaveTextContent('Default');
    expect(card).toHaveTextContent(`•••• ${last4(SANDBOX_CARDS.approve)}`);
  });

  it('says "check the number" for a number that fails the check digit, and skips the PIN step when one is set', async () => {
    const { user } = renderApp(signedInBackend().seedPin(PIN), 'zh-CN');
    await user.click(await screen.findByTestId('action-cards'));
    await user.click(await screen.findByTestId('cards-add'));
    const number = await screen.findByLabelText('卡号');
    const wrong = SANDBOX_CARDS.approve.slice(0, 15) + String((Number(SANDBOX_CARDS.approve.slice(15)) + 1) % 10);
    await user.type(number, wrong);
    expect(await screen.findByTestId('bind-number-error')).toHaveTextContent('请检查卡号');
    expect(number).toHaveAttribute('aria-invalid', 'true');
  });

  it('explains a card the bank reports lost, in words', async () => {
    const { user } = renderApp(signedInBackend().seedPin(PIN));
    await user.click(await screen.findByTestId('action-cards'));
    await user.click(await screen.findByTestId('cards-add'));
    await user.type(await screen.findByLabelText('Card number'), SANDBOX_CARDS.lost);
    await user.click(screen.getByTestId('bind-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Your bank says this card was reported lost or stolen. Use another card.');
    expect(document.body).not.toHaveTextContent('CARD_REPORTED_LOST');
  });
});

describe('top-up', () => {
  it('amount and card → confirm (who, how much, from where) → receipt → balance on home', async () => {
    const { user, backend } = renderApp(withCard());
    await user.click(await screen.findByTestId('action-topup'));

    const amount = await screen.findByLabelText('Amount');
    expect(screen.getByRole('radio', { name: /China Merchants Bank debit card/ })).toBeChecked();
    await user.type(amount, '12.345');
    await user.click(screen.getByTestId('move-continue'));
    expect(await screen.findByTestId('amount-error')).toHaveTextContent('Enter an amount above zero with at most two decimals, like 100 or 12.30.');

    await user.clear(amount);
    await user.type(amount, '100');
    await user.click(screen.getByTestId('move-continue'));
    expect(await screen.findByRole('heading', { name: 'Confirm top-up' })).toBeInTheDocument();
    expect(screen.getByTestId('confirm-amount')).toHaveTextContent('¥100.00');
    expect(screen.getByTestId('confirm-from')).toHaveTextContent(`China Merchants Bank debit card (${last4(SANDBOX_CARDS.approve)})`);
    expect(screen.getByTestId('confirm-to')).toHaveTextContent('Your wallet (李明)');

    // The PIN confirms a top-up, as it does a withdrawal: a wrong one says so and clears.
    const pin = screen.getByLabelText('Enter your payment PIN to top up ¥100.00');
    expect(pin).toHaveAttribute('type', 'password');
    await user.type(pin, '999999');
    expect(await screen.findByTestId('topup-pin-error')).toHaveTextContent('The payment PIN is wrong.');
    expect(screen.getByLabelText('Enter your payment PIN to top up ¥100.00')).toHaveValue('');
    expect(backend.calls.filter((c) => c === 'topUp')).toHaveLength(1);
    await user.type(screen.getByLabelText('Enter your payment PIN to top up ¥100.00'), PIN);
    const receipt = await screen.findByTestId('receipt');
    expect(receipt).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByTestId('receipt-status')).toHaveTextContent('Top-up succeeded');
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('+¥100.00');
    expect(backend.calls.filter((c) => c === 'topUp')).toHaveLength(2);

    await user.click(screen.getByTestId('receipt-done'));
    await user.click(await screen.findByTestId('balance-toggle'));
    await waitFor(() => expect(screen.getByTestId('balance-value')).toHaveTextContent('¥100.00'));
  });

  it('a bank timeout is pending, explained, and resolves by itself', async () => {
    const backend = signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.timeout);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-topup'));
    await user.type(await screen.findByLabelText('Amount'), '50');
    await user.click(screen.getByTestId('move-continue'));
    await user.type(await screen.findByTestId('topup-pin'), PIN);
    expect(await screen.findByTestId('receipt-status')).toHaveTextContent('The bank is confirming');
    expect(screen.getByTestId('receipt-pending')).toHaveTextContent('Your balance updates by itself');
    await waitFor(() => expect(screen.getByTestId('receipt')).toHaveAttribute('data-status', 'succeeded'));
    expect(screen.getByTestId('receipt-status')).toHaveTextContent('Top-up succeeded');
  });

  it('a declined card ends in a failed receipt that says what to do', async () => {
    const { user } = renderApp(signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.decline), 'zh-CN');
    await user.click(await screen.findByTestId('action-topup'));
    await user.type(await screen.findByLabelText('金额'), '20');
    await user.click(screen.getByTestId('move-continue'));
    await user.type(await screen.findByTestId('topup-pin'), PIN);
    expect(await screen.findByTestId('receipt-status')).toHaveTextContent('充值失败');
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('¥20.00');
    expect(screen.getByTestId('receipt-amount')).not.toHaveTextContent('+');
    expect(screen.getByTestId('receipt-failure')).toHaveTextContent('银行拒绝了此交易。请换一张卡');
  });

  it('without a card, offers to add one', async () => {
    const { user } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('action-topup'));
    expect(await screen.findByTestId('no-card')).toHaveTextContent('Add a bank card to top up from.');
    await user.click(screen.getByTestId('move-add-card'));
    expect(await screen.findByTestId('screen-bind-card')).toBeInTheDocument();
  });
});

describe('withdraw', () => {
  it('confirms with the PIN; a wrong PIN says so and clears; the receipt shows fee and what arrives', async () => {
    const backend = withCard().seedBalance(50_000);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-withdraw'));
    expect(await screen.findByTestId('available')).toHaveTextContent('Available: ¥500.00');
    await user.type(screen.getByLabelText('Amount'), '100');
    await user.click(screen.getByTestId('move-continue'));
    expect(await screen.findByRole('heading', { name: 'Confirm withdrawal' })).toBeInTheDocument();
    expect(screen.getByTestId('confirm-from')).toHaveTextContent('Your wallet (李明)');
    expect(screen.getByTestId('confirm-to')).toHaveTextContent('China Merchants Bank debit card');

    const pin = screen.getByLabelText('Enter your payment PIN to confirm');
    expect(pin).toHaveAttribute('type', 'password');
    await user.type(pin, '999999');
    expect(await screen.findByTestId('withdraw-pin-error')).toHaveTextContent('The payment PIN is wrong. Try again; after 5 wrong tries it locks for 3 hours.');
    expect(screen.getByLabelText('Enter your payment PIN to confirm')).toHaveValue('');

    await user.type(screen.getByLabelText('Enter your payment PIN to confirm'), PIN);
    expect(await screen.findByTestId('receipt-status')).toHaveTextContent('Withdrawal succeeded');
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('−¥100.00');
    expect(screen.getByTestId('receipt-fee')).toHaveTextContent('¥0.10');
    expect(screen.getByTestId('receipt-arrives')).toHaveTextContent('¥99.90');
  });

  it('a locked PIN shows when it unlocks and the way to reset it', async () => {
    const backend = withCard().seedBalance(50_000);
    backend.failNext('withdraw', 'PIN_LOCKED', 3 * 3600);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-withdraw'));
    await user.type(await screen.findByLabelText('Amount'), '10');
    await user.click(screen.getByTestId('move-continue'));
    await user.type(await screen.findByLabelText('Enter your payment PIN to confirm'), PIN);
    const err = await screen.findByTestId('withdraw-pin-error');
    expect(err).toHaveTextContent('Your payment PIN is locked after too many wrong tries.');
    expect(err).toHaveTextContent(/You can try again at .+\d/);
    await user.click(screen.getByTestId('forgot-pin'));
    expect(await screen.findByRole('heading', { name: 'Reset payment PIN' })).toBeInTheDocument();
  });

  it('goes only to a debit card', async () => {
    const { user } = renderApp(signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.approveCredit).seedBalance(10_000));
    await user.click(await screen.findByTestId('action-withdraw'));
    expect(await screen.findByTestId('no-card')).toHaveTextContent('Withdrawals go to a debit card. Add one first.');
  });
});

describe('home', () => {
  it('hides the balance until tapped, then shows it per locale', async () => {
    const { user } = renderApp(withCard().seedBalance(123_450), 'zh-CN');
    const value = await screen.findByTestId('balance-value');
    expect(value).toHaveTextContent('••••');
    expect(value).not.toHaveTextContent('1,234');
    await user.click(screen.getByRole('button', { name: '显示余额' }));
    await waitFor(() => expect(value).toHaveTextContent('¥1,234.50'));
    await user.click(screen.getByRole('button', { name: '隐藏余额' }));
    expect(value).not.toHaveTextContent('1,234');
  });

  it('lists operations with a sign and a word for direction and status, never colour alone', async () => {
    const backend = signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.approve).seedCard(SANDBOX_CARDS.decline);
    const [approve, decline] = (await backend.cards()).map((c) => c.card_id);
    await backend.topUp({ amount: '200', card_id: approve ?? null, pin: PIN, idempotency_key: null });
    await backend.withdraw({ amount: '50.5', card_id: approve ?? null, pin: PIN, idempotency_key: null });
    await backend.topUp({ amount: '30', card_id: decline ?? null, pin: PIN, idempotency_key: null });
    renderApp(backend, 'zh-CN');
    const ops = await screen.findAllByTestId('operation');
    expect(ops).toHaveLength(3);
    // Newest first.
    expect(ops[0]).toHaveTextContent('充值');
    expect(within(ops[0]!).getByTestId('operation-amount')).toHaveTextContent(/^¥30\.00$/);
    expect(within(ops[0]!).getByTestId('operation-status')).toHaveTextContent('失败 · 资金未变动');
    expect(ops[0]).toHaveTextContent(`中国工商银行 储蓄卡 (${last4(SANDBOX_CARDS.decline)})`);
    expect(within(ops[1]!).getByTestId('operation-kind')).toHaveTextContent('提现');
    expect(within(ops[1]!).getByTestId('operation-amount')).toHaveTextContent('−¥50.50');
    expect(within(ops[1]!).getByTestId('operation-status')).toHaveTextContent('成功');
    expect(ops[1]).toHaveTextContent('手续费 ¥0.10');
    expect(within(ops[2]!).getByTestId('operation-amount')).toHaveTextContent('+¥200.00');
    expect(ops[2]).toHaveTextContent(`招商银行 储蓄卡 (${last4(SANDBOX_CARDS.approve)})`);
  });

  it('says when the balance is from the cache because the device is offline', async () => {
    const backend = withCard().seedBalance(10_000).setOffline(true);
    const { user } = renderApp(backend);
    expect(await screen.findByTestId('balance-stale')).toHaveTextContent(/Offline: this is your balance as of .+ It updates when you are back online\./);
    await user.click(screen.getByTestId('balance-toggle'));
    expect(screen.getByTestId('balance-value')).toHaveTextContent('¥100.00');
  });
});

describe('cards screen', () => {
  it('reports a card lost after confirming, and unbinds one with the PIN', async () => {
    const backend = withCard().seedCard(SANDBOX_CARDS.insufficient);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-cards'));
    const cards = await screen.findAllByTestId('card');
    expect(cards).toHaveLength(2);
    const ccb = cards.find((c) => c.textContent?.includes('China Construction Bank')) as HTMLElement;
    const id = ccb.getAttribute('data-card-id') as string;

    // Report lost: a confirm step, then the card says "Suspended" in words.
    await user.click(within(ccb).getByRole('button', { name: `Report China Construction Bank debit card (${last4(SANDBOX_CARDS.insufficient)}) lost` }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('It is suspended at once');
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('cards-done')).toHaveTextContent('is suspended.');
    await waitFor(() => expect(screen.getByTestId('card-suspended')).toHaveTextContent('Suspended'));

    // Unbind: the PIN dialog; a wrong PIN is explained, the right one unbinds.
    await user.click(screen.getByTestId(`card-unbind-${id}`));
    const dialog = screen.getByTestId('pin-dialog');
    expect(dialog).toHaveTextContent('Enter your payment PIN to unbind this card.');
    expect(within(dialog).getByLabelText('Payment PIN')).toHaveFocus();
    await user.type(within(dialog).getByLabelText('Payment PIN'), '246801');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The payment PIN is wrong.');
    await user.type(within(dialog).getByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('cards-done')).toHaveTextContent(`China Construction Bank debit card (${last4(SANDBOX_CARDS.insufficient)}) was unbound.`);
    await waitFor(() => expect(screen.getAllByTestId('card')).toHaveLength(1));
  });

  it('makes another card the default', async () => {
    const backend = withCard().seedCard(SANDBOX_CARDS.timeout);
    const { user } = renderApp(backend, 'zh-TW');
    await user.click(await screen.findByTestId('action-cards'));
    await user.click(await screen.findByRole('button', { name: `將 中國銀行 儲蓄卡 (${last4(SANDBOX_CARDS.timeout)}) 設為預設卡` }));
    expect(await screen.findByTestId('cards-done')).toHaveTextContent('已設為預設卡');
    await waitFor(() => expect(screen.getAllByTestId('card')[0]).toHaveTextContent('中國銀行'));
    expect(within(screen.getAllByTestId('card')[0]!).getByTestId('card-default')).toHaveTextContent('預設');
  });
});

describe('payment PIN settings', () => {
  it('changes the PIN (a wrong current PIN sends the user back to it)', async () => {
    const backend = withCard();
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('home-pin'));
    await user.click(await screen.findByTestId('pin-change'));
    await user.type(await screen.findByLabelText('Current payment PIN'), '000001');
    await user.type(await screen.findByLabelText('New 6-digit payment PIN'), '864209');
    await user.type(await screen.findByLabelText('Enter the same PIN again'), '864209');
    expect(await screen.findByTestId('pin-current-error')).toHaveTextContent('The payment PIN is wrong.');
    await user.type(screen.getByLabelText('Current payment PIN'), PIN);
    await user.type(await screen.findByLabelText('New 6-digit payment PIN'), '864209');
    await user.type(await screen.findByLabelText('Enter the same PIN again'), '864209');
    expect(await screen.findByTestId('pin-done')).toHaveTextContent('Your payment PIN was changed.');
    await expect(backend.unbindCard((await backend.cards())[0]!.card_id, '864209')).resolves.toBeUndefined();
  });

  it('resets a forgotten PIN with the login password and an SMS code', async () => {
    const backend = withCard();
    const { user } = renderApp(backend, 'zh-CN');
    await user.click(await screen.findByTestId('home-pin'));
    await user.click(await screen.findByTestId('pin-forgot'));
    await user.type(await screen.findByLabelText('登录密码'), 'wrong password');
    await user.click(screen.getByTestId('pin-reset-send'));
    expect(await screen.findByTestId('pin-reset-password-error')).toHaveTextContent('手机号码或密码错误');
    await user.clear(screen.getByLabelText('登录密码'));
    await user.type(screen.getByLabelText('登录密码'), 'correct-Horse-battery-staple-93');
    await user.click(screen.getByTestId('pin-reset-send'));
    await user.type(await screen.findByLabelText('验证码'), backend.lastCode ?? '');
    await user.type(await screen.findByLabelText('新的 6 位支付密码'), '864209');
    await user.type(await screen.findByLabelText('再次输入支付密码'), '864209');
    expect(await screen.findByTestId('pin-done')).toHaveTextContent('支付密码已重置。');
  });
});

describe('accessibility of the money screens', () => {
  it('the top-up form works by keyboard and every control has a name', async () => {
    const { user } = renderApp(withCard().seedCard(SANDBOX_CARDS.insufficient));
    await user.click(await screen.findByTestId('action-topup'));
    const amount = await screen.findByLabelText('Amount');
    await waitFor(() => expect(amount).toHaveFocus());
    for (const radio of screen.getAllByRole('radio')) expect(radio).toHaveAccessibleName();
    expect(screen.getByRole('group', { name: 'Card' })).toBeInTheDocument();
    await user.keyboard('88.8');
    await user.tab();
    expect(screen.getByRole('radio', { checked: true })).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('radio', { name: /China Construction Bank/ })).toBeChecked();
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('confirm-from')).toHaveTextContent('China Construction Bank debit card');
    expect(screen.getByTestId('confirm-amount')).toHaveTextContent('¥88.80');
    expect(screen.getByRole('heading', { name: 'Confirm top-up' })).toBeInTheDocument();
    // The confirm step is ready for the PIN from the keyboard.
    await waitFor(() => expect(screen.getByLabelText('Enter your payment PIN to top up ¥88.80')).toHaveFocus());
  });
});
