import { useEffect, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Card, CardsOnPhoneChange, PhoneChangeStarted, Profile } from '../backend/types';
import { CodeInput } from '../components/CodeInput';
import { PasswordField } from '../components/PasswordField';
import { Button, Field, Notice, TopBar, useStepFocus } from '../components/ui';
import { CheckIcon, PhoneIcon } from '../components/icons';
import { fmt, useI18n } from '../i18n';

type Step = { at: 'form' } | { at: 'codes'; started: PhoneChangeStarted } | { at: 'done'; profile: Profile };
type Proof = 'id' | 'old_code';

/** Which field of the first step a code belongs to. */
function fieldOf(code: string): 'phone' | 'id' | null {
  if (code === 'PHONE_INVALID' || code === 'PHONE_TAKEN') return 'phone';
  if (code === 'ID_NUMBER_INVALID') return 'id';
  return null;
}

/**
 * Changing the phone number (docs/rules.md §Lost phone): the new number and the login password,
 * proven further by the full ID number or by a code to the current number; then the code sent to
 * the new number (and the old one), and what to do with the bank cards bound under the old number.
 */
export function ChangePhone({ profile, onBack, onDone }: { profile: Profile; onBack(): void; onDone(p: Profile): void }) {
  const { m } = useI18n();
  const [step, setStep] = useState<Step>({ at: 'form' });
  const [carried, setCarried] = useState<WalletError | null>(null);
  useStepFocus(step.at);

  return (
    <main className="screen" data-testid="screen-change-phone" data-step={step.at}>
      <TopBar onBack={step.at === 'codes' ? () => setStep({ at: 'form' }) : step.at === 'done' ? () => onDone(step.profile) : onBack} />
      <div className="page">
        <div className={`page__icon${step.at === 'done' ? ' page__icon--success' : ''}`} aria-hidden="true">
          {step.at === 'done' ? <CheckIcon width={28} height={28} /> : <PhoneIcon width={28} height={28} />}
        </div>
        <h1 className="page__title">{step.at === 'done' ? m.phoneChange.doneTitle : m.phoneChange.title}</h1>
        {step.at === 'form' && (
          <Start
            profile={profile}
            initialError={carried}
            onStarted={(started) => {
              setCarried(null);
              setStep({ at: 'codes', started });
            }}
          />
        )}
        {step.at === 'codes' && (
          <Codes
            profile={profile}
            started={step.started}
            onRestart={(e) => {
              setCarried(e);
              setStep({ at: 'form' });
            }}
            onChanged={(p) => setStep({ at: 'done', profile: p })}
          />
        )}
        {step.at === 'done' && (
          <div className="stack" data-testid="phone-change-done">
            <p className="page__subtitle">
              {fmt(m.phoneChange.doneBody, { phone: '\u0000' })
                .split('\u0000')
                .flatMap((part, i) => (i === 0 ? [part] : [<strong key="p" className="nowrap" data-testid="phone-change-new">{step.profile.phone_masked}</strong>, part]))}
            </p>
            <p className="page__note">{m.phoneChange.doneNote}</p>
            <Button block onClick={() => onDone(step.profile)} data-testid="phone-change-finish">
              {m.app.done}
            </Button>
          </div>
        )}
      </div>
    </main>
  );
}

function Start({ profile, initialError, onStarted }: { profile: Profile; initialError: WalletError | null; onStarted(s: PhoneChangeStarted): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [newPhone, setNewPhone] = useState('');
  const [password, setPassword] = useState('');
  const [proof, setProof] = useState<Proof>('id');
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(initialError);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const started = await backend.startPhoneChange({
        new_phone: newPhone.trim(),
        password,
        id_number: proof === 'id' ? idNumber.trim().toUpperCase() : null,
      });
      onStarted(started);
    } catch (err) {
      setError(WalletError.from(err));
      setBusy(false);
    }
  }

  const errFor = (f: ReturnType<typeof fieldOf>) => (error && fieldOf(error.code) === f ? errorText(error) : null);
  const formError = error && fieldOf(error.code) === null ? errorText(error) : null;
  const ready = newPhone.trim() !== '' && password !== '' && (proof === 'old_code' || idNumber.trim() !== '');

  return (
    <form className="stack" onSubmit={submit} noValidate aria-busy={busy}>
      <p className="page__subtitle">{fmt(m.phoneChange.intro, { phone: profile.phone_masked })}</p>
      {formError && (
        <Notice kind="error" testId="form-error">
          {formError}
        </Notice>
      )}
      <div className="card form-card">
        <Field
          label={m.phoneChange.newPhone}
          prefix="+86"
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          placeholder="139 0013 9000"
          value={newPhone}
          onChange={(e) => {
            setNewPhone(e.target.value);
            if (error && fieldOf(error.code) === 'phone') setError(null);
          }}
          error={errFor('phone')}
          testId="phone-change-phone"
          required
        />
        <PasswordField
          label={m.phoneChange.password}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          testId="phone-change-password"
          required
        />
        <fieldset className="picker">
          <legend className="field__label">{m.phoneChange.proof}</legend>
          <div className="card list">
            <label className="picker__option">
              <input type="radio" name="phone-change-proof" checked={proof === 'id'} onChange={() => setProof('id')} data-testid="phone-change-proof-id" />
              <span className="row__title">{m.phoneChange.proofId}</span>
            </label>
            <label className="picker__option">
              <input type="radio" name="phone-change-proof" checked={proof === 'old_code'} onChange={() => setProof('old_code')} data-testid="phone-change-proof-old" />
              <span className="row__text">
                <span className="row__title">{m.phoneChange.proofOld}</span>
                <span className="row__sub">{fmt(m.phoneChange.proofOldHint, { phone: profile.phone_masked })}</span>
              </span>
            </label>
          </div>
        </fieldset>
        {proof === 'id' && (
          <Field
            label={m.phoneChange.idNumber}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={18}
            value={idNumber}
            onChange={(e) => {
              setIdNumber(e.target.value);
              if (error && fieldOf(error.code) === 'id') setError(null);
            }}
            error={errFor('id')}
            testId="phone-change-id"
            required
          />
        )}
      </div>
      <Button type="submit" block busy={busy} disabled={!ready} data-testid="phone-change-send">
        {m.phoneChange.send}
      </Button>
    </form>
  );
}

