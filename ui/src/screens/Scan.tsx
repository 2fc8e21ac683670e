import { useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useBackend } from '../backend/context';
import { WalletError } from '../backend/backend';
import type { Balance, DecodedQr, Money, Operation, QrPayment } from '../backend/types';
import { AlertIcon, ImageIcon, LinkIcon, LockIcon } from '../components/icons';
import { Summary } from '../components/money';
import { MerchantHead, PaymentReceipt } from '../components/payment';
import { PinDialog } from '../components/PinDialog';
import { SourcePicker } from '../components/sources';
import { Button, Field, Notice, TopBar, useStepFocus } from '../components/ui';
import { fmt, useI18n } from '../i18n';
import { newIdempotencyKey } from '../i18n/money';

type Step =
  | { at: 'pick' }
  /** Recognised but not payable: said in words, never opened. */
  | { at: 'info'; qr: DecodedQr }
  | { at: 'confirm'; qr: QrPayment }
  | { at: 'receipt'; op: Operation };

type Props = { onHome(): void; onTopUp(): void; onForgotPin(): void };

/**
 * Scan to pay: an image of the merchant's code (chosen, dropped or pasted) or its text → what it
 * is (not payable: said in words; a link is shown as text and never opened) → the merchant on
 * record, the amount (typed for a static code, locked for a dynamic one) → the PIN → receipt.
 */
export function Scan({ onHome, onTopUp, onForgotPin }: Props) {
  const { m } = useI18n();
  const [step, setStep] = useState<Step>({ at: 'pick' });
  useStepFocus(step.at);
  const again = () => setStep({ at: 'pick' });

  return (
    <main className="screen" data-testid="screen-scan" data-step={step.at}>
      <TopBar onBack={step.at === 'pick' || step.at === 'receipt' ? onHome : again} title={step.at === 'pick' ? undefined : m.scan.title} />
      <div className="page">
        {step.at === 'pick' && <Pick onDecoded={(qr) => setStep({ at: 'info', qr })} onResolved={(qr) => setStep({ at: 'confirm', qr })} />}
        {step.at === 'info' && <NotPayable qr={step.qr} onAgain={again} />}
        {step.at === 'confirm' && (
          <Confirm qr={step.qr} onAgain={again} onPaid={(op) => setStep({ at: 'receipt', op })} onTopUp={onTopUp} onForgotPin={onForgotPin} />
        )}
        {step.at === 'receipt' && <PaymentReceipt initial={step.op} onDone={onHome} />}
      </div>
    </main>
  );
}

/** Reads a picked or dropped file's bytes (Blob.arrayBuffer where there is one). */
async function fileBytes(file: Blob): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === 'function') return new Uint8Array(await file.arrayBuffer());
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(file);
  });
}

