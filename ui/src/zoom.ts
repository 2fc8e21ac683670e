import { useCallback, useEffect, useState } from 'react';

/**
 * Text zoom: Ctrl (⌘ on macOS) with + / = zooms in, − zooms out, 0 resets, as in a browser.
 * The level scales the whole page (`zoom` on the root element through `--zoom`, so layout
 * grows with the text), is kept in localStorage (a display preference, no secret) and comes back
 * on the next start.
 */
export const ZOOM_LEVELS = [0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2] as const;
const KEY = 'wallet.zoom';

function stored(): number {
  try {
    const v = Number(localStorage.getItem(KEY));
    return ZOOM_LEVELS.includes(v as (typeof ZOOM_LEVELS)[number]) ? v : 1;
  } catch {
    return 1;
  }
}

function apply(level: number) {
  const root = document.documentElement;
  root.style.setProperty('--zoom', String(level));
  root.dataset.zoom = String(level);
}

/** The next level up (+1) or down (−1) from `level`, staying within {@link ZOOM_LEVELS}. */
export function step(level: number, dir: 1 | -1): number {
  const i = ZOOM_LEVELS.findIndex((l) => l >= level);
  const at = i < 0 ? ZOOM_LEVELS.length - 1 : i;
  const next = Math.min(ZOOM_LEVELS.length - 1, Math.max(0, at + dir));
  return ZOOM_LEVELS[next] as number;
}

export type TextZoom = { level: number; zoomIn(): void; zoomOut(): void; reset(): void };

/** Installs the keyboard shortcuts (once, in the app) and answers the level with its setters. */
export function useTextZoom(): TextZoom {
  const [level, setLevel] = useState(stored);

  useEffect(() => {
    apply(level);
    try {
      localStorage.setItem(KEY, String(level));
    } catch {
      // Storage full or off: the level still applies until the app closes.
    }
  }, [level]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (e.key === '+' || e.key === '=' || e.code === 'NumpadAdd') setLevel((l) => step(l, 1));
      else if (e.key === '-' || e.key === '_' || e.code === 'NumpadSubtract') setLevel((l) => step(l, -1));
      else if (e.key === '0' || e.code === 'Numpad0') setLevel(1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const zoomIn = useCallback(() => setLevel((l) => step(l, 1)), []);
  const zoomOut = useCallback(() => setLevel((l) => step(l, -1)), []);
  const reset = useCallback(() => setLevel(1), []);
  return { level, zoomIn, zoomOut, reset };
}
