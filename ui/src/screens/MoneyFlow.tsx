import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Balance, Card, Money, Operation, Profile } from '../backend/types';
import { CodeInput } from '../components/CodeInput';
import { PlusCircleIcon, WithdrawIcon } from '../components/icons';
import { OperationReceipt, useLiveOperation } from '../components/receipt';
import { CardPicker, Summary } from '../components/money';
import { Button, Field, Notice, TopBar, useStepFocus } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { newIdempotencyKey, toDecimal } from '../i18n/money';

type Kind = 'topup' | 'withdrawal';

type Step =
  | { at: 'form' }
  /** `key` is this request's Idempotency-Key: a retry from this step never moves money twice. */
  | { at: 'confirm'; amount: Money; card: Card; key: string }
  | { at: 'receipt'; op: Operation };

type Props = { profile: Profile; onHome(): void; onAddCard(): void; onForgotPin(): void };

const AMOUNT_ERRORS = new Set(['AMOUNT_INVALID', 'AMOUNT_OVER_LIMIT', 'DAILY_LIMIT_REACHED', 'BALANCE_INSUFFICIENT']);

/** Money from a bound card into the wallet: amount and card → confirm with the PIN → receipt. */
export function TopUp(props: Props) {
  return <MoneyFlow kind="topup" {...props} />;
}

/** Money from the wallet to a bound debit card: amount and card → confirm with the PIN → receipt. */
export function Withdraw(props: Props) {
  return <MoneyFlow kind="withdrawal" {...props} />;
}

function MoneyFlow({ kind, profile, onHome, onAddCard, onForgotPin }: Props & { kind: Kind }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const t = kind === 'topup' ? m.topup : m.withdraw;
  const [cards, setCards] = useState<Card[] | null>(null);
  const [balance, setBalance] = useState<Balance | null>(null);
  const [loadError, setLoadError] = useState<WalletError | null>(null);
  const [step, setStep] = useState<Step>({ at: 'form' });
  const [amountText, setAmountText] = useState('');
  const [cardId, setCardId] = useState<string | null>(null);
  useStepFocus(step.at);

  const eligible = useCallback((c: Card) => c.status === 'active' && (kind === 'topup' || c.card_type === 'debit'), [kind]);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const [c, b] = await Promise.all([backend.cards(), backend.balance()]);
      setCards(c);
      setBalance(b);
      setCardId((current) => current ?? (c.find((x) => x.is_default && eligible(x)) ?? c.find(eligible))?.card_id ?? null);
    } catch (e) {
      setLoadError(WalletError.from(e));
    }
  }, [backend, eligible]);

  useEffect(() => {
    void load();
  }, [load]);

  const title = step.at === 'confirm' ? t.confirmTitle : step.at === 'receipt' ? null : t.title;

  return (
    <main className="screen" data-testid={kind === 'topup' ? 'screen-topup' : 'screen-withdraw'} data-step={step.at}>
      <TopBar onBack={step.at === 'confirm' ? () => setStep({ at: 'form' }) : onHome} title={step.at === 'receipt' ? t.title : undefined} />
      <div className="page">
        {title && <h1 className="page__title">{title}</h1>}
        {step.at === 'form' && (
          <>
            <p className="page__subtitle">{t.subtitle}</p>
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
            {cards && !cards.some(eligible) && (
              <>
                <Notice kind="info" testId="no-card">
                  {t.noCard}
                </Notice>
                <Button block onClick={onAddCard} data-testid="move-add-card">
                  <PlusCircleIcon width={20} height={20} /> {m.move.addCard}
                </Button>
              </>
            )}
            {cards && balance && cards.some(eligible) && (
              <AmountForm
                kind={kind}
                cards={cards}
                balance={balance}
                eligible={eligible}
                amountText={amountText}
                onAmountText={setAmountText}
                cardId={cardId}
                onCardId={setCardId}
                onReview={(amount, card) => setStep({ at: 'confirm', amount, card, key: newIdempotencyKey() })}
              />
            )}
          </>
        )}
        {step.at === 'confirm' && (
          <Confirm
            kind={kind}
            profile={profile}
            step={step}
            onEdit={() => setStep({ at: 'form' })}
            onDone={(op) => setStep({ at: 'receipt', op })}
            onForgotPin={onForgotPin}
          />
        )}
        {step.at === 'receipt' && <Receipt kind={kind} initial={step.op} cards={cards ?? []} onHome={onHome} />}
      </div>
    </main>
  );
}

