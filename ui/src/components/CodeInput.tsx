import { useEffect, useId, useRef, useState } from 'react';
import { AlertIcon } from './icons';

const LENGTH = 6;

type Props = {
  label: string;
  /** Shown under the label; also read by screen readers. */
  hint?: string;
  value: string;
  onChange(value: string): void;
  /** Called once each time six digits are in (the field submits by itself). */
  onComplete?(value: string): void;
  /** A payment PIN: dots instead of digits, and a password input. */
  masked?: boolean;
  error?: string | null;
  disabled?: boolean;
  autoFocus?: boolean;
  testId?: string;
  /** Hides the label visually (the screen's heading says it); it stays for screen readers. */
  labelHidden?: boolean;
};

/**
 * Six digit cells over one real input (so paste, autofill, keyboard and screen readers work as
 * usual). Used for bank codes and the payment PIN.
 */
export function CodeInput({ label, hint, value, onChange, onComplete, masked, error, disabled, autoFocus, testId, labelHidden }: Props) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  const [focused, setFocused] = useState(false);

  // Focus on arrival and again when re-enabled after a failed try.
  useEffect(() => {
    if (autoFocus && !disabled) ref.current?.focus();
  }, [autoFocus, disabled]);

  function change(raw: string) {
    const digits = raw.replace(/\D/g, '').slice(0, LENGTH);
    onChange(digits);
    if (digits.length === LENGTH && digits !== value) onComplete?.(digits);
  }

  const cells = Array.from({ length: LENGTH }, (_, i) => value[i] ?? '');
  const active = Math.min(value.length, LENGTH - 1);
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;

  return (
    <div className="code-field">
      <label htmlFor={id} className={labelHidden ? 'sr-only' : 'field__label'}>
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      <div className="otp">
        <input
          id={id}
          ref={ref}
          className="otp__input"
          type={masked ? 'password' : 'text'}
          inputMode="numeric"
          autoComplete={masked ? 'off' : 'one-time-code'}
          pattern="[0-9]*"
          maxLength={LENGTH}
          value={value}
          onChange={(e) => change(e.target.value)}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          disabled={disabled}
        />
        <div className="otp__cells" aria-hidden="true">
          {cells.map((c, i) => (
            <span key={i} className={`otp__cell${c ? ' is-filled' : ''}${focused && i === active ? ' is-active' : ''}${error ? ' is-invalid' : ''}`}>
              {c && masked ? <span className="otp__dot" /> : c}
            </span>
          ))}
        </div>
      </div>
      {error && (
        <p id={`${id}-error`} className="field__error" role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          <AlertIcon width={16} height={16} /> {error}
        </p>
      )}
    </div>
  );
}
