import { useEffect, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { About as AboutInfo } from '../backend/shell';
import { WalletIcon } from '../components/icons';
import { Notice, TopBar } from '../components/ui';
import { useI18n } from '../i18n';

/** Version, build, provider (and where that choice came from) and where the data is kept. */
export function About({ onBack }: { onBack(): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const [info, setInfo] = useState<AboutInfo | null>(null);
  const [error, setError] = useState<WalletError | null>(null);

  useEffect(() => {
    backend.about().then(setInfo, (e) => setError(WalletError.from(e)));
  }, [backend]);

  const source = info ? { env: m.about.source_env, file: m.about.source_file, default: m.about.source_default }[info.provider_source] : '';

  return (
    <main className="screen" data-testid="screen-about">
      <TopBar onBack={onBack} />
      <div className="page">
        <div className="page__icon" aria-hidden="true">
          <WalletIcon width={28} height={28} />
        </div>
        <h1 className="page__title">{m.about.title}</h1>
        {error && <Notice kind="error">{errorText(error)}</Notice>}
        {info && (
          <dl className="card form-card about" data-testid="about">
            <dt>{m.about.version}</dt>
            <dd data-testid="about-version">{info.version}</dd>
            <dt>{m.about.build}</dt>
            <dd data-testid="about-build">{info.build}</dd>
            <dt>{m.about.identifier}</dt>
            <dd data-testid="about-identifier">{info.identifier}</dd>
            <dt>{m.about.provider}</dt>
            <dd data-testid="about-provider">
              {info.provider_url} <span className="page__note">({source})</span>
            </dd>
            <dt>{m.about.dataDir}</dt>
            <dd data-testid="about-data-dir">
              {info.data_dir}
              <br />
              <span className="page__note">{m.about.dataHint}</span>
            </dd>
            {info.settings_file && (
              <>
                <dt>{m.about.settingsFile}</dt>
                <dd data-testid="about-settings-file">{info.settings_file}</dd>
              </>
            )}
          </dl>
        )}
      </div>
    </main>
  );
}
