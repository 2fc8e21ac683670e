import { useCallback, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { ShellSettings } from '../backend/shell';
import { ChevronRight, InfoIcon } from '../components/icons';
import { Button, Field, Notice, TopBar } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import type { TextZoom } from '../zoom';

/**
 * The desktop app's settings, one `SettingsSection` each (add a section as another child of the
 * stack): the provider (signed out only; `WALLET_SERVER` wins), the app lock, notifications,
 * text size, and a way to About. The values live in the shell's settings file, not in the page.
 */
export function Settings({ signedIn, zoom, onBack, onAbout, onLocked }: { signedIn: boolean; zoom: TextZoom; onBack(): void; onAbout(): void; onLocked(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [view, setView] = useState<ShellSettings | null>(null);
  const [loadError, setLoadError] = useState<WalletError | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setView(await backend.shellSettings());
    } catch (e) {
      setLoadError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="screen" data-testid="screen-settings">
      <TopBar onBack={onBack} />
      <div className="page">
        <h1 className="page__title">{m.settings.title}</h1>
        <p className="page__subtitle">{m.settings.intro}</p>
        {loadError && (
          <Notice kind="error" testId="form-error">
            {errorText(loadError)}
          </Notice>
        )}
        <div className="stack">
          {view && <ProviderSection view={view} signedIn={signedIn} onSaved={setView} />}
          {view && signedIn && <LockSection view={view} onSaved={setView} onLocked={onLocked} />}
          {view && <NotificationsSection view={view} onSaved={setView} />}
          <DisplaySection zoom={zoom} />
          <div className="card list">
            <button type="button" className="row" onClick={onAbout} data-testid="settings-about">
              <span className="row__icon">
                <InfoIcon />
              </span>
              <span className="row__text">
                <span className="row__title">{m.settings.about}</span>
                <span className="row__sub">{m.settings.aboutHint}</span>
              </span>
              <ChevronRight className="row__chev" />
            </button>
          </div>
        </div>
      </div>
    </main>
  );
}

/** One titled block of the settings screen. */
export function SettingsSection({ title, hint, testId, children }: { title: string; hint?: string; testId: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card form-card" aria-labelledby={id} data-testid={testId}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {hint && <p className="page__note">{hint}</p>}
      {children}
    </section>
  );
}

function ProviderSection({ view, signedIn, onSaved }: { view: ShellSettings; signedIn: boolean; onSaved(v: ShellSettings): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [url, setUrl] = useState(view.provider_source === 'file' ? view.provider_url : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [saved, setSaved] = useState(false);
  const fromEnv = view.provider_source === 'env';
  const editable = !fromEnv && !signedIn;
  const source = fromEnv ? m.settings.fromEnv : view.provider_source === 'file' ? m.settings.fromFile : m.settings.fromDefault;

  async function save(next: string | null) {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const v = await backend.setProviderUrl(next);
      onSaved(v);
      setUrl(v.provider_source === 'file' ? v.provider_url : '');
      setSaved(true);
    } catch (e) {
      setError(WalletError.from(e));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void save(url.trim() === '' ? null : url);
  }

  return (
    <SettingsSection title={m.settings.provider} hint={m.settings.providerHint} testId="settings-provider">
      <p className="row__title" data-testid="settings-provider-current" data-source={view.provider_source}>
        {view.provider_url}
      </p>
      <p className="page__note" data-testid="settings-provider-source">
        {source}
      </p>
      {signedIn && !fromEnv && <p className="page__note">{m.settings.signedInNote}</p>}
      {editable && (
        <form className="stack" onSubmit={submit} noValidate aria-busy={busy}>
          <Field
            label={m.settings.providerUrl}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder={view.provider_default}
            value={url}
            onChange={(e) => {
              setUrl(e.target.value);
              setSaved(false);
              setError(null);
            }}
            error={error ? errorText(error) : null}
            disabled={busy}
            testId="settings-provider-url"
          />
          {saved && (
            <Notice kind="success" testId="settings-provider-saved">
              {m.settings.providerSaved}
            </Notice>
          )}
          <div className="dialog__actions">
            <Button variant="secondary" onClick={() => void save(null)} disabled={busy || view.provider_source === 'default'} data-testid="settings-provider-reset">
              {m.settings.providerReset}
            </Button>
            <Button type="submit" busy={busy} data-testid="settings-provider-save">
              {m.settings.providerSave}
            </Button>
          </div>
        </form>
      )}
    </SettingsSection>
  );
}

function LockSection({ view, onSaved, onLocked }: { view: ShellSettings; onSaved(v: ShellSettings): void; onLocked(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const id = useId();
  const [error, setError] = useState<WalletError | null>(null);

  async function change(secs: number) {
    setError(null);
    try {
      onSaved(await backend.setLockAfter(secs));
    } catch (e) {
      setError(WalletError.from(e));
    }
  }

  return (
    <SettingsSection title={m.settings.lock} hint={m.settings.lockHint} testId="settings-lock">
      <div className="field">
        <label htmlFor={id} className="field__label">
          {m.settings.lockAfter}
        </label>
        <select id={id} className="field__input" value={view.lock_after_secs} onChange={(e) => void change(Number(e.target.value))} data-testid="settings-lock-after">
          {view.lock_choices.map((s) => (
            <option key={s} value={s}>
              {fmt(m.settings.minutes, { n: s / 60 })}
            </option>
          ))}
        </select>
      </div>
      {error && <Notice kind="error">{errorText(error)}</Notice>}
      <Button variant="secondary" block onClick={() => void backend.lockNow().then((s) => s.locked && onLocked(), () => undefined)} data-testid="settings-lock-now">
        {m.settings.lockNow}
      </Button>
    </SettingsSection>
  );
}

function NotificationsSection({ view, onSaved }: { view: ShellSettings; onSaved(v: ShellSettings): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const id = useId();
  const [error, setError] = useState<WalletError | null>(null);
  return (
    <SettingsSection title={m.settings.notifications} testId="settings-notifications">
      <div className="toggle">
        <label htmlFor={id} className="toggle__label">
          <span className="row__sub">{m.settings.notificationsHint}</span>
          <span className="row__title" data-testid="settings-notifications-state">
            {view.notifications ? m.settings.notificationsOn : m.settings.notificationsOff}
          </span>
        </label>
        <input
          id={id}
          type="checkbox"
          role="switch"
          className="toggle__input"
          checked={view.notifications}
          onChange={(e) => {
            setError(null);
            backend
              .setNotifications(e.target.checked)
              .then(onSaved)
              .catch((err) => setError(WalletError.from(err)));
          }}
          data-testid="settings-notifications-switch"
        />
      </div>
      {error && <Notice kind="error">{errorText(error)}</Notice>}
    </SettingsSection>
  );
}

function DisplaySection({ zoom }: { zoom: TextZoom }) {
  const { m } = useI18n();
  return (
    <SettingsSection title={m.settings.display} hint={m.settings.displayHint} testId="settings-display">
      <div className="zoom-row">
        <Button variant="secondary" onClick={zoom.zoomOut} aria-label={m.settings.zoomOut} data-testid="zoom-out">
          A−
        </Button>
        <output className="zoom-row__value" data-testid="zoom-level" aria-live="polite">
          {Math.round(zoom.level * 100)}%
        </output>
        <Button variant="secondary" onClick={zoom.zoomIn} aria-label={m.settings.zoomIn} data-testid="zoom-in">
          A+
        </Button>
        <Button variant="ghost" onClick={zoom.reset} data-testid="zoom-reset">
          {m.settings.zoomReset}
        </Button>
      </div>
    </SettingsSection>
  );
}
