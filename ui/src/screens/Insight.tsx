import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Budget, Category, MonthlySummary } from '../backend/types';
import { Button, Field, Notice, TopBar } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { toDecimal } from '../i18n/money';
import { CATEGORIES, monthLabel, shiftMonth } from './insightShared';

const BAR_H = 28;
const GAP = 14;
const LABEL_W = 120;
const CHART_W = 560;

/**
 * A month's spending by category (the core's totals, drawn as SVG bars) with a month switcher,
 * and the monthly budget of each category (set or remove; the core parses the amount).
 */
export function Insight({ onBack }: { onBack(): void }) {
  const { m, errorText, locale } = useI18n();
  const backend = useBackend();
  const t = m.insight;
  const [month, setMonth] = useState<string | null>(null);
  const [summary, setSummary] = useState<MonthlySummary | null>(null);
  const [budgets, setBudgets] = useState<Budget[]>([]);
  const [error, setError] = useState<WalletError | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [s, b] = await Promise.all([backend.monthlySummary(month), backend.budgets()]);
      setSummary(s);
      setBudgets(b);
    } catch (e) {
      setError(WalletError.from(e));
    }
  }, [backend, month]);

  useEffect(() => {
    void load();
  }, [load]);

  const shown = summary?.month ?? month;

  return (
    <main className="screen" data-testid="screen-insight">
      <TopBar onBack={onBack} />
      <div className="page">
        <h1 className="page__title">{t.title}</h1>
        {error && (
          <Notice kind="error" testId="insight-error">
            {errorText(error)}
          </Notice>
        )}
        {shown && (
          <div className="month-switch" role="group" aria-label={m.history.month}>
            <Button variant="secondary" className="btn--small" onClick={() => setMonth(shiftMonth(shown, -1))} aria-label={t.prev} data-testid="insight-prev">
              ‹
            </Button>
            <span className="month-switch__name" data-testid="insight-month" data-month={shown} aria-live="polite">
              {monthLabel(shown, locale)}
            </span>
            <Button variant="secondary" className="btn--small" onClick={() => setMonth(shiftMonth(shown, 1))} aria-label={t.next} data-testid="insight-next">
              ›
            </Button>
          </div>
        )}
        {summary && <Chart summary={summary} />}
        <Budgets budgets={budgets} onChanged={() => void load()} />
      </div>
    </main>
  );
}

