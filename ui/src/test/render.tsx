import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../App';
import { InMemoryBackend } from '../backend/memory';
import { I18nProvider, type Locale } from '../i18n';

export const PHONE = '13800138000';
export const NAME = '李明';
export const ID = '11010519491231002X';
export const PASSWORD = 'correct-Horse-battery-staple-93';

export function renderApp(backend = new InMemoryBackend(), locale: Locale = 'en') {
  const user = userEvent.setup();
  const utils = render(
    <I18nProvider locale={locale}>
      <App backend={backend} />
    </I18nProvider>,
  );
  return { ...utils, user, backend };
}

export function signedInBackend(): InMemoryBackend {
  return new InMemoryBackend()
    .seedAccount({ phone: PHONE, name: NAME, idNumber: ID, password: PASSWORD })
    .seedSignedIn(PHONE, [
      {
        device_id: 'dev-phone',
        name: 'Li Ming’s phone',
        platform: 'android',
        enrolled_at: '2026-10-01T02:00:00Z',
        last_seen_at: '2026-11-24T12:00:00Z',
      },
    ]);
}
