// The desktop shell's screens (issue 16): settings (provider, app lock, notifications, text
// size), About, the app lock and its backend gate, native dialogs with focus kept inside.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryBackend } from '../backend/memory';
import { WalletError } from '../backend/backend';
import { polling } from '../polling';
import { renderApp, signedInBackend } from './render';

const PIN = '860527';
const saved = { ...polling };
beforeEach(() => {
  polling.lockMs = 40;
  polling.eventsMs = 40;
});
afterEach(() => {
  Object.assign(polling, saved);
  document.documentElement.removeAttribute('data-zoom');
  document.documentElement.style.removeProperty('--zoom');
});

describe('settings and About', () => {
  it('signed out, the provider is chosen on the settings screen, checked, saved and shown in About', async () => {
    const backend = new InMemoryBackend();
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('welcome-settings'));
    const current = await screen.findByTestId('settings-provider-current');
    expect(current).toHaveTextContent('http://127.0.0.1:8080');
    expect(current).toHaveAttribute('data-source', 'default');
    // Signed out, the lock has nothing to protect: no lock section.
    expect(screen.queryByTestId('settings-lock')).not.toBeInTheDocument();

    const field = screen.getByTestId('settings-provider-url');
    await user.type(field, 'http://sandbox.example');
    await user.click(screen.getByTestId('settings-provider-save'));
    expect(await screen.findByTestId('settings-provider-url-error')).toHaveTextContent('not secure');
    expect(current).toHaveAttribute('data-source', 'default');

    await user.clear(field);
    await user.type(field, 'https://sandbox.example/');
    await user.click(screen.getByTestId('settings-provider-save'));
    expect(await screen.findByTestId('settings-provider-saved')).toBeInTheDocument();
    expect(screen.getByTestId('settings-provider-current')).toHaveTextContent('https://sandbox.example');
    expect(screen.getByTestId('settings-provider-current')).toHaveAttribute('data-source', 'file');

    await user.click(screen.getByTestId('settings-about'));
    expect(await screen.findByTestId('about-provider')).toHaveTextContent('https://sandbox.example (from the settings file)');
    expect(screen.getByTestId('about-version')).toHaveTextContent('0.1.0');
    expect(screen.getByTestId('about-build')).not.toBeEmptyDOMElement();
    expect(screen.getByTestId('about-identifier')).toHaveTextContent('com.walletpay.desktop');
    expect(screen.getByTestId('about-data-dir')).toHaveTextContent('com.walletpay.desktop');
  });

  it('WALLET_SERVER wins: the provider is shown with its source and cannot be edited', async () => {
    const backend = new InMemoryBackend().seedEnvProvider('http://127.0.0.1:9999');
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('welcome-settings'));
    expect(await screen.findByTestId('settings-provider-current')).toHaveTextContent('http://127.0.0.1:9999');
    expect(screen.getByTestId('settings-provider-source')).toHaveTextContent('WALLET_SERVER');
    expect(screen.queryByTestId('settings-provider-url')).not.toBeInTheDocument();
  });

  it('signed in, the provider is read-only and the lock time and notifications are settings', async () => {
    const { user, backend } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('home-settings'));
    await screen.findByTestId('settings-provider-current');
    expect(screen.queryByTestId('settings-provider-url')).not.toBeInTheDocument();
    expect(screen.getByTestId('settings-provider')).toHaveTextContent('Sign out to use another one');

    await user.selectOptions(await screen.findByTestId('settings-lock-after'), '60');
    await waitFor(() => expect(screen.getByTestId('settings-lock-after')).toHaveValue('60'));
    expect((await backend.lockState()).lock_after_secs).toBe(60);

    const sw = screen.getByTestId('settings-notifications-switch');
    expect(sw).toBeChecked();
    await user.click(sw);
    await waitFor(() => expect(screen.getByTestId('settings-notifications-state')).toHaveTextContent('Off'));
  });

  it('tells the shell the UI language for notification texts', async () => {
    const backend = signedInBackend();
    renderApp(backend, 'zh-TW');
    await screen.findByTestId('home-name');
    await waitFor(() => expect(backend.locale).toBe('zh-TW'));
  });
});

