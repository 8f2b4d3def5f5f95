import { forwardRef, useId, useMemo, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n';
import type { Code } from '../../../../shared/analysis';
import { foldQuery as fold } from '../../../../shared/analysis-text';
import { codeLabel } from '../../components/codes';

interface Props {
  codes: Code[];
  disabled: boolean;
  /** Apply an existing code, or create one with this name and apply it. */
  onPick(pick: { codeId: string } | { create: string }): void;
  /** Escape: back to the text, where the selection still is. */
  onEscape(): void;
  autoFocus?: boolean;
}

/**
 * The quick-code box: type a few letters, Enter. A combobox (ARIA 1.2 pattern) over the
 * codebook; the last option creates a code of the typed name when none has it.
 */
export const QuickCode = forwardRef<HTMLInputElement, Props>(function QuickCode({ codes, disabled, onPick, onEscape, autoFocus }, ref) {
  const { t } = useI18n();
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const options = useMemo(() => {
    const q = fold(query.trim());
    if (!q) return [];
    const found = codes
      .map((c) => ({ c, n: fold(c.name) }))
      .filter((x) => x.n.includes(q))
      .sort((a, b) => Number(!a.n.startsWith(q)) - Number(!b.n.startsWith(q)) || a.c.name.localeCompare(b.c.name, 'nb'))
      .slice(0, 8)
      .map((x) => ({ key: x.c.id, label: codeLabel(x.c), pick: { codeId: x.c.id } as const, color: x.c.color }));
    const exact = codes.some((c) => c.parentId === null && fold(c.name) === q);
    return exact ? found : [...found, { key: 'new', label: t('analysis.quick.create', { name: query.trim() }), pick: { create: query.trim() } as const, color: null }];
  }, [codes, query, t]);
  const open = options.length > 0 && !disabled;
  const current = Math.min(active, options.length - 1);

  function choose(i: number) {
    const o = options[i];
    if (!o) return;
    onPick(o.pick);
    setQuery('');
    setActive(0);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' && open) {
      e.preventDefault();
      setActive((current + 1) % options.length);
    } else if (e.key === 'ArrowUp' && open) {
      e.preventDefault();
      setActive((current - 1 + options.length) % options.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (open) choose(current);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (query) setQuery('');
      else onEscape();
    }
  }

  return (
    <div className="quick-code">
      <label htmlFor={`${id}-in`} className="label">
        {t('analysis.quick.label')}
      </label>
      <input
        id={`${id}-in`}
        ref={ref}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${id}-o${current}` : undefined}
        aria-describedby={`${id}-hint`}
        autoFocus={autoFocus}
        autoComplete="off"
        spellCheck={false}
        value={query}
        disabled={disabled}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <p className="hint" id={`${id}-hint`}>
        {disabled ? t('analysis.quick.needSelection') : t('analysis.quick.hint')}
      </p>
      {open && (
        <ul className="quick-options" role="listbox" id={`${id}-list`} aria-label={t('analysis.quick.options')}>
          {options.map((o, i) => (
            <li
              key={o.key}
              id={`${id}-o${i}`}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'active' : ''}
              // mousedown, not click: the input must keep focus and the text its selection.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
            >
              {o.color ? <Swatch color={o.color} /> : <span className="swatch new" aria-hidden="true">+</span>}
              {o.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

export function Swatch({ color }: { color: string }) {
  // A CSS variable set through the style object (CSSOM), which the page's CSP allows.
  return <span className="swatch" aria-hidden="true" style={{ '--c': color } as CSSProperties} />;
}
