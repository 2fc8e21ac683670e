import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { watchRevocation, WalletError, type Backend } from './backend/backend';
import { BackendProvider } from './backend/context';
import type { DeviceEvent, PendingVerification, Profile } from './backend/types';
import { Button, Notice, TopBar } from './components/ui';
import { About } from './screens/About';
import { LockScreen } from './screens/Lock';
import { Settings } from './screens/Settings';
import { NOTICE_KINDS } from './screens/AccountNotices';
import { polling } from './polling';
import { useTextZoom } from './zoom';
import { AlertIcon, WalletIcon } from './components/icons';
import { useI18n } from './i18n';
import { BindCard } from './screens/BindCard';
import { ChangePhone } from './screens/ChangePhone';
import { Cards } from './screens/Cards';
import { Devices } from './screens/Devices';
import { clearBudgetAlerts } from './screens/budgetAlerts';
import { History } from './screens/History';
import { Home } from './screens/Home';
import { Insight } from './screens/Insight';
import { TopUp, Withdraw } from './screens/MoneyFlow';
import { NoPinSettings } from './screens/NoPinSettings';
import { Orders } from './screens/Orders';
import { Paycode } from './screens/Paycode';
import { ReportLost } from './screens/ReportLost';
import { Scan } from './screens/Scan';
import { Security } from './screens/Security';
import { PinSettings } from './screens/PinSettings';
import { Otp } from './screens/Otp';
import { Signin } from './screens/Signin';
import { Signup } from './screens/Signup';
import { Transfer } from './screens/Transfer';
import { Welcome } from './screens/Welcome';

export type Screen =
  | { name: 'loading' }
  | { name: 'startup-error'; error: WalletError }
  | { name: 'welcome'; notice?: 'revoked' }
  | { name: 'signup' }
  | { name: 'signin' }
  | { name: 'report-lost' }
  | { name: 'otp'; pending: PendingVerification; from: 'signup' | 'signin' }
  | { name: 'home'; profile: Profile }
  | { name: 'devices'; profile: Profile }
  | { name: 'cards'; profile: Profile }
  | { name: 'bind-card'; profile: Profile; back: Place }
  | { name: 'top-up'; profile: Profile }
  | { name: 'withdraw'; profile: Profile }
  | { name: 'pin'; profile: Profile; start?: 'reset' }
  | { name: 'scan'; profile: Profile }
  | { name: 'paycode'; profile: Profile }
  | { name: 'no-pin'; profile: Profile }
  | { name: 'orders'; profile: Profile; back: Place }
  | { name: 'security'; profile: Profile }
  | { name: 'change-phone'; profile: Profile }
  | { name: 'transfer'; profile: Profile }
  | { name: 'history'; profile: Profile }
  | { name: 'insight'; profile: Profile }
  | { name: 'settings'; profile: Profile | null }
  | { name: 'about'; profile: Profile | null };

/** The signed-in screens one tap from home; where a flow returns to. */
export type Place =
  | 'home'
  | 'devices'
  | 'cards'
  | 'top-up'
  | 'withdraw'
  | 'pin'
  | 'pin-reset'
  | 'bind-card'
  | 'scan'
  | 'paycode'
  | 'no-pin'
  | 'orders'
  | 'security'
  | 'transfer'
  | 'history'
  | 'insight'
  | 'settings';

/**
 * The app: a small screen state machine over the backend. Any `DEVICE_REVOKED` answer, from any
 * screen, lands on the welcome screen with a notice (the core has already wiped local data).
 */
