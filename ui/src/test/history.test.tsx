import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryBackend } from '../backend/memory';
import { polling } from '../polling';
import { recentMonths } from '../screens/insightShared';
import { PASSWORD, PHONE, renderApp, signedInBackend } from './render';

const PIN = '135792';
const OTHER = { phone: '13900000002', name: '张国华', idNumber: '110105194912310037', password: PASSWORD };

const saved = { ...polling };
beforeEach(() => {
  polling.eventsMs = 40;
  polling.ordersMs = 10_000;
});
afterEach(() => {
  Object.assign(polling, saved);
});

function withMoney(): InMemoryBackend {
  return signedInBackend().seedAccount(OTHER).seedPin(PIN).seedBalance(100_00);
}

/** A backend with a food, a transport and a groceries merchant paid this month, and a transfer. */
function withHistory(): { backend: InMemoryBackend; snack: string; taxi: string; mart: string } {
  const backend = withMoney().seedBalance(1_000_00);
  const snack = backend.seedMerchant({ name: '沙县小吃', city: '福州', mcc: '5812' }).merchantId;
  const taxi = backend.seedMerchant({ name: 'Dida Taxi', city: 'Shanghai', mcc: '4121' }).merchantId;
  const mart = backend.seedMerchant({ name: 'Fresh Mart', city: 'Beijing', mcc: '5411' }).merchantId;
  const at = new Date(backend.now.getTime() - 60_000).toISOString();
  backend.seedPayment(snack, 18_00, at).seedPayment(taxi, 15_00, at).seedPayment(mart, 12_00, at).seedPayment(snack, 5_50, at);
  backend.receiveTransfer({ name: '王小明', phone: '13700000003' }, 20_00, 'dinner');
  return { backend, snack, taxi, mart };
}

async function openHistory(backend: InMemoryBackend, locale: 'en' | 'zh-CN' | 'zh-TW' = 'en') {
  const r = renderApp(backend, locale);
  await r.user.click(await screen.findByTestId('home-history'));
  await screen.findByTestId('history-list');
  return r;
}

