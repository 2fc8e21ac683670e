import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { polling } from '../polling';
import { InMemoryBackend } from '../backend/memory';
import { ID, NAME, PASSWORD, PHONE, renderApp, signedInBackend } from './render';

const saved = { ...polling };
beforeEach(() => {
  polling.eventsMs = 40;
  polling.ordersMs = 40;
});
afterEach(() => {
  Object.assign(polling, saved);
});

describe('device-event notices on home', () => {
  it('a new device shows "Not you? Freeze now": one tap and a confirm freeze the account and sign that device out', async () => {
    const seen = { enrolled_at: '2026-10-01T02:00:00Z', last_seen_at: '2026-11-24T12:00:00Z' };
    const backend = new InMemoryBackend().seedAccount({ phone: PHONE, name: NAME, idNumber: ID, password: PASSWORD }).seedSignedIn(PHONE, [
      { device_id: 'dev-phone', name: 'Li Ming’s phone', platform: 'android', ...seen },
      { device_id: 'dev-laptop', name: 'Office laptop', platform: 'linux', ...seen },
    ]);
    const { user } = renderApp(backend);
    await screen.findByTestId('home-name');
    expect(screen.queryByTestId('device-notice')).not.toBeInTheDocument();

    backend.pushDeviceEvent('new_device', { device_id: 'dev-phone', device_name: 'Li Ming’s phone', cooling_off_until: '2026-11-26T08:30:00Z' });
    const notice = await screen.findByTestId('device-notice');
    expect(notice).toHaveAttribute('data-kind', 'new_device');
    expect(notice).toHaveTextContent('New device “Li Ming’s phone” signed in to your account. Not you?');

    // Cancel changes nothing.
    await user.click(within(notice).getByTestId('freeze-now'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('Freeze your account now?');
    expect(dialog).toHaveTextContent('“Li Ming’s phone” is signed out and erased');
    await user.click(within(dialog).getByTestId('confirm-cancel'));
    expect(backend.isFrozen()).toBe(false);

    await user.click(within(screen.getByTestId('device-notice')).getByTestId('freeze-now'));
    await user.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
    expect(await screen.findByTestId('freeze-done')).toHaveTextContent('Your account is frozen');
    expect(backend.isFrozen()).toBe(true);
    // Only the new device is signed out; this one stays signed in, and so does the laptop.
    expect(backend.deviceIds()).not.toContain('dev-phone');
    expect(backend.deviceIds()).toContain('dev-laptop');
    expect(backend.deviceIds()).toHaveLength(2);
    expect(backend.calls.filter((c) => c === 'freezeAccount')).toHaveLength(1);
    expect(screen.queryByTestId('device-notice')).not.toBeInTheDocument();
    // Home now says the account is frozen, one tap from the security screen.
    const state = await screen.findByTestId('home-account-state');
    expect(state).toHaveAttribute('data-state', 'frozen');
    await user.click(within(state).getByTestId('home-open-security'));
    expect(await screen.findByTestId('account-state')).toHaveAttribute('data-state', 'frozen');
  });

  it('a PIN reset, a PIN change or a no-PIN change on another device says so and offers "Not you? Freeze now"', async () => {
    const seen = { enrolled_at: '2026-10-01T02:00:00Z', last_seen_at: '2026-11-24T12:00:00Z' };
    const backend = new InMemoryBackend().seedAccount({ phone: PHONE, name: NAME, idNumber: ID, password: PASSWORD }).seedSignedIn(PHONE, [
      { device_id: 'dev-phone', name: 'Li Ming’s phone', platform: 'android', ...seen },
      { device_id: 'dev-laptop', name: 'Office laptop', platform: 'linux', ...seen },
    ]);
    const { user } = renderApp(backend, 'zh-CN');
    await screen.findByTestId('home-name');
    backend
      .pushDeviceEvent('no_pin_changed', { device_id: 'dev-laptop', device_name: 'Office laptop', reference: 'raised' })
      .pushDeviceEvent('pin_changed', { device_id: 'dev-laptop', device_name: 'Office laptop' })
      .pushDeviceEvent('pin_reset', { device_id: 'dev-laptop', device_name: 'Office laptop', cooling_off_until: '2026-11-26T08:30:00Z' });
    await waitFor(() => expect(screen.getAllByTestId('device-notice')).toHaveLength(3));
    const [reset, changed, noPin] = screen.getAllByTestId('device-notice') as [HTMLElement, HTMLElement, HTMLElement];
    expect(reset).toHaveAttribute('data-kind', 'pin_reset');
    expect(reset).toHaveTextContent('支付密码已在“Office laptop”上重置，账户进入 24 小时冷静期。');
    expect(changed).toHaveTextContent('支付密码已在“Office laptop”上修改。');
    expect(noPin).toHaveTextContent('免密支付限额已在“Office laptop”上更改。');
    for (const n of [reset, changed, noPin]) expect(within(n).getByTestId('freeze-now')).toBeInTheDocument();

    await user.click(within(reset).getByTestId('freeze-now'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('“Office laptop”');
    await user.click(within(dialog).getByTestId('confirm-ok'));
    await screen.findByTestId('freeze-done');
    expect(backend.isFrozen()).toBe(true);
    expect(backend.deviceIds()).not.toContain('dev-laptop');
    expect(backend.deviceIds()).toContain('dev-phone');
  });

  it('other events are informative notices that can be dismissed; order_waiting refreshes the orders card', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend, 'zh-CN');
    await screen.findByTestId('home-name');
    backend.pushDeviceEvent('sms_login_changed', { device_name: 'Phone' }).pushDeviceEvent('phone_changed');
    await waitFor(() => expect(screen.getAllByTestId('device-notice')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('device-notice') as [HTMLElement, HTMLElement];
    // Newest first.
    expect(first).toHaveAttribute('data-kind', 'phone_changed');
    expect(first).toHaveTextContent('您账户的手机号已更换');
    expect(second).toHaveTextContent('仅短信登录设置已更改');
    expect(within(first).queryByTestId('freeze-now')).not.toBeInTheDocument();
    await user.click(within(first).getByTestId('device-notice-dismiss'));
    await waitFor(() => expect(screen.getAllByTestId('device-notice')).toHaveLength(1));
    // A notice not dismissed is still there after a visit to another screen.
    await user.click(screen.getByTestId('home-devices'));
    await user.click(await screen.findByTestId('back'));
    await waitFor(() => expect(screen.getAllByTestId('device-notice')).toHaveLength(1));
    expect(screen.getByTestId('device-notice')).toHaveAttribute('data-kind', 'sms_login_changed');

    const { merchantId } = backend.seedMerchant({ name: 'Fresh Mart' });
    polling.ordersMs = 60_000; // only the event brings the order in
    backend.seedOrder(merchantId, 1200, { channel: 'remote_order' });
    backend.pushDeviceEvent('order_waiting');
    expect(await screen.findByTestId('orders-waiting')).toHaveTextContent('Fresh Mart');
  });

  it('shows the cooling-off on home with when it ends', async () => {
    const backend = signedInBackend().seedCoolingOff('2026-11-26T08:30:00Z');
    renderApp(backend);
    const state = await screen.findByTestId('home-account-state');
    expect(state).toHaveAttribute('data-state', 'cooling_off');
    expect(state).toHaveTextContent(/Cooling-off until Nov 26, 2026.*above ¥500\.00/);
  });

  it('home is aria-busy until its first loads are in: the notices and banners that move its rows come first', async () => {
    const backend = signedInBackend().seedCoolingOff('2026-11-26T08:30:00Z').pushDeviceEvent('unfrozen', { device_name: 'New phone' });
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    const orders = backend.orders.bind(backend);
    backend.orders = async () => {
      await held;
      return orders();
    };
    renderApp(backend);
    const home = await screen.findByTestId('screen-home');
    expect(await screen.findByTestId('device-notice')).toHaveTextContent('unfrozen on another device');
    expect(home).toHaveAttribute('aria-busy', 'true');
    release();
    await waitFor(() => expect(home).toHaveAttribute('aria-busy', 'false'));
    expect(screen.getByTestId('home-account-state')).toHaveAttribute('data-state', 'cooling_off');
  });

  it('an unfrozen notice reloads the account state', async () => {
    const backend = signedInBackend().seedFrozen();
    renderApp(backend);
    expect(await screen.findByTestId('home-account-state')).toHaveAttribute('data-state', 'frozen');
    backend.seedCoolingOff('2026-11-26T08:30:00Z').pushDeviceEvent('unfrozen', { device_name: 'New phone' });
    expect(await screen.findByTestId('device-notice')).toHaveTextContent('unfrozen on another device');
    await waitFor(() => expect(screen.getByTestId('home-account-state')).toHaveAttribute('data-state', 'cooling_off'));
  });
});

describe('a lost device from the devices screen', () => {
  it('freezes the account and signs out only that device, after a confirm that says what happens', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend, 'zh-TW');
    await user.click(await screen.findByTestId('home-devices'));
    await user.click(await screen.findByTestId('device-lost-dev-phone'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('「Li Ming’s phone」遺失或被竊？');
    expect(dialog).toHaveTextContent('帳戶會立即凍結');
    await user.click(within(dialog).getByTestId('confirm-ok'));
    expect(await screen.findByTestId('devices-done')).toHaveTextContent('帳戶已凍結，「Li Ming’s phone」已被登出。');
    expect(backend.isFrozen()).toBe(true);
    expect(backend.deviceIds()).toHaveLength(1);
    await waitFor(() => expect(screen.getAllByTestId('device')).toHaveLength(1));
    expect(screen.getByTestId('device-current')).toBeInTheDocument();
  });
});
