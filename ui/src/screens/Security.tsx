import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { AccountSettings, AccountStatus, SecurityEvent } from '../backend/types';
import { PinDialog } from '../components/PinDialog';
import { Button, ConfirmDialog, Field, Notice, TopBar } from '../components/ui';
import { ShieldIcon } from '../components/icons';
import { fmt, useI18n } from '../i18n';

/**
 * Account security (docs/rules.md §Lost phone): the account's state (active, frozen since, cooling
 * off until), unfreezing with the ID number and the payment PIN, the SMS-only sign-in switch, the
 * SMS payment ("reply Y") switch, and the security log, newest first.
 */
export function Security({ onBack, onChangePhone }: { onBack(): void; onChangePhone?: () => void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [status, setStatus] = useState<AccountStatus | null>(null);
  const [statusError, setStatusError] = useState<WalletError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  /** Bumped after a change this screen made, so the security log shows it. */
  const [changes, setChanges] = useState(0);

  const loadStatus = useCallback(async () => {
    setStatusError(null);
    try {
      setStatus(await backend.accountStatus());
    } catch (e) {
      setStatusError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    void loadStatus();
  }, [loadStatus]);

  return (
    <main className="screen" data-testid="screen-security">
      <TopBar onBack={onBack} />
      <div className="page">
        <div className="page__icon" aria-hidden="true">
          <ShieldIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{m.security.title}</h1>
        <p className="page__subtitle">{m.security.intro}</p>
        {done && (
          <Notice kind="success" testId="security-done">
            {done}
          </Notice>
        )}
        {statusError && (
          <Notice kind="error" testId="form-error">
            {errorText(statusError)}{' '}
            <button type="button" className="link" onClick={() => void loadStatus()}>
              {m.app.retry}
            </button>
          </Notice>
        )}
        {!status && !statusError && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
          </p>
        )}
        {status && <AccountStateCard status={status} />}
        {status && status.state !== 'frozen' && (
          <FreezeNow
            onFrozen={(s) => {
              setStatus(s);
              setDone(m.security.frozenNow);
              setChanges((n) => n + 1);
            }}
          />
        )}
        {status?.state === 'frozen' && (
          <Unfreeze
            onUnfrozen={(s) => {
              setStatus(s);
              setDone(m.security.unfrozen);
              setChanges((n) => n + 1);
            }}
          />
        )}
        <SmsLogin onChanged={() => setChanges((n) => n + 1)} />
        <SmsPay onChanged={() => setChanges((n) => n + 1)} />
        {onChangePhone && (
          <div className="card list">
            <button type="button" className="row" onClick={onChangePhone} data-testid="security-change-phone" disabled={status?.state === 'frozen'}>
              <span className="row__text">
                <span className="row__title">{m.security.changePhone}</span>
                <span className="row__sub">{status?.state === 'frozen' ? m.security.changePhoneFrozen : m.security.changePhoneHint}</span>
              </span>
            </button>
          </div>
        )}
        <SecurityLogList changes={changes} />
      </div>
    </main>
  );
}

/** Active, frozen since, or cooling off until, with what it means. */
export function AccountStateCard({ status, testId = 'account-state' }: { status: AccountStatus; testId?: string }) {
  const { m, dateTime, money } = useI18n();
  const title = status.state === 'frozen' ? m.security.frozen : status.state === 'cooling_off' ? m.security.coolingOff : m.security.active;
  const body =
    status.state === 'frozen'
      ? fmt(m.security.frozenBody, { time: status.frozen_since ? dateTime(status.frozen_since) : '—' })
      : status.state === 'cooling_off'
        ? fmt(m.security.coolingOffBody, { time: status.cooling_off_until ? dateTime(status.cooling_off_until) : '—', amount: money(status.cooling_off_limit) })
        : m.security.activeBody;
  return (
    <section className="card state-card" data-testid={testId} data-state={status.state} aria-live="polite">
      <h2 className="row__title">{title}</h2>
      <p className="row__sub">{body}</p>
    </section>
  );
}

/** Signed in: freeze the account now and sign every other device out (this one stays). */
function FreezeNow({ onFrozen }: { onFrozen(s: AccountStatus): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);

  async function freeze() {
    setBusy(true);
    setError(null);
    try {
      const s = await backend.freezeAccount(null);
      setConfirm(false);
      onFrozen(s);
    } catch (e) {
      setError(WalletError.from(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        block
        variant="danger-ghost"
        onClick={() => {
          setError(null);
          setConfirm(true);
        }}
        data-testid="security-freeze"
      >
        {m.security.freeze}
      </Button>
      {confirm && (
        <ConfirmDialog
          title={m.events.freezeTitle}
          body={m.events.freezeBodyAll}
          confirmLabel={m.events.freezeNow}
          busy={busy}
          error={error ? errorText(error) : null}
          onConfirm={() => void freeze()}
          onCancel={() => setConfirm(false)}
        />
      )}
    </>
  );
}

/** Unfreeze: the full ID number here, then the payment PIN in the PIN dialog. */
function Unfreeze({ onUnfrozen }: { onUnfrozen(s: AccountStatus): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [idNumber, setIdNumber] = useState('');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [pinError, setPinError] = useState<WalletError | null>(null);

  function next(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setPinError(null);
    setAsking(true);
  }

  async function submit(pin: string) {
    setBusy(true);
    setPinError(null);
    try {
      const s = await backend.unfreeze(idNumber.trim().toUpperCase(), pin);
      setIdNumber('');
      setAsking(false);
      onUnfrozen(s);
    } catch (err) {
      const e = WalletError.from(err);
      // A wrong PIN is tried again in the dialog; anything else belongs to the form.
      if (e.code === 'PIN_WRONG' || e.code === 'PIN_FORMAT_INVALID') setPinError(e);
      else {
        setAsking(false);
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  const idError = error?.code === 'ID_NUMBER_INVALID' ? errorText(error) : null;
  return (
    <form className="stack" onSubmit={next} noValidate data-testid="unfreeze-form">
      <h2 className="section-title">{m.security.unfreezeTitle}</h2>
      <p className="page__note">{m.security.unfreezeIntro}</p>
      {error && !idError && (
        <Notice kind="error" testId="unfreeze-error">
          {errorText(error)}
        </Notice>
      )}
      <div className="card form-card">
        <Field
          label={m.security.idNumber}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={18}
          value={idNumber}
          onChange={(e) => {
            setIdNumber(e.target.value);
            if (error) setError(null);
          }}
          error={idError}
          testId="unfreeze-id"
          required
        />
      </div>
      <Button type="submit" block disabled={idNumber.trim() === ''} data-testid="unfreeze-submit">
        {m.security.unfreeze}
      </Button>
      {asking && (
        <PinDialog
          title={m.security.unfreezePinTitle}
          body={m.security.unfreezePinBody}
          busy={busy}
          error={pinError ? errorText(pinError) : null}
          onSubmit={(pin) => void submit(pin)}
          onCancel={() => setAsking(false)}
        />
      )}
    </form>
  );
}

/**
 * A settings switch whose "on" needs the PIN (SMS-only sign-in, SMS payment): the account's
 * settings, the PIN step, and a save that keeps a wrong PIN inside the PIN step.
 */
function usePinSwitch(
  set: (enabled: boolean, pin: string | null) => Promise<AccountSettings>,
  onChanged: () => void,
) {
  const backend = useBackend();
  const [settings, setSettings] = useState<AccountSettings | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [pinError, setPinError] = useState<WalletError | null>(null);

  useEffect(() => {
    let live = true;
    backend
      .settings()
      .then((s) => live && setSettings(s))
      .catch((e) => live && setError(WalletError.from(e)));
    return () => {
      live = false;
    };
  }, [backend]);

  async function save(enabled: boolean, pin: string | null) {
    setBusy(true);
    setError(null);
    setPinError(null);
    try {
      setSettings(await set(enabled, pin));
      setAsking(false);
      onChanged();
    } catch (err) {
      const e = WalletError.from(err);
      if (asking && (e.code === 'PIN_WRONG' || e.code === 'PIN_FORMAT_INVALID')) setPinError(e);
      else {
        setAsking(false);
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  /** The switch turned on: the PIN step, with no error left from before. */
  function askPin() {
    setError(null);
    setPinError(null);
    setAsking(true);
  }

  return { settings, asking, setAsking, askPin, busy, error, pinError, save };
}

/** The SMS-only sign-in switch: on asks for the PIN (after a warning), off needs nothing. */
function SmsLogin({ onChanged }: { onChanged(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const switchId = useId();
  const { settings, asking, setAsking, askPin, busy, error, pinError, save } = usePinSwitch(
    (enabled, pin) => backend.setSmsLogin(enabled, pin),
    onChanged,
  );

  const on = settings?.sms_login_enabled ?? false;
  return (
    <section className="stack" aria-labelledby={`${switchId}-title`}>
      <h2 className="section-title" id={`${switchId}-title`}>
        {m.security.smsTitle}
      </h2>
      <div className="card form-card">
        <div className="toggle">
          <label htmlFor={switchId} className="toggle__label">
            <span className="row__title">{m.security.smsLabel}</span>
            <span className="row__sub" data-testid="sms-login-state">
              {on ? m.security.smsOn : m.security.smsOff}
            </span>
          </label>
          <input
            id={switchId}
            type="checkbox"
            role="switch"
            className="toggle__input"
            checked={on}
            disabled={!settings || busy}
            onChange={(e) => {
              if (e.target.checked) {
                askPin();
              } else void save(false, null);
            }}
            data-testid="sms-login-switch"
          />
        </div>
        <Notice kind="warning" testId="sms-login-warning">
          {m.security.smsWarning}
        </Notice>
      </div>
      {error && (
        <Notice kind="error" testId="sms-login-error">
          {errorText(error)}
        </Notice>
      )}
      {asking && (
        <PinDialog
          title={m.security.smsPinTitle}
          body={m.security.smsPinBody}
          busy={busy}
          error={pinError ? errorText(pinError) : null}
          onSubmit={(pin) => void save(true, pin)}
          onCancel={() => setAsking(false)}
        />
      )}
    </section>
  );
}

/** The security log, newest first, a page at a time; loaded again from the top after `changes` moves. */
function SecurityLogList({ changes }: { changes: number }) {
  const { m, errorText, dateTime } = useI18n();
  const backend = useBackend();
  const [events, setEvents] = useState<SecurityEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);

  const load = useCallback(
    async (before: string | null) => {
      setBusy(true);
      setError(null);
      try {
        const page = await backend.securityLog(before);
        setEvents((old) => (before === null ? page.events : [...old, ...page.events]));
        setNext(page.next_before);
        setLoaded(true);
      } catch (e) {
        setError(WalletError.from(e));
      } finally {
        setBusy(false);
      }
    },
    [backend],
  );

  useEffect(() => {
    void load(null);
  }, [load, changes]);

  return (
    <section className="stack" aria-labelledby="security-log-title">
      <h2 className="section-title" id="security-log-title">
        {m.security.logTitle}
      </h2>
      {error && (
        <Notice kind="error" testId="security-log-error">
          {errorText(error)}{' '}
          <button type="button" className="link" onClick={() => void load(events.length ? next : null)}>
            {m.app.retry}
          </button>
        </Notice>
      )}
      {loaded && events.length === 0 && <p className="page__note card empty">{m.security.logEmpty}</p>}
      {events.length > 0 && (
        <ul className="card list" aria-labelledby="security-log-title" data-testid="security-log">
          {events.map((e) => (
            <li key={e.id} className="log-row" data-testid="security-event" data-kind={e.kind}>
              <span className="row__title">{m.security.kinds[e.kind]}</span>
              <span className="row__sub">
                {dateTime(e.at)}
                {e.device_name ? ` · ${e.device_name}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <Button variant="secondary" block busy={busy} onClick={() => void load(next)} data-testid="security-log-more">
          {m.security.logMore}
        </Button>
      )}
    </section>
  );
}

/** The SMS payment ("reply Y") switch: on asks for the PIN (after a warning), off needs nothing. */
function SmsPay({ onChanged }: { onChanged(): void }) {
  const { m, errorText, money } = useI18n();
  const backend = useBackend();
  const switchId = useId();
  const { settings, asking, setAsking, askPin, busy, error, pinError, save } = usePinSwitch(
    (enabled, pin) => backend.setSmsPay(enabled, pin),
    onChanged,
  );

  const on = settings?.sms_pay_enabled ?? false;
  return (
    <section className="stack" aria-labelledby={`${switchId}-title`}>
      <h2 className="section-title" id={`${switchId}-title`}>
        {m.security.smsPayTitle}
      </h2>
      <div className="card form-card">
        <div className="toggle">
          <label htmlFor={switchId} className="toggle__label">
            <span className="row__title">{m.security.smsPayLabel}</span>
            <span className="row__sub" data-testid="sms-pay-state">
              {on && settings
                ? fmt(m.security.smsPayOn, { a: money(settings.sms_pay_per_payment), b: money(settings.sms_pay_daily) })
                : m.security.smsPayOff}
            </span>
          </label>
          <input
            id={switchId}
            type="checkbox"
            role="switch"
            className="toggle__input"
            checked={on}
            disabled={!settings || busy}
            onChange={(e) => {
              if (e.target.checked) {
                askPin();
              } else void save(false, null);
            }}
            data-testid="sms-pay-switch"
          />
        </div>
        <Notice kind="warning" testId="sms-pay-warning">
          {m.security.smsPayWarning}
        </Notice>
      </div>
      {error && (
        <Notice kind="error" testId="sms-pay-error">
          {errorText(error)}
        </Notice>
      )}
      {asking && (
        <PinDialog
          title={m.security.smsPayPinTitle}
          body={m.security.smsPayPinBody}
          busy={busy}
          error={pinError ? errorText(pinError) : null}
          onSubmit={(pin) => void save(true, pin)}
          onCancel={() => setAsking(false)}
        />
      )}
    </section>
  );
}