function Pick({ onDecoded, onResolved }: { onDecoded(qr: DecodedQr): void; onResolved(qr: QrPayment): void }) {
  const { m, errorText } = useI18n();
  const backend = useBackend();
  const fileId = useId();
  const hintId = useId();
  const [busy, setBusy] = useState<'reading' | 'checking' | null>(null);
  const [error, setError] = useState<WalletError | null>(null);
  const [dragging, setDragging] = useState(false);
  const [text, setText] = useState('');
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  /** The core decides what the payload is; only our own merchant codes go on to the server. */
  async function read(payload: () => Promise<string>) {
    if (busy) return;
    setBusy('reading');
    setError(null);
    try {
      const p = await payload();
      const qr = await backend.decodeQr(p);
      if (!live.current) return;
      if (!qr.payable) {
        onDecoded(qr);
        return;
      }
      setBusy('checking');
      const resolved = await backend.resolveQr(p);
      if (live.current) onResolved(resolved);
    } catch (e) {
      if (!live.current) return;
      setError(WalletError.from(e));
      setBusy(null);
    }
  }

  const readFile = (file: File | null | undefined) => {
    if (file) void read(async () => backend.decodeQrImage(await fileBytes(file)));
  };

  function drop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    readFile(e.dataTransfer.files?.[0]);
  }

  function submitText(e: FormEvent) {
    e.preventDefault();
    void read(async () => text);
  }

  return (
    <>
      <h1 className="page__title">{m.scan.title}</h1>
      <p className="page__subtitle">{m.scan.subtitle}</p>
      <div
        className={`dropzone card${dragging ? ' is-dragging' : ''}`}
        data-testid="scan-drop"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={drop}
        aria-busy={busy !== null}
      >
        <span className="dropzone__icon" aria-hidden="true">
          <ImageIcon width={30} height={30} />
        </span>
        {/* A real file input (so keyboards, screen readers and WebDriver reach it), laid over its visible label. */}
        <div className="file-pick">
          <label htmlFor={fileId} className="btn btn--primary file-pick__label">
            {m.scan.chooseImage}
          </label>
          <input
            id={fileId}
            className="file-pick__input"
            type="file"
            accept="image/*"
            aria-describedby={hintId}
            data-testid="scan-file"
            disabled={busy !== null}
            onChange={(e) => {
              readFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </div>
        <p id={hintId} className="dropzone__hint">
          {dragging ? m.scan.dropActive : `${m.scan.drop} · ${m.scan.chooseHint}`}
        </p>
      </div>
      {busy && (
        <p className="page__note" role="status" data-testid="scan-working">
          <span className="spinner spinner--dark" aria-hidden="true" /> {busy === 'reading' ? m.scan.reading : m.scan.checking}
        </p>
      )}
      {error && (
        <Notice kind="error" testId="scan-error">
          {errorText(error)}
        </Notice>
      )}
      <form className="card form-card" onSubmit={submitText} noValidate>
        <div className="field">
          <label htmlFor={`${fileId}-text`} className="field__label">
            {m.scan.pasteLabel}
          </label>
          <textarea
            id={`${fileId}-text`}
            className="field__input field__textarea"
            rows={3}
            spellCheck={false}
            autoComplete="off"
            autoCapitalize="off"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onPaste={(e) => {
              // A pasted screenshot is read like a chosen image.
              const file = e.clipboardData.files?.[0];
              if (file) {
                e.preventDefault();
                readFile(file);
              }
            }}
            aria-describedby={`${fileId}-text-hint`}
            data-testid="scan-text"
          />
          <p id={`${fileId}-text-hint`} className="field__hint">
            {m.scan.pasteHint}
          </p>
        </div>
        <Button type="submit" variant="secondary" block disabled={busy !== null || text.trim() === ''} data-testid="scan-text-submit">
          {m.scan.pasteSubmit}
        </Button>
      </form>
    </>
  );
}

/** What a code is when Wallet does not pay it. Its text is shown as text: never a link, never opened. */
function NotPayable({ qr, onAgain }: { qr: DecodedQr; onAgain(): void }) {
  const { m } = useI18n();
  const link = qr.kind === 'url';
  let what: string;
  switch (qr.kind) {
    case 'emvco_mpm':
      what = fmt(m.qr.foreign, { network: m.qr.networks[qr.network ?? 'unknown'] });
      break;
    case 'emvco_cpm':
      what = m.qr.cpm;
      break;
    case 'upi':
      what = m.qr.upi;
      break;
    case 'alipay':
      what = m.qr.alipay;
      break;
    case 'wechat':
      what = m.qr.wechat;
      break;
    case 'url':
      what = m.qr.link;
      break;
    default:
      what = m.qr.text;
  }
  const payee = qr.kind === 'upi' ? (qr.upi?.pn ?? qr.upi?.pa ?? null) : qr.merchant_name;
  const rows: Array<[string, string, string?]> = [];
  if (payee) rows.push([m.qr.payee, payee, 'qr-payee']);
  if (qr.merchant_city) rows.push([m.scan.city, qr.merchant_city]);

  return (
    <div className="stack" data-testid="qr-info" data-kind={qr.kind} data-network={qr.network ?? ''}>
      <div className="card qr-info">
        <div className="page__icon page__icon--warn" aria-hidden="true">
          {link ? <LinkIcon width={28} height={28} /> : <AlertIcon width={28} height={28} />}
        </div>
        <h1 className="page__title qr-info__title">{m.qr.notPayable}</h1>
        <p className="qr-info__what" data-testid="qr-what">
          {what}
        </p>
        {rows.length > 0 && <Summary rows={rows} />}
        {qr.text && (
          <div className="qr-text">
            <p className="field__label" id="qr-text-label">
              {m.qr.contents}
            </p>
            {/* Plain text on purpose: a link from a QR code is never made clickable. */}
            <p className="qr-text__value" aria-labelledby="qr-text-label" data-testid="qr-text">
              {qr.text}
            </p>
          </div>
        )}
      </div>
      <Button block onClick={onAgain} data-testid="scan-again">
        {m.scan.another}
      </Button>
    </div>
  );
}

/** PIN problems the PIN dialog shows itself; everything else closes it and is shown on the page. */
const PIN_ERRORS = new Set(['PIN_WRONG', 'PIN_LOCKED', 'PIN_FORMAT_INVALID']);
const AMOUNT_ERRORS = new Set(['AMOUNT_REQUIRED', 'AMOUNT_INVALID', 'AMOUNT_OVER_LIMIT', 'AMOUNT_LOCKED', 'DAILY_LIMIT_REACHED']);

function Confirm({
  qr,
  onAgain,
  onPaid,
  onTopUp,
  onForgotPin,
}: {
  qr: QrPayment;
  onAgain(): void;
  onPaid(op: Operation): void;
  onTopUp(): void;
  onForgotPin(): void;
}) {
  const { m, errorText, money, dateTime } = useI18n();
  const backend = useBackend();
  const locked = qr.channel === 'dynamic_qr' && qr.amount !== null;
  const [amountText, setAmountText] = useState('');
  const [amount, setAmount] = useState<Money | null>(locked ? qr.amount : null);
  const [balance, setBalance] = useState<Balance | null>(null);
  const [asking, setAsking] = useState(false);
  const [source, setSource] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pinError, setPinError] = useState<WalletError | null>(null);
  /** Counts failed PIN tries: each one starts the dialog afresh (empty, focused). */
  const [tries, setTries] = useState(0);
  const [amountError, setAmountError] = useState<WalletError | null>(null);
  const [error, setError] = useState<WalletError | null>(null);
  /** One Idempotency-Key per amount: a retry of the same payment never pays twice. */
  const key = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    backend
      .balance()
      .then((b) => live && setBalance(b))
      .catch(() => undefined); // Only shown as "available"; the payment itself checks.
    return () => {
      live = false;
    };
  }, [backend]);

  /** Static codes: the core reads the typed amount (strictly) before the PIN is asked for. */
  async function review() {
    setError(null);
    setAmountError(null);
    if (!locked) {
      if (amountText.trim() === '') {
        setAmountError(new WalletError('AMOUNT_REQUIRED'));
        return;
      }
      try {
        setAmount(await backend.parseAmount(amountText));
      } catch (e) {
        setAmountError(WalletError.from(e));
        return;
      }
    }
    key.current ??= newIdempotencyKey();
    setPinError(null);
    setAsking(true);
  }

  async function pay(pin: string) {
    if (busy) return;
    setBusy(true);
    setPinError(null);
    try {
      const op = await backend.payQr({
        payload: qr.payload,
        amount: locked ? null : amountText,
        source,
        pin,
        idempotency_key: key.current,
      });
      onPaid(op);
    } catch (e) {
      const err = WalletError.from(e);
      setBusy(false);
      if (PIN_ERRORS.has(err.code)) {
        setPinError(err);
        setTries((n) => n + 1);
        return;
      }
      setAsking(false);
      if (AMOUNT_ERRORS.has(err.code) && !locked) setAmountError(err);
      else setError(err);
    }
  }

  const amountLabel = amount ? money(amount) : null;
  const available = balance ? fmt(m.scan.balanceAvailable, { amount: money(balance.balance) }) : m.scan.balance;
  const rows: Array<[string, string, string?]> = [
    [m.scan.to, qr.merchant_name, 'confirm-merchant'],
    [m.scan.from, available, 'confirm-source'],
  ];
  if (qr.expires_at) rows.push([m.scan.payBefore, dateTime(qr.expires_at), 'confirm-expires']);
  const closed = error !== null && (error.code.startsWith('ORDER_') || error.code.startsWith('QR_') || error.code === 'MERCHANT_NOT_FOUND');

  return (
    <div className="stack" data-testid="pay-confirm" data-channel={qr.channel}>
      <h1 className="page__title">{m.scan.confirmTitle}</h1>
      <div className="card confirm">
        <MerchantHead name={qr.merchant_name} city={qr.merchant_city} mcc={qr.mcc} testId="confirm-merchant-name" />
        {qr.name_mismatch && (
          <Notice kind="warning" testId="name-mismatch">
            <strong className="notice__title">{m.scan.mismatchTitle}</strong>
            {fmt(m.scan.mismatch, { printed: qr.printed_name, name: qr.merchant_name })}
          </Notice>
        )}
        {locked ? (
          <div className="locked-amount">
            <p className="field__label">
              <LockIcon width={16} height={16} className="inline-icon" /> {m.scan.lockedAmount}
            </p>
            <p className="confirm__amount" data-testid="confirm-amount">
              {amountLabel}
            </p>
          </div>
        ) : (
          <Field
            label={m.scan.amount}
            prefix="¥"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            placeholder="0.00"
            className="field__input field__input--amount"
            value={amountText}
            onChange={(e) => {
              setAmountText(e.target.value);
              setAmount(null);
              key.current = null;
              if (amountError) setAmountError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void review();
            }}
            hint={m.scan.amountHint}
            error={amountError ? errorText(amountError) : null}
            testId="pay-amount"
            autoFocus
            required
          />
        )}
        <Summary rows={rows} testId="confirm-summary" />
      </div>
      {error && (
        <Notice kind="error" testId="pay-error">
          {errorText(error)}
        </Notice>
      )}
      {error?.code === 'BALANCE_INSUFFICIENT' && (
        <Button block variant="secondary" onClick={onTopUp} data-testid="pay-topup">
          {m.scan.topUp}
        </Button>
      )}
      {!closed && (
        <Button block onClick={() => void review()} data-testid="pay-submit">
          {amountLabel ? fmt(m.scan.pay, { amount: amountLabel }) : m.scan.payNoAmount}
        </Button>
      )}
      <Button block variant={closed ? 'primary' : 'secondary'} onClick={onAgain} data-testid="scan-again">
        {m.scan.another}
      </Button>
      {asking && amount && (
        <PinDialog
          key={tries}
          title={fmt(m.scan.pinTitle, { amount: money(amount), merchant: qr.merchant_name })}
          body={m.scan.pinBody}
          before={<SourcePicker amount={amount} value={source} onChange={setSource} />}
          busy={busy}
          error={pinError ? errorText(pinError) : null}
          extra={
            pinError?.code === 'PIN_LOCKED' ? (
              <button type="button" className="link" onClick={onForgotPin} data-testid="forgot-pin">
                {m.pin.forgot}
              </button>
            ) : null
          }
          onSubmit={(pin) => void pay(pin)}
          onCancel={() => setAsking(false)}
        />
      )}
    </div>
  );
}