function AmountForm(props: {
  kind: Kind;
  cards: Card[];
  balance: Balance;
  eligible(c: Card): boolean;
  amountText: string;
  onAmountText(s: string): void;
  cardId: string | null;
  onCardId(id: string): void;
  onReview(amount: Money, card: Card): void;
}) {
  const { m, errorText, money } = useI18n();
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const { limits } = props.balance;
  const perPayment = props.kind === 'topup' ? limits.topup_per_payment : limits.withdraw_per_payment;
  const left = props.kind === 'topup' ? limits.topup_daily_remaining : limits.withdraw_daily_remaining;
  const card = props.cards.find((c) => c.card_id === props.cardId && props.eligible(c)) ?? null;

  async function review(e: FormEvent) {
    e.preventDefault();
    if (!card) return;
    setBusy(true);
    setError(null);
    try {
      // The core reads the amount (strictly); the UI only shows what it made of it.
      props.onReview(await backend.parseAmount(props.amountText), card);
    } catch (err) {
      setError(WalletError.from(err));
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={review} noValidate aria-busy={busy}>
      {props.kind === 'withdrawal' && (
        <p className="available" data-testid="available">
          {fmt(m.withdraw.available, { amount: money(props.balance.balance) })}
        </p>
      )}
      <div className="card form-card">
        <Field
          label={m.move.amount}
          prefix="¥"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          placeholder="0.00"
          className="field__input field__input--amount"
          value={props.amountText}
          onChange={(e) => {
            props.onAmountText(e.target.value);
            if (error) setError(null);
          }}
          hint={`${fmt(m.move.limits, { perPayment: money(perPayment), left: money(left) })} ${m.move.amountHint}`}
          error={error ? errorText(error) : null}
          testId="amount"
          autoFocus
          required
        />
        <CardPicker label={m.move.card} cards={props.cards} value={props.cardId} onChange={props.onCardId} isEligible={props.eligible} disabled={busy} />
      </div>
      {props.kind === 'withdrawal' && <p className="page__note">{m.withdraw.feeNote}</p>}
      <Button type="submit" block busy={busy} disabled={!card || props.amountText.trim() === ''} data-testid="move-continue">
        {m.move.review}
      </Button>
    </form>
  );
}

function Confirm({
  kind,
  profile,
  step,
  onEdit,
  onDone,
  onForgotPin,
}: {
  kind: Kind;
  profile: Profile;
  step: Extract<Step, { at: 'confirm' }>;
  onEdit(): void;
  onDone(op: Operation): void;
  onForgotPin(): void;
}) {
  const { m, errorText, money, cardLabel } = useI18n();
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  const [pin, setPin] = useState('');
  const amount = money(step.amount);
  const card = cardLabel(step.card);
  const wallet = fmt(m.move.yourWallet, { name: profile.name });

  async function submit(withPin: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const input = { amount: toDecimal(step.amount), card_id: step.card.card_id, pin: withPin, idempotency_key: step.key };
      onDone(kind === 'topup' ? await backend.topUp(input) : await backend.withdraw(input));
    } catch (e) {
      setError(WalletError.from(e));
      setPin('');
      setBusy(false);
    }
  }

  const pinProblem = error && (error.code === 'PIN_WRONG' || error.code === 'PIN_LOCKED' || error.code === 'PIN_FORMAT_INVALID');
  const canEdit = error && (AMOUNT_ERRORS.has(error.code) || error.code.startsWith('CARD_') || error.code === 'BANK_INSUFFICIENT_FUNDS');

  return (
    <div className="stack">
      <div className="card confirm">
        <p className="confirm__amount" data-testid="confirm-amount">
          {amount}
        </p>
        <Summary
          testId="confirm-summary"
          rows={[
            [m.move.from, kind === 'topup' ? card : wallet, 'confirm-from'],
            [m.move.to, kind === 'topup' ? wallet : card, 'confirm-to'],
            [m.move.amountRow, amount],
          ]}
        />
        {kind === 'withdrawal' && <p className="page__note">{m.withdraw.feeNote}</p>}
      </div>
      {error && !pinProblem && (
        <Notice kind="error" testId="form-error">
          {errorText(error)}
        </Notice>
      )}
      {busy && (
        <p className="page__note" role="status" data-testid="move-working">
          <span className="spinner spinner--dark" aria-hidden="true" /> {m.move.working}
        </p>
      )}
      {/* A top-up pulls money from the user's card: it takes the PIN like a withdrawal. */}
      <div className="card form-card">
        <CodeInput
          label={kind === 'topup' ? fmt(m.topup.pinPrompt, { amount }) : m.move.pinPrompt}
          masked
          autoFocus
          value={pin}
          onChange={(v) => {
            setPin(v);
            if (error && v) setError(null);
          }}
          onComplete={(v) => void submit(v)}
          error={pinProblem ? errorText(error) : null}
          disabled={busy}
          testId={kind === 'topup' ? 'topup-pin' : 'withdraw-pin'}
        />
        {error?.code === 'PIN_LOCKED' && (
          <button type="button" className="link" onClick={onForgotPin} data-testid="forgot-pin">
            {m.pin.forgot}
          </button>
        )}
      </div>
      <Button block variant={canEdit ? 'primary' : 'secondary'} onClick={onEdit} disabled={busy} data-testid="move-edit">
        {m.app.change}
      </Button>
    </div>
  );
}

function Receipt({ kind, initial, cards, onHome }: { kind: Kind; initial: Operation; cards: Card[]; onHome(): void }) {
  const { m, money, dateTime, cardLabel } = useI18n();
  const op = useLiveOperation(initial);
  const t = kind === 'topup' ? m.topup : m.withdraw;
  const card = cardLabel(cards.find((c) => c.card_id === op.card_id) ?? { bank: op.bank, last4: op.card_last4 ?? '' });
  const failed = op.status === 'failed';
  const signed = failed ? money(op.amount, 'never') : money(kind === 'topup' ? op.amount : { ...op.amount, minor: -op.amount.minor }, 'always');
  const heading = op.status === 'succeeded' ? t.succeeded : op.status === 'pending' ? t.pending : t.failed;
  const rows: Array<[string, ReactNode, string?]> = [[kind === 'topup' ? m.move.from : m.move.to, card, 'receipt-card']];
  if (kind === 'withdrawal' && !failed) {
    rows.push([m.move.fee, money(op.fee), 'receipt-fee']);
    rows.push([m.move.arrives, money({ ...op.amount, minor: op.amount.minor - op.fee.minor }), 'receipt-arrives']);
  }
  rows.push([m.move.time, dateTime(op.created_at)], [m.move.reference, <span className="summary__ref">{op.operation_id}</span>, 'receipt-reference']);
  const text = { heading, pendingBody: m.move.pendingBody, checking: m.move.checking, failedBody: t.failedBody };
  const icon = kind === 'withdrawal' && op.status === 'succeeded' ? WithdrawIcon : undefined;
  return <OperationReceipt op={op} signed={signed} rows={rows} text={text} icon={icon} onDone={onHome} />;
}
