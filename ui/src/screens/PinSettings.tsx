import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { PendingVerification, PinState } from '../backend/types';
import { CodeInput } from '../components/CodeInput';
import { PasswordField } from '../components/PasswordField';
import { PinCreate } from '../components/PinCreate';
import { Button, Notice, TopBar, useStepFocus } from '../components/ui';
import { LockIcon } from '../components/icons';
import { fmt, useI18n } from '../i18n';

type Step =
  | { at: 'overview' }
  | { at: 'create' }
  | { at: 'change-current' }
  | { at: 'change-new'; current: string }
  | { at: 'reset-password' }
  | { at: 'reset-code'; pending: PendingVerification }
  | { at: 'reset-new'; pending: PendingVerification; code: string };

/** Payment PIN settings: create, change (current PIN), or reset (login password + SMS code). */
export function PinSettings({ start, onBack }: { start?: 'reset'; onBack(): void }) {
  const { m, errorText, dateTime } = useI18n();
  const backend = useBackend();
  const [state, setState] = useState<PinState | null>(null);
  const [step, setStep] = useState<Step>(start === 'reset' ? { at: 'reset-password' } : { at: 'overview' });
  const [error, setError] = useState<WalletError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useStepFocus(step.at);

  const load = useCallback(async () => {
    try {
      setState(await backend.pinState());
    } catch (e) {
      setError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    void load();
  }, [load]);

  const go = (s: Step, e: WalletError | null = null) => {
    setError(e);
    setStep(s);
  };
  const finish = async (message: string) => {
    setDone(message);
    go({ at: 'overview' });
    await load();
  };

  const title =
    step.at === 'create' || step.at === 'overview' ? m.pin.title : step.at === 'change-current' || step.at === 'change-new' ? m.pin.change : m.pin.resetTitle;
  const back = step.at === 'overview' ? onBack : () => go({ at: 'overview' });
  const locked = state?.locked_until && new Date(state.locked_until) > new Date() ? state.locked_until : null;

  return (
    <main className="screen" data-testid="screen-pin" data-step={step.at}>
      <TopBar onBack={back} />
      <div className="page">
        <div className="page__icon" aria-hidden="true">
          <LockIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{title}</h1>
        {step.at === 'overview' && (
          <>
            <p className="page__subtitle">{m.pin.intro}</p>
            {done && (
              <Notice kind="success" testId="pin-done">
                {done}
              </Notice>
            )}
            {error && (
              <Notice kind="error" testId="form-error">
                {errorText(error)}
              </Notice>
            )}
            {!state && !error && (
              <p className="page__note" role="status">
                <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
              </p>
            )}
            {locked && (
              <Notice kind="error" testId="pin-locked">
                {fmt(m.pin.lockedUntil, { time: dateTime(locked) })}
              </Notice>
            )}
            {state && !done && !locked && <p className="page__note" data-testid="pin-state">{state.set ? m.pin.isSet : m.pin.notSet}</p>}
            {state && !state.set && (
              <Button block onClick={() => go({ at: 'create' })} data-testid="pin-create">
                {m.pin.create}
              </Button>
            )}
            {state?.set && (
              <div className="card list">
                <button type="button" className="row" onClick={() => go({ at: 'change-current' })} data-testid="pin-change" disabled={!!locked}>
                  <span className="row__text">
                    <span className="row__title">{m.pin.change}</span>
                  </span>
                </button>
                <button type="button" className="row" onClick={() => go({ at: 'reset-password' })} data-testid="pin-forgot">
                  <span className="row__text">
                    <span className="row__title">{m.pin.forgot}</span>
                    <span className="row__sub">{m.pin.resetIntro}</span>
                  </span>
                </button>
              </div>
            )}
          </>
        )}
        {step.at === 'create' && (
          <div className="card form-card">
            <PinCreate
              onSubmit={async (pin) => {
                await backend.setPin(pin);
                await finish(m.pin.created);
              }}
            />
          </div>
        )}
        {step.at === 'change-current' && (
          <CurrentPin
            error={error ? errorText(error) : null}
            onPin={(current) => go({ at: 'change-new', current })}
            extra={
              error?.code === 'PIN_LOCKED' ? (
                <button type="button" className="link" onClick={() => go({ at: 'reset-password' })}>
                  {m.pin.forgot}
                </button>
              ) : null
            }
          />
        )}
        {step.at === 'change-new' && (
          <div className="card form-card">
            <PinCreate
              testId="pin-change-new"
              onSubmit={async (pin) => {
                await backend.changePin(step.current, pin);
                await finish(m.pin.changed);
              }}
              onFailed={(e) => go({ at: 'change-current' }, e)}
            />
          </div>
        )}
        {step.at === 'reset-password' && <ResetPassword initialError={error} onPending={(pending) => go({ at: 'reset-code', pending })} />}
        {step.at === 'reset-code' && (
          <ResetCode pending={step.pending} error={error ? errorText(error) : null} onCode={(code) => go({ at: 'reset-new', pending: step.pending, code })} />
        )}
        {step.at === 'reset-new' && (
          <div className="card form-card">
            <PinCreate
              testId="pin-reset-new"
              onSubmit={async (pin) => {
                await backend.finishPinReset(step.code, pin);
                await finish(m.pin.resetDone);
              }}
              onFailed={(e) =>
                e.code === 'OTP_INVALID' || e.code === 'OTP_FORMAT_INVALID' ? go({ at: 'reset-code', pending: step.pending }, e) : go({ at: 'reset-password' }, e)
              }
            />
          </div>
        )}
      </div>
    </main>
  );
}

function CurrentPin({ error, onPin, extra }: { error: string | null; onPin(pin: string): void; extra: ReactNode }) {
  const { m } = useI18n();
  const [pin, setPin] = useState('');
  return (
    <div className="card form-card">
      <CodeInput label={m.pin.currentLabel} hint={m.pin.enterHint} masked autoFocus value={pin} onChange={setPin} onComplete={onPin} error={error} testId="pin-current" />
      {extra}
    </div>
  );
}

function ResetPassword({ initialError, onPending }: { initialError: WalletError | null; onPending(p: PendingVerification): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(initialError);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onPending(await backend.startPinReset(password));
    } catch (err) {
      setError(WalletError.from(err));
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-busy={busy}>
      <p className="page__subtitle">{m.pin.resetIntro}</p>
      <div className="card form-card">
        <PasswordField
          label={m.pin.resetPassword}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={error ? errorText(error) : null}
          testId="pin-reset-password"
          autoFocus
          required
        />
      </div>
      <Button type="submit" block busy={busy} disabled={password === ''} data-testid="pin-reset-send">
        {m.pin.resetSend}
      </Button>
    </form>
  );
}

function ResetCode({ pending, error, onCode }: { pending: PendingVerification; error: string | null; onCode(code: string): void }) {
  const { m, time } = useI18n();
  const [code, setCode] = useState('');
  return (
    <div className="stack">
      <p className="page__subtitle">
        {fmt(m.pin.resetCodeSent, { phone: '\u0000' })
          .split('\u0000')
          .flatMap((part, i) => (i === 0 ? [part] : [<strong key="p" className="nowrap">{pending.phone_masked}</strong>, part]))}
      </p>
      <CodeInput label={m.pin.resetCodeLabel} labelHidden autoFocus value={code} onChange={setCode} onComplete={onCode} error={error} testId="pin-reset-code" />
      <p className="page__note">{fmt(m.otp.expires, { time: time(pending.expires_at) })}</p>
    </div>
  );
}
