import type { Currency, Money } from '../backend/types';

/** The symbols users read, the same in every language (`¥1,234.50`, `NT$1,234.50`). */
const SYMBOLS: Record<Currency, string> = { CNY: '¥', HKD: 'HK$', TWD: 'NT$', USD: 'US$' };

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, currency: Currency): Intl.NumberFormat {
  const key = `${locale}/${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formatters.set(key, f);
  }
  return f;
}

export type SignDisplay = 'auto' | 'always' | 'never';

/**
 * Money from integer minor units, grouped the locale's way: `¥1,234.50`. No float arithmetic:
 * the whole units are a BigInt division, and the two fraction digits are written from the
 * remainder into the parts `Intl.NumberFormat` lays out. `always` adds `+` (or `−`).
 */
export function formatMoney(money: Money, locale: string, sign: SignDisplay = 'auto'): string {
  if (!Number.isSafeInteger(money.minor)) return '—';
  const negative = money.minor < 0;
  const abs = BigInt(money.minor < 0 ? -money.minor : money.minor);
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  const body = formatter(locale, money.currency)
    .formatToParts(whole)
    .map((p) => (p.type === 'fraction' ? fraction : p.type === 'currency' ? SYMBOLS[money.currency] : p.value))
    .join('')
    .trim();
  if (sign === 'never' || money.minor === 0) return body;
  if (negative) return `−${body}`;
  return sign === 'always' ? `+${body}` : body;
}

/** The amount as the core reads it back exactly: `1234.50` (from minor units, no float). */
export function toDecimal(money: Money): string {
  const negative = money.minor < 0;
  const abs = BigInt(negative ? -money.minor : money.minor);
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A fresh `Idempotency-Key` (32 hex digits) for one money-moving request and its retries. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
