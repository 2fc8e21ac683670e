// Building blocks for screens that show cards and move money.
import { useId, type ReactNode } from 'react';
import type { Bank, Card, Operation } from '../backend/types';
import { fmt, useI18n } from '../i18n';
import { ArrowDownIcon, ArrowUpIcon } from './icons';

/** The class that gives a bank's colour (styles.css; white text on each passes WCAG AA). */
export function bankTone(bank: Bank | null): string {
  return `tone-${bank ? bank.toLowerCase() : 'other'}`;
}

/** A bank's round mark: its colour and the first character of its name. */
export function BankMark({ bank, name }: { bank: Bank | null; name: string }) {
  return (
    <span className={`bank-mark ${bankTone(bank)}`} aria-hidden="true">
      {name.slice(0, 1)}
    </span>
  );
}

/** Label/value rows (a description list): the confirm step and the receipt. */
export function Summary({ rows, testId }: { rows: Array<[string, ReactNode, string?]>; testId?: string }) {
  return (
    <dl className="summary" data-testid={testId}>
      {rows.map(([k, v, id]) => (
        <div key={k} className="summary__row">
          <dt>{k}</dt>
          <dd data-testid={id}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Choosing a card: a radio group, so arrow keys move between cards and screen readers say
 * "1 of 3". Suspended cards are listed but cannot be chosen (and say why in words).
 */
export function CardPicker({
  label,
  cards,
  value,
  onChange,
  disabled,
  isEligible = (c) => c.status === 'active',
}: {
  label: string;
  cards: Card[];
  value: string | null;
  onChange(cardId: string): void;
  disabled?: boolean;
  isEligible?(c: Card): boolean;
}) {
  const { m, cardLabel, issuer } = useI18n();
  const name = useId();
  return (
    <fieldset className="picker" disabled={disabled}>
      <legend className="field__label">{label}</legend>
      <div className="card list">
        {cards.map((c) => {
          const ok = isEligible(c);
          return (
            <label key={c.card_id} className={`picker__option${ok ? '' : ' is-disabled'}`} data-testid={`pick-card-${c.card_id}`}>
              <input type="radio" name={name} value={c.card_id} checked={value === c.card_id} disabled={!ok} onChange={() => onChange(c.card_id)} />
              <BankMark bank={c.bank} name={issuer(c)} />
              <span className="row__text">
                <span className="row__title">{cardLabel(c)}</span>
                {(c.is_default || c.status === 'suspended') && (
                  <span className="row__sub">
                    {c.is_default && <span className="badge badge--brand">{m.cards.default}</span>}
                    {c.status === 'suspended' && <span className="badge badge--danger">{m.cards.suspended}</span>}
                  </span>
                )}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

/**
 * One operation: what (a word), how much (with a sign, and no sign when no money moved), its
 * status (a word), the card or the merchant, and the time. Colour only repeats what the words say.
 */
export function OperationRow({ op, cards }: { op: Operation; cards: Card[] }) {
  const { m, money, dateTime, cardLabel } = useI18n();
  const incoming = op.kind === 'topup' || op.kind === 'refund' || op.kind === 'transfer_in';
  const withMerchant = op.kind === 'payment' || op.kind === 'refund';
  const withUser = op.kind === 'transfer_in' || op.kind === 'transfer_out';
  const card = cards.find((c) => c.card_id === op.card_id);
  const label = withMerchant
    ? (op.merchant_name ?? '')
    : withUser
      ? `${op.counterparty_name_masked ?? ''}${op.counterparty_phone_masked ? ` (${op.counterparty_phone_masked})` : ''}`
      : cardLabel(card ?? { bank: op.bank, last4: op.card_last4 ?? '' });
  const failed = op.status === 'failed';
  const amount = failed ? money(op.amount, 'never') : money(incoming ? op.amount : { ...op.amount, minor: -op.amount.minor }, 'always');
  const Icon = incoming ? ArrowDownIcon : ArrowUpIcon;
  return (
    <li className={`op op--${op.status}`} data-testid="operation" data-operation-id={op.operation_id} data-status={op.status} data-kind={op.kind}>
      <span className={`op__icon op__icon--${incoming ? 'in' : 'out'}`} aria-hidden="true">
        <Icon width={20} height={20} />
      </span>
      <span className="row__text">
        <span className="row__title" data-testid="operation-kind">
          {m.ops[op.kind]}
          <span className="sr-only"> ({incoming ? m.ops.moneyIn : m.ops.moneyOut})</span>
        </span>
        {label && (
          <span className="row__sub" data-testid="operation-party">
            {label}
          </span>
        )}
        <span className="row__sub">{dateTime(op.created_at)}</span>
      </span>
      <span className="op__right">
        <span className={`op__amount${failed ? ' is-void' : incoming ? ' is-in' : ''}`} data-testid="operation-amount">
          {amount}
        </span>
        <span className={`status status--${op.status}`} data-testid="operation-status">
          {m.ops.status[op.status]}
          {failed && <span className="status__note"> · {m.ops.notMoved}</span>}
        </span>
        {op.kind === 'withdrawal' && op.fee.minor > 0 && !failed && <span className="row__sub">{fmt(m.ops.fee, { amount: money(op.fee) })}</span>}
      </span>
    </li>
  );
}
