import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CARDS } from '../backend/memory';
import { polling } from '../polling';
import { renderApp, signedInBackend } from './render';

const PIN = '860527';

const saved = { ...polling };
beforeEach(() => {
  polling.intervalMs = 20;
  polling.ordersMs = 40;
});
afterEach(() => {
  Object.assign(polling, saved);
});

/** Signed in with a PIN, ¥10.00 in the wallet and an approving CMB debit card. */
function payer() {
  return signedInBackend().seedPin(PIN).seedBalance(1_000).seedCard(SANDBOX_CARDS.approve);
}

describe('funding sources', () => {
  it('the confirm step picks the default source and pays from the one chosen: card, then phone bill', async () => {
    const backend = payer();
    const { merchantId } = backend.seedMerchant({ name: 'Night Market', city: 'Chengdu' });
    const big = backend.seedOrder(merchantId, 3_000, { channel: 'remote_order' });
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('home-orders'));
    await user.click(await screen.findByTestId(`order-pay-${big.orderId}`));

    // Every source is listed; the balance does not cover ¥30.00 and nothing else is in the
    // default order, so the balance stays picked (its refusal says why) until another is chosen.
    const picker = await screen.findByTestId('source-picker');
    const radios = await within(picker).findAllByRole('radio');
    expect(radios).toHaveLength(3);
    expect(picker).toHaveTextContent('Wallet balance ¥10.00');
    expect(picker).toHaveTextContent('Phone bill');
    expect(picker).toHaveTextContent('¥500.00 left this month');
    const card = within(picker).getByRole('radio', { name: /China Merchants Bank/ });
    await user.click(card);
    expect(card).toBeChecked();
    await user.type(within(screen.getByRole('dialog')).getByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('receipt-status')).toHaveTextContent('Payment succeeded');
    expect(screen.getByTestId('receipt-source')).toHaveTextContent(/China Merchants Bank.*\(\d{4}\)/);
    expect(backend.orderStatus(big.orderId)).toBe('paid');
    await user.click(screen.getByTestId('receipt-done'));

    const small = backend.seedOrder(merchantId, 600, { channel: 'remote_order' });
    await user.click(await screen.findByTestId('home-orders'));
    await user.click(await screen.findByTestId(`order-pay-${small.orderId}`));
    const again = await screen.findByTestId('source-picker');
    // ¥6.00 fits the balance: the default order's pick.
    await waitFor(() => expect(within(again).getByRole('radio', { name: /Wallet balance/ })).toBeChecked());
    await user.click(within(again).getByRole('radio', { name: /Phone bill/ }));
    await user.type(within(screen.getByRole('dialog')).getByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('receipt-status')).toHaveTextContent('Payment succeeded');
    expect(screen.getByTestId('receipt-source')).toHaveTextContent('Phone bill');
  });

  it('sets the default order on the cards screen: the card first, then the balance', async () => {
    const backend = payer();
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-cards'));
    const section = await screen.findByTestId('source-order');
    expect(section).toHaveTextContent('Payment sources');
    const cardUse = await within(section).findByRole('checkbox', { name: /Use China Merchants Bank/ });
    expect(cardUse).not.toBeChecked();
    await user.click(cardUse);
    await user.click(within(section).getByRole('button', { name: /Move China Merchants Bank.* up/ }));
    await user.click(within(section).getByTestId('source-order-save'));
    expect(await within(section).findByTestId('source-order-saved')).toHaveTextContent('Default order saved.');
    const order = (await backend.fundingSources()).order;
    expect(order).toHaveLength(2);
    expect(order[0]).toMatch(/^card:/);
    expect(order[1]).toBe('balance');
  });
});
