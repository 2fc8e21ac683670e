import { useCallback, useEffect, useRef, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Operation, Order } from '../backend/types';
import { ClockIcon } from '../components/icons';
import { MerchantHead, PaymentReceipt, secondsUntil, useNow } from '../components/payment';
import { PinDialog } from '../components/PinDialog';
import { SourcePicker } from '../components/sources';
import { Button, ConfirmDialog, Notice, TopBar, useStepFocus } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { newIdempotencyKey } from '../i18n/money';
import { polling } from '../polling';

type Action = { kind: 'pay' | 'decline'; order: Order; key: string; source: string | null };

const PIN_ERRORS = new Set(['PIN_WRONG', 'PIN_LOCKED', 'PIN_FORMAT_INVALID']);

type Props = { onBack(): void; onTopUp(): void; onForgotPin(): void };

/**
 * Orders waiting for the user (remote orders, payment codes over the no-PIN limit): who, how much,
 * what for, and until when. Pay with the PIN → receipt, or decline after confirming. An order
 * whose time ran out says so and cannot be paid.
 */
export function Orders({ onBack, onTopUp, onForgotPin }: Props) {
  const { m, errorText, money, clock } = useI18n();
  const backend = useBackend();
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [loadError, setLoadError] = useState<WalletError | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [pinError, setPinError] = useState<WalletError | null>(null);
  const [tries, setTries] = useState(0);
  const [error, setError] = useState<WalletError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<Operation | null>(null);
  const live = useRef(true);
  const now = useNow(!receipt);
  useStepFocus(receipt ? 'receipt' : 'list');

  const load = useCallback(async () => {
    try {
      const list = await backend.orders();
      if (!live.current) return;
      // An order that ran out while shown stays, marked expired, so the user sees why it went.
      setOrders((shown) => [
        ...list,
        ...(shown ?? [])
          .filter((o) => !list.some((n) => n.order_id === o.order_id) && secondsUntil(o.expires_at, Date.now()) <= 0)
          .map((o): Order => ({ ...o, status: 'expired' })),
      ]);
      setLoadError(null);
    } catch (e) {
      if (live.current) setLoadError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    live.current = true;
    void load();
    const timer = setInterval(() => void load(), polling.ordersMs);
    return () => {
      live.current = false;
      clearInterval(timer);
    };
  }, [load]);

  function start(kind: Action['kind'], order: Order) {
    setError(null);
    setDone(null);
    setPinError(null);
    setAction({ kind, order, key: newIdempotencyKey(), source: null });
  }

  async function pay(a: Action, pin: string) {
    if (busy) return;
    setBusy(true);
    setPinError(null);
    try {
      const op = await backend.confirmOrder(a.order.order_id, pin, a.key, a.source);
      setAction(null);
      setReceipt(op);
    } catch (e) {
      const err = WalletError.from(e);
      if (PIN_ERRORS.has(err.code)) {
        setPinError(err);
        setTries((n) => n + 1);
      } else {
        setAction(null);
        setError(err);
        void load();
      }
    } finally {
      setBusy(false);
    }
  }

  async function decline(a: Action) {
    setBusy(true);
    try {
      await backend.declineOrder(a.order.order_id);
      setAction(null);
      setDone(fmt(m.orders.declined, { amount: money(a.order.amount), merchant: a.order.merchant_name }));
      void load();
    } catch (e) {
      setAction(null);
      setError(WalletError.from(e));
      void load();
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    return (
      <main className="screen" data-testid="screen-orders" data-step="receipt">
        <TopBar onBack={onBack} title={m.orders.title} />
        <div className="page">
          <PaymentReceipt initial={receipt} onDone={onBack} />
        </div>
      </main>
    );
  }

  const named = (o: Order) => ({ amount: money(o.amount), merchant: o.merchant_name });

  return (
    <main className="screen" data-testid="screen-orders" data-step="list">
      <TopBar onBack={onBack} />
      <div className="page">
        <h1 className="page__title">{m.orders.title}</h1>
        <p className="page__subtitle">{m.orders.subtitle}</p>
        {done && (
          <Notice kind="success" testId="orders-done">
            {done}
          </Notice>
        )}
        {error && (
          <Notice kind="error" testId="orders-error">
            {errorText(error)}
          </Notice>
        )}
        {error?.code === 'BALANCE_INSUFFICIENT' && (
          <Button block variant="secondary" onClick={onTopUp} data-testid="orders-topup">
            {m.scan.topUp}
          </Button>
        )}
        {loadError && (
          <Notice kind="error" testId="form-error">
            {errorText(loadError)}{' '}
            <button type="button" className="link" onClick={() => void load()}>
              {m.app.retry}
            </button>
          </Notice>
        )}
        {!orders && !loadError && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
          </p>
        )}
        {orders && orders.length === 0 && (
          <p className="page__note card empty" data-testid="orders-empty">
            {m.orders.empty}
          </p>
        )}
        {orders && orders.length > 0 && (
          <ul className="orders" aria-label={m.orders.title}>
            {orders.map((o) => {
              const left = secondsUntil(o.expires_at, now);
              const expired = o.status === 'expired' || left <= 0;
              return (
                <li key={o.order_id} className={`order card${expired ? ' is-expired' : ''}`} data-testid="order" data-order-id={o.order_id} data-expired={expired}>
                  <MerchantHead name={o.merchant_name} city={o.merchant_city} mcc={o.mcc} testId="order-merchant" />
                  <p className="order__amount" data-testid="order-amount">
                    {money(o.amount)}
                  </p>
                  {o.description && (
                    <p className="order__description" data-testid="order-description">
                      {o.description}
                    </p>
                  )}
                  <p className="order__meta">
                    <span>{m.orders.channel[o.channel]}</span>
                    {expired ? (
                      <span className="badge badge--danger" data-testid="order-expired">
                        {m.orders.expired}
                      </span>
                    ) : (
                      <span className="order__timer" role="timer" aria-live="off" data-testid="order-countdown">
                        <ClockIcon width={16} height={16} /> {fmt(m.orders.expiresIn, { time: clock(left) })}
                      </span>
                    )}
                  </p>
                  {expired ? (
                    <p className="page__note" data-testid="order-expired-body">
                      {m.orders.expiredBody}
                    </p>
                  ) : (
                    <div className="order__actions">
                      <Button variant="danger-ghost" onClick={() => start('decline', o)} aria-label={fmt(m.orders.declineNamed, named(o))} data-testid={`order-decline-${o.order_id}`}>
                        {m.orders.decline}
                      </Button>
                      <Button onClick={() => start('pay', o)} aria-label={fmt(m.orders.payNamed, named(o))} data-testid={`order-pay-${o.order_id}`}>
                        {m.orders.pay}
                      </Button>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {action?.kind === 'pay' && (
        <PinDialog
          key={tries}
          title={fmt(m.orders.pinTitle, named(action.order))}
          body={m.orders.pinBody}
          before={<SourcePicker amount={action.order.amount} value={action.source} onChange={(source) => setAction((a) => (a ? { ...a, source } : a))} />}
          busy={busy}
          error={pinError ? errorText(pinError) : null}
          extra={
            pinError?.code === 'PIN_LOCKED' ? (
              <button type="button" className="link" onClick={onForgotPin} data-testid="forgot-pin">
                {m.pin.forgot}
              </button>
            ) : null
          }
          onSubmit={(pin) => void pay(action, pin)}
          onCancel={() => setAction(null)}
        />
      )}
      {action?.kind === 'decline' && (
        <ConfirmDialog
          title={fmt(m.orders.declineTitle, named(action.order))}
          body={m.orders.declineBody}
          confirmLabel={m.orders.decline}
          busy={busy}
          onConfirm={() => void decline(action)}
          onCancel={() => setAction(null)}
        />
      )}
    </main>
  );
}
