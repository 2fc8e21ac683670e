import { useEffect, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { AccountStatus, DeviceEvent, HistoryEntry } from '../backend/types';
import { Button, ConfirmDialog, Notice } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { reportBudgetAlerts } from './budgetAlerts';

/** The device events home shows as notices (an order waiting updates the orders card instead). */
export const NOTICE_KINDS: ReadonlyArray<DeviceEvent['kind']> = [
  'new_device',
  'frozen',
  'unfrozen',
  'device_revoked',
  'sms_login_changed',
  'phone_changed',
  'transfer_received',
  'pin_changed',
  'pin_reset',
  'no_pin_changed',
  'sms_pay_changed',
];

/** Notices that offer "Not you? Freeze now" (signing out the device that caused them). */
const FREEZE_KINDS: ReadonlySet<DeviceEvent['kind']> = new Set(['new_device', 'pin_changed', 'pin_reset', 'no_pin_changed', 'sms_pay_changed']);

/** The account's state on home: frozen, or cooling off until when; nothing when active. */
export function AccountBanner({ status, onOpen }: { status: AccountStatus | null; onOpen(): void }) {
  const { m, dateTime, money } = useI18n();
  if (!status || status.state === 'active') return null;
  const frozen = status.state === 'frozen';
  return (
    <div data-testid="home-account-state" data-state={status.state}>
      <Notice kind={frozen ? 'error' : 'warning'}>
        {frozen
          ? m.events.homeFrozen
          : fmt(m.events.homeCooling, { time: status.cooling_off_until ? dateTime(status.cooling_off_until) : '—', amount: money(status.cooling_off_limit) })}{' '}
        <button type="button" className="link" onClick={onOpen} data-testid="home-open-security">
          {m.events.openSecurity}
        </button>
      </Notice>
    </div>
  );
}

/**
 * Notices from the account's other devices, newest first. A new device gets "Not you? Freeze
 * now": one tap and a confirm freeze the account and sign that device out.
 */
export function DeviceNotices({ events, onDismiss, onFrozen }: { events: DeviceEvent[]; onDismiss(cursor: number): void; onFrozen(s: AccountStatus): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [confirm, setConfirm] = useState<DeviceEvent | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [done, setDone] = useState(false);

  async function freeze() {
    if (!confirm) return;
    setBusy(true);
    setError(null);
    try {
      const s = await backend.freezeAccount(confirm.device_id ?? null);
      onDismiss(confirm.cursor);
      setConfirm(null);
      setDone(true);
      onFrozen(s);
    } catch (e) {
      setError(WalletError.from(e));
    } finally {
      setBusy(false);
    }
  }

  const text = (e: DeviceEvent): string => {
    const name = e.device_name ?? '';
    switch (e.kind) {
      case 'new_device':
        return name ? fmt(m.events.newDevice, { name }) : m.events.newDeviceUnnamed;
      case 'frozen':
        return m.events.frozen;
      case 'unfrozen':
        return m.events.unfrozen;
      case 'device_revoked':
        return name ? fmt(m.events.deviceRevoked, { name }) : m.events.deviceRevokedUnnamed;
      case 'sms_login_changed':
        return m.events.smsLoginChanged;
      case 'phone_changed':
        return m.events.phoneChanged;
      case 'pin_changed':
        return fmt(m.events.pinChanged, { name: name || m.events.otherDevice });
      case 'pin_reset':
        return fmt(m.events.pinReset, { name: name || m.events.otherDevice });
      case 'no_pin_changed':
        return fmt(m.events.noPinChanged, { name: name || m.events.otherDevice });
      case 'sms_pay_changed':
        return fmt(m.events.smsPayChanged, { name: name || m.events.otherDevice });
      default:
        return '';
    }
  };

  return (
    <>
      {done && (
        <Notice kind="success" testId="freeze-done">
          {m.events.frozenDone}
        </Notice>
      )}
      {events.map((e) => (
        <div key={e.cursor} className="event-banner" data-testid="device-notice" data-kind={e.kind}>
          <Notice kind={FREEZE_KINDS.has(e.kind) || e.kind === 'frozen' ? 'warning' : 'info'}>
            <span data-testid="device-notice-text">{e.kind === 'transfer_received' ? <TransferReceived reference={e.reference} /> : text(e)}</span>
            {FREEZE_KINDS.has(e.kind) && <> {m.events.notYou}</>}
            <span className="event-banner__actions">
              {FREEZE_KINDS.has(e.kind) && (
                <Button
                  variant="danger"
                  className="btn--small"
                  onClick={() => {
                    setError(null);
                    setConfirm(e);
                  }}
                  data-testid="freeze-now"
                >
                  {m.events.freezeNow}
                </Button>
              )}
              <Button variant="ghost" className="btn--small" onClick={() => onDismiss(e.cursor)} data-testid="device-notice-dismiss">
                {m.events.dismiss}
              </Button>
            </span>
          </Notice>
        </div>
      ))}
      {confirm && (
        <ConfirmDialog
          title={m.events.freezeTitle}
          body={confirm.device_id && confirm.device_name ? fmt(m.events.freezeBody, { name: confirm.device_name }) : m.events.freezeBodyAll}
          confirmLabel={m.events.freezeNow}
          busy={busy}
          error={error ? errorText(error) : null}
          onConfirm={() => void freeze()}
          onCancel={() => setConfirm(null)}
        />
      )}
    </>
  );
}

/** "¥12.00 received from *明": the history is synced so the entry the event names can be read. */
function TransferReceived({ reference }: { reference: string | null }) {
  const { m, money } = useI18n();
  const backend = useBackend();
  const [entry, setEntry] = useState<HistoryEntry | null>(null);
  useEffect(() => {
    if (!reference) return;
    let live = true;
    backend
      .syncHistory()
      .then((s) => reportBudgetAlerts(s.alerts))
      .catch(() => undefined)
      .then(() => backend.historyEntry(reference))
      .then((e) => live && setEntry(e))
      .catch(() => undefined); // Offline or not synced yet: the general words stay.
    return () => {
      live = false;
    };
  }, [backend, reference]);
  if (!entry) return <>{m.events.transferReceivedUnknown}</>;
  return <>{fmt(m.events.transferReceived, { amount: money(entry.amount), name: entry.counterparty_name_masked ?? '' })}</>;
}
