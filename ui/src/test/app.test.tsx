import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { InMemoryBackend } from '../backend/memory';
import { ID, NAME, PASSWORD, PHONE, renderApp, signedInBackend } from './render';

describe('sign-up', () => {
  it('goes welcome → form with live strength → OTP (masked phone) → home', async () => {
    const { user, backend } = renderApp();
    await user.click(await screen.findByTestId('welcome-signup'));

    await user.type(screen.getByLabelText('Mobile number'), PHONE);
    await user.type(screen.getByLabelText('Real name'), NAME);
    await user.type(screen.getByLabelText('Resident ID number'), ID);

    await user.type(screen.getByLabelText('Login password'), 'abc');
    const weak = await screen.findByTestId('password-strength');
    await waitFor(() => expect(weak).toHaveAttribute('data-acceptable', 'false'));
    expect(screen.getByTestId('password-warning')).toHaveTextContent('commonly used password');
    expect(screen.getByRole('meter', { name: 'Password strength' })).toHaveAttribute('aria-valuenow', '0');

    await user.clear(screen.getByLabelText('Login password'));
    await user.type(screen.getByLabelText('Login password'), PASSWORD);
    await waitFor(() => expect(screen.getByTestId('password-strength')).toHaveAttribute('data-acceptable', 'true'));
    expect(screen.getByTestId('password-strength-level')).toHaveTextContent('Very strong');
    expect(backend.calls).toContain('passwordStrength');

    await user.click(screen.getByTestId('signup-submit'));
    expect(await screen.findByTestId('otp-phone')).toHaveTextContent('+86 138****8000');
    expect(screen.getByTestId('otp-input')).toHaveFocus();

    await user.type(screen.getByLabelText('Verification code'), backend.lastCode ?? '');
    expect(await screen.findByTestId('home-name')).toHaveTextContent(`Hello, ${NAME}`);
    expect(screen.getByTestId('home-phone')).toHaveTextContent('+86 138****8000');
    expect(screen.getByTestId('balance-value')).toHaveTextContent('••••');
  });

  it('shows validation codes as localised text next to the field, never the raw code', async () => {
    const { user } = renderApp(new InMemoryBackend(), 'zh-CN');
    await user.click(await screen.findByTestId('welcome-signup'));
    await user.type(screen.getByLabelText('手机号码'), '12345');
    await user.type(screen.getByLabelText('真实姓名'), NAME);
    await user.type(screen.getByLabelText('居民身份证号'), ID);
    await user.type(screen.getByLabelText('登录密码'), PASSWORD);
    await user.click(screen.getByTestId('signup-submit'));
    const err = await screen.findByTestId('signup-phone-error');
    expect(err).toHaveTextContent('请输入有效的手机号码');
    expect(document.body).not.toHaveTextContent('PHONE_INVALID');
    expect(screen.getByLabelText('手机号码')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a wrong OTP as an error and lets the user retry', async () => {
    const { user, backend } = renderApp();
    await user.click(await screen.findByTestId('welcome-signup'));
    await user.type(screen.getByLabelText('Mobile number'), PHONE);
    await user.type(screen.getByLabelText('Real name'), NAME);
    await user.type(screen.getByLabelText('Resident ID number'), ID);
    await user.type(screen.getByLabelText('Login password'), PASSWORD);
    await user.click(screen.getByTestId('signup-submit'));
    await screen.findByTestId('screen-otp');
    const wrong = backend.lastCode === '000000' ? '111111' : '000000';
    await user.type(screen.getByLabelText('Verification code'), wrong);
    expect(await screen.findByTestId('form-error')).toHaveTextContent('That code is not right');
    await user.type(screen.getByLabelText('Verification code'), backend.lastCode ?? '');
    expect(await screen.findByTestId('screen-home')).toBeInTheDocument();
  });

  it('shows the retry time for rate limits', async () => {
    const backend = new InMemoryBackend().failNext('signup', 'RATE_LIMITED', 42);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('welcome-signup'));
    await user.type(screen.getByLabelText('Mobile number'), PHONE);
    await user.click(screen.getByTestId('signup-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Too many attempts. Please wait and try again. You can try again in 42 s.');
  });
});

describe('sign-in', () => {
  it('phone + password → OTP → home', async () => {
    const backend = new InMemoryBackend().seedAccount({ phone: PHONE, name: NAME, idNumber: ID, password: PASSWORD });
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('welcome-signin'));
    await user.type(screen.getByLabelText('Mobile number'), PHONE);
    await user.type(screen.getByLabelText('Login password'), 'wrong-password');
    await user.click(screen.getByTestId('signin-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('The mobile number or password is wrong.');

    await user.clear(screen.getByLabelText('Login password'));
    await user.type(screen.getByLabelText('Login password'), PASSWORD);
    await user.click(screen.getByTestId('signin-submit'));
    await screen.findByTestId('screen-otp');
    await user.type(screen.getByLabelText('Verification code'), backend.lastCode ?? '');
    expect(await screen.findByTestId('home-name')).toHaveTextContent(NAME);
  });

  it('the password can be shown and hidden with a labelled button', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByTestId('welcome-signin'));
    const input = screen.getByLabelText('Login password');
    expect(input).toHaveAttribute('type', 'password');
    await user.click(screen.getByRole('button', { name: 'Show password' }));
    expect(input).toHaveAttribute('type', 'text');
    expect(screen.getByRole('button', { name: 'Hide password' })).toHaveAttribute('aria-pressed', 'true');
  });
});

