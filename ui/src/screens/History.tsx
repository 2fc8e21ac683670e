import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { BudgetAlert, Card, Category, HistoryEntry, HistoryQuery, OperationKind } from '../backend/types';
import { ArrowDownIcon, ArrowUpIcon, StoreIcon, TransferIcon } from '../components/icons';
import { Summary } from '../components/money';
import { useSourceOf } from '../components/sources';
import { Button, ConfirmDialog, Field, Notice, TopBar } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { dismissBudgetAlert, reportBudgetAlerts, useBudgetAlerts } from './budgetAlerts';
import { CATEGORIES, monthLabel, recentMonths } from './insightShared';

const KINDS: OperationKind[] = ['payment', 'refund', 'transfer_out', 'transfer_in', 'topup', 'withdrawal'];
const PAGE = 30;
/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

type Filters = { search: string; month: string; kind: string; card: string; category: string };
const NO_FILTERS: Filters = { search: '', month: '', kind: '', card: '', category: '' };

function toQuery(f: Filters, before: string | null): HistoryQuery {
  return {
    search: f.search.trim() || null,
    month: f.month || null,
    kind: (f.kind || null) as OperationKind | null,
    card_id: f.card || null,
    category: (f.category || null) as Category | null,
    before,
    limit: PAGE,
  };
}

/**
 * The history: synced from the server on open (offline, the stored list still shows), then read
 * from the device page by page as the list scrolls. Search (merchant, person, note) and filters
 * (month, kind, card, category) are the core's; this screen only lays the entries out.
 */
export function History({ onBack, onInsight }: { onBack(): void; onInsight(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const t = m.history;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [typed, setTyped] = useState('');
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [syncError, setSyncError] = useState<WalletError | null>(null);
  const alerts = useBudgetAlerts();
  const [cards, setCards] = useState<Card[]>([]);
  const [detail, setDetail] = useState<HistoryEntry | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<WalletError | null>(null);
  const [exporting, setExporting] = useState(false);
  /** The export dialog (what the file is and where it goes) is open. */
  const [askExport, setAskExport] = useState(false);
  const [synced, setSynced] = useState(0);
  const request = useRef(0);
  const sentinel = useRef<HTMLDivElement | null>(null);
  // What an observer callback must read: its closure may be a render old (an observer can fire
  // between a render and the effect that replaces it), and a page must never load twice.
  const nextRef = useRef<string | null>(null);
  const loadingRef = useRef(true);

  // Sync once on open; the list below reloads when it is done (offline: the stored list stays).
  useEffect(() => {
    let live = true;
    backend
      .syncHistory()
      .then((s) => {
        if (!live) return;
        reportBudgetAlerts(s.alerts);
        setSynced((n) => n + 1);
      })
      .catch((e) => live && setSyncError(WalletError.from(e)));
    backend
      .cards()
      .then((c) => live && setCards(c))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [backend]);

  // Typing waits for a pause before searching.
  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.search === typed ? f : { ...f, search: typed })), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  const load = useCallback(
    async (before: string | null) => {
      const id = ++request.current;
      loadingRef.current = true;
      setLoading(true);
      setError(null);
      try {
        const page = await backend.history(toQuery(filters, before));
        if (id !== request.current) return;
        setEntries((old) => {
          if (!before) return page.entries;
          const shown = new Set(old.map((e) => e.operation_id));
          return [...old, ...page.entries.filter((e) => !shown.has(e.operation_id))];
        });
        nextRef.current = page.next_before;
        setNext(page.next_before);
        setLoaded(true);
      } catch (e) {
        if (id === request.current) setError(WalletError.from(e));
      } finally {
        if (id === request.current) {
          loadingRef.current = false;
          setLoading(false);
        }
      }
    },
    [backend, filters],
  );

  // A new search or filter (or a finished sync) starts from the newest entry.
  useEffect(() => {
    void load(null);
  }, [load, synced]);

  // Infinite scroll: the next page loads when the end of the list comes into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !next || loading || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((seen) => {
      const after = nextRef.current;
      if (seen.some((s) => s.isIntersecting) && after && !loadingRef.current) void load(after);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [next, loading, load]);

  async function exportCsv() {
    setExporting(true);
    setExported(null);
    setExportError(null);
    try {
      setExported(await backend.saveHistoryCsv(toQuery(filters, null)));
    } catch (e) {
      setExportError(WalletError.from(e));
    } finally {
      setExporting(false);
    }
  }

  if (detail) return <Detail entry={detail} cards={cards} onBack={() => setDetail(null)} />;

  const set = (k: keyof Filters) => (v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const filtered = filters.month || filters.kind || filters.card || filters.category || filters.search;

  return (
    <main className="screen" data-testid="screen-history">
      <TopBar onBack={onBack} />
      <div className="page">
        <h1 className="page__title">{t.title}</h1>
        {syncError && syncError.code !== 'DEVICE_REVOKED' && (
          <Notice kind="info" testId="history-offline">
            {t.offline}
          </Notice>
        )}
        <BudgetAlerts alerts={alerts} onDismiss={dismissBudgetAlert} />
        <div className="history-tools">
          <Button variant="secondary" onClick={onInsight} data-testid="history-insight">
            {t.insight}
          </Button>
          <Button
            variant="secondary"
            busy={exporting}
            onClick={() => {
              setExportError(null);
              setAskExport(true);
            }}
            data-testid="history-export"
          >
            {t.export}
          </Button>
        </div>
        {exported && (
          <Notice kind="success" testId="history-exported">
            {fmt(t.exported, { path: exported })}
          </Notice>
        )}
        {exportError && (
          <Notice kind="error" testId="history-export-error">
            {errorText(exportError)}
          </Notice>
        )}
        <div className="card form-card" role="search">
          <Field label={t.search} type="search" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} testId="history-search" />
          <div className="filters">
            <Select label={t.month} value={filters.month} onChange={set('month')} testId="history-month" options={recentMonths().map((mo) => [mo, <MonthName key={mo} month={mo} />])} />
            <Select label={t.kind} value={filters.kind} onChange={set('kind')} testId="history-kind" options={KINDS.map((k) => [k, m.ops[k]])} />
            <Select label={t.card} value={filters.card} onChange={set('card')} testId="history-card" options={cards.map((c) => [c.card_id, `${c.bank ? m.banks[c.bank] : m.card.generic} (${c.last4})`])} />
            <Select label={t.category} value={filters.category} onChange={set('category')} testId="history-category" options={CATEGORIES.map((c) => [c, m.categories[c]])} />
          </div>
        </div>
        {error && (
          <Notice kind="error" testId="history-error">
            {errorText(error)}{' '}
            <button type="button" className="link" onClick={() => void load(null)}>
              {m.app.retry}
            </button>
          </Notice>
        )}
        {loaded && entries.length === 0 && !loading && (
          <p className="page__note card empty" data-testid="history-empty">
            {t.empty}
          </p>
        )}
        {entries.length > 0 && (
          <ul className="card list" aria-label={t.title} data-testid="history-list" data-filtered={filtered ? 'true' : 'false'}>
            {entries.map((e) => (
              <HistoryRow key={e.operation_id} entry={e} onOpen={() => setDetail(e)} />
            ))}
          </ul>
        )}
        <div ref={sentinel} className="history-end" data-testid="history-sentinel">
          {loading && (
            <p className="page__note" role="status">
              <span className="spinner spinner--dark" aria-hidden="true" /> {t.loading}
            </p>
          )}
          {!loading && next && (
            <Button variant="secondary" block onClick={() => void load(next)} data-testid="history-more">
              {t.loadMore}
            </Button>
          )}
          {!loading && !next && entries.length > 0 && (
            <p className="page__note" data-testid="history-end">
              {t.end}
            </p>
          )}
        </div>
      </div>
      {askExport && (
        <ConfirmDialog
          title={t.exportTitle}
          body={t.exportBody}
          confirmLabel={t.exportConfirm}
          confirmVariant="primary"
          onConfirm={() => {
            setAskExport(false);
            void exportCsv();
          }}
          onCancel={() => setAskExport(false)}
        />
      )}
    </main>
  );
}

