import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { PasswordStrength, PendingVerification, SignupInput } from '../backend/types';
import { PasswordField } from '../components/PasswordField';
import { StrengthMeter } from '../components/StrengthMeter';
import { Button, Field, Notice, TopBar } from '../components/ui';
import { useI18n } from '../i18n';
import { fieldFor } from './fieldErrors';

export function Signup({ onBack, onPending, onSignIn }: { onBack(): void; onPending(p: PendingVerification): void; onSignIn(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [form, setForm] = useState<SignupInput>({ phone: '', name: '', id_number: '', password: '' });
  const [strength, setStrength] = useState<PasswordStrength | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const seq = useRef(0);

  // Live strength from the backend (Rust zxcvbn), debounced; stale answers are dropped.
  useEffect(() => {
    if (form.password === '') {
      setStrength(null);
      return;
    }
    const mine = ++seq.current;
    const inputs = [form.phone, form.name, form.id_number].filter((s) => s.trim() !== '');
    const timer = setTimeout(() => {
      backend
        .passwordStrength(form.password, inputs)
        .then((s) => mine === seq.current && setStrength(s))
        .catch(() => mine === seq.current && setStrength(null));
    }, 120);
    return () => clearTimeout(timer);
  }, [backend, form.password, form.phone, form.name, form.id_number]);

  const set = (k: keyof SignupInput) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [k]: e.target.value }));
    if (error && fieldFor(error.code) === k) setError(null);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onPending(await backend.signup({ ...form, phone: form.phone.trim(), name: form.name.trim(), id_number: form.id_number.trim().toUpperCase() }));
    } catch (err) {
      setError(WalletError.from(err));
      setBusy(false);
    }
  }

  const errFor = (f: ReturnType<typeof fieldFor>) => (error && fieldFor(error.code) === f ? errorText(error) : null);
  const formError = error && fieldFor(error.code) === null ? errorText(error) : null;

  return (
    <main className="screen" data-testid="screen-signup">
      <TopBar onBack={onBack} />
      <form className="page" onSubmit={submit} noValidate aria-busy={busy}>
        <h1 className="page__title">{m.signup.title}</h1>
        <p className="page__subtitle">{m.signup.subtitle}</p>
        {formError && (
          <Notice kind="error" testId="form-error">
            {formError}
          </Notice>
        )}
        <div className="card form-card">
          <Field
            label={m.signup.phone}
            prefix="+86"
            type="tel"
            inputMode="tel"
            autoComplete="tel-national"
            placeholder="138 0013 8000"
            value={form.phone}
            onChange={set('phone')}
            hint={m.signup.phoneHint}
            error={errFor('phone')}
            testId="signup-phone"
            required
          />
          <Field label={m.signup.name} autoComplete="name" value={form.name} onChange={set('name')} error={errFor('name')} testId="signup-name" required />
          <Field
            label={m.signup.idNumber}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={18}
            value={form.id_number}
            onChange={set('id_number')}
            hint={m.signup.idHint}
            error={errFor('id_number')}
            testId="signup-id"
            required
          />
          <PasswordField
            label={m.signup.password}
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            hint={m.signup.passwordHint}
            error={errFor('password')}
            testId="signup-password"
            required
          />
          <StrengthMeter strength={strength} />
        </div>
        <Button type="submit" block busy={busy} data-testid="signup-submit">
          {m.signup.submit}
        </Button>
        <p className="switch">
          {m.signup.haveAccount}{' '}
          <button type="button" className="link" onClick={onSignIn}>
            {m.signup.signInLink}
          </button>
        </p>
      </form>
    </main>
  );
}
