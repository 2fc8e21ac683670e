import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { PendingVerification, Profile } from '../backend/types';
import { Button, Notice, TopBar } from '../components/ui';
import { PhoneIcon } from '../components/icons';
import { fmt, useI18n } from '../i18n';

const LENGTH = 6;

/** The SMS code step of sign-up and sign-in. Submits by itself once six digits are in. */
export function Otp({ pending, onBack, onVerified }: { pending: PendingVerification; onBack(): void; onVerified(p: Profile): void }) {
  const { m, errorText, time } = useI18n();
  const backend = useBackend();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [focused, setFocused] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const submitted = useRef<string | null>(null);

  // Focus the code on arrival and again after a failed try (the input is disabled while verifying).
  useEffect(() => {
    if (!busy) inputRef.current?.focus();
  }, [busy]);

  async function verify(value: string) {
    if (busy) return;
    submitted.current = value;
    setBusy(true);
    setError(null);
    try {
      onVerified(await backend.verify(value));
    } catch (err) {
      setError(WalletError.from(err));
      setBusy(false);
      setCode('');
    }
  }

  function onChange(value: string) {
    const digits = value.replace(/\D/g, '').slice(0, LENGTH);
    setCode(digits);
    if (error) setError(null);
    if (digits.length === LENGTH && submitted.current !== digits) void verify(digits);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void verify(code);
  }

  const cells = Array.from({ length: LENGTH }, (_, i) => code[i] ?? '');
  const active = Math.min(code.length, LENGTH - 1);

  return (
    <main className="screen" data-testid="screen-otp">
      <TopBar onBack={onBack} />
      <form className="page" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="page__icon" aria-hidden="true">
          <PhoneIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{m.otp.title}</h1>
        <p className="page__subtitle">
          {fmt(m.otp.sentTo, { phone: '\u0000' })
            .split('\u0000')
            .flatMap((part, i) => (i === 0 ? [part] : [<strong key="p" className="nowrap" data-testid="otp-phone">{pending.phone_masked}</strong>, part]))}
        </p>
        <div className="otp">
          <label htmlFor="otp-code" className="sr-only">
            {m.otp.label}
          </label>
          <input
            id="otp-code"
            ref={inputRef}
            className="otp__input"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={LENGTH}
            value={code}
            onChange={(e) => onChange(e.target.value)}
            onFocus={() => setFocused(true)}
            onBlur={() => setFocused(false)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'otp-error' : 'otp-expiry'}
            data-testid="otp-input"
            disabled={busy}
          />
          <div className="otp__cells" aria-hidden="true">
            {cells.map((c, i) => (
              <span key={i} className={`otp__cell${c ? ' is-filled' : ''}${focused && i === active ? ' is-active' : ''}${error ? ' is-invalid' : ''}`}>
                {c}
              </span>
            ))}
          </div>
        </div>
        {error && (
          <div id="otp-error">
            <Notice kind="error" testId="form-error">
              {errorText(error)}
            </Notice>
          </div>
        )}
        <p id="otp-expiry" className="page__note">
          {fmt(m.otp.expires, { time: time(pending.expires_at) })}
        </p>
        <Button type="submit" block busy={busy} disabled={code.length !== LENGTH} data-testid="otp-submit">
          {m.otp.submit}
        </Button>
        <p className="switch">
          <button type="button" className="link" onClick={onBack}>
            {m.otp.back}
          </button>
        </p>
      </form>
    </main>
  );
}
