import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { InMemoryBackend, SANDBOX_CARDS } from '../backend/memory';
import { ID, NAME, PASSWORD, PHONE, renderApp, signedInBackend } from './render';

function account(): InMemoryBackend {
  return new InMemoryBackend().seedAccount({ phone: PHONE, name: NAME, idNumber: ID, password: PASSWORD });
}

async function openForm(user: ReturnType<typeof renderApp>['user']) {
  await user.click(await screen.findByTestId('welcome-lost'));
  await screen.findByTestId('screen-report-lost');
}

describe('report a lost phone from the welcome screen', () => {
  it('freezes with phone + real name + last 6 of the ID, then says what happens without claiming an account exists', async () => {
    const backend = account();
    const { user } = renderApp(backend);
    await openForm(user);
    expect(screen.getByRole('heading', { name: 'Lost your phone?' })).toBeInTheDocument();
    const submit = screen.getByTestId('lost-submit');
    expect(submit).toBeDisabled();

    await user.type(screen.getByLabelText('Mobile number of the lost phone’s account'), PHONE);
    await user.type(screen.getByLabelText('Real name'), NAME);
    await user.type(screen.getByLabelText('Last 6 characters of the ID number'), '31002x');
    expect(submit).toBeEnabled();
    await user.click(submit);

    const sent = await screen.findByTestId('report-lost-sent');
    expect(sent).toHaveTextContent('If these details match a Wallet account');
    expect(sent).toHaveTextContent('it is frozen now');
    expect(sent).toHaveTextContent('looks the same whether or not the details matched');
    expect(backend.isFrozen()).toBe(true);
    // Sent as typed but upper-cased; nothing of it stays on screen.
    expect(backend.reports).toEqual([{ phone: PHONE, name: NAME, id_last6: '31002X', password: null, device_id: null }]);
    expect(document.body).not.toHaveTextContent('31002X');

    await user.click(screen.getByTestId('report-lost-done'));
    expect(await screen.findByTestId('screen-welcome')).toBeInTheDocument();
  });

  it('shows the same confirmation for a number without an account (nothing revealed)', async () => {
    const backend = account();
    const { user } = renderApp(backend);
    await openForm(user);
    await user.type(screen.getByTestId('lost-phone'), '13900139000');
    await user.type(screen.getByTestId('lost-name'), NAME);
    await user.type(screen.getByTestId('lost-id-last6'), '31002X');
    await user.click(screen.getByTestId('lost-submit'));
    expect(await screen.findByTestId('report-lost-sent')).toHaveTextContent('If these details match a Wallet account');
    expect(backend.isFrozen()).toBe(false);
  });

  it('freezes with the login password instead (the toggle), in Chinese', async () => {
    const backend = account();
    const { user } = renderApp(backend, 'zh-CN');
    await user.click(await screen.findByTestId('welcome-lost'));
    await user.click(screen.getByLabelText('登录密码', { selector: 'input[type=radio]' }));
    expect(screen.queryByTestId('lost-name')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('lost-phone'), PHONE);
    const pw = screen.getByTestId('lost-password');
    expect(pw).toHaveAttribute('type', 'password');
    await user.type(pw, PASSWORD);
    await user.click(screen.getByRole('button', { name: '冻结账户' }));
    expect(await screen.findByTestId('report-lost-sent')).toHaveTextContent('该账户已立即冻结');
    expect(backend.isFrozen()).toBe(true);
    expect(backend.reports[0]).toMatchObject({ name: null, id_last6: null, password: PASSWORD });
  });

  it('shows malformed input next to its field, localised, never the raw code', async () => {
    const { user, backend } = renderApp(account());
    await openForm(user);
    await user.type(screen.getByTestId('lost-phone'), '12345');
    await user.type(screen.getByTestId('lost-name'), NAME);
    await user.type(screen.getByTestId('lost-id-last6'), '31002X');
    await user.click(screen.getByTestId('lost-submit'));
    expect(await screen.findByTestId('lost-phone-error')).toHaveTextContent('Enter a valid mobile number');
    expect(screen.getByTestId('lost-phone')).toHaveAttribute('aria-invalid', 'true');
    expect(document.body).not.toHaveTextContent('PHONE_INVALID');

    await user.clear(screen.getByTestId('lost-phone'));
    await user.type(screen.getByTestId('lost-phone'), PHONE);
    expect(screen.queryByTestId('lost-phone-error')).not.toBeInTheDocument();
    await user.clear(screen.getByTestId('lost-id-last6'));
    await user.type(screen.getByTestId('lost-id-last6'), '3100X2');
    await user.click(screen.getByTestId('lost-submit'));
    expect(await screen.findByTestId('lost-id-last6-error')).toHaveTextContent('resident ID number');

    await user.clear(screen.getByTestId('lost-id-last6'));
    await user.type(screen.getByTestId('lost-id-last6'), '31002X');
    backend.failNext('reportLost', 'NAME_INVALID');
    await user.click(screen.getByTestId('lost-submit'));
    expect(await screen.findByTestId('lost-name-error')).toHaveTextContent('real name');
    // A blank name cannot be sent at all.
    await user.clear(screen.getByTestId('lost-name'));
    await user.type(screen.getByTestId('lost-name'), ' ');
    expect(screen.getByTestId('lost-submit')).toBeDisabled();
    await waitFor(() => expect(backend.reports).toHaveLength(0));
  });

  it('a network failure stays on the form with the reason', async () => {
    const backend = account().failNext('reportLost', 'NETWORK');
    const { user } = renderApp(backend);
    await openForm(user);
    await user.type(screen.getByTestId('lost-phone'), PHONE);
    await user.click(screen.getByTestId('lost-mode-password'));
    await user.type(screen.getByTestId('lost-password'), PASSWORD);
    await user.click(screen.getByTestId('lost-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Cannot reach Wallet');
    expect(screen.queryByTestId('report-lost-sent')).not.toBeInTheDocument();
  });
});

describe('a device signed out from elsewhere', () => {
  it('lands on welcome saying why, in words a user understands', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend);
    await screen.findByTestId('home-name');
    backend.revokeThisDevice();
    await user.click(screen.getByTestId('home-devices'));
    const notice = await screen.findByTestId('revoked-notice');
    expect(notice).toHaveTextContent('its phone was reported lost, or it was removed from another of your devices');
    expect(notice).toHaveTextContent('wallet data has been erased from this computer');
  });

  it('is wiped when its own account is reported lost from another device', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend);
    await screen.findByTestId('home-name');
    await backend.reportLost({ phone: PHONE, name: NAME, id_last6: ID.slice(-6), password: null, device_id: null });
    await user.click(screen.getByTestId('home-devices'));
    expect(await screen.findByTestId('revoked-notice')).toBeInTheDocument();
  });
});

