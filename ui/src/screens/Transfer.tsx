import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Money, Operation, Recipient } from '../backend/types';
import { TransferIcon } from '../components/icons';
import { PinDialog } from '../components/PinDialog';
import { OperationReceipt } from '../components/receipt';
import { Button, Field, Notice, TopBar, useStepFocus } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { newIdempotencyKey, toDecimal } from '../i18n/money';

type Step =
  | { at: 'phone' }
  /** The masked recipient as the core looked it up; amount and note are typed here. */
  | { at: 'amount'; phone: string; recipient: Recipient }
  /** `key` is this transfer's Idempotency-Key: a retry from the PIN dialog never sends twice. */
  | { at: 'pin'; phone: string; recipient: Recipient; amount: Money; note: string | null; key: string }
  | { at: 'receipt'; op: Operation; recipient: Recipient };

const PIN_ERRORS = new Set(['PIN_WRONG', 'PIN_LOCKED', 'PIN_FORMAT_INVALID', 'PIN_NOT_SET']);
const PHONE_ERRORS = new Set(['PHONE_INVALID', 'RECIPIENT_NOT_FOUND', 'TRANSFER_TO_SELF', 'RECIPIENT_UNAVAILABLE']);
/** The answer was lost or the server was busy: the PIN dialog stays, and a retry reuses the key. */
const RETRY_ERRORS = new Set(['NETWORK', 'INTERNAL', 'RATE_LIMITED', 'PROTOCOL']);

/**
 * Send to another user by phone number: the number → the recipient's masked name and number,
 * shown big before anything else → amount and an optional note → the PIN → receipt. The core
 * checks everything (limits, cooling-off, balance); the screen shows its answer in words.
 */
