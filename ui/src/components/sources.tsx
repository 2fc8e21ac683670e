// Funding sources (docs/rules.md §Funding sources): the picker on every confirm screen, the
// default-order settings, and how a source reads on a receipt or in the history.
import { useEffect, useId, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Card, FundingSources, Money, SourceOption } from '../backend/types';
import { fmt, useI18n } from '../i18n';
import { Button, Notice } from './ui';

/** How one source reads: `Balance ¥12.00`, `China Merchants Bank debit card (1234)`, `Phone bill +86 138****5678`. */
export function useSourceText() {
  const { m, money, cardLabel } = useI18n();
  return (o: SourceOption): string => {
    if (o.kind === 'card' && o.card) return cardLabel(o.card);
    if (o.kind === 'carrier') return o.phone_masked ? `${m.sources.carrier} ${o.phone_masked}` : m.sources.carrier;
    return o.balance ? `${m.sources.balance} ${money(o.balance)}` : m.sources.balance;
  };
}

/**
 * Where a payment's money came from, as a receipt or the history says it: the balance, the card
 * (by its bank and last 4, from the operation or the cards list), or the phone bill.
 */
export function useSourceOf() {
  const { m, cardLabel } = useI18n();
  return (source: string | null | undefined, op: { bank: Card['bank'] | null; card_last4: string | null }, cards: Card[] = []): string => {
    if (!source || source === 'balance') return m.sources.balance;
    if (source === 'carrier') return m.sources.carrier;
    const card = cards.find((c) => `card:${c.card_id}` === source);
    if (card) return cardLabel(card);
    return op.card_last4 ? cardLabel({ bank: op.bank, last4: op.card_last4 }) : m.card.generic;
  };
}

/** The source the default order would pick for `amount` (the balance only when it covers it). */
export function defaultPick(s: FundingSources, amount: Money | null): string {
  const usable = (id: string) => s.sources.find((o) => o.source === id && o.usable);
  for (const id of s.order) {
    const o = usable(id);
    if (!o) continue;
    if (o.kind !== 'balance') return id;
    if (!amount || (o.balance && o.balance.minor >= amount.minor)) return id;
  }
  return 'balance';
}

/**
 * "Pay from": every usable source as a radio, the default order's pick selected first. Shown on
 * the confirm step (inside the PIN dialog, above the PIN, so the choice is made before the PIN
 * submits by itself).
 */
export function SourcePicker({ amount, value, onChange }: { amount: Money | null; value: string | null; onChange(source: string): void }) {
  const { m, money } = useI18n();
  const backend = useBackend();
  const text = useSourceText();
  const name = useId();
  const [sources, setSources] = useState<FundingSources | null>(null);
  const [error, setError] = useState<WalletError | null>(null);

  useEffect(() => {
    let live = true;
    backend
      .fundingSources()
      .then((s) => {
        if (!live) return;
        setSources(s);
        if (value === null) onChange(defaultPick(s, amount));
      })
      .catch((e) => live && setError(WalletError.from(e)));
    return () => {
      live = false;
    };
    // Loaded once per dialog.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend]);

  if (error || !sources) return null;
  return (
    <fieldset className="picker sources-picker" data-testid="source-picker">
      <legend className="field__label">{m.sources.pickLabel}</legend>
      <div className="card list">
        {sources.sources.map((o) => (
          <label key={o.source} className={`picker__option${o.usable ? '' : ' is-disabled'}`} data-testid={`pick-source-${o.source}`}>
            <input type="radio" name={name} value={o.source} checked={value === o.source} disabled={!o.usable} onChange={() => onChange(o.source)} />
            <span className="row__text">
              <span className="row__title">{text(o)}</span>
              {o.monthly_remaining && <span className="row__sub">{fmt(m.sources.carrierLeft, { amount: money(o.monthly_remaining) })}</span>}
              {!o.usable && <span className="row__sub">{m.sources.unusable}</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * The default order as a list: tick the sources to use, move them up or down, save. Payment
 * codes and confirmations without a choice follow it.
 */
export function SourceOrderSettings() {
  const { m, money, errorText } = useI18n();
  const backend = useBackend();
  const text = useSourceText();
  const [sources, setSources] = useState<FundingSources | null>(null);
  const [order, setOrder] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);

  useEffect(() => {
    let live = true;
    backend
      .fundingSources()
      .then((s) => {
        if (!live) return;
        setSources(s);
        setOrder(s.order);
      })
      .catch((e) => live && setError(WalletError.from(e)));
    return () => {
      live = false;
    };
  }, [backend]);

  if (!sources) return error ? <Notice kind="error">{errorText(error)}</Notice> : null;
  const byId = new Map(sources.sources.map((o) => [o.source, o]));
  const listed = [...order, ...sources.sources.map((o) => o.source).filter((id) => !order.includes(id))];

  function move(id: string, by: number) {
    const i = order.indexOf(id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= order.length) return;
    const next = [...order];
    next.splice(j, 0, ...next.splice(i, 1));
    setOrder(next);
    setSaved(false);
  }

  function toggle(id: string) {
    setOrder(order.includes(id) ? order.filter((s) => s !== id) : [...order, id]);
    setSaved(false);
  }

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const s = await backend.setFundingOrder(order);
      setSources(s);
      setOrder(s.order);
      setSaved(true);
    } catch (e) {
      setError(WalletError.from(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sources" aria-labelledby="sources-title" data-testid="source-order">
      <h2 id="sources-title" className="section__title">
        {m.sources.title}
      </h2>
      <p className="page__note">{m.sources.subtitle}</p>
      {saved && (
        <Notice kind="success" testId="source-order-saved">
          {m.sources.saved}
        </Notice>
      )}
      {error && (
        <Notice kind="error" testId="source-order-error">
          {errorText(error)}
        </Notice>
      )}
      <ol className="card list">
        {listed.map((id) => {
          const o = byId.get(id);
          if (!o) return null;
          const on = order.includes(id);
          const label = text(o);
          const i = order.indexOf(id);
          return (
            <li key={id} className="row" data-testid={`source-row-${id}`}>
              <label className="row__text">
                <input type="checkbox" checked={on} disabled={!o.usable && !on} onChange={() => toggle(id)} aria-label={fmt(m.sources.use, { source: label })} />{' '}
                <span className="row__title">{label}</span>
                {o.monthly_remaining && <span className="row__sub">{fmt(m.sources.carrierLeft, { amount: money(o.monthly_remaining) })}</span>}
              </label>
              {on && (
                <span className="row__actions">
                  <Button variant="ghost" disabled={i === 0} onClick={() => move(id, -1)} aria-label={fmt(m.sources.up, { source: label })} data-testid={`source-up-${id}`}>
                    ↑
                  </Button>
                  <Button variant="ghost" disabled={i === order.length - 1} onClick={() => move(id, 1)} aria-label={fmt(m.sources.down, { source: label })} data-testid={`source-down-${id}`}>
                    ↓
                  </Button>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <Button block busy={busy} disabled={order.length === 0} onClick={() => void save()} data-testid="source-order-save">
        {m.sources.save}
      </Button>
    </section>
  );
}
