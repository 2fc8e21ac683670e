import { useEffect, useId, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { CodeInput } from './CodeInput';
import { Button, ModalDialog } from './ui';

/**
 * A modal asking for the payment PIN to confirm one action. It submits by itself once six digits
 * are in; a failure clears the PIN and shows `error`. Escape cancels; focus returns on close.
 */
export function PinDialog(props: {
  title: string;
  body: string;
  busy?: boolean;
  error?: string | null;
  /** A link under the error (e.g. "Forgot payment PIN?"). */
  extra?: ReactNode;
  /** What to choose before the PIN (e.g. where the money comes from). */
  before?: ReactNode;
  onSubmit(pin: string): void;
  onCancel(): void;
}) {
  const { m } = useI18n();
  const titleId = useId();
  const bodyId = useId();
  const [pin, setPin] = useState('');

  // A failed try empties the field for the next one.
  useEffect(() => {
    if (props.error) setPin('');
  }, [props.error]);

  return (
    <ModalDialog labelledBy={titleId} describedBy={bodyId} busy={props.busy} onCancel={props.onCancel} testId="pin-dialog">
        <h2 id={titleId} className="dialog__title">
          {props.title}
        </h2>
        <p id={bodyId} className="dialog__body">
          {props.body}
        </p>
        {props.before}
        <CodeInput
          label={m.pin.label}
          masked
          autoFocus
          value={pin}
          onChange={setPin}
          onComplete={props.onSubmit}
          error={props.error}
          disabled={props.busy}
          testId="pin-dialog-input"
        />
        {props.extra}
        {props.busy && (
          <p className="page__note" role="status">
            <span className="spinner spinner--dark" aria-hidden="true" /> {m.app.working}
          </p>
        )}
        <div className="dialog__actions dialog__actions--single">
          <Button variant="secondary" onClick={props.onCancel} disabled={props.busy} data-testid="pin-dialog-cancel">
            {m.app.cancel}
          </Button>
        </div>
    </ModalDialog>
  );
}