describe('transfer', () => {
  it('shows the masked recipient before the PIN, then sends with the PIN and shows the receipt', async () => {
    const backend = withMoney();
    const { user } = renderApp(backend);
    const tile = await screen.findByTestId('action-transfer');
    expect(tile).toBeEnabled();
    await user.click(tile);
    await user.type(await screen.findByTestId('transfer-phone'), OTHER.phone);
    await user.click(screen.getByTestId('transfer-lookup'));
    expect(await screen.findByTestId('transfer-recipient')).toHaveTextContent('Send to **华 (+86 139****0002)?');
    expect(screen.getByTestId('transfer-recipient-name')).toHaveTextContent('**华');
    // Nothing asked for the PIN or moved money yet.
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    expect(backend.calls).not.toContain('transfer');

    await user.type(screen.getByTestId('amount'), '12.30');
    await user.type(screen.getByTestId('transfer-note'), 'lunch');
    await user.click(screen.getByTestId('transfer-continue'));
    const dialog = await screen.findByTestId('pin-dialog');
    expect(dialog).toHaveTextContent('Send ¥12.30 to **华 (+86 139****0002).');
    await user.type(within(dialog).getByTestId('pin-dialog-input'), PIN);
    const receipt = await screen.findByTestId('receipt');
    expect(receipt).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('−¥12.30');
    expect(screen.getByTestId('receipt-to')).toHaveTextContent('**华 (+86 139****0002)');
    expect(screen.getByTestId('receipt-note')).toHaveTextContent('lunch');
    expect(backend.calls.filter((c) => c === 'transfer')).toHaveLength(1);
    // The balance went down by exactly the amount.
    expect((await backend.balance()).balance.minor).toBe(100_00 - 12_30);
  });

  it('says unknown numbers, one’s own number and a short balance in words (zh-CN)', async () => {
    const backend = withMoney();
    const { user } = renderApp(backend, 'zh-CN');
    await user.click(await screen.findByTestId('action-transfer'));
    const phone = await screen.findByTestId('transfer-phone');
    await user.type(phone, '13911112222');
    await user.click(screen.getByTestId('transfer-lookup'));
    expect(await screen.findByTestId('transfer-phone-error')).toHaveTextContent('该手机号没有钱包账户');

    await user.clear(phone);
    await user.type(phone, PHONE);
    await user.click(screen.getByTestId('transfer-lookup'));
    expect(await screen.findByTestId('transfer-phone-error')).toHaveTextContent('这是您自己的手机号');

    await user.clear(phone);
    await user.type(phone, OTHER.phone);
    await user.click(screen.getByTestId('transfer-lookup'));
    await screen.findByTestId('transfer-recipient');
    await user.type(screen.getByTestId('amount'), '500');
    await user.click(screen.getByTestId('transfer-continue'));
    await user.type(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent('钱包余额不足');
    expect(screen.queryByTestId('receipt')).not.toBeInTheDocument();
  });

  it('a wrong PIN stays in the dialog; the cooling-off is said with its end', async () => {
    const backend = withMoney().seedBalance(2_000_00).seedCoolingOff('2026-11-26T08:30:00Z');
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-transfer'));
    await user.type(await screen.findByTestId('transfer-phone'), OTHER.phone);
    await user.click(screen.getByTestId('transfer-lookup'));
    await screen.findByTestId('transfer-recipient');
    await user.type(screen.getByTestId('amount'), '600');
    await user.click(screen.getByTestId('transfer-continue'));
    await user.type(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-input'), '000000');
    expect(await screen.findByTestId('pin-dialog-input-error')).toBeInTheDocument();
    expect(screen.getByTestId('pin-dialog')).toBeInTheDocument();
    await user.type(screen.getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent('cooling-off');
  });

  it('a lost answer keeps the PIN dialog, and the retry sends the same idempotency key (money moves once)', async () => {
    const backend = withMoney();
    const keys: Array<string | null> = [];
    const real = backend.transfer.bind(backend);
    backend.transfer = (input) => {
      keys.push(input.idempotency_key);
      return real(input);
    };
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-transfer'));
    await user.type(await screen.findByTestId('transfer-phone'), OTHER.phone);
    await user.click(screen.getByTestId('transfer-lookup'));
    await screen.findByTestId('transfer-recipient');
    await user.type(screen.getByTestId('amount'), '10');
    await user.click(screen.getByTestId('transfer-continue'));
    backend.failNext('transfer', 'NETWORK');
    await user.type(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('pin-dialog-input-error')).toBeInTheDocument();
    await user.type(screen.getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('receipt')).toHaveAttribute('data-status', 'succeeded');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
  });

  it('money from another user shows as a notice with the amount and the masked name', async () => {
    const backend = withMoney();
    renderApp(backend);
    await screen.findByTestId('home-name');
    backend.receiveTransfer({ name: '王小明', phone: '13700000003' }, 8_80);
    const notice = await screen.findByTestId('device-notice');
    expect(notice).toHaveAttribute('data-kind', 'transfer_received');
    await waitFor(() => expect(notice).toHaveTextContent('¥8.80 received from **明.'));
  });
});

describe('home', () => {
  it('money received refreshes the balance; a budget alert raised by that sync shows on home; "See all" opens the history', async () => {
    const { backend } = withHistory();
    await backend.setBudget('food', '20');
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('balance-toggle'));
    expect(await screen.findByTestId('balance-value')).toHaveTextContent('¥969.50');
    const alert = await screen.findByTestId('budget-alert');
    expect(alert).toHaveAttribute('data-category', 'food');
    expect(alert).toHaveAttribute('data-threshold', '100');
    backend.receiveTransfer({ name: '王小明', phone: '13700000003' }, 8_80);
    await waitFor(() => expect(screen.getByTestId('balance-value')).toHaveTextContent('¥978.30'));
    // The recent list names the other user and signs money in with +.
    const received = screen.getAllByTestId('operation').find((o) => o.getAttribute('data-kind') === 'transfer_in') as HTMLElement;
    expect(within(received).getByTestId('operation-party')).toHaveTextContent('**明 (+86 137****0003)');
    expect(within(received).getByTestId('operation-amount')).toHaveTextContent('+¥');
    expect(within(received).getByTestId('operation-kind')).toHaveTextContent('Transfer received');
    await user.click(within(alert).getByTestId('budget-alert-dismiss'));
    expect(screen.queryByTestId('budget-alert')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('home-see-all'));
    expect(await screen.findByTestId('screen-history')).toBeInTheDocument();
    // Dismissed is dismissed: the history does not show it again.
    await screen.findByTestId('history-list');
    expect(screen.queryByTestId('budget-alert')).not.toBeInTheDocument();
  });
});

describe('history', () => {
  it('syncs on open and lists entries with party, category, local date and signed amount', async () => {
    const { backend } = withHistory();
    await openHistory(backend);
    expect(backend.calls).toContain('syncHistory');
    const rows = screen.getAllByTestId('history-entry');
    expect(rows).toHaveLength(5);
    const first = rows[0] as HTMLElement;
    expect(within(first).getByTestId('history-party')).toHaveTextContent('**明');
    expect(within(first).getByTestId('history-amount')).toHaveTextContent('+¥20.00');
    const taxi = rows.find((r) => within(r).getByTestId('history-party').textContent === 'Dida Taxi') as HTMLElement;
    expect(taxi).toHaveTextContent('Transport');
    expect(within(taxi).getByTestId('history-amount')).toHaveTextContent('−¥15.00');
  });

  it('offline, the stored list still shows with a note', async () => {
    const { backend } = withHistory();
    backend.setOffline(true);
    await openHistory(backend);
    expect(await screen.findByTestId('history-offline')).toBeInTheDocument();
    expect(screen.getAllByTestId('history-entry')).toHaveLength(5);
  });

  it('a search (a 2-character Chinese substring) narrows the list after a pause', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend);
    await user.type(screen.getByTestId('history-search'), '小吃');
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(2));
    for (const r of screen.getAllByTestId('history-entry')) expect(within(r).getByTestId('history-party')).toHaveTextContent('沙县小吃');
    await user.clear(screen.getByTestId('history-search'));
    await user.type(screen.getByTestId('history-search'), 'dinner');
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(1));
    expect(screen.getByTestId('history-party')).toHaveTextContent('**明');
    await user.clear(screen.getByTestId('history-search'));
    await user.type(screen.getByTestId('history-search'), 'nothing like it');
    expect(await screen.findByTestId('history-empty')).toBeInTheDocument();
  });

  it('filters by kind, category and month', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend);
    await user.selectOptions(screen.getByTestId('history-kind'), 'transfer_in');
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(1));
    await user.selectOptions(screen.getByTestId('history-kind'), '');
    await user.selectOptions(screen.getByTestId('history-category'), 'food');
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(2));
    await user.selectOptions(screen.getByTestId('history-category'), '');
    // The entries are all of the fake's "now" month; an earlier month has none.
    const months = recentMonths(backend.now);
    await user.selectOptions(screen.getByTestId('history-month'), months[1] as string);
    expect(await screen.findByTestId('history-empty')).toBeInTheDocument();
    const q = backend.lastHistoryQuery();
    expect(q?.month).toBe(months[1]);
    expect(q?.category).toBeNull();
  });

  it('pages with next_before: "load more" appends the older entries until the end', async () => {
    const backend = withMoney().seedBalance(10_000_00);
    const shop = backend.seedMerchant({ name: 'Corner Store', mcc: '5499' }).merchantId;
    for (let i = 0; i < 45; i++) backend.seedPayment(shop, 100 + i, new Date(backend.now.getTime() - (i + 1) * 60_000).toISOString());
    const { user } = await openHistory(backend);
    expect(screen.getAllByTestId('history-entry')).toHaveLength(30);
    expect(screen.queryByTestId('history-end')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('history-more'));
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(45));
    expect(screen.getByTestId('history-end')).toBeInTheDocument();
    expect(screen.queryByTestId('history-more')).not.toBeInTheDocument();
    // No entry twice, newest first.
    const ids = screen.getAllByTestId('history-entry').map((r) => r.getAttribute('data-operation-id'));
    expect(new Set(ids).size).toBe(45);
    expect(backend.lastHistoryQuery()?.before).not.toBeNull();
  });

  it('scrolling to the end of the list loads the next page by itself (IntersectionObserver)', async () => {
    const observed: Array<{ cb: IntersectionObserverCallback; el: Element | null }> = [];
    class FakeObserver {
      private entry: { cb: IntersectionObserverCallback; el: Element | null };
      constructor(cb: IntersectionObserverCallback) {
        this.entry = { cb, el: null };
        observed.push(this.entry);
      }
      observe(el: Element) {
        this.entry.el = el;
      }
      disconnect() {
        this.entry.el = null;
      }
    }
    const saved = globalThis.IntersectionObserver;
    globalThis.IntersectionObserver = FakeObserver as unknown as typeof IntersectionObserver;
    try {
      const backend = withMoney().seedBalance(10_000_00);
      const shop = backend.seedMerchant({ name: 'Corner Store', mcc: '5499' }).merchantId;
      for (let i = 0; i < 70; i++) backend.seedPayment(shop, 100 + i, new Date(backend.now.getTime() - (i + 1) * 60_000).toISOString());
      await openHistory(backend);
      expect(screen.getAllByTestId('history-entry')).toHaveLength(30);
      const scrollTo = async (n: number) => {
        const live = observed.filter((o) => o.el !== null).at(-1);
        expect(live?.el).toBe(screen.getByTestId('history-sentinel'));
        live?.cb([{ isIntersecting: true } as IntersectionObserverEntry], {} as IntersectionObserver);
        await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(n));
      };
      await scrollTo(60);
      // An observer of an earlier render may still fire (before its effect is cleaned up): it
      // must load the page after the newest one, never one already shown.
      observed[0]?.cb([{ isIntersecting: true } as IntersectionObserverEntry], {} as IntersectionObserver);
      await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(70));
      expect(screen.getByTestId('history-end')).toBeInTheDocument();
      expect(observed.filter((o) => o.el !== null)).toHaveLength(0);
      for (const o of observed) o.cb([{ isIntersecting: true } as IntersectionObserverEntry], {} as IntersectionObserver);
      await new Promise((r) => setTimeout(r, 50));
      const ids = screen.getAllByTestId('history-entry').map((r) => r.getAttribute('data-operation-id'));
      expect(ids).toHaveLength(70);
      expect(new Set(ids).size).toBe(70);
    } finally {
      globalThis.IntersectionObserver = saved;
    }
  });

  it('the detail view shows merchant and city, MCC and category, status and reference', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend, 'zh-TW');
    const row = screen.getAllByTestId('history-entry').find((r) => r.getAttribute('data-category') === 'transport') as HTMLElement;
    await user.click(within(row).getByTestId('history-open'));
    expect(await screen.findByTestId('detail-merchant')).toHaveTextContent('Dida Taxi, Shanghai');
    expect(screen.getByTestId('detail-mcc')).toHaveTextContent('4121');
    expect(screen.getByTestId('detail-category')).toHaveTextContent('交通');
    expect(screen.getByTestId('detail-status')).toHaveTextContent('成功');
    expect(screen.getByTestId('detail-amount')).toHaveTextContent('−¥15.00');
    expect(screen.getByTestId('detail-reference')).toHaveTextContent(row.getAttribute('data-operation-id') as string);
    await user.click(screen.getByTestId('detail-back'));
    expect(await screen.findByTestId('history-list')).toBeInTheDocument();
  });

  it('exports the filtered history as CSV and shows where it was saved', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend);
    await user.selectOptions(screen.getByTestId('history-category'), 'food');
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(2));
    await user.click(screen.getByTestId('history-export'));
    await user.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
    expect(await screen.findByTestId('history-exported')).toHaveTextContent('Saved to /home/user/Downloads/wallet-history-1.csv');
    const saved = backend.savedCsv[0];
    expect(saved?.csv.startsWith('\uFEFF')).toBe(true);
    expect(saved?.csv.match(/沙县小吃/g)).toHaveLength(2);
    expect(saved?.csv).not.toMatch(/Dida Taxi/);
  });

  it('an export failure is said in words', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend);
    backend.failNext('saveHistoryCsv', 'STORE_IO');
    await user.click(screen.getByTestId('history-export'));
    await user.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
    expect(await screen.findByTestId('history-export-error')).not.toHaveTextContent('STORE_IO');
    expect(screen.queryByTestId('history-exported')).not.toBeInTheDocument();
  });

  it('says before saving that the file is unencrypted, outside the wallet and survives a wipe', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend);
    await user.click(screen.getByTestId('history-export'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('Save the history as a CSV file?');
    expect(dialog).toHaveTextContent(/saved unencrypted in your Downloads folder, outside the wallet/);
    expect(dialog).toHaveTextContent(/stays there after you log out or the wallet is wiped/);
    expect(dialog).toHaveTextContent(/offers to delete the files it exported/);
    // Nothing is written until the user agrees; cancelling writes nothing.
    expect(backend.calls).not.toContain('saveHistoryCsv');
    await user.click(within(dialog).getByTestId('confirm-cancel'));
    expect(screen.queryByTestId('confirm-dialog')).not.toBeInTheDocument();
    expect(backend.savedCsv).toHaveLength(0);
  });

  it('says it in Chinese too', async () => {
    const { backend } = withHistory();
    const { user } = await openHistory(backend, 'zh-CN');
    await user.click(screen.getByTestId('history-export'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent(/未加密/);
    expect(dialog).toHaveTextContent(/钱包数据被清除后它仍会保留/);
  });
});

