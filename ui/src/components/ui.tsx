// Small shared building blocks: fields, buttons, notices, the top bar and the language menu.
import { useEffect, useId, useRef, type ComponentPropsWithRef, type InputHTMLAttributes, type KeyboardEvent, type ReactNode } from 'react';
import { LOCALES, LOCALE_NAMES, useI18n, type Locale } from '../i18n';
import { AlertIcon, BackIcon, CheckIcon, GlobeIcon, InfoIcon } from './icons';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: string;
  error?: string | null;
  /** Rendered inside the input's box, after it (e.g. a show-password button). */
  trailing?: ReactNode;
  prefix?: string;
  testId?: string;
};

/** A labelled input with its hint and error wired to `aria-describedby`. */
export function Field({ label, hint, error, trailing, prefix, testId, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const hintId = `${inputId}-hint`;
  const errId = `${inputId}-error`;
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={inputId} className="field__label">
        {label}
      </label>
      <div className="field__box">
        {prefix && (
          <span className="field__prefix" aria-hidden="true">
            {prefix}
          </span>
        )}
        <input id={inputId} className="field__input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} data-testid={testId} {...input} />
        {trailing}
      </div>
      {error && (
        <p id={errId} className="field__error" data-testid={testId ? `${testId}-error` : undefined}>
          <AlertIcon width={16} height={16} /> {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}

type ButtonProps = ComponentPropsWithRef<'button'> & {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger' | 'danger-ghost';
  busy?: boolean;
  block?: boolean;
};

export function Button({ variant = 'primary', busy, block, className, children, disabled, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      className={`btn btn--${variant}${block ? ' btn--block' : ''}${className ? ` ${className}` : ''}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** An error or warning (role=alert) or a notice (role=status) banner. */
export function Notice({ kind, children, testId }: { kind: 'error' | 'warning' | 'info' | 'success'; children: ReactNode; testId?: string }) {
  const Icon = kind === 'error' || kind === 'warning' ? AlertIcon : kind === 'success' ? CheckIcon : InfoIcon;
  return (
    <div className={`notice notice--${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'} data-testid={testId}>
      <Icon className="notice__icon" />
      <div>{children}</div>
    </div>
  );
}

/** The language menu: a native select, so keyboard and screen readers work as everywhere. */
export function LanguageMenu({ tone = 'plain' }: { tone?: 'plain' | 'brand' }) {
  const { locale, setLocale, m } = useI18n();
  const id = useId();
  return (
    <div className={`lang lang--${tone}`}>
      <label htmlFor={id} className="sr-only">
        {m.app.language}
      </label>
      <GlobeIcon className="lang__icon" width={18} height={18} />
      <select id={id} className="lang__select" value={locale} data-testid="language-select" onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A screen's header: back button, title, language menu. */
export function TopBar({ title, onBack }: { title?: string; onBack?: () => void }) {
  const { m } = useI18n();
  return (
    <header className="topbar">
      {onBack ? (
        <button type="button" className="icon-btn" onClick={onBack} aria-label={m.app.back} data-testid="back">
          <BackIcon />
        </button>
      ) : (
        <span className="topbar__spacer" />
      )}
      {title && <span className="topbar__title">{title}</span>}
      <LanguageMenu />
    </header>
  );
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A native modal `<dialog>` (`showModal`: the page behind is inert and the browser draws the
 * backdrop). Tab and Shift+Tab wrap inside it, so focus never leaves for the page or the
 * window's edge; Escape cancels (unless `busy`); focus returns where it was on close.
 */
export function ModalDialog({
  role = 'dialog',
  labelledBy,
  describedBy,
  busy,
  onCancel,
  testId,
  children,
}: {
  role?: 'dialog' | 'alertdialog';
  labelledBy: string;
  describedBy?: string;
  busy?: boolean;
  onCancel(): void;
  testId?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Where focus was when the dialog first rendered (before anything inside took it).
  const opener = useRef(typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null));
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const previous = opener.current;
    if (!d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', ''); // jsdom has no showModal
    }
    return () => {
      if (typeof d.close === 'function' && d.open) d.close();
      previous?.focus?.();
    };
  }, []);

  function onKeyDown(e: KeyboardEvent<HTMLDialogElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      if (!busy) onCancel();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (items.length === 0) return;
    const first = items[0] as HTMLElement;
    const last = items[items.length - 1] as HTMLElement;
    const inside = ref.current.contains(document.activeElement);
    if (e.shiftKey && (document.activeElement === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  return (
    <dialog
      ref={ref}
      className="dialog"
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-modal="true"
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onKeyDown={onKeyDown}
      // The browser's own Escape handling would close the dialog behind React's back.
      onCancel={(e) => e.preventDefault()}
      data-testid={testId}
    >
      {children}
    </dialog>
  );
}

/** A modal confirm step. Focus moves into it; Escape cancels; focus returns on close. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  /** The confirm button's look: `danger` (the default) for what cannot be undone. */
  confirmVariant?: 'danger' | 'primary';
  busy?: boolean;
  error?: string | null;
  /** Extra content under the body (e.g. an option the user may tick). */
  children?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { m } = useI18n();
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  return (
    <ModalDialog role="alertdialog" labelledBy={titleId} describedBy={bodyId} busy={props.busy} onCancel={props.onCancel} testId="confirm-dialog">
        <h2 id={titleId} className="dialog__title">
          {props.title}
        </h2>
        <p id={bodyId} className="dialog__body">
          {props.body}
        </p>
        {props.children}
        {props.error && <Notice kind="error">{props.error}</Notice>}
        <div className="dialog__actions">
          <Button ref={cancelRef} variant="secondary" onClick={props.onCancel} disabled={props.busy} data-testid="confirm-cancel">
            {m.app.cancel}
          </Button>
          <Button variant={props.confirmVariant ?? 'danger'} onClick={props.onConfirm} busy={props.busy} data-testid="confirm-ok">
            {props.confirmLabel}
          </Button>
        </div>
    </ModalDialog>
  );
}

/**
 * Moves focus to the screen's heading when a multi-step screen changes step (not on first
 * render: the app does that), so screen readers announce the new step. An input that took focus
 * itself keeps it.
 */
export function useStepFocus(step: unknown) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h = document.querySelector<HTMLElement>('main h1');
    if (h && !document.activeElement?.matches('input')) {
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
    }
  }, [step]);
}