function MonthName({ month }: { month: string }) {
  const { locale } = useI18n();
  return <>{monthLabel(month, locale)}</>;
}

function Select({ label, value, onChange, options, testId }: { label: string; value: string; onChange(v: string): void; options: Array<[string, ReactNode]>; testId: string }) {
  const { m } = useI18n();
  return (
    <label className="field filter">
      <span className="field__label">{label}</span>
      <select className="field__input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{m.history.all}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Who or what an entry was with: the merchant, the other user, else the kind in words. */
function useParty(e: HistoryEntry): string {
  const { m } = useI18n();
  return e.merchant_name ?? e.counterparty_name_masked ?? (e.card_last4 ? `${e.bank ? m.banks[e.bank] : m.card.generic} (${e.card_last4})` : m.ops[e.kind]);
}

function signedAmount(e: HistoryEntry, money: (m: HistoryEntry['amount'], s?: 'auto' | 'always' | 'never') => string): string {
  if (e.status === 'failed') return money(e.amount, 'never');
  return money(e.direction === 'out' ? { ...e.amount, minor: -e.amount.minor } : e.amount, 'always');
}

function HistoryRow({ entry: e, onOpen }: { entry: HistoryEntry; onOpen(): void }) {
  const { m, money, dateTime } = useI18n();
  const party = useParty(e);
  const Icon = e.kind === 'payment' ? StoreIcon : e.kind === 'transfer_in' || e.kind === 'transfer_out' ? TransferIcon : e.direction === 'in' ? ArrowDownIcon : ArrowUpIcon;
  const what = e.category ? m.categories[e.category] : m.ops[e.kind];
  return (
    <li className={`op op--${e.status}`} data-testid="history-entry" data-operation-id={e.operation_id} data-kind={e.kind} data-category={e.category ?? ''}>
      <button type="button" className="row history-row" onClick={onOpen} data-testid="history-open">
        <span className={`op__icon op__icon--${e.direction}`} aria-hidden="true">
          <Icon width={20} height={20} />
        </span>
        <span className="row__text">
          <span className="row__title" data-testid="history-party">
            {party}
          </span>
          <span className="row__sub">
            {what} · <time dateTime={e.created_at}>{dateTime(e.created_at)}</time>
          </span>
        </span>
        <span className="op__right">
          <span className={`op__amount${e.status === 'failed' ? ' is-void' : e.direction === 'in' ? ' is-in' : ''}`} data-testid="history-amount">
            {signedAmount(e, money)}
          </span>
          {e.status !== 'succeeded' && <span className={`status status--${e.status}`}>{m.ops.status[e.status]}</span>}
        </span>
      </button>
    </li>
  );
}

function Detail({ entry: e, cards, onBack }: { entry: HistoryEntry; cards: Card[]; onBack(): void }) {
  const { m, money, dateTime, cardLabel, errorText } = useI18n();
  const sourceOf = useSourceOf();
  const t = m.history;
  const party = useParty(e);
  const rows: Array<[string, ReactNode, string?]> = [[t.kind, m.ops[e.kind], 'detail-kind']];
  if (e.merchant_name) rows.push([t.merchant, e.merchant_city ? `${e.merchant_name}, ${e.merchant_city}` : e.merchant_name, 'detail-merchant']);
  if (e.mcc) rows.push([t.mcc, e.mcc, 'detail-mcc']);
  if (e.category) rows.push([t.categoryLabel, m.categories[e.category], 'detail-category']);
  if (e.counterparty_name_masked) rows.push([t.counterparty, `${e.counterparty_name_masked}${e.counterparty_phone_masked ? ` (${e.counterparty_phone_masked})` : ''}`, 'detail-counterparty']);
  rows.push([t.status, e.failure_code ? `${m.ops.status[e.status]} · ${errorText(new WalletError(e.failure_code))}` : m.ops.status[e.status], 'detail-status']);
  const card = cards.find((c) => c.card_id === e.card_id);
  if (e.card_last4) rows.push([t.cardLabel, cardLabel(card ?? { bank: e.bank, last4: e.card_last4 }), 'detail-card']);
  if (e.kind === 'payment' || e.kind === 'refund') rows.push([m.payment.from, sourceOf(e.source, e, cards), 'detail-source']);
  if (e.fee.minor > 0) rows.push([m.move.fee, money(e.fee)]);
  if (e.note) rows.push([t.note, e.note, 'detail-note']);
  if (e.order_id) rows.push([t.order, <span className="summary__ref">{e.order_id}</span>, 'detail-order']);
  rows.push([t.created, dateTime(e.created_at), 'detail-created']);
  if (e.updated_at !== e.created_at) rows.push([t.updated, dateTime(e.updated_at), 'detail-updated']);
  rows.push([t.reference, <span className="summary__ref">{e.operation_id}</span>, 'detail-reference']);
  return (
    <main className="screen" data-testid="screen-history-detail" data-operation-id={e.operation_id}>
      <TopBar onBack={onBack} title={t.detail} />
      <div className="page">
        <div className="card confirm">
          <h1 className="page__title" data-testid="detail-party">
            {party}
          </h1>
          <p className={`confirm__amount${e.status === 'failed' ? ' is-void' : ''}`} data-testid="detail-amount">
            {signedAmount(e, money)}
          </p>
          <Summary rows={rows} testId="detail-summary" />
        </div>
        <Button block variant="secondary" onClick={onBack} data-testid="detail-back">
          {t.back}
        </Button>
      </div>
    </main>
  );
}

/** Budget thresholds reached (80 % / 100 %), as notices until dismissed. */
export function BudgetAlerts({ alerts, onDismiss }: { alerts: BudgetAlert[]; onDismiss(a: BudgetAlert): void }) {
  const { m, money, locale } = useI18n();
  const text = useMemo(
    () => (a: BudgetAlert) =>
      fmt(a.threshold_percent >= 100 ? m.insight.alert100 : m.insight.alert80, {
        category: m.categories[a.category],
        month: monthLabel(a.month, locale),
        spent: money(a.spent),
        budget: money(a.budget),
      }),
    [m, money, locale],
  );
  return (
    <>
      {alerts.map((a) => (
        <div key={`${a.category}/${a.month}/${a.threshold_percent}`} className="event-banner" data-testid="budget-alert" data-threshold={a.threshold_percent} data-category={a.category}>
          <Notice kind={a.threshold_percent >= 100 ? 'error' : 'warning'}>
            <span data-testid="budget-alert-text">{text(a)}</span>
            <span className="event-banner__actions">
              <Button variant="ghost" className="btn--small" onClick={() => onDismiss(a)} data-testid="budget-alert-dismiss">
                {m.events.dismiss}
              </Button>
            </span>
          </Notice>
        </div>
      ))}
    </>
  );
}