describe('start-up', () => {
  it('opens on home when already signed in', async () => {
    renderApp(signedInBackend());
    expect(await screen.findByTestId('home-name')).toHaveTextContent(NAME);
  });

  it('shows a wallet that cannot open by its code, localised, with a retry', async () => {
    const backend = new InMemoryBackend().failNext('status', 'SECRET_STORE_UNAVAILABLE');
    const { user } = renderApp(backend, 'zh-TW');
    const err = await screen.findByTestId('startup-error');
    expect(err).toHaveTextContent('沒有可用的系統鑰匙圈');
    expect(screen.getByTestId('screen-startup-error')).toHaveAttribute('data-error-code', 'SECRET_STORE_UNAVAILABLE');
    await user.click(screen.getByRole('button', { name: '重試' }));
    expect(await screen.findByTestId('screen-welcome')).toBeInTheDocument();
  });

  it('reveals the balance only on tap', async () => {
    const { user } = renderApp(signedInBackend());
    const toggle = await screen.findByRole('button', { name: 'Show balance' });
    expect(screen.getByTestId('balance-value')).toHaveTextContent('••••');
    await user.click(toggle);
    expect(screen.getByRole('button', { name: 'Hide balance' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('balance-value')).not.toHaveTextContent('••••');
    // Scan and Pay come first and work.
    expect(screen.getByTestId('action-scan')).toBeEnabled();
    expect(screen.getByTestId('action-pay')).toBeEnabled();
  });
});

describe('devices', () => {
  it('lists devices with this-device mark and locale dates; signs another out after confirming', async () => {
    const { user } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('home-devices'));
    const items = await screen.findAllByTestId('device');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByTestId('device-current')).toHaveTextContent('This device');
    expect(items[1]).toHaveTextContent('Li Ming’s phone');
    expect(items[1]).toHaveTextContent('Android');
    expect(items[1]).toHaveTextContent(/Added Oct 1, 2026/);

    // Cancel first: nothing happens.
    await user.click(screen.getByTestId('device-signout-dev-phone'));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Sign out “Li Ming’s phone”?');
    expect(screen.getByTestId('confirm-cancel')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('device')).toHaveLength(2);

    await user.click(screen.getByTestId('device-signout-dev-phone'));
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('devices-done')).toHaveTextContent('“Li Ming’s phone” was signed out.');
    await waitFor(() => expect(screen.getAllByTestId('device')).toHaveLength(1));
  });

  it('formats dates per locale', async () => {
    const { user } = renderApp(signedInBackend(), 'zh-CN');
    await user.click(await screen.findByTestId('home-devices'));
    const items = await screen.findAllByTestId('device');
    expect(items[1]).toHaveTextContent(/添加于 2026年10月1日/);
    expect(within(items[0]!).getByTestId('device-current')).toHaveTextContent('本机');
  });

  it('logs out of this device after confirming', async () => {
    const { user } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('home-devices'));
    await screen.findAllByTestId('device');
    await user.click(screen.getByTestId('logout'));
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('screen-welcome')).toBeInTheDocument();
    expect(screen.queryByTestId('revoked-notice')).not.toBeInTheDocument();
  });
});

describe('revocation', () => {
  it('any DEVICE_REVOKED answer lands on welcome with the notice', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend);
    await screen.findByTestId('screen-home');
    backend.revokeThisDevice();
    await user.click(screen.getByTestId('home-devices'));
    expect(await screen.findByTestId('revoked-notice')).toHaveTextContent('This device was signed out: its phone was reported lost, or it was removed from another of your devices. Its wallet data has been erased from this computer');
    expect(screen.getByTestId('screen-welcome')).toBeInTheDocument();
  });

  it('is noticed at start-up too (home refresh)', async () => {
    const backend = signedInBackend();
    backend.failNext('whoami', 'DEVICE_REVOKED');
    renderApp(backend, 'zh-CN');
    expect(await screen.findByTestId('revoked-notice')).toHaveTextContent('此设备已被退出登录：手机被挂失，或在您的其他设备上被移除。本机上的钱包数据已清除');
  });
});

describe('language and accessibility', () => {
  it('switches language from the menu and remembers it', async () => {
    const { user } = renderApp();
    await screen.findByTestId('screen-welcome');
    expect(screen.getByTestId('welcome-signup')).toHaveTextContent('Create an account');
    await user.selectOptions(screen.getByLabelText('Language'), 'zh-TW');
    expect(screen.getByTestId('welcome-signup')).toHaveTextContent('註冊帳戶');
    expect(document.documentElement.lang).toBe('zh-TW');
    expect(localStorage.getItem('wallet.locale')).toBe('zh-TW');
    await user.selectOptions(screen.getByLabelText('語言'), 'zh-CN');
    expect(screen.getByTestId('welcome-signup')).toHaveTextContent('注册账户');
  });

  it('every input on the sign-up form has a label and the form works by keyboard', async () => {
    const { user, container } = renderApp();
    await user.click(await screen.findByTestId('welcome-signup'));
    for (const input of container.querySelectorAll('input, select')) {
      expect(input.id, input.outerHTML).not.toBe('');
      expect(container.querySelector(`label[for="${input.id}"]`), input.outerHTML).not.toBeNull();
    }
    screen.getByLabelText('Mobile number').focus();
    await user.keyboard(PHONE);
    await user.tab();
    expect(screen.getByLabelText('Real name')).toHaveFocus();
    await user.keyboard(NAME);
    await user.tab();
    await user.keyboard(ID);
    await user.tab();
    await user.keyboard(PASSWORD);
    await waitFor(() => expect(screen.getByTestId('password-strength')).toHaveAttribute('data-acceptable', 'true'));
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('screen-otp')).toBeInTheDocument();
  });
});
