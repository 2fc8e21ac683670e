import { useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import { PasswordField } from '../components/PasswordField';
import { Button, Field, Notice, TopBar, useStepFocus } from '../components/ui';
import { LockIcon, ShieldIcon } from '../components/icons';
import { useI18n } from '../i18n';

type Identity = 'id' | 'password';

/** Which field of this form a validation code belongs to. */
function fieldOf(code: string): 'phone' | 'name' | 'last6' | 'password' | null {
  if (code === 'PHONE_INVALID') return 'phone';
  if (code === 'NAME_INVALID') return 'name';
  if (code === 'ID_NUMBER_INVALID') return 'last6';
  return null;
}

/**
 * "Lost your phone?" from the welcome screen, signed out (docs/rules.md §Lost phone): the phone
 * number and either the real name + last 6 of the ID number or the login password. The answer is
 * the same whether or not the number has an account, and so is the confirmation.
 */
export function ReportLost({ onBack }: { onBack(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [identity, setIdentity] = useState<Identity>('id');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [last6, setLast6] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [sent, setSent] = useState(false);
  useStepFocus(sent);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await backend.reportLost(
        identity === 'id'
          ? { phone: phone.trim(), name: name.trim(), id_last6: last6.trim().toUpperCase(), password: null, device_id: null }
          : { phone: phone.trim(), name: null, id_last6: null, password, device_id: null },
      );
      setPassword('');
      setLast6('');
      setSent(true);
    } catch (err) {
      setError(WalletError.from(err));
    } finally {
      setBusy(false);
    }
  }

  const edit = (set: (v: string) => void, field: ReturnType<typeof fieldOf>) => (e: { target: { value: string } }) => {
    set(e.target.value);
    if (error && fieldOf(error.code) === field) setError(null);
  };
  const errFor = (f: ReturnType<typeof fieldOf>) => (error && fieldOf(error.code) === f ? errorText(error) : null);
  const formError = error && fieldOf(error.code) === null ? errorText(error) : null;
  const ready = phone.trim() !== '' && (identity === 'id' ? name.trim() !== '' && last6.trim() !== '' : password !== '');

  if (sent) {
    return (
      <main className="screen" data-testid="screen-report-lost" data-step="sent">
        <TopBar onBack={onBack} />
        <div className="page">
          <div className="page__icon" aria-hidden="true">
            <ShieldIcon width={28} height={28} />
          </div>
          <h1 className="page__title">{m.lost.sentTitle}</h1>
          <div className="stack" data-testid="report-lost-sent">
            <p className="page__subtitle">{m.lost.sentBody}</p>
            <ol className="card steps">
              <li>{m.lost.sentFrozen}</li>
              <li>{m.lost.sentDevices}</li>
              <li>{m.lost.sentUnfreeze}</li>
            </ol>
            <p className="page__note">{m.lost.sentNoMatch}</p>
          </div>
          <Button block onClick={onBack} data-testid="report-lost-done">
            {m.lost.backToStart}
          </Button>
        </div>
      </main>
    );
  }

  return (
    <main className="screen" data-testid="screen-report-lost" data-step="form">
      <TopBar onBack={onBack} />
      <form className="page" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="page__icon page__icon--danger" aria-hidden="true">
          <LockIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{m.lost.title}</h1>
        <p className="page__subtitle">{m.lost.intro}</p>
        {formError && (
          <Notice kind="error" testId="form-error">
            {formError}
          </Notice>
        )}
        <div className="card form-card">
          <Field
            label={m.lost.phone}
            prefix="+86"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            placeholder="138 0013 8000"
            value={phone}
            onChange={edit(setPhone, 'phone')}
            error={errFor('phone')}
            testId="lost-phone"
            required
          />
          <fieldset className="picker">
            <legend className="field__label">{m.lost.identity}</legend>
            <div className="card list">
            <label className="picker__option">
              <input
                type="radio"
                name="lost-identity"
                value="id"
                checked={identity === 'id'}
                onChange={() => {
                  setIdentity('id');
                  setError(null);
                }}
                data-testid="lost-mode-id"
              />
              <span className="row__title">{m.lost.byId}</span>
            </label>
            <label className="picker__option">
              <input
                type="radio"
                name="lost-identity"
                value="password"
                checked={identity === 'password'}
                onChange={() => {
                  setIdentity('password');
                  setError(null);
                }}
                data-testid="lost-mode-password"
              />
              <span className="row__title">{m.lost.byPassword}</span>
            </label>
            </div>
          </fieldset>
          {identity === 'id' ? (
            <>
              <Field label={m.lost.name} autoComplete="off" value={name} onChange={edit(setName, 'name')} error={errFor('name')} testId="lost-name" required />
              <Field
                label={m.lost.last6}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                maxLength={6}
                value={last6}
                onChange={edit(setLast6, 'last6')}
                hint={m.lost.last6Hint}
                error={errFor('last6')}
                testId="lost-id-last6"
                required
              />
            </>
          ) : (
            <PasswordField
              label={m.lost.password}
              autoComplete="off"
              value={password}
              onChange={edit(setPassword, 'password')}
              hint={m.lost.passwordHint}
              testId="lost-password"
              required
            />
          )}
        </div>
        <p className="page__note">{m.lost.effect}</p>
        <Button type="submit" variant="danger" block busy={busy} disabled={!ready} data-testid="lost-submit">
          {m.lost.submit}
        </Button>
      </form>
    </main>
  );
}
