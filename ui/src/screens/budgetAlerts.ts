// Budget alerts (80 % / 100 %) come back from whichever `syncHistory` call reached the threshold
// first (the history screen, or home reading a received transfer); the core raises each only
// once, so they are kept here until dismissed and shown on home and in the history.
import { useSyncExternalStore } from 'react';
import type { BudgetAlert } from '../backend/types';

let alerts: BudgetAlert[] = [];
const listeners = new Set<() => void>();

function emit(next: BudgetAlert[]) {
  alerts = next;
  for (const l of listeners) l();
}

const key = (a: BudgetAlert) => `${a.category}/${a.month}/${a.threshold_percent}`;

const slot = (a: BudgetAlert) => `${a.category}/${a.month}`;

/**
 * Adds alerts from a `syncHistory` answer (newest first, no duplicates). One notice per category
 * and month: 100 % replaces 80 % (both come at once when one payment crosses both).
 */
export function reportBudgetAlerts(found: BudgetAlert[]): void {
  if (found.length === 0) return;
  const seen = new Set(alerts.map(key));
  const all = [...found.filter((a) => !seen.has(key(a))), ...alerts];
  const top = new Map<string, number>();
  for (const a of all) top.set(slot(a), Math.max(top.get(slot(a)) ?? 0, a.threshold_percent));
  emit(all.filter((a) => a.threshold_percent === top.get(slot(a))));
}

export function dismissBudgetAlert(a: BudgetAlert): void {
  emit(alerts.filter((x) => key(x) !== key(a)));
}

/** Forgets every alert (signing out). */
export function clearBudgetAlerts(): void {
  if (alerts.length > 0) emit([]);
}

export function useBudgetAlerts(): BudgetAlert[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => alerts,
  );
}
