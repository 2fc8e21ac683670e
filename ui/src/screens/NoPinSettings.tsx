import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { PaycodeSettings } from '../backend/types';
import { PinDialog } from '../components/PinDialog';
import { Button, Field, Notice, TopBar } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { toDecimal } from '../i18n/money';

/**
 * How much the payment code may pay without the PIN: switch it off, or lower the per-payment and
 * daily limits (the provider's ceilings and what is left today are shown; the core and the server
 * refuse anything above the ceilings). Switching on or raising a limit needs the payment PIN: the
 * provider says so (`PIN_REQUIRED`) and the PIN dialog asks for it; lowering never does.
 */
export function NoPinSettings({ onBack }: { onBack(): void }) {
  const { m, errorText, money } = useI18n();
  const backend = useBackend();
  const switchId = useId();
  const [settings, setSettings] = useState<PaycodeSettings | null>(null);
  const [loadError, setLoadError] = useState<WalletError | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [perPayment, setPerPayment] = useState('');
  const [daily, setDaily] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [saved, setSaved] = useState(false);
  const [asking, setAsking] = useState(false);
  const [pinError, setPinError] = useState<WalletError | null>(null);

  const show = (s: PaycodeSettings) => {
    setSettings(s);
    setEnabled(s.no_pin_enabled);
    setPerPayment(toDecimal(s.no_pin_per_payment));
    setDaily(toDecimal(s.no_pin_daily));
  };

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      show(await backend.paycodeSettings());
    } catch (e) {
      setLoadError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    void load();
  }, [load]);

  async function save(pin: string | null) {
    setBusy(true);
    setError(null);
    setPinError(null);
    setSaved(false);
    try {
      show(await backend.setPaycodeSettings({ no_pin_enabled: enabled, no_pin_per_payment: perPayment, no_pin_daily: daily, pin }));
      setAsking(false);
      setSaved(true);
    } catch (err) {
      const e = WalletError.from(err);
      if (e.code === 'PIN_REQUIRED') setAsking(true);
      else if (pin !== null && (e.code === 'PIN_WRONG' || e.code === 'PIN_FORMAT_INVALID')) setPinError(e);
      else {
        setAsking(false);
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void save(null);
  }

  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    setSaved(false);
    if (error) setError(null);
  };

  return (
    <main className="screen" data-testid="screen-no-pin">
      <TopBar onBack={onBack} />
      <div className="page">
        <h1 className="page__title">{m.noPin.title}</h1>
        <p className="page__subtitle">{m.noPin.intro}</p>
        {loadError && (
          <Notice kind="error" testId="form-error">
            {errorText(loadError)}{' '}
            <button type="button" className="link" onClick={() => void load()}>
              {m.app.retry}
            </button>
          </Notice>
        )}
        {!settings && !loadError && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
          </p>
        )}
        {settings && (
          <form className="stack" onSubmit={submit} noValidate aria-busy={busy}>
            <div className="card form-card">
              <div className="toggle">
                <label htmlFor={switchId} className="toggle__label">
                  <span className="row__title">{m.noPin.enabled}</span>
                  <span className="row__sub" data-testid="no-pin-state">
                    {enabled ? m.noPin.enabledOn : m.noPin.enabledOff}
                  </span>
                </label>
                <input
                  id={switchId}
                  type="checkbox"
                  role="switch"
                  className="toggle__input"
                  checked={enabled}
                  onChange={(e) => {
                    setEnabled(e.target.checked);
                    setSaved(false);
                  }}
                  data-testid="no-pin-enabled"
                />
              </div>
              <Field
                label={m.noPin.perPayment}
                prefix="¥"
                inputMode="decimal"
                autoComplete="off"
                value={perPayment}
                onChange={(e) => edit(setPerPayment)(e.target.value)}
                hint={fmt(m.noPin.ceiling, { amount: money(settings.max_per_payment) })}
                disabled={!enabled || busy}
                testId="no-pin-per-payment"
              />
              <Field
                label={m.noPin.daily}
                prefix="¥"
                inputMode="decimal"
                autoComplete="off"
                value={daily}
                onChange={(e) => edit(setDaily)(e.target.value)}
                hint={`${fmt(m.noPin.ceiling, { amount: money(settings.max_daily) })} ${fmt(m.noPin.remaining, { amount: money(settings.no_pin_daily_remaining) })}`}
                disabled={!enabled || busy}
                testId="no-pin-daily"
              />
            </div>
            {error && (
              <Notice kind="error" testId="form-error">
                {errorText(error)}
              </Notice>
            )}
            {saved && (
              <Notice kind="success" testId="no-pin-saved">
                {m.noPin.saved}
              </Notice>
            )}
            <Button type="submit" block busy={busy} data-testid="no-pin-save">
              {m.noPin.save}
            </Button>
          </form>
        )}
        {asking && (
          <PinDialog
            title={m.noPin.pinTitle}
            body={m.noPin.pinBody}
            busy={busy}
            error={pinError ? errorText(pinError) : null}
            onSubmit={(pin) => void save(pin)}
            onCancel={() => setAsking(false)}
          />
        )}
      </div>
    </main>
  );
}
