import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { InMemoryBackend } from '../backend/memory';
import { ID, NAME, PASSWORD, PHONE, renderApp } from './render';

function account(sms: boolean): InMemoryBackend {
  return new InMemoryBackend().seedAccount({ phone: PHONE, name: NAME, idNumber: ID, password: PASSWORD }).seedSmsLogin(sms);
}

describe('sign-in with an SMS code only', () => {
  it('phone → the same code screen → home, without a password', async () => {
    const backend = account(true);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('welcome-signin'));
    await user.click(screen.getByTestId('signin-sms-toggle'));
    expect(screen.getByRole('heading', { name: 'Sign in with an SMS code' })).toBeInTheDocument();
    expect(screen.queryByTestId('signin-password')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Mobile number'), PHONE);
    await user.click(screen.getByTestId('signin-submit'));
    expect(await screen.findByTestId('otp-phone')).toHaveTextContent('+86 138****8000');
    await user.type(screen.getByLabelText('Verification code'), backend.lastCode ?? '');
    expect(await screen.findByTestId('home-name')).toHaveTextContent(NAME);
    expect(backend.calls).toContain('loginSms');
    expect(backend.calls).not.toContain('login');
  });

  it('SMS_LOGIN_DISABLED says so (the same for unknown numbers) and offers the password way back', async () => {
    const { user, backend } = renderApp(account(false), 'zh-TW');
    await user.click(await screen.findByTestId('welcome-signin'));
    await user.click(screen.getByTestId('signin-sms-toggle'));
    await user.type(screen.getByLabelText('手機號碼'), PHONE);
    await user.click(screen.getByTestId('signin-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('此號碼不支援僅用簡訊驗證碼登入');
    expect(document.body).not.toHaveTextContent('SMS_LOGIN_DISABLED');

    await user.click(screen.getByTestId('signin-sms-toggle'));
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('signin-password'), PASSWORD);
    await user.click(screen.getByTestId('signin-submit'));
    await screen.findByTestId('screen-otp');
    expect(backend.calls).toContain('login');
  });
});
