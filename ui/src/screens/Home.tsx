import { useCallback, useEffect, useRef, useState, type ComponentType, type ReactNode, type SVGProps } from 'react';
import type { Place } from '../App';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { AccountStatus, Balance, Card, DeviceEvent, Order, Profile } from '../backend/types';
import { LanguageMenu, Notice } from '../components/ui';
import {
  CardIcon,
  ChevronRight,
  DevicesIcon,
  HistoryIcon,
  EyeIcon,
  EyeOffIcon,
  InboxIcon,
  LockIcon,
  PlusCircleIcon,
  QrIcon,
  ScanIcon,
  ShieldIcon,
  SlidersIcon,
  TransferIcon,
  WithdrawIcon,
} from '../components/icons';
import { OperationRow } from '../components/money';
import { fmt, useI18n } from '../i18n';
import { polling } from '../polling';
import { AccountBanner, DeviceNotices, NOTICE_KINDS } from './AccountNotices';
import { dismissBudgetAlert, useBudgetAlerts } from './budgetAlerts';
import { BudgetAlerts } from './History';

type Icon = ComponentType<SVGProps<SVGSVGElement>>;

const RECENT = 10;

/** Who, balance, account state, device notices and open orders: home moves until all are in. */
const FIRST_LOADS = 5;

/**
 * Counts the first loads still in flight. Home is `aria-busy` until they end, because each one
 * may add a notice or a banner that moves the rows below it (screen readers wait; so do tests).
 */
function useFirstLoads(count: number) {
  const [left, setLeft] = useState(count);
  const done = useCallback(() => setLeft((n) => Math.max(0, n - 1)), []);
  return { busy: left > 0, done };
}