function Codes({ profile, started, onRestart, onChanged }: { profile: Profile; started: PhoneChangeStarted; onRestart(e: WalletError): void; onChanged(p: Profile): void }) {
  const { m, errorText, time } = useI18n();
  const backend = useBackend();
  const [code, setCode] = useState('');
  const [oldCode, setOldCode] = useState('');
  const [cards, setCards] = useState<Card[] | null>(null);
  const [choice, setChoice] = useState<CardsOnPhoneChange | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const needsOld = started.old_challenge_id !== null;

  useEffect(() => {
    let live = true;
    backend
      .cards()
      .then((c) => live && setCards(c))
      .catch(() => live && setCards([]));
    return () => {
      live = false;
    };
  }, [backend]);

  const hasCards = (cards?.length ?? 0) > 0;
  const ready = code.length === 6 && (!needsOld || oldCode.length === 6) && cards !== null && (!hasCards || choice !== null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await backend.finishPhoneChange({
          challenge_id: started.challenge_id,
          code,
          old_challenge_id: started.old_challenge_id,
          old_code: needsOld ? oldCode : null,
          cards: choice ?? 'keep',
        }),
      );
    } catch (err) {
      const e = WalletError.from(err);
      if (e.code === 'CHALLENGE_NOT_FOUND' || e.code === 'OTP_EXPIRED') {
        onRestart(e);
        return;
      }
      setError(e);
      setCode('');
      setOldCode('');
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-busy={busy} data-testid="phone-change-codes">
      {error && (
        <Notice kind="error" testId="form-error">
          {errorText(error)}
        </Notice>
      )}
      <div className="card form-card">
        <CodeInput
          label={fmt(m.phoneChange.codeNew, { phone: started.new_phone_masked })}
          autoFocus
          value={code}
          onChange={setCode}
          disabled={busy}
          testId="phone-change-code"
        />
        {needsOld && (
          <CodeInput
            label={fmt(m.phoneChange.codeOld, { phone: profile.phone_masked })}
            value={oldCode}
            onChange={setOldCode}
            disabled={busy}
            testId="phone-change-old-code"
          />
        )}
        <p className="page__note">{fmt(m.otp.expires, { time: time(started.expires_at) })}</p>
      </div>
      {hasCards && (
        <fieldset className="picker" disabled={busy}>
          <legend className="field__label">{fmt(m.phoneChange.cards, { count: cards?.length ?? 0 })}</legend>
          <p className="page__note">{m.phoneChange.cardsIntro}</p>
          <div className="card list">
            <label className="picker__option">
              <input type="radio" name="phone-change-cards" checked={choice === 'keep'} onChange={() => setChoice('keep')} data-testid="phone-change-cards-keep" />
              <span className="row__text">
                <span className="row__title">{m.phoneChange.keep}</span>
                <span className="row__sub">{m.phoneChange.keepHint}</span>
              </span>
            </label>
            <label className="picker__option">
              <input type="radio" name="phone-change-cards" checked={choice === 'unbind'} onChange={() => setChoice('unbind')} data-testid="phone-change-cards-unbind" />
              <span className="row__text">
                <span className="row__title">{m.phoneChange.unbind}</span>
                <span className="row__sub">{m.phoneChange.unbindHint}</span>
              </span>
            </label>
          </div>
        </fieldset>
      )}
      <Button type="submit" block busy={busy} disabled={!ready} data-testid="phone-change-submit">
        {m.phoneChange.submit}
      </Button>
    </form>
  );
}
