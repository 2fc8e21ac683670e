import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Card, CardInspection, ErrorCode, PendingCardBinding, Profile } from '../backend/types';
import { CodeInput } from '../components/CodeInput';
import { PinCreate } from '../components/PinCreate';
import { Button, Field, Notice, TopBar, useStepFocus } from '../components/ui';
import { CardIcon, CheckIcon, LockIcon } from '../components/icons';
import { fmt, useI18n } from '../i18n';

type Step = { at: 'loading' } | { at: 'pin' } | { at: 'card'; pinCreated?: boolean } | { at: 'code'; pending: PendingCardBinding } | { at: 'done'; card: Card };

const NUMBER_ERRORS: ErrorCode[] = ['CARD_NUMBER_INVALID', 'CARD_ALREADY_BOUND'];

/** `6225880000000013` → `6225 8800 0000 0013`. */
function groupDigits(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * Adding a bank card: the payment PIN first if there is none yet (docs/rules.md §Credentials: it is
 * set before the first card is bound), then number (checked offline as it is typed) and the phone
 * number reserved at the bank, then the bank's SMS code.
 */
export function BindCard({ profile, onBack, onTopUp }: { profile: Profile; onBack(): void; onTopUp(): void }) {
  const { m, errorText, cardLabel } = useI18n();
  const backend = useBackend();
  const [step, setStep] = useState<Step>({ at: 'loading' });
  const [loadError, setLoadError] = useState<WalletError | null>(null);
  useStepFocus(step.at);

  async function load() {
    setLoadError(null);
    try {
      const pin = await backend.pinState();
      setStep(pin.set ? { at: 'card' } : { at: 'pin' });
    } catch (e) {
      setLoadError(WalletError.from(e));
    }
  }

  useEffect(() => {
    void load(); // once, on arrival
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const title = step.at === 'pin' ? m.bind.pinTitle : step.at === 'code' ? m.bind.codeTitle : step.at === 'done' ? m.bind.doneTitle : m.bind.title;

  return (
    <main className="screen" data-testid="screen-bind-card" data-step={step.at}>
      <TopBar onBack={step.at === 'code' ? () => setStep({ at: 'card' }) : onBack} title={step.at === 'pin' || step.at === 'code' ? m.bind.title : undefined} />
      <div className="page">
        <div className={`page__icon${step.at === 'done' ? ' page__icon--success' : ''}`} aria-hidden="true">
          {step.at === 'pin' ? <LockIcon width={28} height={28} /> : step.at === 'done' ? <CheckIcon width={28} height={28} /> : <CardIcon width={28} height={28} />}
        </div>
        <h1 className="page__title">{title}</h1>
        {step.at === 'loading' &&
          (loadError ? (
            <Notice kind="error" testId="form-error">
              {errorText(loadError)}{' '}
              <button type="button" className="link" onClick={() => void load()}>
                {m.app.retry}
              </button>
            </Notice>
          ) : (
            <p className="page__note" role="status">
              <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
            </p>
          ))}
        {step.at === 'pin' && (
          <>
            <p className="page__subtitle">{m.bind.pinIntro}</p>
            <div className="card form-card">
              <PinCreate
                onSubmit={async (pin) => {
                  await backend.setPin(pin);
                  setStep({ at: 'card', pinCreated: true });
                }}
                onFailed={(e) => {
                  // Set meanwhile (another device): carry on with the card.
                  if (e.code === 'PIN_ALREADY_SET') setStep({ at: 'card' });
                  else setLoadError(e);
                }}
              />
            </div>
            {loadError && (
              <Notice kind="error" testId="form-error">
                {errorText(loadError)}
              </Notice>
            )}
          </>
        )}
        {step.at === 'card' && (
          <CardForm profile={profile} pinCreated={step.pinCreated ?? false} onPending={(pending) => setStep({ at: 'code', pending })} onNeedPin={() => setStep({ at: 'pin' })} />
        )}
        {step.at === 'code' && <BankCode pending={step.pending} onRestart={() => setStep({ at: 'card' })} onBound={(card) => setStep({ at: 'done', card })} />}
        {step.at === 'done' && (
          <>
            <Notice kind="success" testId="bind-done">
              {fmt(m.bind.doneBody, { card: cardLabel(step.card) })}
            </Notice>
            <Button block onClick={onTopUp} data-testid="bind-topup">
              {m.bind.topUpNow}
            </Button>
            <Button block variant="secondary" onClick={onBack} data-testid="bind-finish">
              {m.app.done}
            </Button>
          </>
        )}
      </div>
    </main>
  );
}

function CardForm({ profile, pinCreated, onPending, onNeedPin }: { profile: Profile; pinCreated: boolean; onPending(p: PendingCardBinding): void; onNeedPin(): void }) {
  const { m, errorText, issuer } = useI18n();
  const backend = useBackend();
  const [number, setNumber] = useState('');
  const [bankPhone, setBankPhone] = useState(() => profile.phone.replace(/^\+86/, ''));
  const [inspection, setInspection] = useState<CardInspection | null>(null);
  const [blurred, setBlurred] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const seq = useRef(0);
  const digits = number.replace(/\D/g, '');

  // Offline inspection as the user types; stale answers are dropped.
  useEffect(() => {
    if (digits.length < 2) {
      setInspection(null);
      return;
    }
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      backend
        .inspectCard(digits)
        .then((i) => mine === seq.current && setInspection(i))
        .catch(() => mine === seq.current && setInspection(null));
    }, 80);
    return () => clearTimeout(timer);
  }, [backend, digits]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onPending(await backend.bindCard(digits, bankPhone.trim()));
    } catch (err) {
      const w = WalletError.from(err);
      if (w.code === 'PIN_NOT_SET') onNeedPin();
      setError(w);
      setBusy(false);
    }
  }

  // What the number looks like so far: bank · type · scheme, "looks right", or "check the number".
  const complete = inspection !== null && inspection.luhn_valid && inspection.length_valid && inspection.scheme !== null;
  const detected = inspection
    ? [inspection.bank || inspection.scheme ? issuer(inspection) : null, inspection.card_type ? m.card.types[inspection.card_type] : null, inspection.bank && inspection.scheme ? m.schemes[inspection.scheme] : null]
        .filter(Boolean)
        .join(' · ')
    : '';
  const bad =
    inspection !== null &&
    !complete &&
    (blurred || digits.length >= 19 || (inspection.bank !== null && inspection.length_valid) || (inspection.scheme === null && digits.length >= 6));
  const numberError = error && NUMBER_ERRORS.includes(error.code) ? errorText(error) : bad ? m.bind.checkNumber : null;
  const phoneError = error?.code === 'PHONE_INVALID' ? errorText(error) : null;
  const formError = error && !NUMBER_ERRORS.includes(error.code) && error.code !== 'PHONE_INVALID' ? errorText(error) : null;

  return (
    <form className="stack" onSubmit={submit} noValidate aria-busy={busy}>
      {pinCreated && (
        <Notice kind="success" testId="pin-created">
          {m.bind.pinCreated}
        </Notice>
      )}
      {formError && (
        <Notice kind="error" testId="form-error">
          {formError}
        </Notice>
      )}
      <div className="card form-card">
        <div>
          <Field
            label={m.bind.number}
            inputMode="numeric"
            autoComplete="cc-number"
            spellCheck={false}
            placeholder="6225 8800 0000 0000"
            value={number}
            maxLength={23}
            onChange={(e) => {
              setNumber(groupDigits(e.target.value.replace(/\D/g, '').slice(0, 19)));
              setBlurred(false);
              if (error && NUMBER_ERRORS.includes(error.code)) setError(null);
            }}
            onBlur={() => setBlurred(true)}
            hint={numberError || detected ? undefined : m.bind.numberHint}
            error={numberError}
            testId="bind-number"
            required
          />
          <p className={`inspect${complete ? ' inspect--ok' : ''}`} aria-live="polite" data-testid="bind-inspection" data-complete={complete}>
            {!bad && detected && (
              <>
                {complete ? <CheckIcon width={16} height={16} /> : null}
                <span>{complete ? `${detected} · ${m.bind.looksRight}` : detected}</span>
              </>
            )}
          </p>
        </div>
        <div className="readonly">
          <span className="field__label">{m.bind.holder}</span>
          <span className="readonly__value" data-testid="bind-holder">
            {profile.name}
          </span>
          <span className="field__hint">{m.bind.holderHint}</span>
        </div>
        <Field
          label={m.bind.bankPhone}
          prefix="+86"
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          value={bankPhone}
          onChange={(e) => {
            setBankPhone(e.target.value);
            if (error?.code === 'PHONE_INVALID') setError(null);
          }}
          hint={m.bind.bankPhoneHint}
          error={phoneError}
          testId="bind-phone"
          required
        />
      </div>
      {busy && (
        <p className="page__note" role="status">
          <span className="spinner spinner--dark" aria-hidden="true" /> {m.bind.working}
        </p>
      )}
      <Button type="submit" block busy={busy} disabled={digits.length < 12} data-testid="bind-submit">
        {m.bind.submit}
      </Button>
    </form>
  );
}

