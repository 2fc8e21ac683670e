import { useCallback, useEffect, useRef, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Operation, Order, PaycodeSettings, PaycodeView } from '../backend/types';
import { ChevronRight, EyeIcon, EyeOffIcon, RefreshIcon, SlidersIcon } from '../components/icons';
import { PaymentReceipt, secondsUntil, svgDataUrl, useNow } from '../components/payment';
import { Button, Notice, TopBar } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { polling } from '../polling';

/** A code is shown at most this long even if the clock says otherwise (it rotates every 30 s). */
const MAX_AGE_MS = 30_000;
/** When the countdown reaches this, screen readers are told once that a new code is coming. */
const WARN_AT = 5;

type Props = { onBack(): void; onSettings(): void; onOrders(): void };

/**
 * The payment code to show a cashier: QR and barcode (the core's SVGs as images), the digits
 * (partly hidden until asked for), a countdown, and a fresh code when it runs out. Made offline
 * by the core from this device's seed; a device without a seed gets one once (online).
 */
export function Paycode({ onBack, onSettings, onOrders }: Props) {
  const { m, errorText, money } = useI18n();
  const backend = useBackend();
  const [view, setView] = useState<PaycodeView | null>(null);
  const [error, setError] = useState<WalletError | null>(null);
  const [settingUp, setSettingUp] = useState(false);
  const [showDigits, setShowDigits] = useState(false);
  const [announce, setAnnounce] = useState('');
  const [settings, setSettings] = useState<PaycodeSettings | null>(null);
  const [waiting, setWaiting] = useState<Order[]>([]);
  const [paid, setPaid] = useState<Operation | null>(null);
  const fetchedAt = useRef(0);
  const loading = useRef(false);
  const live = useRef(true);
  const now = useNow(!paid);

  /** The current code; a device without a seed asks for one once, then makes codes offline. */
  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    try {
      let v: PaycodeView;
      try {
        v = await backend.paycode();
      } catch (e) {
        if (WalletError.from(e).code !== 'PAYCODE_NOT_PROVISIONED') throw e;
        setSettingUp(true);
        try {
          v = await backend.refreshPaycodeSeed();
        } catch (r) {
          const err = WalletError.from(r);
          throw err.code === 'NETWORK' ? new WalletError('PAYCODE_NOT_PROVISIONED') : err;
        } finally {
          if (live.current) setSettingUp(false);
        }
      }
      if (!live.current) return;
      fetchedAt.current = Date.now();
      setView(v);
      setError(null);
      setAnnounce(fmt(m.paycode.refreshed, { seconds: secondsUntil(v.expires_at, Date.now()) }));
    } catch (e) {
      if (live.current) {
        setError(WalletError.from(e));
        setView(null);
      }
    } finally {
      loading.current = false;
    }
  }, [backend, m]);

  useEffect(() => {
    live.current = true;
    void load();
    return () => {
      live.current = false;
    };
  }, [load]);

  // Keep the code out of screenshots and screen sharing while this screen shows.
  useEffect(() => {
    backend.protectScreen(true).catch(() => undefined);
    return () => {
      backend.protectScreen(false).catch(() => undefined);
    };
  }, [backend]);

  const left = view ? secondsUntil(view.expires_at, now) : 0;

  // A new code when this one runs out, and in any case every 30 s.
  useEffect(() => {
    if (!view || paid) return;
    if (left <= 0 || now - fetchedAt.current >= MAX_AGE_MS) void load();
    else if (left === WARN_AT) setAnnounce(fmt(m.paycode.soon, { seconds: WARN_AT }));
  }, [view, left, now, load, m, paid]);

  // Online extras, quietly skipped offline: the no-PIN limits, a payment waiting for the PIN
  // (over the no-PIN limit), and the receipt of a payment made with this code.
  useEffect(() => {
    let active = true;
    let seen: Set<string> | null = null;
    backend
      .paycodeSettings()
      .then((s) => active && setSettings(s))
      .catch(() => undefined);
    const poll = async () => {
      try {
        const [orders, balance] = await Promise.all([backend.orders(), backend.balance()]);
        if (!active) return;
        setWaiting(orders.filter((o) => o.status === 'open' && o.channel === 'paycode'));
        const mine = balance.operations.filter((o) => o.kind === 'payment' && o.channel === 'paycode');
        if (seen === null) seen = new Set(mine.map((o) => o.operation_id));
        else {
          const fresh = mine.find((o) => !seen?.has(o.operation_id));
          if (fresh) setPaid(fresh);
        }
      } catch {
        // Offline: the code still works; ask again next time.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), polling.ordersMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [backend]);

  if (paid) {
    return (
      <main className="screen" data-testid="screen-paycode" data-step="receipt">
        <TopBar onBack={onBack} title={m.paycode.title} />
        <div className="page">
          <PaymentReceipt initial={paid} onDone={onBack} />
        </div>
      </main>
    );
  }

  const first = waiting[0];
  const digits = view ? (showDigits ? view.grouped : maskDigits(view.grouped)) : '';

  return (
    <main className="screen screen--paycode" data-testid="screen-paycode" data-step="code">
      <TopBar onBack={onBack} title={m.paycode.title} />
      <div className="page">
        <h1 className="page__title">{m.paycode.heading}</h1>
        <p className="page__subtitle">{m.paycode.subtitle}</p>
        {first && (
          <Notice kind="warning" testId="paycode-waiting">
            {fmt(m.paycode.waiting, { merchant: first.merchant_name, amount: money(first.amount) })}{' '}
            <button type="button" className="link" onClick={onOrders} data-testid="paycode-waiting-open">
              {m.paycode.waitingOpen}
            </button>
          </Notice>
        )}
        <section className="card paycode" aria-labelledby="paycode-digits-label" data-testid="paycode" data-code-expires={view?.expires_at ?? ''}>
          {!view && !error && (
            <p className="page__note paycode__loading" role="status">
              <span className="spinner spinner--dark" aria-hidden="true" /> {settingUp ? m.paycode.settingUp : m.app.loading}
            </p>
          )}
          {error && (
            <div className="stack">
              <Notice kind="error" testId="paycode-error">
                {errorText(error)}
              </Notice>
              <Button block onClick={() => void load()} data-testid="paycode-retry">
                {m.app.retry}
              </Button>
            </div>
          )}
          {view && (
            <>
              <img className="paycode__barcode" src={svgDataUrl(view.barcode_svg)} alt={m.paycode.barcodeAlt} data-testid="paycode-barcode" />
              <div className="paycode__digits">
                <span id="paycode-digits-label" className="sr-only">
                  {m.paycode.digitsLabel}
                </span>
                <span className="paycode__number" data-testid="paycode-digits" data-shown={showDigits}>
                  {digits}
                </span>
                <button
                  type="button"
                  className="icon-btn icon-btn--inset"
                  aria-pressed={showDigits}
                  aria-label={showDigits ? m.paycode.hideDigits : m.paycode.showDigits}
                  title={showDigits ? m.paycode.hideDigits : m.paycode.showDigits}
                  onClick={() => setShowDigits((s) => !s)}
                  data-testid="paycode-toggle-digits"
                >
                  {showDigits ? <EyeOffIcon width={20} height={20} /> : <EyeIcon width={20} height={20} />}
                </button>
              </div>
              <img className="paycode__qr" src={svgDataUrl(view.qr_svg)} alt={m.paycode.qrAlt} data-testid="paycode-qr" />
              <div className="paycode__timer">
                <progress className="paycode__progress" max={30} value={Math.min(30, left)} aria-hidden="true" />
                <p role="timer" aria-live="off" data-testid="paycode-countdown">
                  {fmt(m.paycode.refreshesIn, { seconds: left })}
                </p>
                <button type="button" className="link paycode__refresh" onClick={() => void load()} data-testid="paycode-refresh">
                  <RefreshIcon width={16} height={16} /> {m.paycode.refresh}
                </button>
              </div>
              {showDigits && <p className="page__note paycode__note">{m.paycode.digitsNote}</p>}
            </>
          )}
          <p className="sr-only" aria-live="polite" data-testid="paycode-announce">
            {announce}
          </p>
        </section>
        <div className="card list">
          <button type="button" className="row" onClick={onSettings} data-testid="paycode-settings">
            <span className="row__icon">
              <SlidersIcon />
            </span>
            <span className="row__text">
              <span className="row__title">{m.paycode.settings}</span>
              <span className="row__sub" data-testid="paycode-limits">
                {settings
                  ? settings.no_pin_enabled
                    ? fmt(m.paycode.noPinOn, { perPayment: money(settings.no_pin_per_payment), left: money(settings.no_pin_daily_remaining) })
                    : m.paycode.noPinOff
                  : m.paycode.settingsHint}
              </span>
            </span>
            <ChevronRight className="row__chev" />
          </button>
        </div>
        <p className="page__note">{m.paycode.paidFrom}</p>
      </div>
    </main>
  );
}

/** Shows the first group only: `2812 •••• •••• •••• ••`. */
function maskDigits(grouped: string): string {
  const groups = grouped.split(' ');
  return groups.map((g, i) => (i === 0 ? g : '•'.repeat(g.length))).join(' ');
}
