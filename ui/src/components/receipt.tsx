// The last step of every money-moving screen: what happened, how much, with whom, the reference.
import { useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { WalletError } from '../backend/backend';
import { useBackend } from '../backend/context';
import type { Operation } from '../backend/types';
import { useI18n } from '../i18n';
import { polling } from '../polling';
import { CheckIcon, ClockIcon, XCircleIcon } from './icons';
import { Summary } from './money';
import { Button, Notice } from './ui';

/** The operation, asked about again now and then while it is pending (it resolves by itself). */
export function useLiveOperation(initial: Operation): Operation {
  const backend = useBackend();
  const [op, setOp] = useState(initial);
  useEffect(() => {
    if (op.status !== 'pending') return;
    let tries = 0;
    const timer = setInterval(() => {
      if (++tries > polling.maxTries) {
        clearInterval(timer);
        return;
      }
      backend
        .operation(op.operation_id)
        .then(setOp)
        .catch(() => undefined); // Offline: try again next time.
    }, polling.intervalMs);
    return () => clearInterval(timer);
  }, [backend, op.status, op.operation_id]);
  return op;
}

export interface ReceiptText {
  heading: string;
  pendingBody: string;
  checking: string;
  failedBody: string;
}

/**
 * A receipt card: status icon and words, the signed amount (struck through when it failed), the
 * rows, and what a pending or failed operation means.
 */
export function OperationReceipt({
  op,
  signed,
  rows,
  text,
  icon,
  onDone,
  children,
}: {
  op: Operation;
  signed: string;
  rows: Array<[string, ReactNode, string?]>;
  text: ReceiptText;
  /** Replaces the status icon (e.g. a withdrawal's own icon once it succeeded). */
  icon?: ComponentType<{ width: number; height: number }>;
  onDone(): void;
  children?: ReactNode;
}) {
  const { m, errorText } = useI18n();
  const failed = op.status === 'failed';
  const Icon = icon ?? (op.status === 'succeeded' ? CheckIcon : op.status === 'pending' ? ClockIcon : XCircleIcon);
  return (
    <div className="stack" data-testid="receipt" data-status={op.status}>
      <div className="receipt card">
        <div className={`receipt__icon receipt__icon--${op.status}`} aria-hidden="true">
          <Icon width={30} height={30} />
        </div>
        <h1 className="page__title receipt__title" data-testid="receipt-status">
          {text.heading}
        </h1>
        <p className={`receipt__amount${failed ? ' is-void' : ''}`} data-testid="receipt-amount">
          {signed}
        </p>
        <Summary rows={rows} />
      </div>
      {op.status === 'pending' && (
        <Notice kind="info" testId="receipt-pending">
          {text.pendingBody}
          <span className="receipt__checking">
            <span className="spinner spinner--dark" aria-hidden="true" /> {text.checking}
          </span>
        </Notice>
      )}
      {failed && (
        <Notice kind="error" testId="receipt-failure">
          {op.failure_code ? `${errorText(new WalletError(op.failure_code))} ` : ''}
          {text.failedBody}
        </Notice>
      )}
      {children}
      <Button block onClick={onDone} data-testid="receipt-done">
        {m.app.done}
      </Button>
    </div>
  );
}
