import { useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n';
import { dateText, parseDateText } from '../../../shared/date-text';

interface Props {
  label: string;
  /** YYYY-MM-DD, '' for none, or what the user typed when it is not a date. */
  value: string;
  onChange(value: string): void;
  hint?: string;
  error?: string | null;
  min?: string;
  max?: string;
  autoFocus?: boolean;
  /** For a field whose label is not shown (in a table row). */
  hideLabel?: boolean;
}

/**
 * A date typed as dd.mm.yyyy (nb) or dd/mm/yyyy (en), whatever the browser's own locale:
 * `<input type="date">` showed a Norwegian student mm/dd/yyyy. The value passed up is
 * YYYY-MM-DD when the text is a date, and the text itself when not, so a form can never
 * send a date the user did not write.
 */
export function DateField({ label, value, onChange, hint, error, min, max, autoFocus, hideLabel }: Props) {
  const { t, locale, date } = useI18n();
  const id = useId();
  const [text, setText] = useState(() => (value ? dateText(value, locale) : ''));
  const [touched, setTouched] = useState(false);
  // A value changed from outside (today moving past midnight, a form reset) is shown.
  useEffect(() => {
    if (value !== (parseDateText(text) ?? text)) setText(value ? dateText(value, locale) : '');
  }, [value, locale]);
  const parsed = parseDateText(text);
  const own =
    !touched || text.trim() === ''
      ? null
      : !parsed
        ? t('screens.date.invalid')
        : max && parsed > max
          ? t('screens.date.afterMax', { date: date(max) })
          : min && parsed < min
            ? t('screens.date.beforeMin', { date: date(min) })
            : null;
  const shown = error ?? own;
  const describedBy = [hint ? `${id}-hint` : '', shown ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field date-field ${hideLabel ? 'bare' : ''}`}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : undefined}>
        {label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={t('screens.date.placeholder')}
        value={text}
        aria-invalid={shown ? true : undefined}
        aria-describedby={describedBy}
        autoFocus={autoFocus}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseDateText(e.target.value) ?? e.target.value);
        }}
        onBlur={() => {
          setTouched(true);
          if (parsed) setText(dateText(parsed, locale));
        }}
      />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {shown && (
        <p className="field-error" id={`${id}-err`}>
          {shown}
        </p>
      )}
    </div>
  );
}