describe('money while frozen or cooling off', () => {
  const PIN = '860527';

  it('a withdrawal in the cooling-off says so and when it ends', async () => {
    const until = new Date(new InMemoryBackend().now.getTime() + 20 * 3600_000).toISOString();
    const backend = signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.approve).seedBalance(500_000).seedCoolingOff(until);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-withdraw'));
    await user.type(await screen.findByLabelText('Amount'), '1000');
    await user.click(screen.getByTestId('move-continue'));
    await user.type(await screen.findByLabelText('Enter your payment PIN to confirm'), PIN);
    const alert = await screen.findByText(/24-hour cooling-off ends\. You can try again at .+\d/);
    expect(alert).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('COOLING_OFF');
  });

  it('the cooling-off caps what leaves the account in all, not each transfer (docs/rules.md §Cooling-off)', async () => {
    const until = new Date(new InMemoryBackend().now.getTime() + 20 * 3600_000).toISOString();
    const other = { phone: '13900000002', name: '张国华', idNumber: '110105194912310037', password: PASSWORD };
    const backend = signedInBackend().seedAccount(other).seedPin(PIN).seedBalance(2_000_00).seedCoolingOff(until);
    const send = (amount: string, key: string) =>
      backend.transfer({ to_phone: other.phone, amount, note: null, pin: PIN, idempotency_key: key });
    expect((await send('400', 'cool-key-1')).status).toBe('succeeded');
    await expect(send('400', 'cool-key-2')).rejects.toMatchObject({ code: 'COOLING_OFF' });
    expect((await send('100', 'cool-key-3')).status).toBe('succeeded');
    await expect(send('0.01', 'cool-key-4')).rejects.toMatchObject({ code: 'COOLING_OFF' });
  });

  it('a top-up of a frozen account says it is frozen and where to unfreeze it (zh-CN)', async () => {
    const backend = signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.approve).seedFrozen();
    const { user } = renderApp(backend, 'zh-CN');
    await user.click(await screen.findByTestId('action-topup'));
    await user.type(await screen.findByTestId('amount'), '100');
    await user.click(screen.getByTestId('move-continue'));
    await user.type(await screen.findByTestId('topup-pin'), PIN);
    expect(await screen.findByText(/您的账户已冻结（有手机被挂失），资金无法转出。请在“账户安全”中解冻。/)).toBeInTheDocument();
  });
});
