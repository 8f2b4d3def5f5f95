import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { ErrorBanner, TextField } from './ui';
import { Dialog } from './Dialog';
import type { ErrorInfo } from '../../../shared/errors';

/**
 * An irreversible action: says what will be destroyed and asks for the participant
 * code to be typed. Main checks the typed code again.
 */
export function TypedConfirm(props: {
  title: string;
  code: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm(typed: string): Promise<ErrorInfo | null>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const matches = typed.trim().toUpperCase() === props.code;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(await props.onConfirm(typed));
    setBusy(false);
  }

  return (
    <Dialog labelledBy="tc-h" onCancel={busy ? undefined : props.onCancel}>
      <h2 id="tc-h">{props.title}</h2>
      {props.children}
      <form onSubmit={submit} noValidate>
        <TextField label={t('withdraw.typeCode', { code: props.code })} value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus autoComplete="off" />
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" className="secondary" onClick={props.onCancel} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="danger" disabled={busy || !matches}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
