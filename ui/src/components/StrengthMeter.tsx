import type { PasswordStrength } from '../backend/types';
import { useI18n } from '../i18n';
import { translateFeedback } from '../i18n/feedback';

/**
 * Shows zxcvbn's rating as computed by the backend: score (0–4) as five bars plus a word (colour
 * is never the only signal), whether it is acceptable, and zxcvbn's warning and suggestions.
 */
export function StrengthMeter({ strength, id }: { strength: PasswordStrength | null; id?: string }) {
  const { m, locale } = useI18n();
  if (!strength) return null;
  const score = Math.max(0, Math.min(4, strength.score));
  const level = m.strength.levels[score] ?? '';
  const tone = strength.acceptable ? 'ok' : score >= 2 ? 'fair' : 'weak';
  return (
    <div id={id} className={`strength strength--${tone}`} data-testid="password-strength" data-score={score} data-acceptable={strength.acceptable}>
      <div className="strength__head">
        <span className="strength__label">{m.strength.label}</span>
        <span className="strength__level" data-testid="password-strength-level">
          {level}
          <span className="strength__verdict"> · {strength.acceptable ? m.strength.acceptable : m.strength.notAcceptable}</span>
        </span>
      </div>
      <div
        className="strength__bars"
        role="meter"
        aria-label={m.strength.label}
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={score}
        aria-valuetext={level}
      >
        {[0, 1, 2, 3, 4].map((i) => (
          <span key={i} className={`strength__bar${i <= score ? ' is-on' : ''}`} />
        ))}
      </div>
      {(strength.warning || strength.suggestions.length > 0) && (
        <ul className="strength__feedback" aria-live="polite">
          {strength.warning && (
            <li className="strength__warning" data-testid="password-warning">
              {translateFeedback(strength.warning, locale)}
            </li>
          )}
          {strength.suggestions.map((s) => (
            <li key={s} data-testid="password-suggestion">
              {translateFeedback(s, locale)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