/** Home: who is signed in, the (hidden) balance, recent activity, and every action one tap away. */
export function Home({
  profile: initial,
  onNavigate,
  notices,
  setNotices,
}: {
  profile: Profile;
  onNavigate(to: Place): void;
  /** Device notices not dismissed yet; kept by the app so they survive a visit to another screen. */
  notices: DeviceEvent[];
  setNotices(update: (n: DeviceEvent[]) => DeviceEvent[]): void;
}) {
  const { m, errorText, money, dateTime } = useI18n();
  const backend = useBackend();
  const [profile, setProfile] = useState(initial);
  const [showBalance, setShowBalance] = useState(false);
  const [refreshError, setRefreshError] = useState<WalletError | null>(null);
  const [balance, setBalance] = useState<Balance | null>(null);
  const [balanceError, setBalanceError] = useState<WalletError | null>(null);
  const [cards, setCards] = useState<Card[]>([]);
  const [orders, setOrders] = useState<Order[]>([]);
  const [account, setAccount] = useState<AccountStatus | null>(null);
  const budgetAlerts = useBudgetAlerts();
  const live = useRef(true);
  const firstLoads = useFirstLoads(FIRST_LOADS);
  const pollOrders = useRef<() => void>(() => undefined);

  const loadAccount = useCallback(
    () =>
      backend
        .accountStatus()
        .then((s) => void (live.current && setAccount(s)))
        .catch(() => undefined), // Offline: the last state stays; a revoked device goes to welcome.
    [backend],
  );

  const loadBalance = useCallback(async () => {
    try {
      const b = await backend.balance();
      if (!live.current) return null;
      setBalance(b);
      setBalanceError(null);
      return b;
    } catch (e) {
      const err = WalletError.from(e);
      if (live.current && err.code !== 'DEVICE_REVOKED') setBalanceError(err);
      return null;
    }
  }, [backend]);

  // Refresh from the server; a revoked device is handled app-wide (welcome screen).
  useEffect(() => {
    live.current = true;
    backend
      .whoami()
      .then((p) => live.current && setProfile(p))
      .catch((e) => {
        const err = WalletError.from(e);
        if (live.current && err.code !== 'DEVICE_REVOKED') setRefreshError(err);
      })
      .finally(firstLoads.done);
    backend
      .cards()
      .then((c) => live.current && setCards(c))
      .catch(() => undefined); // Only used to name cards; the operations carry bank and last 4.
    void loadBalance().finally(firstLoads.done);
    loadAccount().finally(firstLoads.done);
    return () => {
      live.current = false;
    };
  }, [backend, loadBalance, loadAccount, firstLoads.done]);

  // Notices from the account's other devices (a new device, a freeze, a changed setting).
  useEffect(() => {
    let active = true;
    const poll = () =>
      backend
        .syncEvents()
        .then((events) => {
          if (!active || events.length === 0) return;
          const shown = events.filter((e) => NOTICE_KINDS.includes(e.kind));
          if (shown.length > 0) setNotices((n) => [...shown.reverse(), ...n]);
          if (events.some((e) => e.kind === 'order_waiting')) pollOrders.current();
          if (events.some((e) => e.kind === 'transfer_received')) void loadBalance();
          if (events.some((e) => e.kind === 'frozen' || e.kind === 'unfrozen' || e.kind === 'new_device')) loadAccount();
        })
        .catch(() => undefined);
    void poll().finally(firstLoads.done);
    const timer = setInterval(() => void poll(), polling.eventsMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [backend, loadAccount, loadBalance, setNotices, firstLoads.done]);

  // Orders waiting for the user (remote orders, payment codes over the no-PIN limit) show on top;
  // look for new ones while home is open. Offline, the last list stays.
  useEffect(() => {
    let active = true;
    const poll = () =>
      backend
        .orders()
        .then((o) => active && setOrders(o.filter((x) => x.status === 'open')))
        .catch(() => undefined);
    pollOrders.current = () => void poll();
    void poll().finally(firstLoads.done);
    const timer = setInterval(() => void poll(), polling.ordersMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [backend, firstLoads.done]);

  // While the bank is still confirming something, ask again now and then: it updates by itself.
  const pending = balance?.operations.some((o) => o.status === 'pending') ?? false;
  useEffect(() => {
    if (!pending) return;
    let tries = 0;
    const timer = setInterval(() => {
      if (++tries > polling.maxTries) clearInterval(timer);
      else void loadBalance();
    }, polling.intervalMs);
    return () => clearInterval(timer);
  }, [pending, loadBalance]);

  const balanceText = !showBalance ? '¥ ••••••' : balance ? money(balance.balance) : balanceError ? '¥ —' : m.home.balanceLoading;
  const recent = balance?.operations.slice(0, RECENT) ?? [];

  return (
    <main className="screen screen--home" data-testid="screen-home" aria-busy={firstLoads.busy}>
      <section className="home-head on-brand">
        <div className="hero__bar">
          <div className="who">
            <span className="avatar" aria-hidden="true">
              {profile.name.slice(0, 1)}
            </span>
            <div>
              <h1 className="who__name" data-testid="home-name">
                {fmt(m.home.greeting, { name: profile.name })}
              </h1>
              <p className="who__phone" data-testid="home-phone">
                {profile.phone_masked}
              </p>
            </div>
          </div>
          <LanguageMenu tone="brand" />
        </div>
        <div className="balance">
          <div>
            <p className="balance__label">{m.home.balance}</p>
            <p className="balance__value" data-testid="balance-value" aria-live="polite">
              {balanceText}
            </p>
          </div>
          <button
            type="button"
            className="icon-btn icon-btn--brand"
            aria-pressed={showBalance}
            aria-label={showBalance ? m.home.hideBalance : m.home.showBalance}
            onClick={() => setShowBalance((s) => !s)}
            data-testid="balance-toggle"
          >
            {showBalance ? <EyeOffIcon /> : <EyeIcon />}
          </button>
        </div>
        {balance?.stale && (
          <p className="balance__note" data-testid="balance-stale">
            {fmt(m.home.balanceStale, { time: dateTime(balance.as_of) })}
          </p>
        )}
        {showBalance && balanceError && (
          <p className="balance__note" data-testid="balance-error">
            {m.home.balanceUnavailable} {errorText(balanceError)}
          </p>
        )}
        <div className="big-actions">
          <BigAction icon={ScanIcon} label={m.home.scan} hint={m.home.scanHint} onClick={() => onNavigate('scan')} testId="action-scan" />
          <BigAction icon={QrIcon} label={m.home.pay} hint={m.home.payHint} onClick={() => onNavigate('paycode')} testId="action-pay" />
        </div>
      </section>

      <div className="page page--home">
        {refreshError && <Notice kind="error">{errorText(refreshError)}</Notice>}
        <AccountBanner status={account} onOpen={() => onNavigate('security')} />
        <DeviceNotices events={notices} onDismiss={(cursor) => setNotices((n) => n.filter((e) => e.cursor !== cursor))} onFrozen={setAccount} />
        <BudgetAlerts alerts={budgetAlerts} onDismiss={dismissBudgetAlert} />
        {orders.length > 0 && <OrdersWaiting orders={orders} onOpen={() => onNavigate('orders')} />}
        <nav className="card grid-actions" aria-label={m.home.services}>
          <SmallAction icon={PlusCircleIcon} label={m.home.topUp} onClick={() => onNavigate('top-up')} testId="action-topup" />
          <SmallAction icon={WithdrawIcon} label={m.home.withdraw} onClick={() => onNavigate('withdraw')} testId="action-withdraw" />
          <SmallAction icon={CardIcon} label={m.home.cards} onClick={() => onNavigate('cards')} testId="action-cards" />
          <SmallAction icon={TransferIcon} label={m.home.transfer} onClick={() => onNavigate('transfer')} testId="action-transfer" />
        </nav>

        <div className="section-head">
          <h2 className="section-title" id="recent-title">
            {m.home.recent}
          </h2>
          <button type="button" className="link" onClick={() => onNavigate('history')} data-testid="home-see-all">
            {m.home.seeAll}
          </button>
        </div>
        {balance && recent.length === 0 && <p className="page__note card empty">{m.home.recentEmpty}</p>}
        {recent.length > 0 && (
          <ul className="card list" aria-labelledby="recent-title" data-testid="operations">
            {recent.map((op) => (
              <OperationRow key={op.operation_id} op={op} cards={cards} />
            ))}
          </ul>
        )}

        <h2 className="section-title">{m.home.more}</h2>
        <div className="card list">
          <NavRow icon={<HistoryIcon />} title={m.home.history} hint={m.home.historyHint} testId="home-history" onClick={() => onNavigate('history')} />
          <NavRow icon={<InboxIcon />} title={m.home.orders} hint={m.home.ordersHint} testId="home-orders" onClick={() => onNavigate('orders')}>
            {orders.length > 0 && <CountBadge count={orders.length} />}
          </NavRow>
          <NavRow icon={<LockIcon />} title={m.home.pin} hint={m.home.pinHint} testId="home-pin" onClick={() => onNavigate('pin')} />
          <NavRow icon={<DevicesIcon />} title={m.home.devices} hint={m.home.devicesHint} testId="home-devices" onClick={() => onNavigate('devices')} />
          <NavRow icon={<ShieldIcon />} title={m.home.security} hint={m.home.securityHint} testId="home-security" onClick={() => onNavigate('security')} />
          <NavRow icon={<SlidersIcon />} title={m.home.settings} hint={m.home.settingsHint} testId="home-settings" onClick={() => onNavigate('settings')} />
        </div>
      </div>
    </main>
  );
}

function BigAction({ icon: I, label, hint, onClick, testId }: { icon: Icon; label: string; hint: string; onClick(): void; testId: string }) {
  return (
    <button type="button" className="big-action" onClick={onClick} data-testid={testId}>
      <I width={34} height={34} />
      <span className="big-action__label">{label}</span>
      <span className="big-action__hint">{hint}</span>
    </button>
  );
}

/** The first open order and how many more, one tap from the inbox. */
function OrdersWaiting({ orders, onOpen }: { orders: Order[]; onOpen(): void }) {
  const { m, money } = useI18n();
  const first = orders[0] as Order;
  const values = { merchant: first.merchant_name, amount: money(first.amount), count: orders.length - 1 };
  return (
    <button type="button" className="waiting card" onClick={onOpen} data-testid="orders-waiting">
      <span className="waiting__icon" aria-hidden="true">
        <InboxIcon />
      </span>
      <span className="row__text">
        <span className="row__title">{m.home.ordersTitle}</span>
        <span className="waiting__text" data-testid="orders-waiting-text">
          {fmt(orders.length > 1 ? m.home.ordersMore : m.home.ordersOne, values)}
        </span>
      </span>
      <CountBadge count={orders.length} testId="orders-badge" />
      <ChevronRight className="row__chev" />
    </button>
  );
}

/** A count in a badge; screen readers hear "2 waiting". */
function CountBadge({ count, testId }: { count: number; testId?: string }) {
  const { m } = useI18n();
  return (
    <span className="count-badge" data-testid={testId}>
      <span aria-hidden="true">{count}</span>
      <span className="sr-only">{fmt(m.home.ordersBadge, { count })}</span>
    </span>
  );
}

/** A service button; without `onClick` it is not built yet and says so. */
function SmallAction({ icon: I, label, onClick, testId }: { icon: Icon; label: string; onClick?: () => void; testId: string }) {
  const { m } = useI18n();
  return (
    <button type="button" className="small-action" disabled={!onClick} title={onClick ? undefined : m.app.comingSoon} onClick={onClick} data-testid={testId}>
      <span className="small-action__icon">
        <I />
      </span>
      <span>{label}</span>
      {!onClick && <span className="sr-only">({m.app.comingSoon})</span>}
    </button>
  );
}

/** One row of the home screen's "more" list: icon, title, hint, an optional badge, a chevron. */
function NavRow(props: { icon: ReactNode; title: string; hint: string; testId: string; onClick: () => void; children?: ReactNode }) {
  return (
    <button type="button" className="row" onClick={props.onClick} data-testid={props.testId}>
      <span className="row__icon">{props.icon}</span>
      <span className="row__text">
        <span className="row__title">{props.title}</span>
        <span className="row__sub">{props.hint}</span>
      </span>
      {props.children}
      <ChevronRight className="row__chev" />
    </button>
  );
}
