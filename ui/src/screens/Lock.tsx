import { useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import { CodeInput } from '../components/CodeInput';
import { LockIcon } from '../components/icons';
import { Button, LanguageMenu, Notice } from '../components/ui';
import { fmt, useI18n } from '../i18n';

/**
 * Shown while the backend says the app is locked (idle, or "Lock now"). Nothing of the wallet is
 * on screen; the backend refuses every wallet call (`APP_LOCKED`) until the provider accepts
 * the payment PIN. Signing out is the way out for a forgotten PIN.
 */
export function LockScreen({ lockAfterSecs, onUnlocked, onSignedOut }: { lockAfterSecs: number; onUnlocked(): void; onSignedOut(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);

  async function unlock(value: string) {
    setBusy(true);
    setError(null);
    try {
      const s = await backend.unlock(value);
      if (!s.locked) onUnlocked();
    } catch (e) {
      setError(WalletError.from(e));
      setPin('');
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    setBusy(true);
    try {
      await backend.logout();
    } catch {
      // A revoked device lands on welcome anyway; offline, the wipe still happened locally.
    } finally {
      setBusy(false);
      onSignedOut();
    }
  }

  return (
    <main className="screen lock-screen" data-testid="screen-lock">
      <header className="topbar">
        <span className="topbar__spacer" />
        <LanguageMenu />
      </header>
      <div className="page">
        <div className="page__icon" aria-hidden="true">
          <LockIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{m.lock.title}</h1>
        <p className="page__subtitle">{fmt(m.lock.body, { n: Math.round(lockAfterSecs / 60) })}</p>
        <CodeInput
          label={m.lock.pin}
          masked
          autoFocus
          value={pin}
          onChange={setPin}
          onComplete={(v) => void unlock(v)}
          error={error ? (error.code === 'PIN_NOT_SET' ? m.lock.noPin : errorText(error)) : null}
          disabled={busy}
          testId="lock-pin"
        />
        {busy && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.working}
          </p>
        )}
        <Notice kind="info">{m.lock.signOutBody}</Notice>
        <Button variant="secondary" block onClick={() => void signOut()} disabled={busy} data-testid="lock-sign-out">
          {m.lock.signOut}
        </Button>
      </div>
    </main>
  );
}