describe('exports on log-out', () => {
  async function exportTwice(backend: InMemoryBackend) {
    const r = await openHistory(backend);
    for (let i = 0; i < 2; i++) {
      await r.user.click(screen.getByTestId('history-export'));
      await r.user.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
      await screen.findByTestId('history-exported');
    }
    expect(backend.savedCsv).toHaveLength(2);
    await r.user.click(screen.getByTestId('back'));
    await r.user.click(await screen.findByTestId('home-devices'));
    await screen.findAllByTestId('device');
    await r.user.click(screen.getByTestId('logout'));
    return r;
  }

  it('offers to delete the exported files and deletes them before logging out', async () => {
    const { backend } = withHistory();
    const { user } = await exportTwice(backend);
    const option = await screen.findByTestId('logout-delete-exports');
    expect(option).toHaveTextContent('Also delete the 2 CSV files exported from this wallet');
    expect(screen.getByTestId('logout-delete-exports-check')).toBeChecked();
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('screen-welcome')).toBeInTheDocument();
    expect(backend.savedCsv).toHaveLength(0);
    const calls = backend.calls;
    expect(calls.lastIndexOf('deleteExports')).toBeLessThan(calls.lastIndexOf('logout'));
  });

  it('keeps them when the user unticks the option', async () => {
    const { backend } = withHistory();
    const { user } = await exportTwice(backend);
    await user.click(await screen.findByTestId('logout-delete-exports-check'));
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('screen-welcome')).toBeInTheDocument();
    expect(backend.savedCsv).toHaveLength(2);
    expect(backend.calls).not.toContain('deleteExports');
  });

  it('offers nothing when nothing was exported', async () => {
    const { user } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('home-devices'));
    await screen.findAllByTestId('device');
    await user.click(screen.getByTestId('logout'));
    await screen.findByTestId('confirm-dialog');
    expect(screen.queryByTestId('logout-delete-exports')).not.toBeInTheDocument();
  });
});

