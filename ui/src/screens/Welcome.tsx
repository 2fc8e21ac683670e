import { Button, LanguageMenu, Notice } from '../components/ui';
import { ShieldIcon, WalletIcon } from '../components/icons';
import { useI18n } from '../i18n';

export function Welcome({
  notice,
  onSignUp,
  onSignIn,
  onLost,
  onSettings,
}: {
  notice?: 'revoked' | null;
  onSignUp(): void;
  onSignIn(): void;
  onLost(): void;
  onSettings?(): void;
}) {
  const { m } = useI18n();
  return (
    <main className="screen screen--welcome" data-testid="screen-welcome">
      <section className="hero on-brand">
        <div className="hero__bar">
          <span className="brand">
            <WalletIcon width={20} height={20} /> {m.app.name}
          </span>
          <LanguageMenu tone="brand" />
        </div>
        <div className="hero__art" aria-hidden="true">
          <div className="hero__card hero__card--back" />
          <div className="hero__card">
            <div className="hero__card-top">
              <span className="hero__chip" />
              <WalletIcon width={30} height={30} />
            </div>
            <div className="hero__card-lines">
              <span />
              <span />
            </div>
          </div>
        </div>
        <h1 className="hero__title">{m.welcome.title}</h1>
        <p className="hero__subtitle">{m.welcome.subtitle}</p>
      </section>
      <section className="sheet">
        {notice === 'revoked' && (
          <Notice kind="info" testId="revoked-notice">
            {m.welcome.revoked}
          </Notice>
        )}
        <Button block onClick={onSignUp} data-testid="welcome-signup">
          {m.welcome.signUp}
        </Button>
        <Button block variant="secondary" onClick={onSignIn} data-testid="welcome-signin">
          {m.welcome.signIn}
        </Button>
        <p className="switch">
          <button type="button" className="link" onClick={onLost} data-testid="welcome-lost">
            {m.welcome.lost}
          </button>
        </p>
        {onSettings && (
          <p className="switch">
            <button type="button" className="link" onClick={onSettings} data-testid="welcome-settings">
              {m.welcome.settings}
            </button>
          </p>
        )}
        <p className="fineprint">
          <ShieldIcon width={16} height={16} /> {m.welcome.security}
        </p>
      </section>
    </main>
  );
}