function BankCode({ pending, onRestart, onBound }: { pending: PendingCardBinding; onRestart(): void; onBound(c: Card): void }) {
  const { m, errorText, time, cardLabel } = useI18n();
  const backend = useBackend();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const label = cardLabel(pending);

  async function verify(value: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onBound(await backend.verifyCard(value));
    } catch (e) {
      setError(WalletError.from(e));
      setCode('');
      setBusy(false);
    }
  }

  const startAgain = error && (error.code === 'OTP_EXPIRED' || error.code === 'BINDING_NOT_FOUND' || error.code === 'CHALLENGE_NOT_FOUND');

  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void verify(code);
      }}
      noValidate
      aria-busy={busy}
    >
      <p className="page__subtitle">
        {fmt(m.bind.codeSentTo, { phone: '\u0000', card: label })
          .split('\u0000')
          .flatMap((part, i) => (i === 0 ? [part] : [<strong key="p" className="nowrap" data-testid="bind-code-phone">{pending.phone_masked}</strong>, part]))}
      </p>
      <CodeInput label={m.bind.codeLabel} labelHidden autoFocus value={code} onChange={setCode} onComplete={(v) => void verify(v)} disabled={busy} testId="bind-code" />
      {error && (
        <Notice kind="error" testId="form-error">
          {errorText(error)}{' '}
          {startAgain && (
            <button type="button" className="link" onClick={onRestart}>
              {m.app.retry}
            </button>
          )}
        </Notice>
      )}
      <p className="page__note">{fmt(m.otp.expires, { time: time(pending.expires_at) })}</p>
      <Button type="submit" block busy={busy} disabled={code.length !== 6} data-testid="bind-code-submit">
        {m.bind.codeSubmit}
      </Button>
      {!busy && (
        <p className="switch">
          <button type="button" className="link" onClick={onRestart}>
            {m.app.back}
          </button>
        </p>
      )}
    </form>
  );
}
