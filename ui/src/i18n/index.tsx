import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Messages } from './locales/en';
import { zhCN } from './locales/zh-CN';
import { zhTW } from './locales/zh-TW';
import { WalletError } from '../backend/backend';
import type { Bank, CardScheme, CardType, Money } from '../backend/types';
import { formatMoney, type SignDisplay } from './money';
import { errorMessage } from './errors';

/** What names a card on screen; an `Operation` knows only bank and last 4. */
export type CardLike = { bank: Bank | null; scheme?: CardScheme | null; card_type?: CardType | null; last4: string };

export const LOCALES = ['zh-CN', 'zh-TW', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Record<Locale, Messages> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** Each language named in itself, for the language menu. */
export const LOCALE_NAMES: Record<Locale, string> = {
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
  en: 'English',
};

const STORAGE_KEY = 'wallet.locale';

/** Maps one BCP 47 tag to a supported locale, or null. */
export function matchLocale(tag: string): Locale | null {
  const parts = tag.toLowerCase().split(/[-_]/);
  if (parts[0] === 'en') return 'en';
  if (parts[0] !== 'zh') return null;
  if (parts.includes('hans')) return 'zh-CN';
  if (parts.includes('hant') || parts.some((p) => p === 'tw' || p === 'hk' || p === 'mo')) return 'zh-TW';
  return 'zh-CN';
}

/** The system locale: the first of `languages` we support (zh-Hans/CN/SG → zh-CN, zh-Hant/TW/HK/MO → zh-TW), else English. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const m = matchLocale(tag);
    if (m) return m;
  }
  return 'en';
}

/** Fills `{name}` placeholders. */
export function fmt(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) =>
    key in values ? String(values[key]) : all,
  );
}

type I18n = {
  locale: Locale;
  m: Messages;
  setLocale(l: Locale): void;
  /** What to tell the user about a failure: localised text for its code, never the raw code. */
  errorText(e: unknown): string;
  /** An RFC 3339 time as a date and time in the user's locale. */
  dateTime(iso: string): string;
  /** An RFC 3339 time as a clock time in the user's locale. */
  time(iso: string): string;
  /** Money from integer minor units, per locale: `¥1,234.50`; `always` adds `+`/`−`. */
  money(m: Money, sign?: SignDisplay): string;
  /** `招商银行 储蓄卡 (1234)`: bank (else scheme) in the user's language, type, last 4. */
  cardLabel(c: CardLike): string;
  /** The bank's name, else the scheme's, else "bank card". */
  issuer(c: Pick<CardLike, 'bank' | 'scheme'>): string;
  /** A merchant category code in words (`5812` → "Restaurant"), else the code itself, labelled. */
  category(mcc: string): string;
  /** A duration as `m:ss` (`4:05`), for countdowns. */
  clock(seconds: number): string;
};

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    // Storage unavailable: follow the system.
  }
  const langs = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLocale(langs);
}

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => fixed ?? initialLocale());

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Not persisted; still switched for this session.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const m = CATALOGUES[locale];
    const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const tf = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    const issuer = (c: Pick<CardLike, 'bank' | 'scheme'>) => (c.bank ? m.banks[c.bank] : c.scheme ? m.schemes[c.scheme] : m.card.generic);
    const untilText = (secs: number) => {
      const at = new Date(Date.now() + secs * 1000);
      const sameDay = at.toDateString() === new Date().toDateString();
      return (sameDay ? tf : dtf).format(at);
    };
    return {
      locale,
      m,
      setLocale,
      errorText(e: unknown) {
        const err = WalletError.from(e);
        const text = errorMessage(err.code, locale) ?? m.errorUnknown;
        const secs = err.retryAfterSecs;
        if (secs == null || secs <= 0) return text;
        // Short waits in seconds; long ones (a locked PIN: hours) as the clock time they end.
        return secs < 120 ? `${text} ${fmt(m.retryAfter, { seconds: secs })}` : `${text} ${fmt(m.retryAt, { time: untilText(secs) })}`;
      },
      dateTime: (iso) => safeFormat(dtf, iso),
      time: (iso) => safeFormat(tf, iso),
      money: (money, sign) => formatMoney(money, locale, sign),
      issuer,
      category(mcc) {
        const names = m.mcc as Record<string, string | undefined>;
        return names[mcc] ?? fmt(m.mcc.other, { mcc });
      },
      clock(seconds) {
        const s = Math.max(0, Math.floor(seconds));
        return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
      },
      cardLabel(c) {
        const bank = issuer(c);
        return c.card_type
          ? fmt(m.card.label, { bank, type: m.card.types[c.card_type], last4: c.last4 })
          : fmt(m.card.labelShort, { bank, last4: c.last4 });
      },
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function safeFormat(f: Intl.DateTimeFormat, iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : f.format(d);
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
