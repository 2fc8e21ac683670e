import { useState, type InputHTMLAttributes } from 'react';
import { useI18n } from '../i18n';
import { EyeIcon, EyeOffIcon } from './icons';
import { Field } from './ui';

type Props = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; error?: string | null; testId?: string };

/** A password input with a show/hide toggle (a real button, reachable by keyboard). */
export function PasswordField(props: Props) {
  const { m } = useI18n();
  const [visible, setVisible] = useState(false);
  return (
    <Field
      {...props}
      type={visible ? 'text' : 'password'}
      spellCheck={false}
      autoCapitalize="off"
      autoCorrect="off"
      trailing={
        <button
          type="button"
          className="icon-btn icon-btn--inset"
          aria-label={visible ? m.signup.hidePassword : m.signup.showPassword}
          aria-pressed={visible}
          onClick={() => setVisible((v) => !v)}
        >
          {visible ? <EyeOffIcon width={20} height={20} /> : <EyeIcon width={20} height={20} />}
        </button>
      }
    />
  );
}
