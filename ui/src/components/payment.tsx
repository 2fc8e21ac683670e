// Building blocks for paying merchants: who is paid, the receipt, and SVGs shown as images.
import { useEffect, useState, type ReactNode } from 'react';
import type { Operation } from '../backend/types';
import { useI18n } from '../i18n';
import { OperationReceipt, useLiveOperation } from './receipt';
import { useSourceOf } from './sources';

/**
 * An SVG document (from the core) as a `data:` URL for an `<img>`: the markup is never put into
 * the page, so nothing in it can run or reach the DOM (the CSP allows `img-src data:`).
 */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** The merchant as the provider has it on record: a round mark, the name, city and category. */
export function MerchantHead({ name, city, mcc, testId }: { name: string; city?: string | null; mcc?: string | null; testId?: string }) {
  const { category } = useI18n();
  const meta = [city, mcc ? category(mcc) : null].filter(Boolean).join(' · ');
  return (
    <div className="merchant">
      <span className="merchant__mark" aria-hidden="true">
        {name.slice(0, 1)}
      </span>
      <span className="merchant__text">
        <span className="merchant__name" data-testid={testId}>
          {name}
        </span>
        {meta && <span className="merchant__meta">{meta}</span>}
      </span>
    </div>
  );
}

/**
 * The end of a merchant payment (scanned code, order, payment code): status in words, the amount
 * with its sign, who was paid, from where, when, and the references. A pending payment is asked
 * about again now and then.
 */
export function PaymentReceipt({ initial, onDone, children }: { initial: Operation; onDone(): void; children?: ReactNode }) {
  const { m, money, dateTime } = useI18n();
  const op = useLiveOperation(initial);
  const sourceOf = useSourceOf();
  const refund = op.kind === 'refund';
  const signed = op.status === 'failed' ? money(op.amount, 'never') : money(refund ? op.amount : { ...op.amount, minor: -op.amount.minor }, 'always');
  const heading = op.status === 'succeeded' ? (refund ? m.payment.refunded : m.payment.succeeded) : op.status === 'pending' ? m.payment.pending : m.payment.failed;
  const rows: Array<[string, ReactNode, string?]> = [
    [m.payment.merchant, op.merchant_name ?? '—', 'receipt-merchant'],
    [m.payment.from, sourceOf(op.source, op), 'receipt-source'],
    [m.move.time, dateTime(op.created_at), 'receipt-time'],
  ];
  if (op.order_id) rows.push([m.payment.order, <span className="summary__ref">{op.order_id}</span>, 'receipt-order']);
  rows.push([m.move.reference, <span className="summary__ref">{op.operation_id}</span>, 'receipt-reference']);
  const text = { heading, pendingBody: m.payment.pendingBody, checking: m.payment.checking, failedBody: m.payment.failedBody };
  return (
    <OperationReceipt op={op} signed={signed} rows={rows} text={text} onDone={onDone}>
      {children}
    </OperationReceipt>
  );
}

/** Seconds until `iso` (never below zero), from `now` in ms. */
export function secondsUntil(iso: string, now: number): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.ceil((t - now) / 1000));
}

/** `Date.now()`, updated every second while mounted (for countdowns). */
export function useNow(active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
