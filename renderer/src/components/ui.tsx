import { Fragment, useId, type ReactNode, type InputHTMLAttributes } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import { useI18n } from '../i18n';

export function TextField(props: { label: string; hint?: string; error?: string | null; optional?: boolean } & InputHTMLAttributes<HTMLInputElement>) {
  const { label, hint, error, optional, ...input } = props;
  const id = useId();
  const { t } = useI18n();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} {optional && <span className="muted">{t('common.optional')}</span>}
      </label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-err`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function ErrorBanner({ error }: { error: ErrorInfo | null }) {
  const { error: message } = useI18n();
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      {message(error)}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-info" role="status">
      {children}
    </div>
  );
}

export function Card({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Long work in progress: a spinner and what is happening, announced to screen readers. */
export function Busy({ label }: { label: string }) {
  return (
    <p className="progress" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

/**
 * A file path that may wrap after a folder separator, never inside a folder's name
 * (CSS alone breaks a long path anywhere, mid-word, or not at all).
 */
export function PathText({ path }: { path: string }) {
  const parts = path.split(/(?<=[/\\])/);
  // Each folder's name is kept whole (a folder made from the title has hyphens, where a
  // browser would otherwise break "Relasjonsarbeid-i-" from the rest); only a name longer
  // than the line is broken inside.
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          <span className="path-part">{p}</span>
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}