/** Horizontal bars, longest for the most spent; each bar names its category and amount. */
export function Chart({ summary }: { summary: MonthlySummary }) {
  const { m, money, locale } = useI18n();
  const t = m.insight;
  const spending = summary.by_category.filter((c) => c.spent.minor > 0 || c.count > 0);
  const max = Math.max(1, ...spending.map((c) => c.spent.minor));
  const height = spending.length * (BAR_H + GAP);
  const title = fmt(t.chart, { month: monthLabel(summary.month, locale) });
  return (
    <section className="card chart" aria-label={title} data-testid="insight-chart">
      <p className="chart__totals">
        <span data-testid="insight-spent">{fmt(t.spent, { amount: money(summary.spent) })}</span>
        {summary.received.minor > 0 && <span data-testid="insight-received"> · {fmt(t.received, { amount: money(summary.received) })}</span>}
      </p>
      {spending.length === 0 ? (
        <p className="page__note" data-testid="insight-empty">
          {t.empty}
        </p>
      ) : (
        <svg viewBox={`0 0 ${CHART_W} ${height}`} width="100%" role="list" aria-label={title} className="chart__svg">
          {spending.map((c, i) => {
            const y = i * (BAR_H + GAP);
            // Drawing only: the bar's length is its share of the largest total.
            const w = Math.max(2, Math.round(((CHART_W - LABEL_W - 130) * Math.max(0, c.spent.minor)) / max));
            const name = m.categories[c.category];
            const amount = money(c.spent);
            const over = c.budget !== null && c.spent.minor >= c.budget.minor;
            return (
              <g key={c.category} role="listitem" aria-label={fmt(t.bar, { category: name, amount })} data-testid="chart-bar" data-category={c.category} data-minor={c.spent.minor}>
                <text x={0} y={y + BAR_H * 0.7} className="chart__label">
                  {name}
                </text>
                <rect x={LABEL_W} y={y} width={w} height={BAR_H} rx={4} className={`chart__bar chart__bar--${c.category}${over ? ' is-over' : ''}`} />
                <text x={LABEL_W + w + 8} y={y + BAR_H * 0.7} className="chart__value" data-testid="chart-value">
                  {amount}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {spending.length > 0 && (
        <table className="chart__table" data-testid="insight-table">
          <caption className="sr-only">{title}</caption>
          <tbody>
            {summary.by_category.map((c) => (
              <tr key={c.category} data-testid="insight-row" data-category={c.category}>
                <th scope="row">{m.categories[c.category]}</th>
                <td data-testid="insight-row-spent">{money(c.spent)}</td>
                <td>{c.count === 1 ? t.countOne : fmt(t.count, { count: c.count })}</td>
                <td>{c.budget ? fmt(t.ofBudget, { percent: percentOf(c.spent.minor, c.budget.minor), budget: money(c.budget) }) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Whole percent of `part` in `whole` (integer arithmetic, rounded down). */
function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Number((BigInt(Math.max(0, part)) * 100n) / BigInt(whole));
}

function Budgets({ budgets, onChanged }: { budgets: Budget[]; onChanged(): void }) {
  const { m } = useI18n();
  const t = m.insight;
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} data-testid="budgets">
      <h2 className="section-title" id={titleId}>
        {t.budgets}
      </h2>
      <p className="page__note">{t.budgetsHint}</p>
      <ul className="card list">
        {CATEGORIES.map((c) => (
          <BudgetRow key={c} category={c} budget={budgets.find((b) => b.category === c) ?? null} onChanged={onChanged} />
        ))}
      </ul>
    </section>
  );
}

function BudgetRow({ category, budget, onChanged }: { category: Category; budget: Budget | null; onChanged(): void }) {
  const { m, money, errorText } = useI18n();
  const backend = useBackend();
  const t = m.insight;
  const [text, setText] = useState(budget ? toDecimal(budget.monthly) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    setText(budget ? toDecimal(budget.monthly) : '');
  }, [budget]);

  async function change(amount: string | null) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await backend.setBudget(category, amount);
      setDone(amount === null ? t.cleared : t.saved);
      onChanged();
    } catch (e) {
      setError(WalletError.from(e));
    } finally {
      setBusy(false);
    }
  }

  function save(e: FormEvent) {
    e.preventDefault();
    void change(text.trim());
  }

  const name = m.categories[category];
  return (
    <li className="budget" data-testid={`budget-${category}`} data-set={budget ? 'true' : 'false'}>
      <form className="budget__form" onSubmit={save} noValidate aria-busy={busy}>
        <Field
          label={fmt(t.budgetFor, { category: name })}
          prefix="¥"
          inputMode="decimal"
          autoComplete="off"
          placeholder={t.none}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
            setDone(null);
          }}
          hint={budget ? money(budget.monthly) : t.none}
          error={error ? errorText(error) : null}
          testId={`budget-${category}-amount`}
        />
        <span className="budget__actions">
          <Button type="submit" className="btn--small" busy={busy} disabled={text.trim() === ''} data-testid={`budget-${category}-save`}>
            {t.save}
          </Button>
          {budget && (
            <Button variant="ghost" className="btn--small" disabled={busy} onClick={() => void change(null)} data-testid={`budget-${category}-clear`}>
              {t.clear}
            </Button>
          )}
        </span>
        {done && (
          <span className="sr-only" role="status">
            {done}
          </span>
        )}
      </form>
    </li>
  );
}
