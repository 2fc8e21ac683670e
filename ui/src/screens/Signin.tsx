import { useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { PendingVerification } from '../backend/types';
import { PasswordField } from '../components/PasswordField';
import { Button, Field, Notice, TopBar } from '../components/ui';
import { useI18n } from '../i18n';
import { fieldFor } from './fieldErrors';

export function Signin({ onBack, onPending, onSignUp }: { onBack(): void; onPending(p: PendingVerification): void; onSignUp(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [smsOnly, setSmsOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onPending(smsOnly ? await backend.loginSms(phone.trim()) : await backend.login(phone.trim(), password));
    } catch (err) {
      setError(WalletError.from(err));
      setBusy(false);
    }
  }

  const phoneError = error && fieldFor(error.code) === 'phone' ? errorText(error) : null;
  const formError = error && !phoneError ? errorText(error) : null;

  return (
    <main className="screen" data-testid="screen-signin">
      <TopBar onBack={onBack} />
      <form className="page" onSubmit={submit} noValidate aria-busy={busy}>
        <h1 className="page__title">{smsOnly ? m.signin.smsTitle : m.signin.title}</h1>
        <p className="page__subtitle">{smsOnly ? m.signin.smsSubtitle : m.signin.subtitle}</p>
        {formError && (
          <Notice kind="error" testId="form-error">
            {formError}
          </Notice>
        )}
        <div className="card form-card">
          <Field
            label={m.signin.phone}
            prefix="+86"
            type="tel"
            inputMode="tel"
            autoComplete="tel-national"
            placeholder="138 0013 8000"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            error={phoneError}
            testId="signin-phone"
            required
          />
          {!smsOnly && (
            <PasswordField label={m.signin.password} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} testId="signin-password" required />
          )}
        </div>
        <Button type="submit" block busy={busy} data-testid="signin-submit">
          {smsOnly ? m.signin.smsSubmit : m.signin.submit}
        </Button>
        <p className="switch">
          <button
            type="button"
            className="link"
            onClick={() => {
              setSmsOnly((v) => !v);
              setPassword('');
              setError(null);
            }}
            data-testid="signin-sms-toggle"
          >
            {smsOnly ? m.signin.withPassword : m.signin.smsOnly}
          </button>
        </p>
        <p className="switch">
          {m.signin.noAccount}{' '}
          <button type="button" className="link" onClick={onSignUp}>
            {m.signin.signUpLink}
          </button>
        </p>
      </form>
    </main>
  );
}
