import { useCallback, useEffect, useState } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Card } from '../backend/types';
import { Button, ConfirmDialog, Notice, TopBar } from '../components/ui';
import { PlusCircleIcon } from '../components/icons';
import { bankTone } from '../components/money';
import { SourceOrderSettings } from '../components/sources';
import { PinDialog } from '../components/PinDialog';
import { fmt, useI18n } from '../i18n';

type Action = { kind: 'unbind' | 'lost'; card: Card };

/** The bound cards: make one the default, report one lost (at once), unbind one (with the PIN). */
export function Cards({ onBack, onAdd }: { onBack(): void; onAdd(): void }) {
  const { m, errorText, dateTime, cardLabel, issuer } = useI18n();
  const backend = useBackend();
  const [cards, setCards] = useState<Card[] | null>(null);
  const [loadError, setLoadError] = useState<WalletError | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<WalletError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setCards(await backend.cards());
    } catch (e) {
      setLoadError(WalletError.from(e));
    }
  }, [backend]);

  useEffect(() => {
    void load();
  }, [load]);

  function start(a: Action) {
    setActionError(null);
    setDone(null);
    setAction(a);
  }

  async function run(key: string, work: () => Promise<string>) {
    setBusy(key);
    setActionError(null);
    try {
      const message = await work();
      setAction(null);
      setDone(message);
      await load();
    } catch (e) {
      setActionError(WalletError.from(e));
    } finally {
      setBusy(null);
    }
  }

  const makeDefault = (c: Card) => {
    setDone(null);
    void run(`default-${c.card_id}`, async () => {
      await backend.setDefaultCard(c.card_id);
      return fmt(m.cards.defaultDone, { card: cardLabel(c) });
    });
  };

  return (
    <main className="screen" data-testid="screen-cards">
      <TopBar onBack={onBack} title={m.cards.title} />
      <div className="page">
        <p className="page__subtitle">{m.cards.subtitle}</p>
        {done && (
          <Notice kind="success" testId="cards-done">
            {done}
          </Notice>
        )}
        {actionError && !action && (
          <Notice kind="error" testId="form-error">
            {errorText(actionError)}
          </Notice>
        )}
        {loadError && (
          <Notice kind="error" testId="form-error">
            {errorText(loadError)}{' '}
            <button type="button" className="link" onClick={() => void load()}>
              {m.app.retry}
            </button>
          </Notice>
        )}
        {!cards && !loadError && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.loading}
          </p>
        )}
        {cards && cards.length === 0 && <p className="page__note card empty">{m.cards.empty}</p>}
        {cards && cards.length > 0 && (
          <ul className="bankcards" data-testid="card-list">
            {cards.map((c) => {
              const label = cardLabel(c);
              const suspended = c.status === 'suspended';
              return (
                <li key={c.card_id} className="bankcards__item" data-testid="card" data-card-id={c.card_id} data-status={c.status}>
                  <div className={`bankcard ${bankTone(c.bank)}${suspended ? ' is-suspended' : ''}`}>
                    <div className="bankcard__top">
                      <span className="bankcard__bank">{issuer(c)}</span>
                      <span className="bankcard__badges">
                        {c.is_default && (
                          <span className="chip" data-testid="card-default">
                            {m.cards.default}
                          </span>
                        )}
                        {suspended && (
                          <span className="chip chip--warn" data-testid="card-suspended">
                            {m.cards.suspended}
                          </span>
                        )}
                      </span>
                    </div>
                    <span className="bankcard__type">
                      {m.card.types[c.card_type]} · {m.schemes[c.scheme]}
                    </span>
                    <span className="bankcard__number" aria-label={label}>
                      {fmt(m.card.masked, { last4: c.last4 })}
                    </span>
                    <span className="bankcard__meta">{fmt(m.cards.bound, { date: dateTime(c.bound_at) })}</span>
                  </div>
                  {suspended && <p className="page__note bankcard__note">{m.cards.suspendedHint}</p>}
                  <div className="bankcard__actions">
                    {!c.is_default && !suspended && (
                      <Button
                        variant="secondary"
                        className="btn--small"
                        busy={busy === `default-${c.card_id}`}
                        disabled={busy !== null}
                        onClick={() => makeDefault(c)}
                        aria-label={fmt(m.cards.setDefaultNamed, { card: label })}
                        data-testid={`card-default-${c.card_id}`}
                      >
                        {m.cards.setDefault}
                      </Button>
                    )}
                    {!suspended && (
                      <Button
                        variant="danger-ghost"
                        className="btn--small"
                        disabled={busy !== null}
                        onClick={() => start({ kind: 'lost', card: c })}
                        aria-label={fmt(m.cards.reportLostNamed, { card: label })}
                        data-testid={`card-lost-${c.card_id}`}
                      >
                        {m.cards.reportLost}
                      </Button>
                    )}
                    <Button
                      variant="danger-ghost"
                      className="btn--small"
                      disabled={busy !== null}
                      onClick={() => start({ kind: 'unbind', card: c })}
                      aria-label={fmt(m.cards.unbindNamed, { card: label })}
                      data-testid={`card-unbind-${c.card_id}`}
                    >
                      {m.cards.unbind}
                    </Button>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        <Button block variant="secondary" onClick={onAdd} data-testid="cards-add">
          <PlusCircleIcon width={20} height={20} /> {m.cards.add}
        </Button>
        {/* Re-read after a card changes: a bound or lost card changes what can pay. */}
        {cards && <SourceOrderSettings key={cards.map((c) => `${c.card_id}:${c.status}`).join(',')} />}
      </div>
      {action?.kind === 'lost' && (
        <ConfirmDialog
          title={fmt(m.cards.lostTitle, { card: cardLabel(action.card) })}
          body={m.cards.lostBody}
          confirmLabel={m.cards.lostConfirm}
          busy={busy === 'lost'}
          error={actionError ? errorText(actionError) : null}
          onConfirm={() =>
            void run('lost', async () => {
              await backend.reportCardLost(action.card.card_id);
              return fmt(m.cards.lostDone, { card: cardLabel(action.card) });
            })
          }
          onCancel={() => setAction(null)}
        />
      )}
      {action?.kind === 'unbind' && (
        <PinDialog
          title={fmt(m.cards.unbindTitle, { card: cardLabel(action.card) })}
          body={m.cards.unbindBody}
          busy={busy === 'unbind'}
          error={actionError ? errorText(actionError) : null}
          onSubmit={(pin) =>
            void run('unbind', async () => {
              await backend.unbindCard(action.card.card_id, pin);
              return fmt(m.cards.unbindDone, { card: cardLabel(action.card) });
            })
          }
          onCancel={() => setAction(null)}
        />
      )}
    </main>
  );
}
