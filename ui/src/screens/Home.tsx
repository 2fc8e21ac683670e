import { useEffect, useState, type ComponentType, type SVGProps } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Profile } from '../backend/types';
import { LanguageMenu, Notice } from '../components/ui';
import {
  CardIcon,
  ChevronRight,
  DevicesIcon,
  EyeIcon,
  EyeOffIcon,
  HistoryIcon,
  PlusCircleIcon,
  QrIcon,
  ScanIcon,
  ShieldIcon,
  TransferIcon,
} from '../components/icons';
import { fmt, useI18n } from '../i18n';

type Icon = ComponentType<SVGProps<SVGSVGElement>>;

/** Home: who is signed in, the (hidden) balance, and every action one tap away. */
export function Home({ profile: initial, onDevices }: { profile: Profile; onDevices(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [profile, setProfile] = useState(initial);
  const [showBalance, setShowBalance] = useState(false);
  const [refreshError, setRefreshError] = useState<WalletError | null>(null);

  // Refresh from the server; a revoked device is handled app-wide (welcome screen).
  useEffect(() => {
    let live = true;
    backend
      .whoami()
      .then((p) => live && setProfile(p))
      .catch((e) => {
        const err = WalletError.from(e);
        if (live && err.code !== 'DEVICE_REVOKED') setRefreshError(err);
      });
    return () => {
      live = false;
    };
  }, [backend]);

  return (
    <main className="screen screen--home" data-testid="screen-home">
      <section className="home-head on-brand">
        <div className="hero__bar">
          <div className="who">
            <span className="avatar" aria-hidden="true">
              {profile.name.slice(0, 1)}
            </span>
            <div>
              <h1 className="who__name" data-testid="home-name">
                {fmt(m.home.greeting, { name: profile.name })}
              </h1>
              <p className="who__phone" data-testid="home-phone">
                {profile.phone_masked}
              </p>
            </div>
          </div>
          <LanguageMenu tone="brand" />
        </div>
        <div className="balance">
          <div>
            <p className="balance__label">{m.home.balance}</p>
            <p className="balance__value" data-testid="balance-value">
              {showBalance ? '¥ —' : '¥ ••••••'}
            </p>
          </div>
          <button
            type="button"
            className="icon-btn icon-btn--brand"
            aria-pressed={showBalance}
            aria-label={showBalance ? m.home.hideBalance : m.home.showBalance}
            onClick={() => setShowBalance((s) => !s)}
            data-testid="balance-toggle"
          >
            {showBalance ? <EyeOffIcon /> : <EyeIcon />}
          </button>
        </div>
        {showBalance && <p className="balance__note">{m.home.balanceSoon}</p>}
        <div className="big-actions">
          <BigAction icon={ScanIcon} label={m.home.scan} hint={m.home.scanHint} testId="action-scan" />
          <BigAction icon={QrIcon} label={m.home.pay} hint={m.home.payHint} testId="action-pay" />
        </div>
      </section>

      <div className="page page--home">
        {refreshError && <Notice kind="error">{errorText(refreshError)}</Notice>}
        <nav className="card grid-actions" aria-label={m.home.services}>
          <SmallAction icon={PlusCircleIcon} label={m.home.topUp} />
          <SmallAction icon={TransferIcon} label={m.home.transfer} />
          <SmallAction icon={CardIcon} label={m.home.cards} />
          <SmallAction icon={HistoryIcon} label={m.home.history} />
        </nav>

        <h2 className="section-title">{m.home.more}</h2>
        <div className="card list">
          <button type="button" className="row" onClick={onDevices} data-testid="home-devices">
            <span className="row__icon">
              <DevicesIcon />
            </span>
            <span className="row__text">
              <span className="row__title">{m.home.devices}</span>
              <span className="row__sub">{m.home.devicesHint}</span>
            </span>
            <ChevronRight className="row__chev" />
          </button>
          <button type="button" className="row" aria-disabled="true" disabled>
            <span className="row__icon">
              <ShieldIcon />
            </span>
            <span className="row__text">
              <span className="row__title">{m.home.security}</span>
              <span className="row__sub">{m.app.comingSoon}</span>
            </span>
            <ChevronRight className="row__chev" />
          </button>
        </div>
      </div>
    </main>
  );
}

function BigAction({ icon: I, label, hint, testId }: { icon: Icon; label: string; hint: string; testId: string }) {
  const { m } = useI18n();
  return (
    <button type="button" className="big-action" disabled data-testid={testId} aria-describedby={`${testId}-soon`}>
      <I width={34} height={34} />
      <span className="big-action__label">{label}</span>
      <span className="big-action__hint">{hint}</span>
      <span className="soon" id={`${testId}-soon`}>
        {m.app.comingSoon}
      </span>
    </button>
  );
}

function SmallAction({ icon: I, label }: { icon: Icon; label: string }) {
  const { m } = useI18n();
  return (
    <button type="button" className="small-action" disabled title={m.app.comingSoon}>
      <span className="small-action__icon">
        <I />
      </span>
      <span>{label}</span>
      <span className="sr-only">({m.app.comingSoon})</span>
    </button>
  );
}