describe('the app lock', () => {
  it('locks when the backend says so, refuses wallet calls whatever the page shows, and only the PIN unlocks', async () => {
    const backend = signedInBackend().seedPin(PIN);
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('home-devices'));
    await screen.findByTestId('screen-devices');

    backend.idleTimeout();
    expect(await screen.findByTestId('screen-lock')).toBeInTheDocument();
    expect(screen.queryByTestId('screen-devices')).not.toBeInTheDocument();
    // The lock is the backend's: a page that ignored it still gets nothing.
    await expect(backend.balance()).rejects.toMatchObject({ code: 'APP_LOCKED' });
    await expect(backend.devices()).rejects.toBeInstanceOf(WalletError);

    await user.type(screen.getByLabelText('Payment PIN'), '000001');
    expect(await screen.findByTestId('lock-pin-error')).toHaveTextContent('The payment PIN is wrong');
    expect(backend.isAppLocked()).toBe(true);

    await user.type(screen.getByLabelText('Payment PIN'), PIN);
    // Back where the user was.
    expect(await screen.findByTestId('screen-devices')).toBeInTheDocument();
    expect(backend.isAppLocked()).toBe(false);
    await expect(backend.balance()).resolves.toBeTruthy();
  });

  it('"Lock now" locks at once; an app started locked asks for the PIN before anything else', async () => {
    const backend = signedInBackend().seedPin(PIN);
    const first = renderApp(backend);
    await first.user.click(await screen.findByTestId('home-settings'));
    await first.user.click(await screen.findByTestId('settings-lock-now'));
    expect(await screen.findByTestId('screen-lock')).toBeInTheDocument();
    first.unmount();

    const again = renderApp(backend);
    expect(await screen.findByTestId('screen-lock')).toBeInTheDocument();
    await again.user.type(screen.getByLabelText('Payment PIN'), PIN);
    expect(await screen.findByTestId('home-name')).toBeInTheDocument();
  });

  it('signing out from the lock screen needs no PIN and lands on welcome', async () => {
    const backend = signedInBackend().seedPin(PIN);
    const { user } = renderApp(backend);
    await screen.findByTestId('home-name');
    backend.idleTimeout();
    await user.click(await screen.findByTestId('lock-sign-out'));
    expect(await screen.findByTestId('screen-welcome')).toBeInTheDocument();
    expect(backend.isAppLocked()).toBe(false);
  });

  it('the payment code screen keeps the window out of screenshots while it shows', async () => {
    const backend = signedInBackend().seedPaycode();
    const { user } = renderApp(backend);
    await user.click(await screen.findByTestId('action-pay'));
    await screen.findByTestId('screen-paycode');
    await waitFor(() => expect(backend.screenProtected).toBe(true));
    await user.click(screen.getByTestId('back'));
    await screen.findByTestId('home-name');
    await waitFor(() => expect(backend.screenProtected).toBe(false));
  });
});

describe('text zoom', () => {
  it('Ctrl + / − / 0 change the page zoom, the settings buttons too, and the level persists', async () => {
    const { user, unmount } = renderApp(signedInBackend());
    await screen.findByTestId('home-name');
    const root = document.documentElement;
    expect(root.dataset.zoom).toBe('1');
    fireEvent.keyDown(window, { key: '=', ctrlKey: true });
    fireEvent.keyDown(window, { key: '+', ctrlKey: true });
    expect(root.dataset.zoom).toBe('1.25');
    expect(root.style.getPropertyValue('--zoom')).toBe('1.25');
    fireEvent.keyDown(window, { key: '-', ctrlKey: true });
    expect(root.dataset.zoom).toBe('1.1');
    // Without Ctrl it is just typing.
    fireEvent.keyDown(window, { key: '+' });
    expect(root.dataset.zoom).toBe('1.1');
    expect(localStorage.getItem('wallet.zoom')).toBe('1.1');

    await user.click(screen.getByTestId('home-settings'));
    expect(await screen.findByTestId('zoom-level')).toHaveTextContent('110%');
    await user.click(screen.getByTestId('zoom-in'));
    expect(screen.getByTestId('zoom-level')).toHaveTextContent('125%');
    unmount();

    renderApp(signedInBackend());
    await screen.findByTestId('home-name');
    expect(document.documentElement.dataset.zoom).toBe('1.25');
    fireEvent.keyDown(window, { key: '0', ctrlKey: true });
    expect(document.documentElement.dataset.zoom).toBe('1');
  });
});

describe('native dialogs', () => {
  it('a confirm step is a modal <dialog>: focus starts inside, Tab and Shift+Tab wrap, Escape cancels and focus returns', async () => {
    const { user } = renderApp(signedInBackend());
    await user.click(await screen.findByTestId('home-devices'));
    const other = await screen.findByTestId('device-signout-dev-phone');
    await user.click(other);
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog).toHaveAttribute('open');
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(screen.getByRole('alertdialog')).toBe(dialog);
    const cancel = within(dialog).getByTestId('confirm-cancel');
    const ok = within(dialog).getByTestId('confirm-ok');
    expect(cancel).toHaveFocus();
    for (let i = 0; i < 5; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    ok.focus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(ok).toHaveFocus();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).not.toBeInTheDocument());
    expect(other).toHaveFocus();
  });
});
