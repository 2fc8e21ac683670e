import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SANDBOX_CARDS } from '../backend/memory';
import { ID, PASSWORD, renderApp, signedInBackend } from './render';

const NEW_PHONE = '13900139000';

async function openChangePhone(user: ReturnType<typeof renderApp>['user']) {
  await user.click(await screen.findByTestId('home-security'));
  await user.click(await screen.findByTestId('security-change-phone'));
  await screen.findByTestId('screen-change-phone');
}

describe('change the phone number', () => {
  it('with the ID number: one code to the new number, cards unbound by choice, the new profile shown', async () => {
    const backend = signedInBackend().seedCard(SANDBOX_CARDS.approve);
    const { user } = renderApp(backend);
    await openChangePhone(user);
    expect(screen.getByText(/Your wallet is tied to \+86 138\*\*\*\*8000/)).toBeInTheDocument();

    await user.type(screen.getByLabelText('New mobile number'), NEW_PHONE);
    await user.type(screen.getByTestId('phone-change-password'), PASSWORD);
    expect(screen.getByTestId('phone-change-proof-id')).toBeChecked();
    expect(screen.getByTestId('phone-change-send')).toBeDisabled();
    await user.type(screen.getByTestId('phone-change-id'), ID);
    await user.click(screen.getByTestId('phone-change-send'));

    await screen.findByTestId('phone-change-codes');
    expect(screen.getByLabelText('Code sent to the new number +86 139****9000')).toBeInTheDocument();
    expect(screen.queryByTestId('phone-change-old-code')).not.toBeInTheDocument();
    // The cards question is asked and must be answered.
    const cards = await screen.findByRole('group', { name: 'Your 1 bank card(s)' });
    expect(cards).toHaveTextContent('Your bank knows these cards under the old number');
    await user.type(screen.getByTestId('phone-change-code'), backend.phoneChangeCodes?.code ?? '');
    expect(screen.getByTestId('phone-change-submit')).toBeDisabled();
    await user.click(within(cards).getByTestId('phone-change-cards-unbind'));
    await user.click(screen.getByTestId('phone-change-submit'));

    expect(await screen.findByTestId('phone-change-new')).toHaveTextContent('+86 139****9000');
    expect(await backend.cards()).toHaveLength(0);
    await user.click(screen.getByTestId('phone-change-finish'));
    await screen.findByTestId('screen-security');
    await user.click(screen.getByTestId('back'));
    expect(await screen.findByTestId('home-phone')).toHaveTextContent('+86 139****9000');
  });

  it('with a code to the old number: both codes, a wrong one is said, cards kept', async () => {
    const backend = signedInBackend().seedCard(SANDBOX_CARDS.approve);
    const { user } = renderApp(backend, 'zh-CN');
    await user.click(await screen.findByTestId('home-security'));
    await user.click(await screen.findByTestId('security-change-phone'));
    await user.type(await screen.findByTestId('phone-change-phone'), NEW_PHONE);
    await user.type(screen.getByTestId('phone-change-password'), PASSWORD);
    await user.click(screen.getByTestId('phone-change-proof-old'));
    expect(screen.queryByTestId('phone-change-id')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('phone-change-send'));

    await screen.findByTestId('phone-change-codes');
    expect(screen.getByLabelText('发往当前号码 +86 138****8000 的验证码')).toBeInTheDocument();
    const codes = backend.phoneChangeCodes;
    expect(codes?.oldCode).toMatch(/^\d{6}$/);
    await user.type(screen.getByTestId('phone-change-code'), codes?.code ?? '');
    await user.type(screen.getByTestId('phone-change-old-code'), codes?.oldCode === '111111' ? '222222' : '111111');
    await user.click(screen.getByTestId('phone-change-cards-keep'));
    await user.click(screen.getByTestId('phone-change-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('验证码不正确');

    await user.type(screen.getByTestId('phone-change-code'), codes?.code ?? '');
    await user.type(screen.getByTestId('phone-change-old-code'), codes?.oldCode ?? '');
    await user.click(screen.getByTestId('phone-change-submit'));
    expect(await screen.findByTestId('phone-change-new')).toHaveTextContent('+86 139****9000');
    expect(await backend.cards()).toHaveLength(1);
  });

  it('shows a wrong password and a bad number where they belong; no cards, no question', async () => {
    const backend = signedInBackend();
    const { user } = renderApp(backend);
    await openChangePhone(user);
    await user.type(screen.getByTestId('phone-change-phone'), '12345');
    await user.type(screen.getByTestId('phone-change-password'), 'not-the-password');
    await user.type(screen.getByTestId('phone-change-id'), ID);
    await user.click(screen.getByTestId('phone-change-send'));
    expect(await screen.findByTestId('phone-change-phone-error')).toHaveTextContent('Enter a valid mobile number');

    await user.clear(screen.getByTestId('phone-change-phone'));
    await user.type(screen.getByTestId('phone-change-phone'), NEW_PHONE);
    await user.click(screen.getByTestId('phone-change-send'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('The mobile number or password is wrong.');
    expect(document.body).not.toHaveTextContent(ID);

    await user.clear(screen.getByTestId('phone-change-password'));
    await user.type(screen.getByTestId('phone-change-password'), PASSWORD);
    await user.click(screen.getByTestId('phone-change-send'));
    await screen.findByTestId('phone-change-codes');
    await waitFor(() => expect(backend.calls).toContain('cards'));
    expect(screen.queryByTestId('phone-change-cards-keep')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('phone-change-code'), backend.phoneChangeCodes?.code ?? '');
    await user.click(screen.getByTestId('phone-change-submit'));
    expect(await screen.findByTestId('phone-change-done')).toBeInTheDocument();
  });

  it('is not offered while the account is frozen', async () => {
    const { user } = renderApp(signedInBackend().seedFrozen());
    await user.click(await screen.findByTestId('home-security'));
    await waitFor(() => expect(screen.getByTestId('security-change-phone')).toBeDisabled());
    expect(screen.getByTestId('security-change-phone')).toHaveTextContent('Not while the account is frozen');
  });
});
