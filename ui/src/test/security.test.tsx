import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ID, renderApp, signedInBackend } from './render';

const PIN = '860527';

async function openSecurity(user: ReturnType<typeof renderApp>['user']) {
  await user.click(await screen.findByTestId('home-security'));
  await screen.findByTestId('screen-security');
}

describe('account security screen', () => {
  it('shows an active account with what it means', async () => {
    const { user } = renderApp(signedInBackend());
    await openSecurity(user);
    const state = await screen.findByTestId('account-state');
    expect(state).toHaveAttribute('data-state', 'active');
    expect(state).toHaveTextContent('Everything works as usual');
    expect(screen.queryByTestId('unfreeze-form')).not.toBeInTheDocument();
  });

  it('freezes the account now (every other device signed out, this one stays), after a confirm', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend);
    await openSecurity(user);
    await user.click(await screen.findByTestId('security-freeze'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('every other device is signed out and erased');
    await user.click(within(dialog).getByTestId('confirm-ok'));
    expect(await screen.findByTestId('security-done')).toHaveTextContent('every other device was signed out');
    expect(screen.getByTestId('account-state')).toHaveAttribute('data-state', 'frozen');
    expect(backend.deviceIds()).toHaveLength(1);
    expect(screen.queryByTestId('security-freeze')).not.toBeInTheDocument();
    expect(await screen.findByTestId('unfreeze-form')).toBeInTheDocument();
  });

  it('unfreezes with the ID number and the PIN (a wrong PIN is retried), then shows the cooling-off end', async () => {
    const backend = signedInBackend().seedPin(PIN).seedFrozen('2026-11-25T07:00:00Z');
    const { user } = renderApp(backend);
    await openSecurity(user);
    const state = await screen.findByTestId('account-state');
    expect(state).toHaveAttribute('data-state', 'frozen');
    expect(state).toHaveTextContent(/Frozen since Nov 25, 2026/);

    await user.type(screen.getByTestId('unfreeze-id'), ID.toLowerCase());
    await user.click(screen.getByTestId('unfreeze-submit'));
    const dialog = await screen.findByTestId('pin-dialog');
    await user.type(within(dialog).getByTestId('pin-dialog-input'), '135791');
    expect(await within(dialog).findByTestId('pin-dialog-input-error')).toHaveTextContent('The payment PIN is wrong');
    await user.type(within(dialog).getByTestId('pin-dialog-input'), PIN);

    expect(await screen.findByTestId('security-done')).toHaveTextContent('Your account is unfrozen');
    await waitFor(() => expect(screen.getByTestId('account-state')).toHaveAttribute('data-state', 'cooling_off'));
    expect(screen.getByTestId('account-state')).toHaveTextContent(/Until Nov 26, 2026.*withdrawals and transfers above ¥500\.00 wait/);
    expect(screen.queryByTestId('unfreeze-form')).not.toBeInTheDocument();
    expect(backend.isFrozen()).toBe(false);
    // The ID number is gone from the screen.
    expect(document.body).not.toHaveTextContent(ID);
    // The log shows the unfreeze at once; the PIN never shows.
    await waitFor(() => expect(screen.getAllByTestId('security-event')[0]).toHaveAttribute('data-kind', 'unfrozen'));
    expect(screen.getAllByTestId('security-event')[0]).toHaveTextContent('Account unfrozen');
    expect(document.body).not.toHaveTextContent(PIN);
  });

  it('a wrong ID number shows on the form, localised (zh-TW)', async () => {
    const backend = signedInBackend().seedPin(PIN).seedFrozen();
    const { user } = renderApp(backend, 'zh-TW');
    await user.click(await screen.findByTestId('home-security'));
    // Someone else's ID number (well formed: the core refuses a wrong check character itself).
    await user.type(await screen.findByTestId('unfreeze-id'), '110105194912310011');
    await user.click(screen.getByTestId('unfreeze-submit'));
    await user.type(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('unfreeze-error')).toHaveTextContent('身分證號或支付密碼不正確');
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    expect(backend.isFrozen()).toBe(true);

    await user.clear(screen.getByTestId('unfreeze-id'));
    await user.type(screen.getByTestId('unfreeze-id'), '12345');
    backend.failNext('unfreeze', 'ID_NUMBER_INVALID');
    await user.click(screen.getByTestId('unfreeze-submit'));
    await user.type(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-input'), PIN);
    expect(await screen.findByTestId('unfreeze-id-error')).toBeInTheDocument();
  });

  it('SMS-only sign-in: on asks for the PIN after a warning, off needs nothing', async () => {
    const backend = signedInBackend().seedPin(PIN);
    const { user } = renderApp(backend);
    await openSecurity(user);
    const sw = await screen.findByRole('switch', { name: /Sign in with an SMS code only/ });
    await waitFor(() => expect(sw).toBeEnabled());
    expect(sw).not.toBeChecked();
    expect(screen.getByTestId('sms-login-warning')).toHaveTextContent('SIM swap');

    await user.click(sw);
    const dialog = await screen.findByTestId('pin-dialog');
    expect(dialog).toHaveTextContent('Turn on SMS-only sign-in?');
    await user.click(within(dialog).getByTestId('pin-dialog-cancel'));
    expect(sw).not.toBeChecked();
    expect(backend.calls).not.toContain('setSmsLogin');

    await user.click(sw);
    await user.type(within(await screen.findByTestId('pin-dialog')).getByTestId('pin-dialog-input'), PIN);
    await waitFor(() => expect(sw).toBeChecked());
    expect(screen.getByTestId('sms-login-state')).toHaveTextContent('On:');
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();

    await waitFor(() => expect(screen.getAllByTestId('security-event')[0]).toHaveAttribute('data-kind', 'sms_login_changed'));

    await user.click(sw);
    await waitFor(() => expect(sw).not.toBeChecked());
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    expect((await backend.settings()).sms_login_enabled).toBe(false);
  });

  it('SMS payment (reply Y): off by default, on asks for the PIN and shows the caps, off needs nothing', async () => {
    const backend = signedInBackend().seedPin(PIN);
    const { user } = renderApp(backend);
    await openSecurity(user);
    const sw = await screen.findByRole('switch', { name: /Pay by replying Y to an SMS/ });
    await waitFor(() => expect(sw).toBeEnabled());
    expect(sw).not.toBeChecked();
    expect(screen.getByTestId('sms-pay-state')).toHaveTextContent('Off:');
    expect(screen.getByTestId('sms-pay-warning')).toHaveTextContent('SIM card');

    await user.click(sw);
    const dialog = await screen.findByTestId('pin-dialog');
    expect(dialog).toHaveTextContent('Turn on SMS payment?');
    await user.type(within(dialog).getByTestId('pin-dialog-input'), PIN);
    await waitFor(() => expect(sw).toBeChecked());
    expect(screen.getByTestId('sms-pay-state')).toHaveTextContent('¥50.00 each and ¥200.00 a day');
    await waitFor(() => expect(screen.getAllByTestId('security-event')[0]).toHaveAttribute('data-kind', 'sms_pay_changed'));

    await user.click(sw);
    await waitFor(() => expect(sw).not.toBeChecked());
    expect(screen.queryByTestId('pin-dialog')).not.toBeInTheDocument();
    const settings = await backend.settings();
    expect(settings.sms_pay_enabled).toBe(false);
    expect(settings.sms_login_enabled).toBe(false);
  });

  it('pages the security log with next_before, kinds translated and times per locale', async () => {
    const backend = signedInBackend().seedSecurityLog(25, ['sign_in', 'device_enrolled', 'card_bound', 'frozen']);
    backend.securityPageSize = 10;
    const { user } = renderApp(backend, 'zh-CN');
    await user.click(await screen.findByTestId('home-security'));
    const log = await screen.findByTestId('security-log');
    expect(within(log).getAllByTestId('security-event')).toHaveLength(10);
    const first = within(log).getAllByTestId('security-event')[0] as HTMLElement;
    expect(first).toHaveTextContent('登录');
    expect(first).toHaveTextContent(/2026年11月25日/);
    expect(first).toHaveTextContent('Device 1');
    expect(within(log).getAllByTestId('security-event')[1]).toHaveTextContent('添加了新设备');

    await user.click(screen.getByTestId('security-log-more'));
    await waitFor(() => expect(within(log).getAllByTestId('security-event')).toHaveLength(20));
    await user.click(screen.getByTestId('security-log-more'));
    await waitFor(() => expect(within(log).getAllByTestId('security-event')).toHaveLength(25));
    expect(screen.queryByTestId('security-log-more')).not.toBeInTheDocument();
    // No entry twice, newest first.
    const names = within(log)
      .getAllByTestId('security-event')
      .map((e) => e.textContent ?? '');
    expect(new Set(names).size).toBe(25);
  });
});
