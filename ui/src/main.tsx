import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import type { Backend } from './backend/backend';
import { inTauri, TauriBackend } from './backend/tauri';
import { I18nProvider } from './i18n';
import './styles.css';

/** The Tauri backend; only a dev server outside Tauri gets the in-memory fake (never shipped). */
async function pickBackend(): Promise<Backend> {
  if (!inTauri() && import.meta.env.DEV) {
    const { InMemoryBackend } = await import('./backend/memory');
    return new InMemoryBackend();
  }
  return new TauriBackend();
}

const root = document.getElementById('root');
const backend = await pickBackend();
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <App backend={backend} />
      </I18nProvider>
    </StrictMode>,
  );
}