export function Transfer({ onHome, onForgotPin }: { onHome(): void; onForgotPin(): void }) {
  const { m, errorText, money } = useI18n();
  const backend = useBackend();
  const t = m.transfer;
  const [step, setStep] = useState<Step>({ at: 'phone' });
  const [phone, setPhone] = useState('');
  const [amountText, setAmountText] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WalletError | null>(null);
  // The Idempotency-Key of what was last sent: the same recipient, amount and note sent again
  // (after a lost answer, or back and forth) keep it, so money never moves twice.
  const lastKey = useRef<{ what: string; key: string } | null>(null);
  useStepFocus(step.at === 'pin' ? 'amount' : step.at);

  async function lookup(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const recipient = await backend.lookupRecipient(phone.trim());
      setStep({ at: 'amount', phone: phone.trim(), recipient });
    } catch (err) {
      setError(WalletError.from(err));
    } finally {
      setBusy(false);
    }
  }

  async function review(e: FormEvent) {
    e.preventDefault();
    if (step.at !== 'amount') return;
    setBusy(true);
    setError(null);
    try {
      // The core reads the amount; the PIN dialog names exactly what will be sent.
      const amount = await backend.parseAmount(amountText);
      const trimmed = note.trim() || null;
      const what = JSON.stringify([step.phone, amount.minor, trimmed]);
      if (lastKey.current?.what !== what) lastKey.current = { what, key: newIdempotencyKey() };
      setStep({ ...step, at: 'pin', amount, note: trimmed, key: lastKey.current.key });
    } catch (err) {
      setError(WalletError.from(err));
    } finally {
      setBusy(false);
    }
  }

  async function send(pin: string) {
    if (step.at !== 'pin' || busy) return;
    setBusy(true);
    setError(null);
    try {
      const op = await backend.transfer({ to_phone: step.phone, amount: toDecimal(step.amount), note: step.note, pin, idempotency_key: step.key });
      setStep({ at: 'receipt', op, recipient: step.recipient });
    } catch (err) {
      const e2 = WalletError.from(err);
      setError(e2);
      // Anything but a PIN problem or a lost answer goes back to the form, said in words there.
      if (!PIN_ERRORS.has(e2.code) && !RETRY_ERRORS.has(e2.code)) setStep({ at: 'amount', phone: step.phone, recipient: step.recipient });
      if (PHONE_ERRORS.has(e2.code)) setStep({ at: 'phone' });
    } finally {
      setBusy(false);
    }
  }

  const back = step.at === 'amount' ? () => setStep({ at: 'phone' }) : onHome;
  const recipient = step.at === 'amount' || step.at === 'pin' ? step.recipient : null;
  const pinError = error && (PIN_ERRORS.has(error.code) || RETRY_ERRORS.has(error.code)) ? errorText(error) : null;

  return (
    <main className="screen" data-testid="screen-transfer" data-step={step.at}>
      <TopBar onBack={step.at === 'receipt' ? undefined : back} title={step.at === 'receipt' ? t.title : undefined} />
      <div className="page">
        {step.at === 'phone' && (
          <>
            <h1 className="page__title">{t.title}</h1>
            <p className="page__subtitle">{t.intro}</p>
            <form className="stack" onSubmit={lookup} noValidate aria-busy={busy}>
              <div className="card form-card">
                <Field
                  label={t.phone}
                  type="tel"
                  inputMode="tel"
                  autoComplete="off"
                  autoFocus
                  value={phone}
                  onChange={(e) => {
                    setPhone(e.target.value);
                    if (error) setError(null);
                  }}
                  error={error ? errorText(error) : null}
                  testId="transfer-phone"
                  required
                />
              </div>
              <Button type="submit" block busy={busy} disabled={phone.trim() === ''} data-testid="transfer-lookup">
                {t.lookup}
              </Button>
            </form>
          </>
        )}
        {recipient && (
          <>
            <h1 className="page__title" data-testid="transfer-recipient">
              {fmt(t.confirm, { name: recipient.name_masked, phone: recipient.phone_masked })}
            </h1>
            <div className="card confirm recipient">
              <span className="avatar avatar--big" aria-hidden="true">
                {[...recipient.name_masked].slice(-1)[0]}
              </span>
              <p className="confirm__amount" data-testid="transfer-recipient-name">
                {recipient.name_masked}
              </p>
              <p className="page__note" data-testid="transfer-recipient-phone">
                {recipient.phone_masked}
              </p>
              <p className="page__note">{t.confirmHint}</p>
            </div>
            <form className="stack" onSubmit={review} noValidate aria-busy={busy}>
              {error && !PIN_ERRORS.has(error.code) && (
                <Notice kind="error" testId="transfer-error">
                  {errorText(error)}
                </Notice>
              )}
              <div className="card form-card">
                <Field
                  label={t.amount}
                  prefix="¥"
                  inputMode="decimal"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="0.00"
                  className="field__input field__input--amount"
                  value={amountText}
                  onChange={(e) => {
                    setAmountText(e.target.value);
                    if (error) setError(null);
                  }}
                  testId="amount"
                  autoFocus
                  required
                />
                <Field label={t.note} hint={t.noteHint} maxLength={50} value={note} onChange={(e) => setNote(e.target.value)} testId="transfer-note" />
              </div>
              <Button type="submit" block busy={busy} disabled={amountText.trim() === ''} data-testid="transfer-continue">
                {t.send}
              </Button>
              <Button block variant="secondary" onClick={() => setStep({ at: 'phone' })} disabled={busy} data-testid="transfer-change">
                {t.change}
              </Button>
            </form>
          </>
        )}
        {step.at === 'pin' && (
          <PinDialog
            title={t.pinTitle}
            body={fmt(t.pinBody, { amount: money(step.amount), name: step.recipient.name_masked, phone: step.recipient.phone_masked })}
            busy={busy}
            error={pinError}
            extra={
              error?.code === 'PIN_LOCKED' ? (
                <button type="button" className="link" onClick={onForgotPin} data-testid="forgot-pin">
                  {m.pin.forgot}
                </button>
              ) : undefined
            }
            onSubmit={(pin) => void send(pin)}
            onCancel={() => {
              setError(null);
              setStep({ at: 'amount', phone: step.phone, recipient: step.recipient });
            }}
          />
        )}
        {step.at === 'receipt' && <TransferReceipt op={step.op} recipient={step.recipient} onHome={onHome} />}
      </div>
    </main>
  );
}

function TransferReceipt({ op, recipient, onHome }: { op: Operation; recipient: Recipient; onHome(): void }) {
  const { m, money, dateTime } = useI18n();
  const t = m.transfer;
  const failed = op.status === 'failed';
  const signed = failed ? money(op.amount, 'never') : money({ ...op.amount, minor: -op.amount.minor }, 'always');
  const name = op.counterparty_name_masked ?? recipient.name_masked;
  const phone = op.counterparty_phone_masked ?? recipient.phone_masked;
  const rows: Array<[string, ReactNode, string?]> = [
    [t.to, `${name} (${phone})`, 'receipt-to'],
    [t.fromLabel, t.fromBalance],
  ];
  if (op.note) rows.push([m.history.note, op.note, 'receipt-note']);
  rows.push([t.time, dateTime(op.created_at)], [t.reference, <span className="summary__ref">{op.operation_id}</span>, 'receipt-reference']);
  const heading = op.status === 'failed' ? t.notSent : op.status === 'pending' ? t.pendingBody : t.sent;
  const icon = op.status === 'succeeded' ? TransferIcon : undefined;
  return <OperationReceipt op={op} signed={signed} rows={rows} text={{ heading, pendingBody: t.pendingBody, checking: t.checking, failedBody: t.failedBody }} icon={icon} onDone={onHome} />;
}