describe('insight', () => {
  async function openInsight(backend: InMemoryBackend, locale: 'en' | 'zh-CN' = 'en') {
    const r = await openHistory(backend, locale);
    await r.user.click(screen.getByTestId('history-insight'));
    await screen.findByTestId('insight-chart');
    return r;
  }

  it('draws one bar per category with the summary’s totals, largest first; transfers are not spending', async () => {
    const { backend } = withHistory();
    await openInsight(backend);
    const bars = await screen.findAllByTestId('chart-bar');
    const summary = await backend.monthlySummary(null);
    expect(bars.map((b) => b.getAttribute('data-category'))).toEqual(summary.by_category.map((c) => c.category));
    expect(bars.map((b) => b.getAttribute('aria-label'))).toEqual(['Food & drink: ¥23.50', 'Transport: ¥15.00', 'Groceries: ¥12.00']);
    // The longest bar is the largest total.
    const widths = bars.map((b) => Number(b.querySelector('rect')?.getAttribute('width')));
    expect(widths[0]).toBeGreaterThan(widths[1] as number);
    expect(widths[1]).toBeGreaterThan(widths[2] as number);
    expect(screen.getByTestId('insight-spent')).toHaveTextContent('Spent ¥50.50');
    expect(screen.getByTestId('insight-received')).toHaveTextContent('Received ¥20.00');
  });

  it('switches months: an earlier month is empty', async () => {
    const { backend } = withHistory();
    const { user } = await openInsight(backend, 'zh-CN');
    const month = screen.getByTestId('insight-month').getAttribute('data-month') as string;
    await user.click(screen.getByTestId('insight-prev'));
    await waitFor(() => expect(screen.getByTestId('insight-month').getAttribute('data-month')).not.toBe(month));
    expect(await screen.findByTestId('insight-empty')).toHaveTextContent('本月没有支出');
    await user.click(screen.getByTestId('insight-next'));
    expect(await screen.findAllByTestId('chart-bar')).toHaveLength(3);
  });

  it('sets and removes a budget; the table shows how much of it is used', async () => {
    const { backend } = withHistory();
    const { user } = await openInsight(backend);
    await user.type(screen.getByTestId('budget-food-amount'), '25');
    await user.click(screen.getByTestId('budget-food-save'));
    await waitFor(() => expect(screen.getByTestId('budget-food')).toHaveAttribute('data-set', 'true'));
    expect(await backend.budgets()).toEqual([{ category: 'food', monthly: { minor: 25_00, currency: 'CNY' } }]);
    const food = screen.getAllByTestId('insight-row').find((r) => r.getAttribute('data-category') === 'food') as HTMLElement;
    await waitFor(() => expect(food).toHaveTextContent('94% of ¥25.00'));

    await user.click(screen.getByTestId('budget-food-clear'));
    await waitFor(() => expect(screen.getByTestId('budget-food')).toHaveAttribute('data-set', 'false'));
    expect(await backend.budgets()).toEqual([]);
  });

  it('an amount the core cannot read is said at the field', async () => {
    const { backend } = withHistory();
    const { user } = await openInsight(backend);
    await user.type(screen.getByTestId('budget-travel-amount'), '12.345');
    await user.click(screen.getByTestId('budget-travel-save'));
    expect(await screen.findByTestId('budget-travel-amount-error')).toBeInTheDocument();
    expect(await backend.budgets()).toEqual([]);
  });

  it('budget alerts from the history sync show as notices at 80% and 100% (one per category)', async () => {
    const { backend } = withHistory();
    await backend.setBudget('food', '25');
    await backend.setBudget('transport', '15');
    await openHistory(backend);
    const alerts = await screen.findAllByTestId('budget-alert');
    const byCat = Object.fromEntries(alerts.map((a) => [`${a.getAttribute('data-category')}/${a.getAttribute('data-threshold')}`, a.textContent]));
    // 15.00 of 15.00 crosses 80 % and 100 % at once: one notice, the 100 % one.
    expect(Object.keys(byCat).sort()).toEqual(['food/80', 'transport/100']);
    expect(byCat['food/80']).toMatch(/used 80% of your Food & drink budget .*: ¥23\.50 of ¥25\.00/);
    expect(byCat['transport/100']).toMatch(/reached your Transport budget/);
  });
});
