import { useCallback, useEffect, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Device } from '../backend/types';
import { Button, ConfirmDialog, Notice, TopBar } from '../components/ui';
import { LaptopIcon, LogoutIcon, PhoneIcon, TerminalIcon } from '../components/icons';
import { fmt, useI18n } from '../i18n';

type Confirm = { kind: 'revoke'; device: Device } | { kind: 'lost'; device: Device } | { kind: 'logout' };

/** The account's devices; sign out any other one (with a confirm step) or log out of this one. */
export function Devices({ onBack, onLoggedOut }: { onBack(): void; onLoggedOut(): void }) {
  const { m, errorText, dateTime } = useI18n();
  const backend = useBackend();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [loadError, setLoadError] = useState<WalletError | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<WalletError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  /** CSV files this profile exported, offered for deletion when logging out. */
  const [exports, setExports] = useState<string[]>([]);
  const [deleteExports, setDeleteExports] = useState(true);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setDevices(await backend.devices());
    } catch (e) {
      setLoadError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    void load();
  }, [load]);

  async function onConfirm() {
    if (!confirm) return;
    setBusy(true);
    setActionError(null);
    try {
      if (confirm.kind === 'logout') {
        // Before the log-out wipes the list of what was exported.
        if (exports.length > 0 && deleteExports) await backend.deleteExports();
        await backend.logout();
        onLoggedOut();
        return;
      }
      if (confirm.kind === 'lost') {
        await backend.freezeAccount(confirm.device.device_id);
        setDone(fmt(m.devices.lostDone, { name: confirm.device.name }));
        setConfirm(null);
        await load();
        return;
      }
      await backend.revokeDevice(confirm.device.device_id);
      setDone(fmt(m.devices.signedOut, { name: confirm.device.name }));
      setConfirm(null);
      await load();
    } catch (e) {
      setActionError(WalletError.from(e));
    } finally {
      setBusy(false);
    }
  }

  const sorted = devices ? [...devices].sort((a, b) => Number(b.current) - Number(a.current)) : null;

  return (
    <main className="screen" data-testid="screen-devices">
      <TopBar onBack={onBack} title={m.devices.title} />
      <div className="page">
        <p className="page__subtitle">{m.devices.subtitle}</p>
        {done && (
          <Notice kind="success" testId="devices-done">
            {done}
          </Notice>
        )}
        {loadError && (
          <Notice kind="error" testId="form-error">
            {errorText(loadError)}{' '}
            <button type="button" className="link" onClick={() => void load()}>
              {m.app.retry}
            </button>
          </Notice>
        )}
        {!sorted && !loadError && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
          </p>
        )}
        {sorted && sorted.length === 0 && <p className="page__note">{m.devices.empty}</p>}
        {sorted && sorted.length > 0 && (
          <ul className="card list" data-testid="device-list">
            {sorted.map((d) => (
              <li key={d.device_id} className="device" data-testid="device" data-device-id={d.device_id}>
                <span className="row__icon">
                  <PlatformIcon platform={d.platform} />
                </span>
                <div className="device__text">
                  <p className="device__name">
                    {d.name}
                    {d.current && (
                      <span className="badge" data-testid="device-current">
                        {m.devices.thisDevice}
                      </span>
                    )}
                  </p>
                  <p className="device__meta">
                    {platformName(d.platform)} · {fmt(m.devices.enrolled, { date: dateTime(d.enrolled_at) })}
                  </p>
                  <p className="device__meta">{fmt(m.devices.lastSeen, { date: dateTime(d.last_seen_at) })}</p>
                </div>
                {!d.current && (
                  <span className="device__actions">
                    <Button
                      variant="danger-ghost"
                      className="btn--small"
                      onClick={() => {
                        setActionError(null);
                        setDone(null);
                        setConfirm({ kind: 'revoke', device: d });
                      }}
                      aria-label={fmt(m.devices.signOutNamed, { name: d.name })}
                      data-testid={`device-signout-${d.device_id}`}
                    >
                      {m.devices.signOut}
                    </Button>
                    <Button
                      variant="danger-ghost"
                      className="btn--small"
                      onClick={() => {
                        setActionError(null);
                        setDone(null);
                        setConfirm({ kind: 'lost', device: d });
                      }}
                      aria-label={fmt(m.devices.lostNamed, { name: d.name })}
                      data-testid={`device-lost-${d.device_id}`}
                    >
                      {m.devices.lost}
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        <Button
          block
          variant="danger-ghost"
          onClick={() => {
            setActionError(null);
            setExports([]);
            setDeleteExports(true);
            setConfirm({ kind: 'logout' });
            // The files survive a log-out (they are outside the wallet): offer to delete them.
            backend.exportedFiles().then(setExports, () => setExports([]));
          }}
          data-testid="logout"
        >
          <LogoutIcon width={20} height={20} /> {m.devices.logout}
        </Button>
      </div>
      {confirm && (
        <ConfirmDialog
          title={
            confirm.kind === 'logout'
              ? m.devices.logoutTitle
              : fmt(confirm.kind === 'lost' ? m.devices.lostTitle : m.devices.confirmTitle, { name: confirm.device.name })
          }
          body={confirm.kind === 'logout' ? m.devices.logoutBody : confirm.kind === 'lost' ? fmt(m.devices.lostBody, { name: confirm.device.name }) : m.devices.confirmBody}
          confirmLabel={confirm.kind === 'logout' ? m.devices.logoutConfirm : confirm.kind === 'lost' ? m.devices.lostConfirm : m.devices.confirm}
          busy={busy}
          error={actionError ? errorText(actionError) : null}
          onConfirm={() => void onConfirm()}
          onCancel={() => setConfirm(null)}
        >
          {confirm.kind === 'logout' && exports.length > 0 && (
            <label className="check" data-testid="logout-delete-exports">
              <input
                type="checkbox"
                checked={deleteExports}
                disabled={busy}
                onChange={(e) => setDeleteExports(e.target.checked)}
                data-testid="logout-delete-exports-check"
              />{' '}
              {exports.length === 1 ? m.devices.deleteExportsOne : fmt(m.devices.deleteExports, { count: String(exports.length) })}
            </label>
          )}
        </ConfirmDialog>
      )}
    </main>
  );
}

function PlatformIcon({ platform }: { platform: string }) {
  if (platform === 'android' || platform === 'ios') return <PhoneIcon />;
  if (platform === 'cli') return <TerminalIcon />;
  return <LaptopIcon />;
}

/** Platform identifiers are product names, the same in every language. */
function platformName(p: string): string {
  const names: Record<string, string> = { linux: 'Linux', macos: 'macOS', windows: 'Windows', android: 'Android', ios: 'iOS', cli: 'CLI' };
  return names[p] ?? p;
}
