import { useState } from 'react';
import { WalletError } from '../backend/backend';
import { useBackend } from '../backend/context';
import { useI18n } from '../i18n';
import { CodeInput } from './CodeInput';

/** PIN problems this component explains itself by asking for a new PIN again. */
const PIN_RULES = new Set(['PIN_WEAK', 'PIN_FORMAT_INVALID']);

/**
 * Creating a payment PIN: type it (the core checks the rules at once with `checkNewPin`), type it
 * again, then `onSubmit` uses it (set, change or reset). A rule failure from `onSubmit` starts
 * over here; any other failure goes to `onFailed` for the screen to handle.
 */
export function PinCreate({
  onSubmit,
  onFailed,
  initialError,
  testId = 'pin-new',
}: {
  onSubmit(pin: string): Promise<void>;
  onFailed?(e: WalletError): void;
  initialError?: string | null;
  testId?: string;
}) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [step, setStep] = useState<'new' | 'again'>('new');
  const [first, setFirst] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initialError ?? null);

  async function onNew(pin: string) {
    setBusy(true);
    setError(null);
    try {
      await backend.checkNewPin(pin);
      setFirst(pin);
      setValue('');
      setStep('again');
    } catch (e) {
      setError(errorText(e));
      setValue('');
    } finally {
      setBusy(false);
    }
  }

  async function onAgain(pin: string) {
    if (pin !== first) {
      setError(m.pin.mismatch);
      setFirst('');
      setValue('');
      setStep('new');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(pin);
    } catch (e) {
      const err = WalletError.from(e);
      setFirst('');
      setValue('');
      setStep('new');
      setBusy(false);
      if (PIN_RULES.has(err.code) || !onFailed) setError(errorText(err));
      else onFailed(err);
    }
  }

  return (
    <div className="pin-create" aria-busy={busy}>
      {step === 'new' ? (
        <CodeInput
          key="new"
          label={m.pin.newLabel}
          hint={m.pin.newHint}
          masked
          autoFocus
          value={value}
          onChange={(v) => {
            setValue(v);
            if (error && v) setError(null);
          }}
          onComplete={(v) => void onNew(v)}
          error={error}
          disabled={busy}
          testId={testId}
        />
      ) : (
        <CodeInput
          key="again"
          label={m.pin.againLabel}
          hint={m.pin.againHint}
          masked
          autoFocus
          value={value}
          onChange={setValue}
          onComplete={(v) => void onAgain(v)}
          error={error}
          disabled={busy}
          testId={`${testId}-again`}
        />
      )}
      {busy && (
        <p className="page__note" role="status">
          <span className="spinner spinner--dark" aria-hidden="true" /> {m.pin.checking}
        </p>
      )}
    </div>
  );
}