export function App({ backend: raw }: { backend: Backend }) {
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  const [notices, setNotices] = useState<DeviceEvent[]>([]);
  const [lock, setLock] = useState<{ locked: boolean; after: number }>({ locked: false, after: 300 });
  const go = useRef(setScreen);
  const locked = useRef((on: boolean) => setLock((l) => ({ ...l, locked: on })));
  const backend = useMemo(
    () =>
      watchRevocation(
        raw,
        () => {
          locked.current(false);
          go.current({ name: 'welcome', notice: 'revoked' });
        },
        () => locked.current(true),
      ),
    [raw],
  );
  const zoom = useTextZoom();
  const { locale } = useI18n();
  const signedIn = 'profile' in screen && screen.profile !== null;

  const start = useCallback(async () => {
    setScreen({ name: 'loading' });
    try {
      const s = await backend.status();
      if (s.state === 'signed_in') setScreen({ name: 'home', profile: s.profile });
      else if (s.state === 'pending_verification') setScreen({ name: 'otp', pending: s.pending, from: s.pending.purpose === 'signup' ? 'signup' : 'signin' });
      else setScreen({ name: 'welcome' });
    } catch (e) {
      const err = WalletError.from(e);
      // Locked: the lock screen shows (the screen stays `loading` until unlocked).
      if (err.code !== 'DEVICE_REVOKED' && err.code !== 'APP_LOCKED') setScreen({ name: 'startup-error', error: err });
    }
  }, [backend]);

  // The shell words OS notifications in the UI's language.
  useEffect(() => {
    backend.setLocale(locale).catch(() => undefined);
  }, [backend, locale]);

  // The app lock is the backend's: tell it about the user's own input (a key, a click) at most
  // every 15 s, and ask now and then whether it has locked (idle); show the lock screen if so.
  useEffect(() => {
    if (!signedIn || lock.locked) return;
    let last = 0;
    const onInput = () => {
      const now = Date.now();
      if (now - last < polling.touchMs) return;
      last = now;
      backend
        .touch()
        .then((s) => s.locked && locked.current(true))
        .catch(() => undefined);
    };
    const check = () =>
      backend
        .lockState()
        .then((s) => setLock({ locked: s.locked, after: s.lock_after_secs }))
        .catch(() => undefined);
    void check();
    const timer = setInterval(() => void check(), polling.lockMs);
    for (const ev of ['keydown', 'pointerdown', 'wheel'] as const) window.addEventListener(ev, onInput, { passive: true });
    return () => {
      clearInterval(timer);
      for (const ev of ['keydown', 'pointerdown', 'wheel'] as const) window.removeEventListener(ev, onInput);
    };
  }, [backend, signedIn, lock.locked]);

  // Device events while home is not showing (home polls them itself): locked or on another
  // screen, so the shell's OS notifications keep coming and the notices wait for home.
  const pollEvents = lock.locked || (signedIn && screen.name !== 'home');
  useEffect(() => {
    if (!pollEvents) return;
    let active = true;
    const poll = () =>
      backend
        .syncEvents()
        .then((events) => {
          const shown = events.filter((e) => NOTICE_KINDS.includes(e.kind));
          if (active && shown.length > 0) setNotices((n) => [...shown.reverse(), ...n]);
        })
        .catch(() => undefined);
    const timer = setInterval(() => void poll(), polling.eventsMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [backend, pollEvents]);

  useEffect(() => {
    void start();
  }, [start]);

  // Notices belong to the signed-in session.
  useEffect(() => {
    if (screen.name === 'welcome') {
      setNotices([]);
      clearBudgetAlerts();
    }
  }, [screen.name]);

  // Move focus to the new screen's heading so screen readers announce the change.
  useEffect(() => {
    const h = document.querySelector<HTMLElement>('main h1');
    if (h && !document.activeElement?.matches('input')) {
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
    }
  }, [screen.name]);

  const toWelcome = () => setScreen({ name: 'welcome' });
  const toHome = (profile: Profile) => setScreen({ name: 'home', profile });
  /** Goes to a signed-in place; `from` is where the card flow returns to. */
  const place = (profile: Profile, to: Place, from: Place = 'home') => {
    if (to === 'bind-card') setScreen({ name: 'bind-card', profile, back: from });
    else if (to === 'orders') setScreen({ name: 'orders', profile, back: from });
    else if (to === 'pin-reset') setScreen({ name: 'pin', profile, start: 'reset' });
    else setScreen({ name: to, profile } as Screen);
  };

  const unlocked = () => {
    setLock((l) => ({ ...l, locked: false }));
    if (screen.name === 'loading') void start();
  };

  if (lock.locked) {
    return (
      <BackendProvider backend={backend}>
        <div className="app" data-screen="lock">
          <LockScreen
            lockAfterSecs={lock.after}
            onUnlocked={unlocked}
            onSignedOut={() => {
              setLock((l) => ({ ...l, locked: false }));
              toWelcome();
            }}
          />
        </div>
      </BackendProvider>
    );
  }

  return (
    <BackendProvider backend={backend}>
      <div className="app" data-screen={screen.name}>
        {screen.name === 'loading' && <Loading />}
        {screen.name === 'startup-error' && <StartupError error={screen.error} onRetry={() => void start()} />}
        {screen.name === 'welcome' && (
          <Welcome
            notice={screen.notice ?? null}
            onSignUp={() => setScreen({ name: 'signup' })}
            onSignIn={() => setScreen({ name: 'signin' })}
            onLost={() => setScreen({ name: 'report-lost' })}
            onSettings={() => setScreen({ name: 'settings', profile: null })}
          />
        )}
        {screen.name === 'signup' && (
          <Signup onBack={toWelcome} onSignIn={() => setScreen({ name: 'signin' })} onPending={(pending) => setScreen({ name: 'otp', pending, from: 'signup' })} />
        )}
        {screen.name === 'signin' && (
          <Signin onBack={toWelcome} onSignUp={() => setScreen({ name: 'signup' })} onPending={(pending) => setScreen({ name: 'otp', pending, from: 'signin' })} />
        )}
        {screen.name === 'report-lost' && <ReportLost onBack={toWelcome} />}
        {screen.name === 'otp' && <Otp pending={screen.pending} onBack={() => setScreen(screen.from === 'signup' ? { name: 'signup' } : { name: 'signin' })} onVerified={toHome} />}
        {screen.name === 'home' && <Home profile={screen.profile} onNavigate={(to) => place(screen.profile, to)} notices={notices} setNotices={setNotices} />}
        {screen.name === 'devices' && <Devices onBack={() => toHome(screen.profile)} onLoggedOut={toWelcome} />}
        {screen.name === 'cards' && <Cards onBack={() => toHome(screen.profile)} onAdd={() => place(screen.profile, 'bind-card', 'cards')} />}
        {screen.name === 'bind-card' && (
          <BindCard profile={screen.profile} onBack={() => place(screen.profile, screen.back)} onTopUp={() => place(screen.profile, 'top-up')} />
        )}
        {screen.name === 'top-up' && (
          <TopUp profile={screen.profile} onHome={() => toHome(screen.profile)} onAddCard={() => place(screen.profile, 'bind-card', 'top-up')} onForgotPin={() => place(screen.profile, 'pin-reset')} />
        )}
        {screen.name === 'withdraw' && (
          <Withdraw profile={screen.profile} onHome={() => toHome(screen.profile)} onAddCard={() => place(screen.profile, 'bind-card', 'withdraw')} onForgotPin={() => place(screen.profile, 'pin-reset')} />
        )}
        {screen.name === 'pin' && <PinSettings start={screen.start} onBack={() => toHome(screen.profile)} />}
        {screen.name === 'scan' && (
          <Scan onHome={() => toHome(screen.profile)} onTopUp={() => place(screen.profile, 'top-up')} onForgotPin={() => place(screen.profile, 'pin-reset')} />
        )}
        {screen.name === 'paycode' && (
          <Paycode
            onBack={() => toHome(screen.profile)}
            onSettings={() => place(screen.profile, 'no-pin')}
            onOrders={() => place(screen.profile, 'orders', 'paycode')}
          />
        )}
        {screen.name === 'no-pin' && <NoPinSettings onBack={() => place(screen.profile, 'paycode')} />}
        {screen.name === 'orders' && (
          <Orders
            onBack={() => place(screen.profile, screen.back)}
            onTopUp={() => place(screen.profile, 'top-up')}
            onForgotPin={() => place(screen.profile, 'pin-reset')}
          />
        )}
        {screen.name === 'security' && (
          <Security onBack={() => toHome(screen.profile)} onChangePhone={() => setScreen({ name: 'change-phone', profile: screen.profile })} />
        )}
        {screen.name === 'change-phone' && (
          <ChangePhone
            profile={screen.profile}
            onBack={() => setScreen({ name: 'security', profile: screen.profile })}
            onDone={(profile) => setScreen({ name: 'security', profile })}
          />
        )}
        {screen.name === 'transfer' && <Transfer onHome={() => toHome(screen.profile)} onForgotPin={() => place(screen.profile, 'pin-reset')} />}
        {screen.name === 'history' && <History onBack={() => toHome(screen.profile)} onInsight={() => place(screen.profile, 'insight')} />}
        {screen.name === 'insight' && <Insight onBack={() => place(screen.profile, 'history')} />}
        {screen.name === 'settings' && (
          <Settings
            signedIn={screen.profile !== null}
            zoom={zoom}
            onBack={() => (screen.profile ? toHome(screen.profile) : toWelcome())}
            onAbout={() => setScreen({ name: 'about', profile: screen.profile })}
            onLocked={() => locked.current(true)}
          />
        )}
        {screen.name === 'about' && <About onBack={() => setScreen({ name: 'settings', profile: screen.profile })} />}
      </div>
    </BackendProvider>
  );
}

function Loading() {
  const { m } = useI18n();
  return (
    <main className="screen screen--center on-brand" data-testid="screen-loading" aria-busy="true">
      <WalletIcon width={56} height={56} />
      <p role="status">{m.app.loading}</p>
    </main>
  );
}

function StartupError({ error, onRetry }: { error: WalletError; onRetry(): void }) {
  const { m, errorText } = useI18n();
  return (
    <main className="screen" data-testid="screen-startup-error" data-error-code={error.code}>
      <TopBar />
      <div className="page">
        <div className="page__icon page__icon--danger" aria-hidden="true">
          <AlertIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{m.startup.title}</h1>
        <p className="page__subtitle">{m.startup.body}</p>
        <Notice kind="error" testId="startup-error">
          {errorText(error)}
        </Notice>
        <Button block onClick={onRetry}>
          {m.app.retry}
        </Button>
      </div>
    </main>
  );
}
