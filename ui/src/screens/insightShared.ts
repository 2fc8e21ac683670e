// Shared by the history and insight screens: the categories in order, month names per locale.
import type { Category } from '../backend/types';

export const CATEGORIES: Category[] = ['food', 'groceries', 'transport', 'travel', 'shopping', 'bills', 'health', 'education', 'entertainment', 'services', 'other'];

/** `2026-11` as the locale says it ("November 2026", "2026年11月"). */
export function monthLabel(month: string, locale: string): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return month;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(d);
}

/** The month `delta` months from `month` (`YYYY-MM`). */
export function shiftMonth(month: string, delta: number): string {
  const [y, mo] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (mo - 1) + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** This month in China Standard Time (the core files months in CST) and the 11 before it. */
export function recentMonths(now: Date = new Date()): string[] {
  const cst = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  return Array.from({ length: 12 }, (_, i) => shiftMonth(cst, -i));
}
