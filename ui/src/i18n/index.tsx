import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Messages } from './locales/en';
import { zhCN } from './locales/zh-CN';
import { zhTW } from './locales/zh-TW';
import { WalletError } from '../backend/backend';

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
    return {
      locale,
      m,
      setLocale,
      errorText(e: unknown) {
        const err = WalletError.from(e);
        const text = (m.errors as Record<string, string | undefined>)[err.code] ?? m.errorUnknown;
        return err.retryAfterSecs != null && err.retryAfterSecs > 0
          ? `${text} ${fmt(m.retryAfter, { seconds: err.retryAfterSecs })}`
          : text;
      },
      dateTime: (iso) => safeFormat(dtf, iso),
      time: (iso) => safeFormat(tf, iso),
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
